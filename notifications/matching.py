"""Which tender subscriptions a published tender matches (each told once per tender)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from auctions.tenders.matching import SupplierGate, category_covers

from .models import TenderSubscription


def _words(text: str) -> list[str]:
    return [w for w in text.casefold().replace(",", " ").split() if w]


def subscription_matches(subscription: TenderSubscription, tender, *, budget: Decimal) -> bool:
    """Every criterion the subscription gives must hold: a category at or above the tender's
    (its sub-tree), the buyer's country among the regions (a region code's country part), a
    keyword in the title or description (any, case-insensitive, as a word prefix), the budget
    within the range in the same currency, the platform among the platforms."""
    categories = list(subscription.categories.all())
    if categories:
        path = tender.category.path if tender.category_id else ""
        if not category_covers(path=path, categories=categories):
            return False
    if subscription.regions:
        countries = {str(code).split("-")[0].upper() for code in subscription.regions}
        if tender.buyer.country.upper() not in countries:
            return False
    if subscription.keywords.strip():
        words = _words(f"{tender.title} {tender.description}")
        wanted = _words(subscription.keywords)
        if not any(any(word.startswith(w) for word in words) for w in wanted):
            return False
    if subscription.budget_min is not None or subscription.budget_max is not None:
        if subscription.currency and subscription.currency != tender.currency:
            return False
        if subscription.budget_min is not None and budget < subscription.budget_min:
            return False
        if subscription.budget_max is not None and budget > subscription.budget_max:
            return False
    platforms = {p.pk for p in subscription.platforms.all()}
    return not (platforms and tender.platform_id not in platforms)


def subscriptions_matching(tender) -> list[TenderSubscription]:
    """The active subscriptions ``tender`` matches, of suppliers that may take part in it (a
    supplier never hears of a tender it cannot see)."""
    budget = tender.lots.aggregate(total=Sum("start_price"))["total"] or Decimal(0)
    out = []
    candidates = (
        TenderSubscription.objects.filter(active=True)
        .exclude(company_id=tender.buyer_id)
        .select_related("company")
        .prefetch_related("categories", "platforms")
    )
    gate = SupplierGate(tender)
    for subscription in candidates:
        if not subscription_matches(subscription, tender, budget=budget):
            continue
        if gate.allows(subscription.company):
            out.append(subscription)
    return out
