"""The facts of a supplier's scorecard, read from the tables of the domains that hold them:

* auctions: its admitted applications to lots whose auction ran (``Lot.closed_at``) or that
  were awarded, its bids (withdrawn ones aside) and the awards: the price gap, the win rate,
  and "admitted but never bid";
* deals: the orders' history, from "send" to the supplier's answer ("accept": the order and its
  contract; "decline": refused to sign): responsiveness and reliability;
* logistics: the buyer's delivery acceptances (days late, quantity and quality OK, claims);
* ratings: the buyers' reviews.

A fact belongs to the period of its date: a lot's award (else its close), the supplier's
answer to the order, the delivery's acceptance, the review's submission. ``buyer_id`` None
reads every buyer's (the platform-wide scorecard). Reads only; ``scoring`` computes."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce

from auctions.models import Application, ApplicationStatus, LotStatus
from deals.models import OrderHistory
from logistics.shipment_models import DeliveryAcceptance

from .models import Review
from .scoring import Facts, q

HUNDRED = Decimal(100)
ANSWERS = ("accept", "decline")


def _applications(*, buyer_id: int | None, supplier_id: int | None, start, end):
    rows = Application.objects.filter(status=ApplicationStatus.ADMITTED).exclude(
        lot__status=LotStatus.CANCELLED
    )
    if supplier_id is not None:
        rows = rows.filter(supplier_id=supplier_id)
    if buyer_id is not None:
        rows = rows.filter(lot__tender__buyer_id=buyer_id)
    live_bids = Q(bids__withdrawal__isnull=True)
    return rows.annotate(
        fact_at=Coalesce("lot__award__awarded_at", "lot__closed_at"),
        best=Min("bids__weighted_amount", filter=live_bids),
        bid_count=Count("bids", filter=live_bids),
    ).filter(fact_at__gte=start, fact_at__lt=end)


def _auction_facts(*, buyer_id, supplier_id, start, end) -> dict:
    out: dict = {"gaps": [], "entered": 0, "won": 0, "admitted": 0, "never_bid": 0}
    rows = _applications(buyer_id=buyer_id, supplier_id=supplier_id, start=start, end=end)
    rows = rows.values(
        "pk",
        "best",
        "bid_count",
        "lot__status",
        "lot__closed_at",
        "lot__award__application_id",
        "lot__award__amount",
        "lot__award__bid__weighted_amount",
    )
    for row in rows:
        has_bid = row["bid_count"] > 0
        awarded = row["lot__award__application_id"] is not None
        if row["lot__closed_at"] is not None:
            out["admitted"] += 1
            if not has_bid:
                out["never_bid"] += 1
        if not has_bid or not (awarded or row["lot__status"] == LotStatus.FAILED):
            continue
        out["entered"] += 1
        if row["lot__award__application_id"] == row["pk"]:
            out["won"] += 1
        if awarded:
            winning = row["lot__award__bid__weighted_amount"] or row["lot__award__amount"]
            if winning and winning > 0:
                gap = (Decimal(row["best"]) - Decimal(winning)) / Decimal(winning) * HUNDRED
                out["gaps"].append(q(max(Decimal(0), gap)))
    return out


def _order_facts(*, buyer_id, supplier_id, start, end) -> dict:
    answers = OrderHistory.objects.filter(
        order__supplier_id=supplier_id, action__in=ANSWERS, at__gte=start, at__lt=end
    )
    if buyer_id is not None:
        answers = answers.filter(order__buyer_id=buyer_id)
    answer_rows = list(answers.values("order_id", "action", "at").order_by("at", "pk"))
    sends: dict[int, list[datetime]] = defaultdict(list)
    for order_id, at in OrderHistory.objects.filter(
        order_id__in={r["order_id"] for r in answer_rows}, action="send"
    ).values_list("order_id", "at"):
        sends[order_id].append(at)
    hours: list[Decimal] = []
    declined = 0
    for row in answer_rows:
        if row["action"] == "decline":
            declined += 1
        sent = [at for at in sends.get(row["order_id"], []) if at <= row["at"]]
        if sent:
            seconds = Decimal((row["at"] - max(sent)).total_seconds())
            hours.append(q(seconds / 3600))
    return {"hours": hours, "answered": len(answer_rows), "declined": declined}


def _delivery_facts(*, buyer_id, supplier_id, start, end) -> dict:
    rows = DeliveryAcceptance.objects.filter(
        supplier_id=supplier_id, accepted_at__gte=start, accepted_at__lt=end
    )
    if buyer_id is not None:
        rows = rows.filter(buyer_id=buyer_id)
    figures = rows.aggregate(
        deliveries=Count("pk"),
        on_time=Count("pk", filter=Q(days_late=0)),
        claims=Count("pk", filter=Q(quantity_ok=False) | Q(quality_ok=False)),
    )
    return figures


def _review_scores(*, buyer_id, supplier_id, start, end) -> list[Decimal]:
    rows = Review.objects.filter(
        supplier_id=supplier_id, submitted_at__gte=start, submitted_at__lt=end
    )
    if buyer_id is not None:
        rows = rows.filter(buyer_id=buyer_id)
    return [review.average for review in rows.order_by("pk")]


def facts_for(*, buyer_id: int | None, supplier_id: int, start: datetime, end: datetime) -> Facts:
    """What happened between ``buyer_id`` (None: every buyer) and ``supplier_id`` from
    ``start`` (inclusive) to ``end`` (exclusive)."""
    scope = {"buyer_id": buyer_id, "supplier_id": supplier_id, "start": start, "end": end}
    auction = _auction_facts(**scope)
    orders = _order_facts(**scope)
    deliveries = _delivery_facts(**scope)
    return Facts(
        price_gaps=tuple(auction["gaps"]),
        lots_entered=auction["entered"],
        lots_won=auction["won"],
        deliveries=deliveries["deliveries"],
        deliveries_on_time=deliveries["on_time"],
        claims=deliveries["claims"],
        review_scores=tuple(_review_scores(**scope)),
        response_hours=tuple(orders["hours"]),
        admitted=auction["admitted"],
        never_bid=auction["never_bid"],
        orders_answered=orders["answered"],
        declined=orders["declined"],
    )


def pairs_with_facts(*, start: datetime, end: datetime) -> set[tuple[int, int]]:
    """Every (buyer, supplier) with at least one fact from ``start`` to ``end``."""
    pairs: set[tuple[int, int]] = set()
    applications = _applications(buyer_id=None, supplier_id=None, start=start, end=end)
    pairs.update(applications.values_list("lot__tender__buyer_id", "supplier_id").distinct())
    pairs.update(
        OrderHistory.objects.filter(action__in=ANSWERS, at__gte=start, at__lt=end)
        .values_list("order__buyer_id", "order__supplier_id")
        .distinct()
    )
    pairs.update(
        DeliveryAcceptance.objects.filter(accepted_at__gte=start, accepted_at__lt=end)
        .values_list("buyer_id", "supplier_id")
        .distinct()
    )
    pairs.update(
        Review.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values_list("buyer_id", "supplier_id")
        .distinct()
    )
    return pairs


def lot_pairs(*, lot_id: int) -> set[tuple[int, int]]:
    """The (buyer, supplier) pairs of a lot's admitted applications."""
    return set(
        Application.objects.filter(lot_id=lot_id, status=ApplicationStatus.ADMITTED).values_list(
            "lot__tender__buyer_id", "supplier_id"
        )
    )


def order_has_accepted_delivery(*, order_id: int) -> bool:
    return DeliveryAcceptance.objects.filter(shipment__order_id=order_id).exists()


def buyer_knows_supplier(*, buyer_ids: set[int], supplier_id: int) -> bool:
    """Whether one of ``buyer_ids`` has had ``supplier_id`` apply to its tenders or supply an
    order: then it may read the supplier's platform-wide scorecard."""
    if not buyer_ids:
        return False
    return (
        Application.objects.filter(
            supplier_id=supplier_id, lot__tender__buyer_id__in=buyer_ids
        ).exists()
        or OrderHistory.objects.filter(
            order__supplier_id=supplier_id, order__buyer_id__in=buyer_ids
        ).exists()
    )
