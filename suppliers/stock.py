"""A supplier's stock: its warehouses, and per product and warehouse a count (a quantity in
the product's unit) with the day it was counted.

Writes (``warehouse_*``, ``stock_upsert``, ``stock_import``) are for the members who may change
the catalogue (``selectors.CATALOGUE_EDITOR_ROLES``); each is all or nothing, in one
transaction. ``stock_upsert`` is idempotent: a row is keyed by (warehouse, product), so the
same rows sent twice leave the same stock and count as unchanged the second time.

Reads: the supplier's own pages and API (``stock_levels``), and the buyer comparing offers
(``stock_for_suppliers``: each bidder's stock of the products in a category, summed and per
warehouse, a count older than ``STALE_AFTER_DAYS`` flagged as stale). Who may read the
latter is the caller's concern (the award page lets only the tender's buyer side in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_has_company_role
from marketplace.core import spreadsheets
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)

from . import stock_io
from .models import Product, StockLevel, Warehouse
from .selectors import CATALOGUE_EDITOR_ROLES, category_subtree

STALE_AFTER_DAYS = 30
WAREHOUSE_FIELDS = {"name", "city", "country"}


def _require_editor(*, actor, supplier: Company) -> None:
    if not user_has_company_role(user=actor, company=supplier, roles=CATALOGUE_EDITOR_ROLES):
        raise PermissionDeniedError(
            _("Your role in %(company)s does not allow you to change its stock.")
            % {"company": supplier.legal_name},
            code="role_required",
        )


def _invalid(field_name: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field_name: [message]})


# --- Warehouses -------------------------------------------------------------------------------


def _clean_warehouse(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: (v or "").strip() for k, v in values.items()}
    if "name" in out and not out["name"]:
        raise _invalid("name", _("Name the warehouse."), "name_required")
    if out.get("country"):
        out["country"] = out["country"].upper()
        if len(out["country"]) != 2 or not out["country"].isalpha():
            raise _invalid("country", _("The country is a two-letter ISO code, such as UA."))
    return out


def _duplicate_warehouse() -> ConflictError:
    message = _("A warehouse with this name already exists.")
    return ConflictError(message, code="duplicate_warehouse", fields={"name": [message]})


def warehouse_create(
    *, actor, supplier: Company, name: str, city: str = "", country: str = ""
) -> Warehouse:
    _require_editor(actor=actor, supplier=supplier)
    values = _clean_warehouse({"name": name, "city": city, "country": country})
    try:
        with transaction.atomic():
            return Warehouse.objects.create(supplier=supplier, **values)
    except IntegrityError as exc:
        raise _duplicate_warehouse() from exc


def warehouse_update(*, actor, warehouse: Warehouse, changes: dict[str, Any]) -> Warehouse:
    _require_editor(actor=actor, supplier=warehouse.supplier)
    unknown = set(changes) - WAREHOUSE_FIELDS
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed: %s.") % ", ".join(sorted(unknown))
        )
    values = _clean_warehouse(changes)
    try:
        with transaction.atomic():
            for key, value in values.items():
                setattr(warehouse, key, value)
            warehouse.save()
    except IntegrityError as exc:
        raise _duplicate_warehouse() from exc
    return warehouse


def warehouse_delete(*, actor, warehouse: Warehouse) -> None:
    """Remove the warehouse and its counts."""
    _require_editor(actor=actor, supplier=warehouse.supplier)
    with transaction.atomic():
        warehouse.delete()


# --- Counts -----------------------------------------------------------------------------------


@dataclass
class StockWriteResult:
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[spreadsheets.Problem] = field(default_factory=list)


class StockImportError(ApplicationError):
    """The rows have problems; ``report`` lists each one (its row and column). Nothing was
    written."""

    code = "stock_invalid"

    def __init__(self, problems: list[spreadsheets.Problem]) -> None:
        super().__init__(
            _(
                "The stock has %(count)d problem(s); nothing was written. "
                "Fix them and send it again."
            )
            % {"count": len(problems)}
        )
        self.report = problems


def _write(*, supplier: Company, rows: list[tuple[int, int, Decimal, date]]) -> StockWriteResult:
    """Upsert ``(product id, warehouse id, quantity, counted_on)`` rows under the supplier's
    warehouses' row locks (taken in pk order), in the caller's transaction."""
    result = StockWriteResult(rows=len(rows))
    list(Warehouse.objects.filter(supplier=supplier).order_by("pk").select_for_update())
    current = {
        (level.product_id, level.warehouse_id): level
        for level in StockLevel.objects.filter(warehouse__supplier=supplier)
    }
    for product_id, warehouse_id, quantity, counted_on in rows:
        level = current.get((product_id, warehouse_id))
        if level is None:
            StockLevel.objects.create(
                warehouse_id=warehouse_id,
                product_id=product_id,
                quantity=quantity,
                counted_on=counted_on,
            )
            result.created += 1
        elif level.quantity == quantity and level.counted_on == counted_on:
            result.unchanged += 1
        else:
            level.quantity, level.counted_on = quantity, counted_on
            level.save(update_fields=["quantity", "counted_on", "updated_at"])
            result.updated += 1
    return result


def _resolve(
    *, supplier: Company, rows: list[stock_io.StockRow], today: date
) -> tuple[list[tuple[int, int, Decimal, date]], list[spreadsheets.Problem]]:
    """Find each row's product (by SKU) and warehouse (by name, or by id as ``#12``) in the
    supplier's own catalogue; report the rows naming neither."""
    products = dict(
        Product.objects.filter(supplier=supplier, sku__in={r.sku for r in rows}).values_list(
            "sku", "pk"
        )
    )
    warehouses: dict[str, int] = {}
    for pk, name in Warehouse.objects.filter(supplier=supplier).values_list("pk", "name"):
        warehouses[name.casefold()] = pk
        warehouses[f"#{pk}"] = pk
    out, problems, seen = [], [], set()
    for r in rows:
        product_id = products.get(r.sku)
        warehouse_id = warehouses.get(r.warehouse.casefold())
        if product_id is None:
            problems.append(
                spreadsheets.Problem(
                    r.row,
                    "sku",
                    _("There is no product “%(sku)s” in your catalogue.") % {"sku": r.sku},
                )
            )
        if warehouse_id is None:
            problems.append(
                spreadsheets.Problem(
                    r.row,
                    "warehouse",
                    _("You have no warehouse “%(name)s”.") % {"name": r.warehouse},
                )
            )
        if r.counted_on > today:
            problems.append(
                spreadsheets.Problem(r.row, "counted_on", _("The count's date is in the future."))
            )
        if product_id is None or warehouse_id is None:
            continue
        if (product_id, warehouse_id) in seen:
            problems.append(
                spreadsheets.Problem(
                    r.row, "sku", _("This product is counted twice in this warehouse.")
                )
            )
            continue
        seen.add((product_id, warehouse_id))
        out.append((product_id, warehouse_id, r.quantity, r.counted_on))
    return out, problems


