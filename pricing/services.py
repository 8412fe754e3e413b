"""Writes of the pricing app: a supplier's kinds of customer, its promotions, and which price
list (or kind) its CRM accounts and segments get. Every write is the supplier's company admins'
and account managers' (``selectors.supplier_for_member(edit=True)`` is checked by each), in one
transaction; a rule refused is an ``ApplicationError`` with a stable code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.core.models import CURRENCIES
from suppliers.models import KIND_CODE_MAX, CustomerKind, PriceList, PriceListKind, Product

from .models import PriceAssignment, Promotion, PromotionKind
from .selectors import accounts_of, may_edit, segments_of

DEFAULT_KINDS = (
    (PriceListKind.WHOLESALE, 0),
    (PriceListKind.SMALL_WHOLESALE, 1),
    (PriceListKind.RETAIL, 2),
)


def _require_editor(*, actor, supplier: Company) -> None:
    if not may_edit(user=actor, supplier=supplier):
        raise PermissionDeniedError(
            _("Only the supplier's company admins and account managers may change its prices."),
            code="pricing_read_only",
        )


def _invalid(field_name: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field_name: [message]})


# --- Kinds of customer ------------------------------------------------------------------------


def customer_kinds_ensure(*, supplier: Company) -> None:
    """Seed the three default kinds (retail the default) for a supplier that has none yet."""
    if CustomerKind.objects.filter(supplier=supplier).exists():
        return
    with transaction.atomic():
        for choice, position in DEFAULT_KINDS:
            CustomerKind.objects.get_or_create(
                supplier=supplier,
                code=choice.value,
                defaults={
                    "name": str(choice.label),
                    "position": position,
                    "is_default": choice == PriceListKind.RETAIL,
                },
            )


def customer_kind_create(
    *, actor, supplier: Company, name: str, code: str = "", is_default: bool = False
) -> CustomerKind:
    """A new kind the supplier names; its code (what price lists name) is made from the name
    unless given, and never changes."""
    _require_editor(actor=actor, supplier=supplier)
    name = (name or "").strip()
    if not name:
        raise _invalid("name", _("Name the kind of customer."), "name_required")
    code = slugify(code or name)[:KIND_CODE_MAX].replace("-", "_")
    if not code:
        raise _invalid("code", _("Give the kind a code of Latin letters and digits."))
    customer_kinds_ensure(supplier=supplier)
    try:
        with transaction.atomic():
            position = (
                CustomerKind.objects.filter(supplier=supplier).aggregate(m=Max("position"))["m"]
                or 0
            )
            if is_default:
                CustomerKind.objects.filter(supplier=supplier).update(is_default=False)
            return CustomerKind.objects.create(
                supplier=supplier,
                code=code,
                name=name,
                position=position + 1,
                is_default=is_default,
            )
    except IntegrityError as exc:
        message = _("A kind with the code “%(code)s” already exists.") % {"code": code}
        raise ConflictError(message, code="duplicate_kind", fields={"code": [message]}) from exc


def customer_kind_update(
    *, actor, kind: CustomerKind, name: str | None = None, is_default: bool | None = None
) -> CustomerKind:
    """Rename a kind, or make it the default (the one default of the supplier)."""
    _require_editor(actor=actor, supplier=kind.supplier)
    with transaction.atomic():
        if name is not None:
            if not name.strip():
                raise _invalid("name", _("Name the kind of customer."), "name_required")
            kind.name = name.strip()
        if is_default:
            CustomerKind.objects.filter(supplier_id=kind.supplier_id).exclude(pk=kind.pk).update(
                is_default=False
            )
            kind.is_default = True
        elif is_default is False and kind.is_default:
            raise _invalid(
                "is_default",
                _("Choose another kind as the default instead: one kind is always the default."),
                "default_required",
            )
        kind.save()
    return kind


def customer_kind_delete(*, actor, kind: CustomerKind) -> None:
    """Remove a kind no price list names and that is not the default."""
    _require_editor(actor=actor, supplier=kind.supplier)
    if kind.is_default:
        raise ConflictError(
            _("The default kind cannot be removed: make another kind the default first."),
            code="kind_is_default",
        )
    if PriceList.objects.filter(supplier_id=kind.supplier_id, kind=kind.code).exists():
        raise ConflictError(
            _("Price lists of this kind exist: give them another kind first."), code="kind_in_use"
        )
    with transaction.atomic():
        kind.delete()


# --- Promotions -------------------------------------------------------------------------------

PROMOTION_FIELDS = {
    "name",
    "kind",
    "percent",
    "price",
    "currency",
    "price_list",
    "customer_kind",
    "products",
    "valid_from",
    "valid_until",
}


def _check_promotion(supplier: Company, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("Name the promotion.")]
    kind = values.get("kind")
    if kind == PromotionKind.PERCENT:
        percent = values.get("percent")
        if percent is None or not Decimal(0) < percent < Decimal(100):
            errors["percent"] = [_("The percentage off is between 0 and 100.")]
        values["price"], values["currency"] = None, ""
    elif kind == PromotionKind.FIXED_PRICE:
        if values.get("price") is None or values["price"] <= 0:
            errors["price"] = [_("The fixed price must be greater than zero.")]
        if values.get("currency") not in {c for c, _n in CURRENCIES}:
            errors["currency"] = [_("Unsupported currency.")]
        values["percent"] = None
    else:
        errors["kind"] = [_("A percentage off or a fixed price.")]
    price_list, customer_kind = values.get("price_list"), values.get("customer_kind")
    if (price_list is None) == (customer_kind is None):
        errors["price_list"] = [_("Choose a price list or a kind of customer, one of them.")]
    for row in (price_list, customer_kind):
        if row is not None and row.supplier_id != supplier.pk:
            errors["price_list"] = [_("No such price list or kind of yours.")]
    products = values.get("products") or []
    if not products:
        errors["products"] = [_("Choose the products the promotion is for.")]
    elif any(p.supplier_id != supplier.pk for p in products):
        errors["products"] = [_("No such product in your catalogue.")]
    valid_from, valid_until = values.get("valid_from"), values.get("valid_until")
    if not isinstance(valid_from, date) or not isinstance(valid_until, date):
        errors["valid_until"] = [_("Give the first and the last day of the promotion.")]
    elif valid_until < valid_from:
        errors["valid_until"] = [_("A promotion cannot end before it starts.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid_promotion", fields=errors)
    return values


def promotion_create(*, actor, supplier: Company, **values: Any) -> Promotion:
    """``values``: name, kind, percent or price and currency, price_list or customer_kind,
    products, valid_from, valid_until."""
    _require_editor(actor=actor, supplier=supplier)
    unknown = set(values) - PROMOTION_FIELDS
    if unknown:
        raise ApplicationError(_("Unknown fields: %s.") % ", ".join(sorted(unknown)))
    values = _check_promotion(supplier, dict(values))
    products: list[Product] = values.pop("products")
    with transaction.atomic():
        promotion = Promotion.objects.create(supplier=supplier, created_by=actor, **values)
        promotion.products.set(products)
    return promotion


def promotion_update(*, actor, promotion: Promotion, changes: dict[str, Any]) -> Promotion:
    _require_editor(actor=actor, supplier=promotion.supplier)
    unknown = set(changes) - PROMOTION_FIELDS
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed: %s.") % ", ".join(sorted(unknown))
        )
    current = {f: getattr(promotion, f) for f in PROMOTION_FIELDS - {"products"}}
    current["products"] = list(promotion.products.all())
    values = _check_promotion(promotion.supplier, {**current, **changes})
    products = values.pop("products")
    with transaction.atomic():
        for key, value in values.items():
            setattr(promotion, key, value)
        promotion.save()
        promotion.products.set(products)
    return promotion


def promotion_delete(*, actor, promotion: Promotion) -> None:
    _require_editor(actor=actor, supplier=promotion.supplier)
    with transaction.atomic():
        promotion.delete()


# --- Assignments ------------------------------------------------------------------------------


def assignment_create(
    *,
    actor,
    supplier: Company,
    account_id: int | None = None,
    segment_id: int | None = None,
    price_list_id: int | None = None,
    customer_kind_id: int | None = None,
    priority: int = 100,
) -> PriceAssignment:
    """Give one CRM account, or a segment's accounts, a price list or a kind of customer. An
    account (or segment) already assigned gets the new one instead (one per target)."""
    _require_editor(actor=actor, supplier=supplier)
    if (account_id is None) == (segment_id is None):
        raise _invalid("account", _("Choose an account or a segment, one of them."))
    if (price_list_id is None) == (customer_kind_id is None):
        raise _invalid("price_list", _("Choose a price list or a kind of customer, one of them."))
    account = segment = price_list = kind = None
    if account_id is not None:
        account = accounts_of(supplier=supplier).filter(pk=account_id).first()
        if account is None:
            raise _invalid("account", _("No such account in your CRM."), "account_not_found")
    else:
        segment = segments_of(supplier=supplier).filter(pk=segment_id or 0).first()
        if segment is None:
            raise _invalid("segment", _("No such segment of yours."), "segment_not_found")
    if price_list_id is not None:
        price_list = PriceList.objects.filter(supplier=supplier, pk=price_list_id).first()
        if price_list is None:
            raise _invalid("price_list", _("No such price list of yours."), "price_list_not_found")
    else:
        kind = CustomerKind.objects.filter(supplier=supplier, pk=customer_kind_id or 0).first()
        if kind is None:
            raise _invalid("customer_kind", _("No such kind of customer."), "kind_not_found")
    if not 0 <= priority <= 32767:
        raise _invalid("priority", _("The priority is a number from 0 to 32767."))
    with transaction.atomic():
        target: dict[str, Any] = (
            {"account": account} if account is not None else {"segment": segment}
        )
        assignment, _created = PriceAssignment.objects.select_for_update().update_or_create(
            supplier=supplier,
            **target,
            defaults={
                "price_list": price_list,
                "customer_kind": kind,
                "priority": priority,
                "created_by": actor,
            },
        )
    return assignment


def assignment_delete(*, actor, assignment: PriceAssignment) -> None:
    _require_editor(actor=actor, supplier=assignment.supplier)
    with transaction.atomic():
        assignment.delete()
