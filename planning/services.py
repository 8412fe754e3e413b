"""Writes of procurement plans: the plan, its lines, publishing it, and linking the buyer's
tenders to its lines. Each function is one transaction, checks who acts (the buyer's
procurement officers and company admins, ``selectors.plan_get_managed``) and raises
``ApplicationError`` (or a subclass) with a stable code and, for bad input, the fields.

Rules:

* one plan per buyer and year; a plan and its lines are edited while it is a draft; publishing
  needs a line and cannot be undone;
* a line: a category, a quarter 1-4, a description and a budget above zero in a currency;
* a link: a tender of the plan's buyer (not cancelled) whose category is the line's or lies
  under it, in the line's currency; linked whole to one line, or lot by lot to several, so
  each lot counts toward one line only. Links are made in a draft and in a published plan
  alike (the tenders come as the year goes); a line with links keeps its category and
  currency unless each linked tender still fits.

Links are checked while every plan of the buyer is locked (``_lock_buyer_plans``), so two
people linking the same tender to two lines at once cannot both succeed; the unique
constraints on ``PlanLineTender`` stand behind it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.models import Lot, Tender, TenderStatus
from marketplace.categories.models import Category
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.core.models import CURRENCIES, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from marketplace.platforms.models import AuctionFormat

from . import outbox, selectors
from .models import (
    YEAR_MAX,
    YEAR_MIN,
    PlanLine,
    PlanLineTender,
    PlanStatus,
    ProcurementPlan,
)

TITLE_MAX = 300
DESCRIPTION_MAX = 500
CURRENCY_CODES = {code for code, _label in CURRENCIES}


def _invalid(fields: dict[str, list[str]]) -> ApplicationError:
    message = (
        next(iter(fields.values()))[0] if len(fields) == 1 else _("Some fields are not valid.")
    )
    return ApplicationError(message, code="invalid", fields=fields)


def _lock_plan(plan_id: int) -> ProcurementPlan:
    return ProcurementPlan.objects.select_for_update().get(pk=plan_id)


def _lock_buyer_plans(buyer_id: int) -> None:
    """Every plan of the buyer, locked in one order: a tender's links are checked under it."""
    list(
        ProcurementPlan.objects.filter(buyer_id=buyer_id)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )


