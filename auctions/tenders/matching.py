"""Which suppliers a published tender is for: the rules the notifications' tender subscriptions
and the CRM's tender leads share (one place, so the two never drift apart).

* A category covers a tender when the tender's category is that category or lies under it
  (its sub-tree, by path).
* A supplier hears of a tender only when it may take part in it
  (``selectors.tender_supplier_block_reason``): never of one it cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable

from marketplace.categories.selectors import category_ancestors
from marketplace.companies.models import Company
from suppliers.models import SupplierProfile

from ..models import Tender
from .selectors import tender_supplier_block_reason


def category_covers(*, path: str, categories: Iterable) -> bool:
    """Is the category at ``path`` one of ``categories`` (objects with a ``path``) or under one?"""
    return any(path == c.path or path.startswith(f"{c.path}/") for c in categories)


class SupplierGate:
    """May a supplier take part in ``tender``? Each company is asked once (the rule reads the
    company's verification, platform membership and invitation)."""

    def __init__(self, tender: Tender) -> None:
        self.tender = tender
        self._allowed: dict[int, bool] = {}

    def allows(self, company: Company) -> bool:
        if company.pk not in self._allowed:
            reason = tender_supplier_block_reason(tender=self.tender, company=company)
            self._allowed[company.pk] = reason is None
        return self._allowed[company.pk]


def suppliers_covering(*, tender: Tender) -> list[Company]:
    """The supplier companies that may take part in ``tender`` and whose profile's categories
    cover its category (the category itself or one of its ancestors)."""
    if tender.category_id is None:
        return []
    covering = [tender.category_id] + [c.pk for c in category_ancestors(category=tender.category)]
    companies = (
        Company.objects.filter(
            pk__in=SupplierProfile.objects.filter(categories__in=covering).values("company_id")
        )
        .exclude(pk=tender.buyer_id)
        .order_by("pk")
    )
    gate = SupplierGate(tender)
    return [company for company in companies if gate.allows(company)]
