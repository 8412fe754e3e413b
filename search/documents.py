"""What is searchable of each document, as one dict every backend indexes.

A tender: its title, description, its lots' names, descriptions, units and delivery places,
its category's names in every language with its ancestors', its buyer's and platform's names;
the filters and facets (category and its path, platform, currency, status, the buyer's
country as the region, the lots' lowest and highest start price, the applications deadline);
and what says who may read it (``public``, ``participation``, ``buyer``, ``invited``), which
the Elasticsearch backend filters by and the database backend reads from the tenders
themselves. Nothing private is indexed: no reserve price, no applications, no bids.
A draft is not a document (``tender_document`` answers None). The tender's and its lots'
versions in other languages (``auctions.version_models``) are in its text too, so a supplier
finds it by a word of any of them; its title and description stay the original's.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.utils import timezone

from auctions.models import Lot, Tender, TenderInvitation, TenderStatus
from marketplace.companies.models import VerificationStatus
from marketplace.platforms.models import PlatformKind
from marketplace.standings.models import SupplierStanding
from suppliers.models import PriceListItem, Product, SupplierProfile

from .query import Kind
from .text import haystack


def _category_names(category) -> list[str]:
    names = []
    node = category
    while node is not None:
        names += [node.code, node.name_en, node.name_ru, node.name_uk]
        node = node.parent
    return [n for n in names if n]


def tenders_for_index():
    return Tender.objects.select_related(
        "platform", "buyer", "category__parent__parent__parent"
    ).prefetch_related(
        "versions__translations",
        Prefetch(
            "lots",
            queryset=Lot.objects.order_by("number").prefetch_related("versions__translations"),
        ),
        Prefetch("invitations", queryset=TenderInvitation.objects.only("tender_id", "supplier_id")),
    )


def _version_texts(holder) -> list[str]:
    """The texts of a tender's or lot's versions in other languages (none: [])."""
    try:
        rows = holder.versions.translations.all()
    except ObjectDoesNotExist:
        return []
    return [part for row in rows for part in (row.title, row.description) if part]


def tender_document(tender: Tender) -> dict | None:
    if tender.status == TenderStatus.DRAFT:
        return None
    lots = list(tender.lots.all())
    prices = [lot.start_price for lot in lots]
    lot_text = [
        part
        for lot in lots
        for part in (
            lot.title,
            lot.description,
            f"{lot.quantity.normalize():f} {lot.unit}",
            lot.delivery_place,
        )
        if part
    ]
    category = tender.category
    public = (
        tender.participation == "open"
        and tender.platform.kind == PlatformKind.PUBLIC
        and tender.platform.is_active
    )
    return {
        "kind": Kind.TENDERS,
        "id": tender.pk,
        "title": tender.title,
        "description": tender.description,
        "lots": [lot.title for lot in lots],
        "text": haystack(
            tender.title,
            tender.description,
            *lot_text,
            *_version_texts(tender),
            *[part for lot in lots for part in _version_texts(lot)],
            *_category_names(category),
            tender.buyer.legal_name,
            tender.platform.name,
        ),
        "category": category.pk if category else None,
        "category_path": category.path if category else "",
        "platform": tender.platform_id,
        "currency": tender.currency,
        "status": tender.status,
        "region": tender.buyer.country,
        "price_min": str(min(prices)) if prices else None,
        "price_max": str(max(prices)) if prices else None,
        "deadline": tender.applications_deadline.isoformat(),
        "published_at": tender.published_at.isoformat() if tender.published_at else None,
        # Who may read it (the Elasticsearch backend's filter; docs/search.md).
        "public": public,
        "participation": tender.participation,
        "buyer": tender.buyer_id,
        "invited": sorted(i.supplier_id for i in tender.invitations.all()),
    }


# --- Suppliers and products -------------------------------------------------------------------


def category_tags(paths) -> list[str]:
    """The category paths with every ancestor's, each once: a supplier counts once in a
    category however many of its subcategories it serves."""
    return sorted({"/".join(p.split("/")[: n + 1]) for p in paths for n in range(p.count("/") + 1)})


def suppliers_for_index():
    from marketplace.companies.models import Company

    return Company.objects.filter(is_supplier=True).prefetch_related(
        "supplier_profile__categories__parent__parent__parent",
        "supplier_profile__regions",
        "supplier_profile__certificates",
        Prefetch("products", queryset=Product.objects.filter(is_active=True).order_by("pk")),
    )


def _platform_band(company_id: int) -> str:
    standing = SupplierStanding.objects.filter(supplier_id=company_id, buyer__isnull=True).first()
    return standing.band if standing else ""


def supplier_document(company) -> dict | None:
    """A supplier in the directory: its name, profile, categories and their names, the regions
    it serves (a subdivision also counts as its country), certificates' names, its products'
    names and SKUs; verified suppliers only (the directory shows no other)."""
    if not company.is_supplier or company.verification_status != VerificationStatus.VERIFIED:
        return None
    try:
        profile = company.supplier_profile
    except SupplierProfile.DoesNotExist:
        profile = None
    categories = list(profile.categories.all()) if profile else []
    regions = [r.code for r in profile.regions.all()] if profile else []
    certificates = [c.name for c in profile.certificates.all()] if profile else []
    products = list(company.products.all())[:500]
    return {
        "kind": Kind.SUPPLIERS,
        "id": company.pk,
        "title": company.legal_name,
        "description": profile.description if profile else "",
        "text": haystack(
            company.legal_name,
            company.city,
            profile.description if profile else "",
            *[n for c in categories for n in _category_names(c)],
            *regions,
            *certificates,
            *[f"{p.name} {p.sku}" for p in products],
        ),
        "category": None,
        "category_path": "",
        "tags": {
            "category": category_tags(c.path for c in categories),
            "region": sorted({code for r in regions for code in (r, r.split("-")[0])}),
        },
        "region": company.country,
        "band": _platform_band(company.pk),
        "status": company.verification_status,
        "public": True,
    }


def products_for_index():
    return Product.objects.select_related(
        "supplier", "category__parent__parent__parent"
    ).prefetch_related(
        Prefetch(
            "price_items",
            queryset=PriceListItem.objects.select_related("price_list").order_by("price"),
        )
    )


def product_document(product) -> dict | None:
    """A product in the catalogue: name, SKU, description, unit, category, supplier; the prices
    of its current price lists (the lowest and highest, in the first price list's currency).
    Only an active product of a verified supplier."""
    supplier = product.supplier
    if not product.is_active or supplier.verification_status != VerificationStatus.VERIFIED:
        return None
    today = timezone.localdate()
    items = [
        i
        for i in product.price_items.all()
        if i.price_list.valid_from <= today
        and (i.price_list.valid_until is None or i.price_list.valid_until >= today)
    ]
    currency = items[0].price_list.currency if items else ""
    prices = [i.price for i in items if i.price_list.currency == currency]
    return {
        "kind": Kind.PRODUCTS,
        "id": product.pk,
        "title": product.name,
        "description": product.description,
        "text": haystack(
            product.name,
            product.sku,
            product.description,
            product.unit,
            *_category_names(product.category),
            supplier.legal_name,
        ),
        "category": product.category_id,
        "category_path": product.category.path if product.category else "",
        "supplier": supplier.pk,
        "currency": currency,
        "price_min": str(min(prices)) if prices else None,
        "price_max": str(max(prices)) if prices else None,
        "region": supplier.country,
        "status": product.unit,
        "public": True,
    }
