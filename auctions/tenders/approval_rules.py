"""A buyer's approval policy: its rules, read by the buyer's people and written by its company
admins (``approvals`` applies them to tenders).

A rule: a name; thresholds, one per currency ("above 1 000 000.00 UAH"; a tender in a currency
the rule sets no threshold for is not caught by the amount); categories (a tender whose category
is one of them or lies under one is caught); the approvers, named people of the buyer company
in order; and the mode (in order, or any one of them). A rule needs at least one threshold or
category and at least one approver. Outsiders get 404, members who are not company admins 403
on writes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from marketplace.categories.models import Category
from marketplace.companies.models import Company, Membership, MembershipRole
from marketplace.companies.selectors import company_get_for_admin, user_company_ids
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.models import CURRENCIES, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

from ..approval_models import ApprovalMode, ApprovalRule, ApprovalRuleApprover, ApprovalThreshold

NAME_MAX = 200
MAX_APPROVERS = 10
CURRENCY_CODES = {code for code, _label in CURRENCIES}


# --- Reads -------------------------------------------------------------------------------------


def rules_with_parts(qs: QuerySet[ApprovalRule]) -> QuerySet[ApprovalRule]:
    return qs.prefetch_related(
        "thresholds",
        "categories",
        Prefetch("approvers", queryset=ApprovalRuleApprover.objects.select_related("user")),
    )


def rule_list(*, user, buyer_id: int | None = None) -> QuerySet[ApprovalRule]:
    """The rules of the user's companies (of ``buyer_id`` only, when given)."""
    companies = user_company_ids(user=user)
    qs = ApprovalRule.objects.filter(buyer_id__in=companies)
    if buyer_id is not None:
        qs = qs.filter(buyer_id=buyer_id)
    return rules_with_parts(qs.select_related("buyer")).order_by("buyer_id", "pk")


def rule_get(*, user, rule_id: int) -> ApprovalRule:
    rule = rule_list(user=user).filter(pk=rule_id).first()
    if rule is None:
        raise NotFoundError(_("No such approval rule."), code="approval_rule_not_found")
    return rule


def buyer_people(*, buyer: Company | int) -> list:
    """The active people of the buyer company, each once, by name: who may be an approver."""
    buyer_id = buyer if isinstance(buyer, int) else buyer.pk
    seen: dict[int, object] = {}
    for m in (
        Membership.objects.filter(company_id=buyer_id, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "user_id")
    ):
        seen.setdefault(m.user_id, m.user)
    return list(seen.values())


def admin_buyers(*, user) -> QuerySet[Company]:
    """The buyer companies whose policy ``user`` may set (a company admin of each)."""
    ids = user_company_ids(user=user, roles=[MembershipRole.COMPANY_ADMIN])
    return Company.objects.filter(pk__in=ids, is_buyer=True).order_by("legal_name")


def member_buyers(*, user) -> QuerySet[Company]:
    return Company.objects.filter(pk__in=user_company_ids(user=user), is_buyer=True).order_by(
        "legal_name"
    )


# --- Checking input ----------------------------------------------------------------------------


