"""Reads of the live auction: who views a lot in which role, and the lot's standing snapshot."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.companies.models import Membership
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError
from marketplace.core.times import iso_utc
from marketplace.platforms.selectors import user_is_platform_admin

from . import rules
from .formats import dutch, japanese, rounds
from .models import (
    Application,
    ApplicationStatus,
    Award,
    Bid,
    Deal,
    Lot,
    LotEvent,
    LotStatus,
)
from .participation import standing_of
from .standing import Viewer


def lot_viewer(*, user, lot: Lot) -> Viewer:
    """The role in which ``user`` watches ``lot``; NotFoundError for anyone else.

    Buyer members and platform admins see everything; a supplier company sees the lot once it
    has applied, and its bidding view once admitted."""
    if not user or not user.is_authenticated:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    companies = user_company_ids(user=user)
    if lot.tender.buyer_id in companies:
        return Viewer(role="buyer")
    if user_is_platform_admin(user=user, platform=lot.tender.platform_id):
        return Viewer(role="admin")
    application = (
        Application.objects.filter(
            lot=lot, supplier_id__in=companies, status=ApplicationStatus.ADMITTED
        )
        .values_list("pk", flat=True)
        .first()
    )
    if application is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    return Viewer(role="supplier", application_id=application)


def company_role_holders(
    *, user_ids: set[int], company_ids: set[int], roles
) -> set[tuple[int, int]]:
    """The (user id, company id) pairs among these users and companies holding one of
    ``roles``, in one query (the bid path checks a batch of bidders at once)."""
    return set(
        Membership.objects.filter(
            user_id__in=user_ids, company_id__in=company_ids, role__in=list(roles)
        ).values_list("user_id", "company_id")
    )


def lot_get(*, lot_id: int) -> Lot:
    lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    return lot


CLOCKS = {"japanese": japanese, "dutch": dutch}


def _clock(lot: Lot) -> dict | None:
    """A clock format's level: its number and price, the next level's price, and (Japanese)
    the applications still in."""
    module = CLOCKS.get(lot.auction_format)
    if module is None or lot.current_round < 1:
        return None
    level = lot.current_round
    more = level < module.levels(lot)
    return {
        "level": level,
        "price": str(module.level_price(lot, level)),
        "next_price": str(module.level_price(lot, level + 1)) if more else None,
        "still_in": [str(pk) for pk in lot.turn_order]
        if lot.auction_format == "japanese"
        else None,
    }


def lot_snapshot(*, lot: Lot, applications: list[Application] | None = None) -> dict:
    """Everything any viewer's view is made of, read in one query after the lot's own.

    ``applications``: the lot's admitted applications with their suppliers, when the caller
    already holds them (the engine, right after a bid, under the lot's lock)."""
    if applications is None:
        applications = list(
            Application.objects.filter(lot=lot, status=ApplicationStatus.ADMITTED)
            .select_related("supplier")
            .order_by("pk")
        )
    standings = [
        standing_of(a)
        for a in applications
        if a.current_amount is not None and a.current_at is not None  # written together
    ]
    by_id = {a.pk: a for a in applications}
    entries = []
    ranking = rules.rank(standings)
    for position, s in enumerate(ranking, 1):
        app = by_id[s.key]
        entries.append(
            {
                "application": app.pk,
                "rank": position,
                "label": app.label,
                "supplier_name": app.supplier.legal_name,
                "amount": str(s.amount),
                "weighted": str(s.weighted),
                # The comparable price as people read it: the weighted price, or the landed
                # cost (price plus the bidder's delivery cost).
                "weighted_display": str(rules.as_decimal(s.weighted, rules.CENT))
                if lot.weighted or lot.landed_cost
                else None,
                "delivery": str(s.delivery) if lot.landed_cost else None,
                "at": iso_utc(s.at),
            }
        )
    best = ranking[0].amount if ranking else None
    turn_app = None
    turn_max_bid = None
    if lot.auction_format == "rounds" and 0 < lot.current_turn <= len(lot.turn_order):
        turn_app = by_id.get(lot.turn_order[lot.current_turn - 1])
        started = turn_app and rounds.turn_start_bid(lot=lot, application=turn_app)
        if started:  # the highest bid the turn's owner may make: its turn's price less a step
            turn_max_bid = str(rounds.turn_limit(lot, started.amount)[0])
    step = rules.min_step(
        step_kind=lot.step_kind,
        step_value=lot.step_value,
        start_price=lot.start_price,
        bands=lot.step_bands,
        reference=best or lot.start_price,
    )
    return {
        "lot": lot.pk,
        "seq": lot.event_seq,
        "status": lot.status,
        "format": lot.auction_format,
        "visibility": lot.visibility,
        "weighted": lot.weighted,
        "landed_cost": lot.landed_cost,
        "step_reference": lot.step_reference,
        # The step rule itself, so a view can compute the step at any reference (max_bid).
        "step_kind": lot.step_kind,
        "step_value": str(lot.step_value),
        "step_bands": [{k: str(v) for k, v in band.items()} for band in lot.step_bands or []],
        "currency": lot.tender.currency,
        "start_price": str(lot.start_price),
        "reserve_price": None if lot.reserve_price is None else str(lot.reserve_price),
        "step": str(step),
        "starts_at": iso_utc(lot.starts_at),
        "ends_at": iso_utc(lot.ends_at),
        "extensions": lot.extensions,
        "participants": len(applications),
        "bid_count": lot.bid_count,
        "round": lot.current_round,
        "turn": lot.current_turn,
        "pause_reason": lot.pause_reason,
        "reveal_identities": lot.tender.reveal_identities,
        "turn_application": turn_app.pk if turn_app else None,
        "turn_label": turn_app.label if turn_app else None,
        "turn_max_bid": turn_max_bid,
        "clock": _clock(lot),
        # Whom the lot was awarded to (an application id; only a supplier's own "won" or "did
        # not win" reaches it): read only once the lot is awarded.
        "awarded_application": Award.objects.filter(lot=lot)
        .values_list("application_id", flat=True)
        .first()
        if lot.status == LotStatus.AWARDED
        else None,
        "entries": entries,
        # String keys: the snapshot travels through the channel layer (msgpack, str keys).
        "own": {
            str(a.pk): {
                "label": a.label,
                "coefficient": str(a.coefficient),
                "delivery": None if a.delivery_cost is None else str(a.delivery_cost),
                "amount": None if a.current_amount is None else str(a.current_amount),
            }
            for a in applications
        },
    }


def lot_bids_for(*, lot: Lot, viewer: Viewer) -> QuerySet[Bid]:
    """The bids a viewer may list: all for the buyer and admins (none of a sealed lot before
    the opening), its own for a supplier."""
    qs = (
        Bid.objects.filter(lot=lot)
        .select_related("application__supplier")
        .order_by("placed_at", "pk")
    )
    if viewer.role == "supplier":
        if viewer.application_id is None:  # a supplier's viewer always has one
            return qs.none()
        return qs.filter(application_id=viewer.application_id)
    if lot.auction_format == "sealed" and lot.status not in ("closed", "awarded", "failed"):
        return qs.none()  # sealed offers stay sealed from the buyer until the opening
    return qs


def lot_events(*, lot: Lot) -> QuerySet[LotEvent]:
    return LotEvent.objects.filter(lot=lot).order_by("seq")


def deals_for_user(*, user) -> QuerySet[Deal]:
    companies = user_company_ids(user=user)
    return (
        Deal.objects.filter(Q(buyer_id__in=companies) | Q(supplier_id__in=companies))
        .select_related("buyer", "supplier", "lot__tender")
        .order_by("-created_at")
    )
