"""Reads for supplier profiles and catalogues. Every query is scoped to what the user may see:
an object the user may not see is "not found", never "forbidden"."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.categories.models import Category
from marketplace.companies.models import Company, MembershipRole, VerificationStatus
from marketplace.companies.selectors import user_company_ids, user_is_company_member
from marketplace.core.exceptions import NotFoundError

from . import pricelist_io
from .models import Certificate, PriceList, PriceListItem, Product, SupplierProfile
from .regions import normalize_region_code

# Who may change what a supplier publishes about itself.
PROFILE_EDITOR_ROLES = (MembershipRole.COMPANY_ADMIN, MembershipRole.ACCOUNT_MANAGER)
# Who may change the supplier's catalogue and price lists.
CATALOGUE_EDITOR_ROLES = (
    MembershipRole.COMPANY_ADMIN,
    MembershipRole.ACCOUNT_MANAGER,
    MembershipRole.BIDDER,
)


def _not_found() -> NotFoundError:
    return NotFoundError(_("No such supplier."), code="supplier_not_found")


# --- Profiles ---------------------------------------------------------------------------------


def _with_profile(qs: QuerySet[Company]) -> QuerySet[Company]:
    return qs.select_related("supplier_profile").prefetch_related(
        "supplier_profile__categories",
        "supplier_profile__regions",
        Prefetch(
            "supplier_profile__certificates",
            queryset=Certificate.objects.order_by("name", "pk"),
        ),
    )


def supplier_companies_visible(*, user) -> QuerySet[Company]:
    """Supplier companies whose profile ``user`` may read: every verified supplier, and the
    user's own supplier companies whatever their verification status."""
    own = user_company_ids(user=user)
    return Company.objects.filter(is_supplier=True).filter(
        Q(verification_status=VerificationStatus.VERIFIED) | Q(pk__in=own)
    )


def supplier_directory(*, user) -> QuerySet[Company]:
    """The directory buyers search: verified suppliers only, with their profiles."""
    return _with_profile(
        Company.objects.filter(is_supplier=True, verification_status=VerificationStatus.VERIFIED)
    ).order_by("legal_name", "pk")


def supplier_get_visible(*, user, company_id: int) -> Company:
    company = _with_profile(supplier_companies_visible(user=user)).filter(pk=company_id).first()
    if company is None:
        raise _not_found()
    return company


def supplier_get_for_member(*, user, company_id: int) -> Company:
    """A supplier company ``user`` belongs to (any role); otherwise not found."""
    company = Company.objects.filter(
        pk=company_id, is_supplier=True, pk__in=user_company_ids(user=user)
    ).first()
    if company is None:
        raise _not_found()
    return company


def supplier_companies_of_member(*, user) -> QuerySet[Company]:
    """The supplier companies ``user`` belongs to (any role): whose catalogue it reads."""
    return Company.objects.filter(is_supplier=True, pk__in=user_company_ids(user=user)).order_by(
        "legal_name", "pk"
    )


def supplier_profile_of(*, company: Company) -> SupplierProfile | None:
    try:
        return company.supplier_profile
    except SupplierProfile.DoesNotExist:
        return None


def category_subtree(*, category: Category) -> QuerySet[Category]:
    return Category.objects.filter(Q(pk=category.pk) | Q(path__startswith=f"{category.path}/"))


def filter_suppliers_by_category(qs: QuerySet[Company], category: Category) -> QuerySet[Company]:
    """Suppliers declaring ``category`` or any category below it."""
    ids = category_subtree(category=category).values("pk")
    return qs.filter(supplier_profile__categories__in=ids).distinct()


def filter_suppliers_by_region(qs: QuerySet[Company], code: str) -> QuerySet[Company]:
    """Suppliers serving ``code``: asking for a country finds those serving the whole country
    or any part of it; asking for a subdivision finds those serving it or its whole country."""
    code = normalize_region_code(code)
    if "-" in code:
        country = code.split("-", 1)[0]
        cond = Q(supplier_profile__regions__code__in=[code, country])
    else:
        cond = Q(supplier_profile__regions__code=code) | Q(
            supplier_profile__regions__code__startswith=f"{code}-"
        )
    return qs.filter(cond).distinct()