def _require_draft(plan: ProcurementPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError(
            _("The plan is published: it is no longer edited."), code="plan_published"
        )


# --- Checking input ----------------------------------------------------------------------------


def _clean_title(title, errors: dict) -> str:
    text = " ".join(str(title or "").split())
    if not text:
        errors["title"] = [_("Give the plan a title.")]
    elif len(text) > TITLE_MAX:
        errors["title"] = [_("At most %(n)s characters.") % {"n": TITLE_MAX}]
    return text


def _clean_year(year, errors: dict) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = 0
    if isinstance(year, bool) or not YEAR_MIN <= value <= YEAR_MAX:
        errors["year"] = [_("A year from %(min)s to %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX}]
    return value


def _clean_currency(currency, errors: dict) -> str:
    code = str(currency or "").strip().upper()
    if code not in CURRENCY_CODES:
        errors["currency"] = [_("Choose one of the currencies the marketplace trades in.")]
    return code


def _clean_budget(budget, errors: dict) -> Decimal:
    try:
        value = Decimal(str(budget).strip())
    except (InvalidOperation, ValueError):
        errors["budget"] = [_("Enter an amount, such as 125000.00.")]
        return Decimal(0)
    exponent = value.as_tuple().exponent
    if not value.is_finite() or value <= 0:
        errors["budget"] = [_("The budget must be greater than zero.")]
    elif isinstance(exponent, int) and -exponent > MONEY_DECIMAL_PLACES:
        errors["budget"] = [_("At most two decimal places.")]
    elif len(value.quantize(Decimal("0.01")).as_tuple().digits) > MONEY_MAX_DIGITS:
        errors["budget"] = [_("The amount is too large.")]
    return value


def _clean_line(values: dict, errors: dict) -> dict:
    """The line's fields among ``values`` (those present), checked; problems into ``errors``."""
    out: dict = {}
    if "category_id" in values:
        category = Category.objects.filter(pk=values["category_id"]).first()
        if category is None:
            errors["category"] = [_("No such category.")]
        out["category"] = category
    if "quarter" in values:
        quarter = values["quarter"]
        if isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
            errors["quarter"] = [_("A quarter from 1 to 4.")]
        out["quarter"] = quarter
    if "description" in values:
        text = " ".join(str(values["description"] or "").split())
        if not text:
            errors["description"] = [_("Say what is to be bought.")]
        elif len(text) > DESCRIPTION_MAX:
            errors["description"] = [_("At most %(n)s characters.") % {"n": DESCRIPTION_MAX}]
        out["description"] = text
    if "budget" in values:
        out["budget"] = _clean_budget(values["budget"], errors)
    if "currency" in values:
        out["currency"] = _clean_currency(values["currency"], errors)
    if "auction_format" in values:
        fmt = values["auction_format"] or ""
        if fmt and fmt not in AuctionFormat.values:
            errors["auction_format"] = [_("No such auction format.")]
        out["auction_format"] = fmt
    return out


# --- Plans -------------------------------------------------------------------------------------


def plan_create(
    *, actor, buyer_id: int, year, title: str, currency: str = "UAH"
) -> ProcurementPlan:
    """A draft plan of ``buyer_id`` for ``year`` (one per buyer and year)."""
    if not selectors.user_manages_buyer(user=actor, buyer_id=buyer_id):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins make its plans."),
            code="not_plan_manager",
        )
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "year": _clean_year(year, errors),
        "title": _clean_title(title, errors),
        "currency": _clean_currency(currency, errors),
    }
    if errors:
        raise _invalid(errors)
    if not selectors.buyers_managed(user=actor).filter(pk=buyer_id).exists():
        message = _("Only a buyer company makes procurement plans.")
        raise ApplicationError(message, code="not_a_buyer", fields={"buyer": [message]})
    taken = _("The company already has a plan for %(year)s.") % {"year": values["year"]}
    try:
        with transaction.atomic():
            if ProcurementPlan.objects.filter(buyer_id=buyer_id, year=values["year"]).exists():
                raise ConflictError(taken, code="plan_exists", fields={"year": [taken]})
            return ProcurementPlan.objects.create(buyer_id=buyer_id, created_by=actor, **values)
    except IntegrityError as exc:  # a plan for the year made meanwhile
        raise ConflictError(taken, code="plan_exists", fields={"year": [taken]}) from exc


def plan_update(*, actor, plan_id: int, **changes) -> ProcurementPlan:
    """Change a draft's ``title``, ``year`` or ``currency`` (the new lines' default)."""
    selectors.plan_get_managed(user=actor, plan_id=plan_id)
    unknown = set(changes) - {"title", "year", "currency"}
    if unknown:
        raise ValueError(f"plan_update: unknown fields {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    values: dict = {}
    if "title" in changes:
        values["title"] = _clean_title(changes["title"], errors)
    if "year" in changes:
        values["year"] = _clean_year(changes["year"], errors)
    if "currency" in changes:
        values["currency"] = _clean_currency(changes["currency"], errors)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        plan = _lock_plan(plan_id)
        _require_draft(plan)
        if "year" in values and values["year"] != plan.year:
            other = ProcurementPlan.objects.filter(buyer_id=plan.buyer_id, year=values["year"])
            if other.exists():
                taken = _("The company already has a plan for %(year)s.") % {"year": values["year"]}
                raise ConflictError(taken, code="plan_exists", fields={"year": [taken]})
        for key, value in values.items():
            setattr(plan, key, value)
        plan.save()
    return plan


def plan_delete(*, actor, plan_id: int) -> None:
    """Delete a draft with its lines and their links."""
    selectors.plan_get_managed(user=actor, plan_id=plan_id)
    with transaction.atomic():
        plan = _lock_plan(plan_id)
        _require_draft(plan)
        plan.delete()


def plan_publish(*, actor, plan_id: int, now=None) -> ProcurementPlan:
    """Publish a draft that has a line: every signed-in person reads it from now on, and it is
    no longer edited. Tells ``plan.published``."""
    selectors.plan_get_managed(user=actor, plan_id=plan_id)
    with transaction.atomic():
        plan = _lock_plan(plan_id)
        _require_draft(plan)
        lines = list(PlanLine.objects.filter(plan=plan).values_list("currency", "budget"))
        if not lines:
            raise ConflictError(
                _("Add a line to the plan before publishing it."), code="plan_empty"
            )
        budgets: dict[str, Decimal] = {}
        for currency, budget in lines:  # each currency on its own, never added together
            budgets[currency] = budgets.get(currency, Decimal(0)) + budget
        plan.status = PlanStatus.PUBLISHED
        plan.published_at = now or timezone.now()
        plan.save(update_fields=["status", "published_at", "updated_at"])
        outbox.plan_published(plan=plan, budgets=budgets, lines=len(lines), actor=actor)
    return plan


# --- Lines -------------------------------------------------------------------------------------


def line_create(
    *,
    actor,
    plan_id: int,
    category_id: int | None,
    quarter,
    description: str,
    budget,
    currency: str | None = None,
    auction_format: str = "",
) -> PlanLine:
    """A line of a draft plan (in the plan's currency unless ``currency`` is given)."""
    selectors.plan_get_managed(user=actor, plan_id=plan_id)
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        plan = _lock_plan(plan_id)
        _require_draft(plan)
        values = _clean_line(
            {
                "category_id": category_id,
                "quarter": quarter,
                "description": description,
                "budget": budget,
                "currency": currency or plan.currency,
                "auction_format": auction_format,
            },
            errors,
        )
        if errors:
            raise _invalid(errors)
        return PlanLine.objects.create(plan=plan, **values)


def line_update(*, actor, plan_id: int, line_id: int, **changes) -> PlanLine:
    """Change a draft's line: ``category_id``, ``quarter``, ``description``, ``budget``,
    ``currency``, ``auction_format``. Its linked tenders must still fit the category and the
    currency."""
    plan = selectors.plan_get_managed(user=actor, plan_id=plan_id)
    line = selectors.line_get(plan=plan, line_id=line_id)
    unknown = set(changes) - {
        "category_id",
        "quarter",
        "description",
        "budget",
        "currency",
        "auction_format",
    }
    if unknown:
        raise ValueError(f"line_update: unknown fields {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    values = _clean_line(changes, errors)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        _require_draft(_lock_plan(plan_id))
        line = PlanLine.objects.select_for_update().get(pk=line.pk)
        for key, value in values.items():
            setattr(line, key, value)
        for link in PlanLineTender.objects.filter(line=line).select_related("tender__category"):
            problems = _tender_misfit(line=line, tender=link.tender)
            if problems:
                message = _(
                    "The linked tender “%(title)s” would no longer fit the line: unlink it first."
                ) % {"title": link.tender.title}
                raise ApplicationError(
                    message, code="linked_tender_misfit", fields={k: [message] for k in problems}
                )
        line.save()
    return line


def line_delete(*, actor, plan_id: int, line_id: int) -> None:
    """Remove a draft's line with its links."""
    plan = selectors.plan_get_managed(user=actor, plan_id=plan_id)
    line = selectors.line_get(plan=plan, line_id=line_id)
    with transaction.atomic():
        _require_draft(_lock_plan(plan_id))
        PlanLine.objects.filter(pk=line.pk).delete()


# --- Links -------------------------------------------------------------------------------------


def category_covers(*, line_category: Category, category: Category) -> bool:
    """Is ``category`` the line's category or under it (the tree's paths)?"""
    return category.path == line_category.path or category.path.startswith(f"{line_category.path}/")


def _tender_misfit(*, line: PlanLine, tender: Tender) -> list[str]:
    """The line's fields the tender does not fit: its category, its currency."""
    problems = []
    if not category_covers(line_category=line.category, category=tender.category):
        problems.append("category")
    if tender.currency != line.currency:
        problems.append("currency")
    return problems


def _describe_link(link: PlanLineTender) -> dict:
    return {
        "year": link.line.plan.year,
        "quarter": link.line.quarter,
        "line": link.line.description,
    }


def line_link_tender(
    *, actor, plan_id: int, line_id: int, tender_id: int, lot_id: int | None = None
) -> PlanLineTender:
    """Link the buyer's tender (every lot, or ``lot_id`` only) to a line. Tells
    ``plan_line.linked``."""
    plan = selectors.plan_get_managed(user=actor, plan_id=plan_id)
    line = selectors.line_get(plan=plan, line_id=line_id)
    # Another company's tender and a missing one answer alike: the buyer learns nothing.
    tender = (
        Tender.objects.select_related("category")
        .filter(pk=tender_id, buyer_id=plan.buyer_id)
        .first()
    )
    if tender is None:
        message = _("No such tender of the plan's buyer.")
        raise ApplicationError(message, code="tender_not_found", fields={"tender": [message]})
    if tender.status == TenderStatus.CANCELLED:
        message = _("The tender is cancelled: it buys nothing for the plan.")
        raise ApplicationError(message, code="tender_cancelled", fields={"tender": [message]})
    lot = None
    if lot_id is not None:
        lot = Lot.objects.filter(pk=lot_id, tender=tender).first()
        if lot is None:
            message = _("No such lot in this tender.")
            raise ApplicationError(message, code="lot_not_found", fields={"lot": [message]})
    errors: dict[str, list[str]] = {}
    problems = _tender_misfit(line=line, tender=tender)
    if "category" in problems:
        errors["tender"] = [
            _("The tender's category (%(tender)s) is not the line's (%(line)s) nor under it.")
            % {"tender": tender.category.code, "line": line.category.code}
        ]
    if "currency" in problems:
        errors.setdefault("tender", []).append(
            _("The tender is in %(tender)s and the line's budget in %(line)s.")
            % {"tender": tender.currency, "line": line.currency}
        )
    if errors:
        raise ApplicationError(errors["tender"][0], code="tender_misfit", fields=errors)
    try:
        with transaction.atomic():
            _lock_buyer_plans(plan.buyer_id)
            existing = PlanLineTender.objects.filter(tender=tender).select_related("line__plan")
            if lot is not None:
                existing = existing.filter(lot__isnull=True) | existing.filter(lot=lot)
            clash = existing.order_by("pk").first()
            if clash is not None:
                values = _describe_link(clash)
                if clash.lot_id is None:
                    message = (
                        _(
                            "The tender is linked whole to the line “%(line)s” (%(year)s, Q%(quarter)s)."
                        )
                        % values
                    )
                elif lot is None:
                    message = (
                        _(
                            "Lots of the tender are linked to the line “%(line)s” (%(year)s, "
                            "Q%(quarter)s): link its other lots one by one."
                        )
                        % values
                    )
                else:
                    message = (
                        _("The lot is linked to the line “%(line)s” (%(year)s, Q%(quarter)s).")
                        % values
                    )
                raise ConflictError(message, code="already_linked")
            link = PlanLineTender.objects.create(line=line, tender=tender, lot=lot, linked_by=actor)
            link.line = line
            link.tender = tender
            outbox.line_linked(link=link, actor=actor)
    except IntegrityError as exc:  # linked meanwhile (a backend without row locks)
        raise ConflictError(
            _("The tender was linked meanwhile: reload the plan."), code="already_linked"
        ) from exc
    return link


def line_unlink_tender(*, actor, plan_id: int, line_id: int, link_id: int) -> None:
    """Take a tender (or its lot) off the line."""
    plan = selectors.plan_get_managed(user=actor, plan_id=plan_id)
    line = selectors.line_get(plan=plan, line_id=line_id)
    link = selectors.link_get(line=line, link_id=link_id)
    with transaction.atomic():
        _lock_buyer_plans(plan.buyer_id)
        PlanLineTender.objects.filter(pk=link.pk).delete()
