"""The auction app's domain events (``marketplace.events``): what it tells the other domains,
written in the transaction of each change. One function per event, so each payload is made in
one place; the catalogue (``marketplace/events/catalogue.py``) gives their schemas.

The bid path writes none: a lot's bids are summarised in ``lot.closed``. Events of a lot name
the lot's own hash-chained event (``lot_event_seq``) that records the same change.
"""

from __future__ import annotations

from django.db import transaction

from marketplace.events.services import event_emit, iso, money
from marketplace.platforms.models import ParticipationStatus, PlatformKind, PlatformMembership

from .models import Application, ApplicationStatus, Award, Deal, Lot, Participation, Tender


def _tender_readers(tender: Tender) -> tuple[bool, set[int]]:
    """Who may read a tender's events besides its buyer: everyone (an open tender of a public
    platform), else the suppliers that may see the tender (invited, or the platform's
    participants)."""
    if tender.participation == Participation.INVITATION:
        return False, set(tender.invitations.values_list("supplier_id", flat=True))
    platform = tender.platform
    if platform.kind == PlatformKind.PUBLIC:
        return True, set()
    members = set(
        PlatformMembership.objects.filter(
            platform=platform, status=ParticipationStatus.ACCEPTED
        ).values_list("company_id", flat=True)
    )
    if platform.owner_id:
        members.add(platform.owner_id)
    return False, members


def _admitted_suppliers(lot: Lot) -> set[int]:
    return set(
        Application.objects.filter(lot=lot, status=ApplicationStatus.ADMITTED).values_list(
            "supplier_id", flat=True
        )
    )


def tender_published(*, tender: Tender, lots: list[Lot], actor) -> None:
    public, audience = _tender_readers(tender)
    event_emit(
        "tender.published",
        company=tender.buyer_id,
        platform=tender.platform_id,
        public=public,
        audience=audience,
        actor=actor,
        payload={
            "tender": tender.pk,
            "platform": tender.platform_id,
            "title": tender.title,
            "currency": tender.currency,
            "category": tender.category_id,
            "auction_start": iso(tender.auction_start),
            "lots": [lot.pk for lot in lots],
        },
    )


def tender_version_changed(
    *, tender: Tender, language: str, machine: bool, removed: bool, lots: list[int], actor
) -> None:
    """A text of the tender in another language changed (``tenders.versions``); a draft's is
    the buyer's alone."""
    public, audience = (False, set()) if tender.published_at is None else _tender_readers(tender)
    event_emit(
        "tender.version_changed",
        company=tender.buyer_id,
        platform=tender.platform_id,
        public=public,
        audience=audience,
        actor=actor,
        payload={
            "tender": tender.pk,
            "language": language,
            "machine": machine,
            "removed": removed,
            "lots": sorted(lots),
        },
    )


def tender_cancelled(*, tender: Tender, reason: str, actor) -> None:
    applicants = set(
        Application.objects.filter(lot__tender=tender)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .values_list("supplier_id", flat=True)
    )
    event_emit(
        "tender.cancelled",
        company=tender.buyer_id,
        platform=tender.platform_id,
        audience=applicants,
        actor=actor,
        payload={"tender": tender.pk, "reason": reason},
    )


def tender_invited(*, invitation, actor) -> None:
    tender = invitation.tender
    event_emit(
        "tender.invited",
        company=tender.buyer_id,
        platform=tender.platform_id,
        audience=[invitation.supplier_id],
        actor=actor,
        payload={
            "tender": tender.pk,
            "supplier": invitation.supplier_id,
            "invitation": invitation.pk,
        },
    )


def tender_uninvited(
    *, tender_id: int, buyer_id: int, platform_id: int, supplier_id: int, actor
) -> None:
    event_emit(
        "tender.uninvited",
        company=buyer_id,
        platform=platform_id,
        audience=[supplier_id],
        actor=actor,
        payload={"tender": tender_id, "supplier": supplier_id},
    )


def application_changed(*, kind: str, application: Application, lot: Lot, actor) -> None:
    """``application.submitted``, ``.admitted`` or ``.rejected``."""
    payload: dict[str, int | str] = {
        "application": application.pk,
        "lot": lot.pk,
        "tender": lot.tender_id,
        "supplier": application.supplier_id,
    }
    if kind == "rejected":
        payload["reason"] = application.reason
    event_emit(
        f"application.{kind}",
        company=lot.tender.buyer_id,
        platform=lot.tender.platform_id,
        audience=[application.supplier_id],
        actor=actor,
        payload=payload,
    )


def question_changed(*, kind: str, question, tender: Tender, actor) -> None:
    """``question.asked`` (the buyer only: the asker is never named) or ``question.answered``
    (the tender's readers)."""
    public, audience = (False, set()) if kind == "asked" else _tender_readers(tender)
    event_emit(
        f"question.{kind}",
        company=tender.buyer_id,
        platform=tender.platform_id,
        public=public,
        audience=audience,
        actor=actor,
        payload={"question": question.pk, "tender": tender.pk},
    )


def lot_started(*, lot: Lot, actor=None) -> None:
    event_emit(
        "lot.started",
        company=lot.tender.buyer_id,
        platform=lot.tender.platform_id,
        audience=_admitted_suppliers(lot),
        actor=actor,
        payload={
            "lot": lot.pk,
            "tender": lot.tender_id,
            "ends_at": iso(lot.ends_at),
            "lot_event_seq": lot.event_seq,
        },
    )


def lot_outbid(*, lot_id: int, application_id: int) -> bool:
    """Record, once per application and lot, that a supplier lost the lead while away (the
    hub sees it; ``hub.Hub._outbid``). True if it was recorded now."""
    with transaction.atomic():
        lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
        application = Application.objects.filter(pk=application_id, lot_id=lot_id).first()
        if lot is None or application is None:
            return False
        event = event_emit(
            "lot.outbid",
            company=application.supplier_id,
            platform=lot.tender.platform_id,
            once_key=f"lot.outbid:{lot_id}:{application_id}",
            payload={
                "lot": lot.pk,
                "tender": lot.tender_id,
                "application": application.pk,
                "supplier": application.supplier_id,
            },
        )
    return event is not None


def lot_closed(*, lot: Lot, bidders: int, actor=None) -> None:
    event_emit(
        "lot.closed",
        company=lot.tender.buyer_id,
        platform=lot.tender.platform_id,
        audience=_admitted_suppliers(lot),
        actor=actor,
        payload={
            "lot": lot.pk,
            "tender": lot.tender_id,
            "bid_count": lot.bid_count,
            "bidders": bidders,
            "lot_event_seq": lot.event_seq,
        },
    )


def lot_awarded(*, lot: Lot, award: Award, deal: Deal, actor) -> None:
    supplier = award.application.supplier_id
    common = {
        "company": lot.tender.buyer_id,
        "platform": lot.tender.platform_id,
        "audience": [supplier],
        "actor": actor,
    }
    event_emit(
        "lot.awarded",
        **common,
        payload={
            "lot": lot.pk,
            "tender": lot.tender_id,
            "application": award.application_id,
            "supplier": supplier,
            "amount": money(award.amount),
            "currency": lot.tender.currency,
            "lot_event_seq": lot.event_seq,
        },
    )
    event_emit(
        "deal.created",
        **common,
        payload={
            "deal": deal.pk,
            "lot": lot.pk,
            "tender": lot.tender_id,
            "buyer": deal.buyer_id,
            "supplier": deal.supplier_id,
            "amount": money(deal.price),
            "currency": deal.currency,
        },
    )