def filter_suppliers_by_text(qs: QuerySet[Company], text: str) -> QuerySet[Company]:
    text = text.strip()
    if not text:
        return qs
    return qs.filter(
        Q(legal_name__icontains=text)
        | Q(supplier_profile__description__icontains=text)
        | Q(supplier_profile__categories__name_en__icontains=text)
        | Q(supplier_profile__categories__name_ru__icontains=text)
        | Q(supplier_profile__categories__name_uk__icontains=text)
    ).distinct()


def certificate_get_visible(*, user, company_id: int, certificate_id: int) -> Certificate:
    company = supplier_get_visible(user=user, company_id=company_id)
    cert = Certificate.objects.filter(pk=certificate_id, profile__company=company).first()
    if cert is None:
        raise NotFoundError(_("No such certificate."), code="certificate_not_found")
    return cert


# --- Catalogue (private to the supplier's members) --------------------------------------------


def product_list(*, supplier: Company) -> QuerySet[Product]:
    return Product.objects.filter(supplier=supplier).select_related("category")


def product_get(*, supplier: Company, product_id: int) -> Product:
    product = product_list(supplier=supplier).filter(pk=product_id).first()
    if product is None:
        raise NotFoundError(_("No such product."), code="product_not_found")
    return product


def price_list_list(*, supplier: Company) -> QuerySet[PriceList]:
    return (
        PriceList.objects.filter(supplier=supplier)
        .annotate(item_count=Count("items"))
        .order_by("-valid_from", "name", "pk")
    )


def price_list_get(*, supplier: Company, price_list_id: int) -> PriceList:
    price_list = price_list_list(supplier=supplier).filter(pk=price_list_id).first()
    if price_list is None:
        raise NotFoundError(_("No such price list."), code="price_list_not_found")
    return price_list


def price_list_items(*, price_list: PriceList) -> QuerySet[PriceListItem]:
    return (
        PriceListItem.objects.filter(price_list=price_list)
        .select_related("product", "product__category")
        .order_by("product__sku", "min_quantity", "pk")
    )


def price_list_item_get(*, price_list: PriceList, item_id: int) -> PriceListItem:
    item = price_list_items(price_list=price_list).filter(pk=item_id).first()
    if item is None:
        raise NotFoundError(_("No such price list item."), code="price_list_item_not_found")
    return item


def user_may_edit_profile(*, user, company: Company) -> bool:
    from marketplace.companies.selectors import user_has_company_role

    return user_has_company_role(user=user, company=company, roles=PROFILE_EDITOR_ROLES)


def user_is_member(*, user, company: Company) -> bool:
    return user_is_company_member(user=user, company=company)


def user_may_edit_catalogue(*, user, company: Company) -> bool:
    from marketplace.companies.selectors import user_has_company_role

    return user_has_company_role(user=user, company=company, roles=CATALOGUE_EDITOR_ROLES)


def filter_products_by_text(qs: QuerySet[Product], text: str) -> QuerySet[Product]:
    """Products whose SKU, name or description holds ``text``."""
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(
        Q(sku__icontains=text) | Q(name__icontains=text) | Q(description__icontains=text)
    )


def product_list_public(*, user, company: Company) -> QuerySet[Product]:
    """The products of a supplier ``user`` may read the profile of (``supplier_get_visible``),
    as its public profile shows them: every product to the supplier's own members, the active
    ones to everyone else (what the search indexes of a verified supplier)."""
    products = product_list(supplier=company)
    if user_is_company_member(user=user, company=company):
        return products
    return products.filter(is_active=True)


def price_list_list_public(*, user, company: Company) -> QuerySet[PriceList]:
    """The price lists a supplier's public profile shows ``user``: price lists are private to
    the supplier's members (as the API keeps them), so everyone else sees none."""
    if user_is_company_member(user=user, company=company):
        return price_list_list(supplier=company)
    return PriceList.objects.none()


def price_list_export(*, price_list: PriceList, file_format: str) -> tuple[bytes, str, str]:
    """The price list as a file: (content, content type, file name)."""
    rows = pricelist_io.export_rows(price_list_items(price_list=price_list))
    stem = f"price-list-{price_list.pk}"
    if file_format == "xlsx":
        return (
            pricelist_io.write_xlsx(rows, title=price_list.name),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx",
        )
    return pricelist_io.write_csv(rows), "text/csv; charset=utf-8", f"{stem}.csv"
