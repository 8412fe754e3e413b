"""Derived notifications that no single event carries: an auction about to start."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.models import Application, ApplicationStatus, Lot, LotStatus
from marketplace.core.times import local_text

from .models import Kind
from .people import company_people
from .services import notify

REMINDER_AHEAD = timedelta(minutes=15)


def auction_reminders_send(*, now: datetime | None = None) -> int:
    """Tell the admitted suppliers' bidders and the buyer's officers of each lot that starts
    within 15 minutes, once per lot and start time (a rescheduled lot is told again). Returns
    how many notifications were made."""
    now = now or timezone.now()
    lots = Lot.objects.select_related("tender").filter(
        status=LotStatus.AUCTION_SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDER_AHEAD
    )
    made = 0
    for lot in lots:
        starts = lot.starts_at
        if starts is None:  # never: the filter needs a start
            continue
        key = f"auction_soon:{lot.pk}:{starts.isoformat()}"
        url = reverse("frontend:lot-room", args=[lot.pk])
        people = list(company_people(lot.tender.buyer_id, ("company_admin", "procurement_officer")))
        suppliers = Application.objects.filter(
            lot=lot, status=ApplicationStatus.ADMITTED
        ).values_list("supplier_id", flat=True)
        for supplier in suppliers:
            people += company_people(supplier, ("company_admin", "bidder"))

        def build(lot=lot, starts=starts):
            minutes = max(1, round((starts - now).total_seconds() / 60))
            return (
                _("The auction for %(lot)s starts in %(minutes)d minutes")
                % {"lot": lot.title, "minutes": minutes},
                _(
                    'The auction for lot "%(lot)s" of the tender "%(title)s" starts at %(time)s. '
                    "Open the auction page to take part."
                )
                % {
                    "lot": lot.title,
                    "title": lot.tender.title,
                    "time": local_text(starts),
                },
            )

        made += len(notify(users=people, kind=Kind.AUCTION_SOON, key=key, build=build, url=url))
    return made