def stock_upsert(
    *, actor, supplier: Company, rows: list[stock_io.StockRow], today: date | None = None
) -> StockWriteResult:
    """Set the counts of the rows (each names a product by SKU and a warehouse by name or
    ``#id``): all or nothing; the same rows again change nothing. Raises StockImportError
    listing every problem (by the row's position, from 1, when it came without a row number)."""
    _require_editor(actor=actor, supplier=supplier)
    today = today or timezone.localdate()
    rows = [
        r
        if r.row is not None
        else stock_io.StockRow(i, r.sku, r.warehouse, r.quantity, r.counted_on)
        for i, r in enumerate(rows, start=1)
    ]
    if not rows:
        raise StockImportError([spreadsheets.Problem(None, None, _("No rows were given."))])
    resolved, problems = _resolve(supplier=supplier, rows=rows, today=today)
    if problems:
        raise StockImportError(problems)
    with transaction.atomic():
        return _write(supplier=supplier, rows=resolved)


def stock_import(
    *,
    actor,
    supplier: Company,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    today: date | None = None,
    max_rows: int = stock_io.MAX_ROWS,
) -> StockWriteResult:
    """Set the counts from a CSV or XLSX file (``stock_io`` reads it): every row or none; with
    ``dry_run`` only check. Raises StockImportError with every problem and its row."""
    _require_editor(actor=actor, supplier=supplier)
    today = today or timezone.localdate()
    try:
        table = spreadsheets.read_table(
            data=data, filename=filename, max_rows=max_rows, max_bytes=stock_io.MAX_FILE_BYTES
        )
    except spreadsheets.FileProblem as exc:
        raise StockImportError([spreadsheets.Problem(None, None, exc.message)]) from exc
    parsed = stock_io.parse_table(table, today=today, max_rows=max_rows)
    resolved, problems = _resolve(supplier=supplier, rows=parsed.rows, today=today)
    problems = sorted([*parsed.problems, *problems], key=lambda p: (p.row or 0, p.column or ""))
    if problems:
        raise StockImportError(problems)
    if dry_run:
        return StockWriteResult(dry_run=True, rows=len(resolved))
    with transaction.atomic():
        return _write(supplier=supplier, rows=resolved)


