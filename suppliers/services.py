"""Writes for supplier profiles, certificates, the catalogue and price lists.

Every function checks who is acting (``actor``) against the company's roles and raises an
``ApplicationError`` with a stable code when a rule refuses the operation.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_has_company_role
from marketplace.core import spreadsheets
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.core.models import CURRENCIES

from . import outbox, pricelist_io
from .models import (
    Certificate,
    CustomerKind,
    PriceList,
    PriceListItem,
    PriceListKind,
    Product,
    SupplierProfile,
    SupplierRegion,
)
from .regions import is_valid_region_code, normalize_region_code
from .selectors import CATALOGUE_EDITOR_ROLES, PROFILE_EDITOR_ROLES

CERTIFICATE_MAX_BYTES = 10 * 2**20
CERTIFICATE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def _require_role(*, actor, company: Company, roles, action: str) -> None:
    if not user_has_company_role(user=actor, company=company, roles=roles):
        raise PermissionDeniedError(
            _("Your role in %(company)s does not allow you to %(action)s.")
            % {"company": company.legal_name, "action": action},
            code="role_required",
        )


def _invalid(field_name: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field_name: [message]})


# --- Supplier profile -------------------------------------------------------------------------


def _profile_for_update(company: Company) -> SupplierProfile:
    profile, _created = SupplierProfile.objects.get_or_create(company=company)
    return SupplierProfile.objects.select_for_update().get(pk=profile.pk)


def _clean_regions(regions: list[str]) -> list[str]:
    codes: list[str] = []
    bad: list[str] = []
    for raw in regions:
        code = normalize_region_code(raw)
        if not is_valid_region_code(code):
            bad.append(str(raw))
        elif code not in codes:
            codes.append(code)
    if bad:
        message = _("Not ISO 3166 country (UA) or subdivision (UA-30) codes: %(codes)s.") % {
            "codes": ", ".join(bad)
        }
        raise ApplicationError(message, code="invalid_region", fields={"regions": [message]})
    return codes


def supplier_profile_update(
    *,
    actor,
    company: Company,
    description: str | None = None,
    categories: list[Category] | None = None,
    regions: list[str] | None = None,
) -> SupplierProfile:
    """Change what the supplier publishes. ``None`` leaves a part as it is."""
    if not company.is_supplier:
        raise ApplicationError(_("This company is not a supplier."), code="not_a_supplier")
    _require_role(
        actor=actor, company=company, roles=PROFILE_EDITOR_ROLES, action=_("edit its profile")
    )
    codes = _clean_regions(regions) if regions is not None else None
    with transaction.atomic():
        profile = _profile_for_update(company)
        if description is not None:
            profile.description = description
        profile.save()
        if categories is not None:
            profile.categories.set(categories)
        if codes is not None:
            profile.regions.exclude(code__in=codes).delete()
            existing = set(profile.regions.values_list("code", flat=True))
            SupplierRegion.objects.bulk_create(
                [SupplierRegion(profile=profile, code=c) for c in codes if c not in existing]
            )
        outbox.supplier_changed(supplier_id=company.pk, part="profile", actor=actor)
    return profile


# --- Certificates -----------------------------------------------------------------------------


def _check_dates(valid_from: date | None, valid_until: date | None, field_name: str) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise _invalid(
            field_name, _("The end date cannot be before the start date."), "invalid_period"
        )


def _store_certificate_file(*, company: Company, upload: File) -> tuple[str, str, str]:
    original = os.path.basename(getattr(upload, "name", "") or "certificate")
    extension = os.path.splitext(original)[1].lower()
    if extension not in CERTIFICATE_TYPES:
        raise _invalid(
            "file",
            _("Upload the certificate as PDF, JPEG or PNG."),
            "unsupported_file_type",
        )
    if upload.size is not None and upload.size > CERTIFICATE_MAX_BYTES:
        raise _invalid(
            "file",
            _("The file is larger than %(mb)d MB.") % {"mb": CERTIFICATE_MAX_BYTES // 2**20},
            "file_too_large",
        )
    if not upload.size:
        raise _invalid("file", _("The file is empty."), "empty_file")
    stored = storages["private"].save(
        f"certificates/{company.pk}/{uuid.uuid4().hex}{extension}", upload
    )
    return stored, original[:255], CERTIFICATE_TYPES[extension]


def _delete_file_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: storages["private"].delete(name))


def certificate_create(
    *,
    actor,
    company: Company,
    name: str,
    issuer: str = "",
    number: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    file: File | None = None,
) -> Certificate:
    _require_role(
        actor=actor, company=company, roles=PROFILE_EDITOR_ROLES, action=_("edit its profile")
    )
    if not company.is_supplier:
        raise ApplicationError(_("This company is not a supplier."), code="not_a_supplier")
    _check_dates(valid_from, valid_until, "valid_until")
    stored = ("", "", "")
    if file is not None:
        stored = _store_certificate_file(company=company, upload=file)
    try:
        with transaction.atomic():
            profile = _profile_for_update(company)
            outbox.supplier_changed(supplier_id=company.pk, part="certificates", actor=actor)
            return Certificate.objects.create(
                profile=profile,
                name=name,
                issuer=issuer,
                number=number,
                valid_from=valid_from,
                valid_until=valid_until,
                file_name=stored[0],
                original_file_name=stored[1],
                content_type=stored[2],
                created_by=actor,
            )
    except Exception:
        if stored[0]:
            storages["private"].delete(stored[0])
        raise


CERTIFICATE_FIELDS = {"name", "issuer", "number", "valid_from", "valid_until"}


def certificate_update(
    *, actor, certificate: Certificate, changes: dict[str, Any], file: File | None = None
) -> Certificate:
    company = certificate.profile.company
    _require_role(
        actor=actor, company=company, roles=PROFILE_EDITOR_ROLES, action=_("edit its profile")
    )
    unknown = set(changes) - CERTIFICATE_FIELDS
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s.") % ", ".join(unknown))
    valid_from = changes.get("valid_from", certificate.valid_from)
    valid_until = changes.get("valid_until", certificate.valid_until)
    _check_dates(valid_from, valid_until, "valid_until")
    stored = _store_certificate_file(company=company, upload=file) if file is not None else None
    try:
        with transaction.atomic():
            cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
            old_file = cert.file_name
            for key, value in changes.items():
                setattr(cert, key, value)
            if stored:
                cert.file_name, cert.original_file_name, cert.content_type = stored
                _delete_file_on_commit(old_file)
            cert.save()
            outbox.supplier_changed(supplier_id=company.pk, part="certificates", actor=actor)
            return cert
    except Exception:
        if stored:
            storages["private"].delete(stored[0])
        raise


def certificate_delete(*, actor, certificate: Certificate) -> None:
    company = certificate.profile.company
    _require_role(
        actor=actor, company=company, roles=PROFILE_EDITOR_ROLES, action=_("edit its profile")
    )
    with transaction.atomic():
        _delete_file_on_commit(certificate.file_name)
        certificate.delete()
        outbox.supplier_changed(supplier_id=company.pk, part="certificates", actor=actor)


# --- Products ---------------------------------------------------------------------------------

PRODUCT_FIELDS = {"sku", "name", "description", "category", "unit", "is_active"}


def _catalogue_role(actor, supplier: Company) -> None:
    _require_role(
        actor=actor,
        company=supplier,
        roles=CATALOGUE_EDITOR_ROLES,
        action=_("change its catalogue"),
    )


def _duplicate_sku(sku: str) -> ConflictError:
    message = _("A product with SKU “%(sku)s” already exists.") % {"sku": sku}
    return ConflictError(message, code="duplicate_sku", fields={"sku": [message]})


def product_create(
    *,
    actor,
    supplier: Company,
    sku: str,
    name: str,
    unit: str,
    description: str = "",
    category: Category | None = None,
    is_active: bool = True,
) -> Product:
    _catalogue_role(actor, supplier)
    sku = sku.strip()
    if Product.objects.filter(supplier=supplier, sku=sku).exists():
        raise _duplicate_sku(sku)
    try:
        with transaction.atomic():
            outbox.supplier_changed(supplier_id=supplier.pk, part="products", actor=actor)
            return Product.objects.create(
                supplier=supplier,
                sku=sku,
                name=name,
                unit=unit,
                description=description,
                category=category,
                is_active=is_active,
            )
    except IntegrityError as exc:  # a concurrent create with the same SKU
        raise _duplicate_sku(sku) from exc


def product_update(*, actor, product: Product, changes: dict[str, Any]) -> Product:
    _catalogue_role(actor, product.supplier)
    unknown = set(changes) - PRODUCT_FIELDS
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s.") % ", ".join(unknown))
    if "sku" in changes:
        changes["sku"] = changes["sku"].strip()
        if (
            Product.objects.filter(supplier_id=product.supplier_id, sku=changes["sku"])
            .exclude(pk=product.pk)
            .exists()
        ):
            raise _duplicate_sku(changes["sku"])
    try:
        with transaction.atomic():
            product = Product.objects.select_for_update().get(pk=product.pk)
            for key, value in changes.items():
                setattr(product, key, value)
            product.save()
            outbox.supplier_changed(supplier_id=product.supplier_id, part="products", actor=actor)
    except IntegrityError as exc:
        raise _duplicate_sku(changes.get("sku", product.sku)) from exc
    return product


def product_delete(*, actor, product: Product) -> None:
    _catalogue_role(actor, product.supplier)
    try:
        with transaction.atomic():
            outbox.supplier_changed(supplier_id=product.supplier_id, part="products", actor=actor)
            product.delete()
    except ProtectedError as exc:
        raise ConflictError(
            _(
                "This product is in a price list. Remove it from the price lists first, "
                "or mark it inactive."
            ),
            code="product_in_use",
        ) from exc


# --- Price lists ------------------------------------------------------------------------------

PRICE_LIST_FIELDS = {"name", "kind", "currency", "valid_from", "valid_until"}


def is_customer_kind(*, supplier_id: int, code: str) -> bool:
    """Is ``code`` one of the supplier's kinds of customer? The three default kinds always are
    (a supplier that never opened its kinds has not had them seeded yet)."""
    return code in PriceListKind.values or (
        CustomerKind.objects.filter(supplier_id=supplier_id, code=code).exists()
    )


def _check_price_list_fields(values: dict[str, Any], *, supplier_id: int) -> None:
    if "kind" in values and not is_customer_kind(supplier_id=supplier_id, code=values["kind"]):
        raise _invalid("kind", _("Unknown kind of customer."))
    if "currency" in values and values["currency"] not in {c for c, _n in CURRENCIES}:
        raise _invalid("currency", _("Unsupported currency."))
    _check_dates(values.get("valid_from"), values.get("valid_until"), "valid_until")


def price_list_create(
    *,
    actor,
    supplier: Company,
    name: str,
    kind: str,
    currency: str,
    valid_from: date,
    valid_until: date | None = None,
) -> PriceList:
    _catalogue_role(actor, supplier)
    _check_price_list_fields(
        {"kind": kind, "currency": currency, "valid_from": valid_from, "valid_until": valid_until},
        supplier_id=supplier.pk,
    )
    with transaction.atomic():
        outbox.supplier_changed(supplier_id=supplier.pk, part="price_lists", actor=actor)
        return PriceList.objects.create(
            supplier=supplier,
            name=name,
            kind=kind,
            currency=currency,
            valid_from=valid_from,
            valid_until=valid_until,
        )


def price_list_update(*, actor, price_list: PriceList, changes: dict[str, Any]) -> PriceList:
    _catalogue_role(actor, price_list.supplier)
    unknown = set(changes) - PRICE_LIST_FIELDS
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s.") % ", ".join(unknown))
    merged = {
        "valid_from": price_list.valid_from,
        "valid_until": price_list.valid_until,
        **changes,
    }
    _check_price_list_fields(merged, supplier_id=price_list.supplier_id)
    with transaction.atomic():
        locked = PriceList.objects.select_for_update().get(pk=price_list.pk)
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save()
        outbox.supplier_changed(supplier_id=locked.supplier_id, part="price_lists", actor=actor)
    return locked


def price_list_delete(*, actor, price_list: PriceList) -> None:
    _catalogue_role(actor, price_list.supplier)
    with transaction.atomic():
        outbox.supplier_changed(supplier_id=price_list.supplier_id, part="price_lists", actor=actor)
        price_list.delete()


def _check_tier(price: Decimal, min_quantity: Decimal) -> None:
    if price <= 0:
        raise _invalid("price", _("The price must be greater than zero."), "invalid_price")
    if min_quantity <= 0:
        raise _invalid(
            "min_quantity",
            _("The minimum quantity must be greater than zero."),
            "invalid_quantity",
        )


def _duplicate_tier() -> ConflictError:
    message = _("This product already has a price for this minimum quantity in the price list.")
    return ConflictError(message, code="duplicate_tier", fields={"min_quantity": [message]})


def price_list_item_create(
    *,
    actor,
    price_list: PriceList,
    product: Product,
    price: Decimal,
    min_quantity: Decimal = Decimal("1"),
) -> PriceListItem:
    _catalogue_role(actor, price_list.supplier)
    if product.supplier_id != price_list.supplier_id:
        raise _invalid("product", _("No such product in your catalogue."), "product_not_found")
    _check_tier(price, min_quantity)
    with transaction.atomic():
        PriceList.objects.select_for_update().get(pk=price_list.pk)
        if PriceListItem.objects.filter(
            price_list=price_list, product=product, min_quantity=min_quantity
        ).exists():
            raise _duplicate_tier()
        item = PriceListItem.objects.create(
            price_list=price_list, product=product, price=price, min_quantity=min_quantity
        )
        PriceList.objects.filter(pk=price_list.pk).update(updated_at=timezone.now())
        outbox.supplier_changed(supplier_id=price_list.supplier_id, part="price_lists", actor=actor)
    return item


def price_list_item_update(
    *,
    actor,
    item: PriceListItem,
    price: Decimal | None = None,
    min_quantity: Decimal | None = None,
) -> PriceListItem:
    price_list = item.price_list
    _catalogue_role(actor, price_list.supplier)
    new_price = item.price if price is None else price
    new_quantity = item.min_quantity if min_quantity is None else min_quantity
    _check_tier(new_price, new_quantity)
    with transaction.atomic():
        PriceList.objects.select_for_update().get(pk=price_list.pk)
        if (
            PriceListItem.objects.filter(
                price_list=price_list, product_id=item.product_id, min_quantity=new_quantity
            )
            .exclude(pk=item.pk)
            .exists()
        ):
            raise _duplicate_tier()
        item.price = new_price
        item.min_quantity = new_quantity
        item.save(update_fields=["price", "min_quantity"])
        PriceList.objects.filter(pk=price_list.pk).update(updated_at=timezone.now())
        outbox.supplier_changed(supplier_id=price_list.supplier_id, part="price_lists", actor=actor)
    return item


def price_list_item_delete(*, actor, item: PriceListItem) -> None:
    _catalogue_role(actor, item.price_list.supplier)
    with transaction.atomic():
        item.delete()
        PriceList.objects.filter(pk=item.price_list_id).update(updated_at=timezone.now())
        outbox.supplier_changed(
            supplier_id=item.price_list.supplier_id, part="price_lists", actor=actor
        )


# --- Import and export ------------------------------------------------------------------------


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    products_created: int = 0
    products_updated: int = 0
    items: int = 0
    problems: list[spreadsheets.Problem] = field(default_factory=list)


class PriceListImportError(ApplicationError):
    """The file has problems; ``report`` lists each one. Nothing was written."""

    code = "import_invalid"

    def __init__(self, problems: list[spreadsheets.Problem]) -> None:
        count = len(problems)
        super().__init__(
            _(
                "The file has %(count)d problem(s); nothing was imported. "
                "Fix them and upload the file again."
            )
            % {"count": count}
        )
        self.report = problems


def price_list_import(
    *,
    actor,
    price_list: PriceList,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    max_rows: int = pricelist_io.MAX_ROWS,
) -> ImportResult:
    """Upsert the file's products by SKU and replace the price list's items with its rows,
    all or nothing. With ``dry_run`` only check. Raises PriceListImportError with a report of
    every problem found."""
    supplier = price_list.supplier
    _catalogue_role(actor, supplier)
    try:
        table = spreadsheets.read_table(
            data=data, filename=filename, max_rows=max_rows, max_bytes=pricelist_io.MAX_FILE_BYTES
        )
    except spreadsheets.FileProblem as exc:
        raise PriceListImportError([spreadsheets.Problem(None, None, exc.message)]) from exc
    parsed = pricelist_io.parse_table(table, max_rows=max_rows)
    problems = list(parsed.problems)

    codes = {r.category_code for r in parsed.rows if r.category_code}
    categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
    existing = {
        p.sku: p
        for p in Product.objects.filter(supplier=supplier, sku__in={r.sku for r in parsed.rows})
    }
    # What each SKU will be: the first non-empty value of each column wins (rows agree,
    # parse_table has checked that).
    plans: dict[str, dict[str, Any]] = {}
    for row in parsed.rows:
        plan = plans.setdefault(row.sku, {"first_row": row.row})
        for column in ("name", "unit", "category_code", "description"):
            value = getattr(row, column)
            if value and column not in plan:
                plan[column] = value
        if row.category_code and row.category_code not in categories:
            problems.append(
                spreadsheets.Problem(
                    row.row,
                    "category_code",
                    _("There is no category with the code “%(code)s”.")
                    % {"code": row.category_code},
                )
            )
    for sku, plan in plans.items():
        if sku in existing:
            continue
        if not plan.get("name"):
            problems.append(
                spreadsheets.Problem(plan["first_row"], "name", _("A new product needs a name."))
            )
        if not plan.get("unit"):
            problems.append(
                spreadsheets.Problem(
                    plan["first_row"],
                    "unit",
                    _("A new product needs a unit of measure (pcs, kg, m...)."),
                )
            )
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise PriceListImportError(problems)

    result = ImportResult(
        dry_run=dry_run,
        rows=len(parsed.rows),
        products_created=sum(1 for sku in plans if sku not in existing),
        products_updated=sum(1 for sku in plans if sku in existing),
        items=len(parsed.rows),
    )
    if dry_run:
        return result

    with transaction.atomic():
        PriceList.objects.select_for_update().get(pk=price_list.pk)
        # Re-read under the lock: another import may have added products meanwhile.
        current = {
            p.sku: p
            for p in Product.objects.select_for_update().filter(supplier=supplier, sku__in=plans)
        }
        products: dict[str, Product] = {}
        for sku, plan in plans.items():
            product = current.get(sku)
            category = categories.get(plan.get("category_code", ""))
            if product is None:
                product = Product.objects.create(
                    supplier=supplier,
                    sku=sku,
                    name=plan["name"],
                    unit=plan["unit"],
                    description=plan.get("description", ""),
                    category=category,
                )
            else:
                changed = False
                for attr, value in (
                    ("name", plan.get("name")),
                    ("unit", plan.get("unit")),
                    ("description", plan.get("description")),
                    ("category", category),
                ):
                    if value and getattr(product, attr) != value:
                        setattr(product, attr, value)
                        changed = True
                if changed:
                    product.save()
            products[sku] = product
        PriceListItem.objects.filter(price_list=price_list).delete()
        PriceListItem.objects.bulk_create(
            [
                PriceListItem(
                    price_list=price_list,
                    product=products[row.sku],
                    price=row.price,
                    min_quantity=row.min_quantity,
                )
                for row in parsed.rows
            ]
        )
        PriceList.objects.filter(pk=price_list.pk).update(updated_at=timezone.now())
        outbox.supplier_changed(supplier_id=supplier.pk, part="price_lists", actor=actor)
    return result
