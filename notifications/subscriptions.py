"""Tender subscriptions: a supplier company's saved searches (services and selectors).

Its bidders and admins keep them; the company's people are told of each newly published tender
that matches one (``matching.py``, through the ``tender.published`` event)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.models import CURRENCIES
from marketplace.platforms.models import Platform
from suppliers.regions import is_valid_region_code, normalize_region_code

from .models import TenderSubscription

KEEPER_ROLES = ("company_admin", "bidder")
MAX_PER_COMPANY = 50
FIELDS = (
    "name",
    "categories",
    "regions",
    "keywords",
    "budget_min",
    "budget_max",
    "currency",
    "platforms",
    "active",
)


def subscription_companies(*, user) -> set[int]:
    """The supplier companies whose subscriptions ``user`` keeps."""
    ids = user_company_ids(user=user, roles=KEEPER_ROLES)
    return set(Company.objects.filter(pk__in=ids, is_supplier=True).values_list("pk", flat=True))


def subscription_list(*, user):
    return (
        TenderSubscription.objects.filter(company_id__in=subscription_companies(user=user))
        .select_related("company")
        .prefetch_related("categories", "platforms")
    )


def subscription_get(*, user, subscription_id: int) -> TenderSubscription:
    found = subscription_list(user=user).filter(pk=subscription_id).first()
    if found is None:
        raise NotFoundError(_("No such subscription."), code="subscription_not_found")
    return found


def _clean(fields: dict, *, partial: bool) -> tuple[dict, dict]:
    """The fields checked and normalised, and the many-to-many ones apart; raises one
    ApplicationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    data = {k: v for k, v in fields.items() if k in FIELDS}
    if "name" in data or not partial:
        name = (data.get("name") or "").strip()
        if not name:
            errors["name"] = [_("Name the subscription.")]
        elif len(name) > 200:
            errors["name"] = [_("At most 200 characters.")]
        data["name"] = name
    if "keywords" in data:
        data["keywords"] = " ".join(str(data["keywords"] or "").split())
        if len(data["keywords"]) > 500:
            errors["keywords"] = [_("At most 500 characters.")]
    if "regions" in data:
        regions = [normalize_region_code(str(r)) for r in data["regions"] or []]
        bad = [r for r in regions if not is_valid_region_code(r)]
        if bad:
            errors["regions"] = [
                _("Not ISO 3166 country (UA) or subdivision (UA-30) codes: %(codes)s.")
                % {"codes": ", ".join(bad)}
            ]
        data["regions"] = sorted(set(regions))
    for field in ("budget_min", "budget_max"):
        value = data.get(field)
        if value is not None and (not isinstance(value, Decimal) or value < 0):
            errors[field] = [_("A budget is an amount of at least zero.")]
    low, high = data.get("budget_min"), data.get("budget_max")
    if low is not None and high is not None and low > high:
        errors["budget_max"] = [_("The upper bound is below the lower one.")]
    if "currency" in data:
        data["currency"] = (data["currency"] or "").upper()
        if data["currency"] and data["currency"] not in dict(CURRENCIES):
            errors["currency"] = [_("Unknown currency.")]
    if (low is not None or high is not None) and not data.get("currency") and not partial:
        errors["currency"] = [_("Say the currency of the budget.")]
    related = {}
    for field, model in (("categories", Category), ("platforms", Platform)):
        if field in data:
            ids = sorted({int(i) for i in data.pop(field) or []})
            found = list(model.objects.filter(pk__in=ids))
            if len(found) != len(ids):
                errors[field] = [_("Some of these do not exist.")]
            related[field] = found
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid_subscription", fields=errors)
    return data, related


def subscription_create(*, actor, company_id: int, **fields) -> TenderSubscription:
    if company_id not in subscription_companies(user=actor):
        raise NotFoundError(_("No such supplier company of yours."), code="company_not_found")
    data, related = _clean(fields, partial=False)
    with transaction.atomic():
        count = TenderSubscription.objects.select_for_update().filter(company_id=company_id)
        if len(count) >= MAX_PER_COMPANY:
            raise ApplicationError(
                _("A company may keep at most %(n)d subscriptions.") % {"n": MAX_PER_COMPANY},
                code="too_many_subscriptions",
            )
        subscription = TenderSubscription.objects.create(
            company_id=company_id, created_by=actor, **data
        )
        for field, objects in related.items():
            getattr(subscription, field).set(objects)
    return subscription


def subscription_update(*, actor, subscription_id: int, **fields) -> TenderSubscription:
    subscription = subscription_get(user=actor, subscription_id=subscription_id)
    data, related = _clean(fields, partial=True)
    with transaction.atomic():
        for field, value in data.items():
            setattr(subscription, field, value)
        low, high = subscription.budget_min, subscription.budget_max
        if low is not None and high is not None and low > high:
            message = _("The upper bound is below the lower one.")
            raise ApplicationError(
                message, code="invalid_subscription", fields={"budget_max": [message]}
            )
        if (low is not None or high is not None) and not subscription.currency:
            message = _("Say the currency of the budget.")
            raise ApplicationError(
                message, code="invalid_subscription", fields={"currency": [message]}
            )
        subscription.save()
        for field, objects in related.items():
            getattr(subscription, field).set(objects)
    return subscription


def subscription_delete(*, actor, subscription_id: int) -> None:
    subscription_get(user=actor, subscription_id=subscription_id).delete()
