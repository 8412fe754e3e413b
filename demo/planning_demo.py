"""The demo's procurement plan: the buyer's (agro's) plan for the current year, published, with a
line per quarter and category, and its awarded tenders of the year (the demo history's) linked
to the lines of their category and quarter, so that "plan versus fact" shows contracted amounts
and savings beside the budgets. Lines no tender has carried out yet show nothing contracted.

Written through ``planning.services``, as the officer would. Without the history
(``load_demo --without history``) the plan has its lines and no fact. Loaded once: when the
buyer has a plan for the year, nothing is written again."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_UP, Decimal

from django.utils import timezone

from auctions.models import Award
from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.platforms.models import AuctionFormat
from marketplace.users.models import User
from planning import services
from planning.models import PlanLine, ProcurementPlan

FUEL, OILS, METAL = "09100000-0", "09000000-3", "44100000-1"  # CPV codes (seeded categories)
# The lines no tender carries out yet: (quarter, category code, what, budget, format).
PLANNED = [
    (1, FUEL, "Дизельне паливо для посівної кампанії", "3200000.00", AuctionFormat.ENGLISH),
    (2, OILS, "Мастильні матеріали і технічні рідини", "1200000.00", ""),
    (3, FUEL, "Паливо для збиральної кампанії", "3500000.00", AuctionFormat.ROUNDS),
    (4, METAL, "Металопрокат для ремонту сушарки", "900000.00", AuctionFormat.ENGLISH),
    (4, FUEL, "Паливо на зимовий період", "1500000.00", AuctionFormat.ROUNDS),
]


def _quarter(moment: datetime) -> int:
    return (timezone.localtime(moment).month - 1) // 3 + 1


def _budget(start_price: Decimal) -> Decimal:
    """The budget a line planned for a lot that started at ``start_price``: 5 % above it,
    rounded up to a thousand."""
    return (start_price * Decimal("1.05") / 1000).quantize(Decimal(1), rounding=ROUND_UP) * 1000


def planning_demo_load(*, now: datetime, buyer: Company, officer: User) -> dict:
    """The buyer's plan for ``now``'s year (made once). Returns it and whether it was made now."""
    year = timezone.localtime(now).year
    plan = ProcurementPlan.objects.filter(buyer=buyer, year=year).first()
    if plan is not None:
        return {"plan": plan, "made": False, "path": f"/planning/{plan.pk}/fact/"}
    plan = services.plan_create(
        actor=officer, buyer_id=buyer.pk, year=year, title=f"План закупівель на {year} рік"
    )
    categories = {c.code: c for c in Category.objects.filter(code__in=[FUEL, OILS, METAL])}
    for quarter, code, what, budget, fmt in PLANNED:
        if code in categories:
            services.line_create(
                actor=officer,
                plan_id=plan.pk,
                category_id=categories[code].pk,
                quarter=quarter,
                description=what,
                budget=budget,
                auction_format=fmt,
            )

    # The year's awarded tenders (the demo history's), each on a line of its own quarter.
    awards = (
        Award.objects.filter(lot__tender__buyer=buyer, awarded_at__year=year)
        .select_related("lot__tender__category")
        .order_by("awarded_at", "pk")
    )
    to_link: list[tuple[PlanLine, int]] = []
    seen: set[int] = set()
    for award in awards:
        tender = award.lot.tender
        if tender.pk in seen or tender.currency != plan.currency:
            continue
        seen.add(tender.pk)
        start = sum((lot.start_price for lot in tender.lots.all()), Decimal(0))
        line = services.line_create(
            actor=officer,
            plan_id=plan.pk,
            category_id=tender.category_id,
            quarter=_quarter(award.awarded_at),
            description=tender.title,
            budget=_budget(start),
            auction_format=award.lot.auction_format,
        )
        to_link.append((line, tender.pk))
    if PlanLine.objects.filter(plan=plan).exists():
        services.plan_publish(actor=officer, plan_id=plan.pk, now=now)
    for line, tender_id in to_link:
        services.line_link_tender(
            actor=officer, plan_id=plan.pk, line_id=line.pk, tender_id=tender_id
        )
    return {"plan": plan, "made": True, "path": f"/planning/{plan.pk}/fact/"}