# --- Reads ------------------------------------------------------------------------------------


def warehouse_list(*, supplier: Company) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(supplier=supplier).order_by("name", "pk")


def warehouse_get(*, supplier: Company, warehouse_id: int) -> Warehouse:
    warehouse = warehouse_list(supplier=supplier).filter(pk=warehouse_id).first()
    if warehouse is None:
        raise NotFoundError(_("No such warehouse."), code="warehouse_not_found")
    return warehouse


def stock_levels(*, supplier: Company) -> QuerySet[StockLevel]:
    return (
        StockLevel.objects.filter(warehouse__supplier=supplier)
        .select_related("product", "warehouse")
        .order_by("product__sku", "warehouse__name", "pk")
    )


def is_stale(counted_on: date, *, today: date) -> bool:
    return counted_on < today - timedelta(days=STALE_AFTER_DAYS)


@dataclass(frozen=True)
class PlaceStock:
    warehouse: Warehouse
    quantity: Decimal
    counted_on: date
    stale: bool


@dataclass
class ProductStock:
    product: Product
    places: list[PlaceStock] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((p.quantity for p in self.places), Decimal(0))

    @property
    def counted_on(self) -> date | None:
        """The oldest count of the product's places (the sum is as old as that)."""
        return min((p.counted_on for p in self.places), default=None)

    @property
    def stale(self) -> bool:
        return any(p.stale for p in self.places)


@dataclass
class SupplierStock:
    supplier_id: int
    products: list[ProductStock] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return any(p.stale for p in self.products)


def stock_for_suppliers(
    *, supplier_ids: list[int], category: Category, today: date | None = None
) -> dict[int, SupplierStock]:
    """Each supplier's counted stock of its active products in ``category`` and below: per
    product, its places (warehouse, quantity, day counted, stale?) and their sum. A supplier
    with no counted product there is left out."""
    today = today or timezone.localdate()
    levels = (
        StockLevel.objects.filter(
            warehouse__supplier_id__in=supplier_ids,
            product__is_active=True,
            product__category__in=category_subtree(category=category),
        )
        .select_related("product", "warehouse")
        .order_by("warehouse__supplier_id", "product__sku", "product_id", "warehouse__name")
    )
    out: dict[int, SupplierStock] = {}
    by_product: dict[int, ProductStock] = {}
    for level in levels:
        supplier_id = level.warehouse.supplier_id
        stock = out.setdefault(supplier_id, SupplierStock(supplier_id))
        product_stock = by_product.get(level.product_id)
        if product_stock is None:
            product_stock = by_product[level.product_id] = ProductStock(level.product)
            stock.products.append(product_stock)
        product_stock.places.append(
            PlaceStock(
                level.warehouse,
                level.quantity,
                level.counted_on,
                is_stale(level.counted_on, today=today),
            )
        )
    return out
