"""Proxy bidding (the English format): a supplier sets a floor, and while the lot is live the
engine bids for it by one step whenever it is outbid, never below the floor. ``run_proxies``
carries out what the format decides (``formats.english.proxy_next``) after every bid."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError

from ..events import event_append, lot_save
from ..formats import format_of
from ..formats.english import PROXY_ROUNDS_LIMIT, proxies_active, proxy_next
from ..lock_objects import lot_lock
from ..models import Application, ApplicationStatus, BidKind, Lot, LotStatus, ProxyBid
from ..participation import (
    admitted,
    bidder_application,
    not_live_message,
    participation_check,
    participation_status,
)
from ..realtime.broadcast import lot_changed_on_commit
from .inputs import parse_amount
from .outcomes import BidRejected
from .writer import record_bid


def run_proxies(lot: Lot, applications: list[Application], now: datetime, writes=None) -> bool:
    """Bid for every outbid proxy by one step, never below its floor, until none can.

    Returns whether any proxy bid extended the lot."""
    extended = False
    if not proxies_active(applications):
        return extended  # no proxy to act
    for _round in range(PROXY_ROUNDS_LIMIT):
        decision = proxy_next(lot, applications)
        if decision is None:
            break
        app, amount = decision
        _bid, did_extend = record_bid(
            lot=lot,
            application=app,
            applications=applications,
            amount=amount,
            kind=BidKind.PROXY,
            user=None,
            client_bid_id="",
            now=now,
            writes=writes,
        )
        extended = extended or did_extend
    return extended


def proxy_set(*, lot_id: int, user, floor, now: datetime | None = None) -> ProxyBid:
    """Set (or change) the bidder's proxy floor. While the lot is live it acts at once."""
    value = parse_amount(floor)
    application = bidder_application(lot_id=lot_id, user=user)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if not format_of(lot).proxies:
            raise ApplicationError(
                _("Proxy bidding is available in the English format only."), code="wrong_format"
            )
        if lot.status not in (LotStatus.AUCTION_SCHEDULED, LotStatus.LIVE, LotStatus.PAUSED):
            raise ConflictError(not_live_message(lot), code="lot_not_live")
        participation = participation_status(lot)
        # django-stubs takes the attribute the model declares for this annotation for a clash
        # (Django does not: it is no field).
        annotated = Application.objects.annotate(supplier_participation=participation)  # type: ignore[no-redef]
        application = annotated.get(pk=application.pk)
        if application.status != ApplicationStatus.ADMITTED:
            raise BidRejected(
                _("Your company is not admitted to this lot's auction."),
                code="not_admitted",
                status_code=403,
            )
        participation_check(application)
        if value > lot.start_price:
            raise ApplicationError(
                _("The floor may not exceed the start price."), code="above_start_price"
            )
        proxy, _created = ProxyBid.objects.update_or_create(
            application=application,
            defaults={"floor_amount": value, "set_by": user, "active": True},
        )
        event_append(
            lot=lot,
            kind="proxy_set",
            payload={"application": application.pk, "label": application.label},
            actor=user,
            at=now,
        )
        fields = []
        if lot.status == LotStatus.LIVE and not lot.now_passed(now):
            applications = admitted(lot)
            before = lot.bid_count
            run_proxies(lot, applications, now)
            if lot.bid_count != before:
                fields = ["best_amount", "best_application", "bid_count", "ends_at", "extensions"]
        lot_save(lot, fields)
        lot_changed_on_commit(lot_id=lot.pk, kinds=["proxy"])
    return proxy


def proxy_clear(*, lot_id: int, user) -> None:
    application = bidder_application(lot_id=lot_id, user=user)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        updated = ProxyBid.objects.filter(application=application, active=True).update(active=False)
        if updated:
            event_append(
                lot=lot,
                kind="proxy_cleared",
                payload={"application": application.pk, "label": application.label},
                actor=user,
            )
            lot_save(lot, [])
