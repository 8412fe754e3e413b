"""Notices to a lot's participants that are not domain events: the e-mail saying a lot was
suspended after a scheduler outage and when it starts again (``lifecycle.lot_suspend_for_outage``
sends it after the commit). From the tender's platform's brand sender, linking to its host
(``marketplace.platforms.branding``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.companies.models import Membership
from marketplace.platforms.branding import sender_for, site_url_for

from .models import ApplicationStatus, Lot, LotEvent
from .participation import BIDDER_ROLES
from .tenders.selectors import BUYER_MANAGER_ROLES


def enqueue_rescheduled_email(lot_id: int, seq: int) -> None:
    send_lot_rescheduled_email.delay(lot_id, seq)


def _recipients(lot: Lot) -> list:
    suppliers = list(
        lot.applications.filter(status=ApplicationStatus.ADMITTED).values_list(
            "supplier_id", flat=True
        )
    )
    people: dict[int, object] = {}
    for m in (
        Membership.objects.filter(
            user__is_active=True, company_id__in=suppliers, role__in=list(BIDDER_ROLES)
        )
        .select_related("user")
        .order_by("user_id")
    ):
        people.setdefault(m.user_id, m.user)
    for m in (
        Membership.objects.filter(
            user__is_active=True, company_id=lot.tender.buyer_id, role__in=list(BUYER_MANAGER_ROLES)
        )
        .select_related("user")
        .order_by("user_id")
    ):
        people.setdefault(m.user_id, m.user)
    return list(people.values())


# Named as it was registered before it moved here: messages already queued carry the name.
@shared_task(acks_late=True, name="auctions.scheduler.send_lot_rescheduled_email")
def send_lot_rescheduled_email(lot_id: int, seq: int) -> int:
    """E-mail the admitted suppliers' bidders and the buyer's officers that the lot was
    suspended after a scheduler outage and when it starts again. The text comes from the
    rescheduling event ``seq``, so a late or repeated run tells what was decided then."""
    event = LotEvent.objects.filter(lot_id=lot_id, seq=seq, kind="status_changed").first()
    lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
    if event is None or lot is None:
        return 0
    starts_at = datetime.fromisoformat(event.payload["starts_at"])
    phase = event.payload.get("final_phase_seconds")
    fmt = "%Y-%m-%d %H:%M:%S"
    platform_id = lot.tender.platform_id
    sender = sender_for(platform_id)
    link = site_url_for(platform_id).rstrip("/") + reverse("frontend:lot-room", args=[lot.pk])
    sent = 0
    for user in _recipients(lot):
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            names = {"lot": lot.title, "title": lot.tender.title}
            subject = _("Auction rescheduled: %(lot)s") % names
            body = _(
                'The auction for lot "%(lot)s" of the tender "%(title)s" was suspended because '
                "the auction scheduler could not act for %(seconds)s seconds; it was neither "
                "started nor closed on that state."
            ) % {**names, "seconds": event.payload.get("lag_seconds", "?")}
            if phase:
                body += " " + _(
                    "All bids are kept. Bidding reopens at %(start)s (UTC) for a final phase "
                    "until %(end)s (UTC)."
                ) % {
                    "start": starts_at.strftime(fmt),
                    "end": (starts_at + timedelta(seconds=phase)).strftime(fmt),
                }
            else:
                body += " " + _("The auction now starts at %(start)s (UTC).") % {
                    "start": starts_at.strftime(fmt)
                }
            body += f"\n\n{link}"
        sent += send_mail(subject, body, sender, [user.email])
    return sent