def _clean_amount(value, errors: dict, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter an amount, such as 1000000.00.")]
        return Decimal(0)
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount < 0:
        errors[field] = [_("The amount cannot be below zero.")]
    elif isinstance(exponent, int) and -exponent > MONEY_DECIMAL_PLACES:
        errors[field] = [_("At most two decimal places.")]
    elif len(amount.quantize(Decimal("0.01")).as_tuple().digits) > MONEY_MAX_DIGITS:
        errors[field] = [_("The amount is too large.")]
    return amount


def _clean(*, buyer_id: int, values: dict, errors: dict) -> dict:
    """The rule's fields among ``values`` (those present), checked."""
    out: dict = {}
    if "name" in values:
        name = " ".join(str(values["name"] or "").split())
        if not name:
            errors["name"] = [_("Give the rule a name.")]
        elif len(name) > NAME_MAX:
            errors["name"] = [_("At most %(n)s characters.") % {"n": NAME_MAX}]
        out["name"] = name
    if "mode" in values:
        if values["mode"] not in ApprovalMode.values:
            errors["mode"] = [_("Choose in order or any one of them.")]
        out["mode"] = values["mode"]
    if "active" in values:
        out["active"] = bool(values["active"])
    if "thresholds" in values:
        thresholds: dict[str, Decimal] = {}
        for currency, amount in dict(values["thresholds"] or {}).items():
            code = str(currency).strip().upper()
            if code not in CURRENCY_CODES:
                errors[f"thresholds.{currency}"] = [
                    _("Choose one of the currencies the marketplace trades in.")
                ]
                continue
            thresholds[code] = _clean_amount(amount, errors, f"thresholds.{code}")
        out["thresholds"] = thresholds
    if "category_ids" in values:
        ids = list(dict.fromkeys(int(i) for i in values["category_ids"] or []))
        found = list(Category.objects.filter(pk__in=ids))
        if len(found) != len(ids):
            errors["categories"] = [_("No such category.")]
        out["categories"] = found
    if "approver_ids" in values:
        ids = [int(i) for i in values["approver_ids"] or []]
        people = {p.pk: p for p in buyer_people(buyer=buyer_id)}
        if not ids:
            errors["approvers"] = [_("Name at least one approver.")]
        elif len(set(ids)) != len(ids):
            errors["approvers"] = [_("Name each approver once.")]
        elif len(ids) > MAX_APPROVERS:
            errors["approvers"] = [_("At most %(n)s approvers.") % {"n": MAX_APPROVERS}]
        elif any(i not in people for i in ids):
            errors["approvers"] = [_("Each approver must be a person of the buyer company.")]
        out["approvers"] = [people[i] for i in ids if i in people]
    return out


def _invalid(errors: dict[str, list[str]]) -> ApplicationError:
    message = (
        next(iter(errors.values()))[0] if len(errors) == 1 else _("Some fields are not valid.")
    )
    return ApplicationError(message, code="invalid", fields=errors)


def _write_parts(rule: ApprovalRule, fields: dict) -> None:
    if "thresholds" in fields:
        rule.thresholds.all().delete()
        ApprovalThreshold.objects.bulk_create(
            ApprovalThreshold(rule=rule, currency=c, amount=a)
            for c, a in sorted(fields["thresholds"].items())
        )
    if "categories" in fields:
        rule.categories.set(fields["categories"])
    if "approvers" in fields:
        rule.approvers.all().delete()
        ApprovalRuleApprover.objects.bulk_create(
            ApprovalRuleApprover(rule=rule, user=user, position=i)
            for i, user in enumerate(fields["approvers"], start=1)
        )


def _require_condition(rule: ApprovalRule) -> None:
    if not rule.thresholds.exists() and not rule.categories.exists():
        message = _("Set an amount in a currency or choose a category: when does the rule apply?")
        raise ApplicationError(message, code="rule_without_condition", fields={"": [message]})


# --- Writes ------------------------------------------------------------------------------------


def rule_create(
    *,
    actor,
    buyer_id: int,
    name: str,
    approver_ids: list[int],
    mode: str = ApprovalMode.IN_ORDER,
    thresholds: dict | None = None,
    category_ids: list[int] | None = None,
    active: bool = True,
) -> ApprovalRule:
    """A rule of the buyer's policy (its company admins)."""
    buyer = company_get_for_admin(user=actor, company_id=buyer_id)
    errors: dict[str, list[str]] = {}
    values = {
        "name": name,
        "mode": mode,
        "active": active,
        "thresholds": thresholds or {},
        "category_ids": category_ids or [],
        "approver_ids": approver_ids,
    }
    fields = _clean(buyer_id=buyer.pk, values=values, errors=errors)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        rule = ApprovalRule.objects.create(
            buyer=buyer,
            name=fields["name"],
            mode=fields["mode"],
            active=fields["active"],
            created_by=actor,
        )
        _write_parts(rule, fields)
        _require_condition(rule)
    return rule


def rule_update(*, actor, rule_id: int, **values) -> ApprovalRule:
    """Change a rule (only the fields given). A request already made keeps the approvers it
    was made with; the next request follows the rule as it is then."""
    unknown = set(values) - {"name", "mode", "active", "thresholds", "category_ids", "approver_ids"}
    if unknown:
        raise TypeError(f"unknown rule fields: {sorted(unknown)}")
    rule = rule_get(user=actor, rule_id=rule_id)
    company_get_for_admin(user=actor, company_id=rule.buyer_id)
    errors: dict[str, list[str]] = {}
    fields = _clean(buyer_id=rule.buyer_id, values=values, errors=errors)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        rule = ApprovalRule.objects.select_for_update().get(pk=rule.pk)
        for key in ("name", "mode", "active"):
            if key in fields:
                setattr(rule, key, fields[key])
        rule.save()
        _write_parts(rule, fields)
        _require_condition(rule)
    return rule


def rule_delete(*, actor, rule_id: int) -> None:
    rule = rule_get(user=actor, rule_id=rule_id)
    company_get_for_admin(user=actor, company_id=rule.buyer_id)
    rule.delete()
