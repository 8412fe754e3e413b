"""The funnel moved by the domain events (``listeners``): each stage's time on the invitation
row, set once (the earliest time seen), a later stage also setting the earlier ones it implies.
Every write is a conditional update, so an event delivered twice, or out of order, moves
nothing twice and nothing back.

* registered: ``company.registered``: the company is linked to the prospects whose identifier
  (and country) it has;
* verified: ``company.verified`` (it links too: identifiers may be corrected before
  verification, never after); a verified prospect of an invitation-only tender that still
  takes applications is then invited to it (``prospect_auto_invite``), as is one whose
  platform membership is accepted later (``platform.membership_changed``);
* applied: ``application.submitted`` for a lot of the tender;
* bid: ``lot.outbid`` (the supplier had bid), ``lot.closed`` and ``lot.awarded`` (whoever
  bid on the lot): the time of the company's first bid on the tender's lots. The bid path
  writes no event, so the stage moves at the first of these.

Invitations the buyer makes from the tender's own page (``tender.invited``) enter the funnel
too, as verified suppliers. An invitation taken back (``tender.uninvited``) marks its row
(``withdrawn_at``) and moves no stage back; inviting the company again clears the mark."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from auctions.models import Bid, Participation, Tender, TenderInvitation
from auctions.tenders import invitations as tender_invitations
from auctions.tenders import selectors as tender_selectors
from marketplace.companies.models import Company, Membership
from marketplace.core.exceptions import ApplicationError

from .identifiers import identifiers_of
from .models import STAGES, Origin, Stage, SupplierInvitation
from .selectors import ACCEPTING, MANAGER_ROLES


def advance(rows: QuerySet[SupplierInvitation], stage: str, at: datetime) -> None:
    """``stage`` (and every earlier one) reached at ``at`` by ``rows``: each stage's time
    becomes the earlier of its own and ``at``. What happened before a row's invitation does
    not move it (a supplier invited when it was long verified entered the funnel verified)."""
    rows = rows.filter(invited_at__lte=at)
    for earlier in STAGES[1 : STAGES.index(stage) + 1]:
        field = f"{earlier}_at"
        rows.filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": at})).update(
            **{field: at}
        )


def row_for_company(
    *, tender_id: int, company: Company, lock: bool = False
) -> SupplierInvitation | None:
    """The tender's row for ``company``: linked to it, or a prospect's with its identifier not
    linked yet (then linked now)."""
    identifiers = identifiers_of(company)
    qs = SupplierInvitation.objects.filter(tender_id=tender_id).filter(
        Q(company=company)
        | Q(company__isnull=True, country=company.country, identifier__in=identifiers)
    )
    if lock:
        qs = qs.select_for_update()
    row = qs.order_by(F("company").asc(nulls_last=True), "pk").first()
    if row is not None and row.company_id is None:
        row.company = company
        row.save(update_fields=["company"])
    return row


def _link(company: Company) -> QuerySet[SupplierInvitation]:
    """Link the company to the prospects with its identifier (in tenders where it has no row
    yet); returns its prospect rows."""
    identifiers = identifiers_of(company)
    if identifiers:
        taken = SupplierInvitation.objects.filter(company=company).values("tender_id")
        SupplierInvitation.objects.filter(
            company__isnull=True, country=company.country, identifier__in=identifiers
        ).exclude(tender_id__in=taken).update(company=company)
    return SupplierInvitation.objects.filter(company=company, origin=Origin.PROSPECT)


def company_registered(*, company_id: int, at: datetime) -> None:
    company = Company.objects.filter(pk=company_id).first()
    if company is not None:
        advance(_link(company), Stage.REGISTERED, at)


def company_verified(*, company_id: int, at: datetime) -> None:
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        return
    prospects = _link(company)
    advance(prospects, Stage.REGISTERED, at)
    advance(SupplierInvitation.objects.filter(company=company), Stage.VERIFIED, at)
    prospects_auto_invite(company=company)


def prospects_auto_invite(*, company: Company) -> None:
    """Invite the verified company to the invitation-only tenders it was invited to as a
    prospect and is not invited to yet."""
    rows = SupplierInvitation.objects.filter(
        company=company,
        origin=Origin.PROSPECT,
        verified_at__isnull=False,
        tender_invited_at__isnull=True,
        tender__participation=Participation.INVITATION,
        tender__status__in=ACCEPTING,
    ).select_related("tender", "invited_by")
    for row in rows.order_by("pk"):
        prospect_auto_invite(row=row, company=company)


def _acting_manager(row: SupplierInvitation, tender: Tender):
    """Who invites: the person who invited the prospect while it manages the tender, else the
    buyer's first procurement officer (or company admin)."""
    if row.invited_by is not None and tender_selectors.user_may_manage_tender(
        user=row.invited_by, tender=tender
    ):
        return row.invited_by
    membership = (
        Membership.objects.filter(company_id=tender.buyer_id, role__in=MANAGER_ROLES)
        .select_related("user")
        .filter(user__is_active=True)
        .order_by("-role", "pk")  # procurement_officer before company_admin
        .first()
    )
    return membership.user if membership is not None else None


def prospect_auto_invite(*, row: SupplierInvitation, company: Company) -> bool:
    """Make the auction app's invitation for a verified prospect (its service, its rules): for
    an invitation-only tender that still takes applications. A refusal (not a participant of
    the platform yet, ...) is kept on the row (``auto_invite_problem``) and tried again at the
    company's next verification or platform membership. True if it is invited now."""
    tender = row.tender
    now = timezone.now()
    if tender.participation != Participation.INVITATION or tender.status not in ACCEPTING:
        return False
    if tender.applications_deadline <= now:
        return False
    existing = TenderInvitation.objects.filter(tender=tender, supplier=company).first()
    if existing is None:
        actor = _acting_manager(row, tender)
        if actor is None:
            row.auto_invite_problem = "no_tender_manager"
            row.save(update_fields=["auto_invite_problem"])
            return False
        try:
            existing = tender_invitations.tender_invitation_create(
                actor=actor, tender=tender, supplier=company
            )
        except ApplicationError as exc:
            row.auto_invite_problem = exc.code[:64]
            row.save(update_fields=["auto_invite_problem"])
            return False
    row.tender_invitation = existing
    row.tender_invited_at = existing.created_at or now
    row.auto_invite_problem = ""
    row.save(update_fields=["tender_invitation", "tender_invited_at", "auto_invite_problem"])
    return True


def membership_accepted(*, company_id: int) -> None:
    company = Company.objects.filter(pk=company_id).first()
    if company is not None:
        prospects_auto_invite(company=company)


def tender_invited(*, invitation_id: int, actor_id: int | None) -> None:
    """An invitation made by the auction app (on the tender's page, by the API, or ours): the
    row it belongs to, or a new one for a supplier invited outside sourcing."""
    invitation = (
        TenderInvitation.objects.select_related("supplier").filter(pk=invitation_id).first()
    )
    if invitation is None:
        return
    at = invitation.created_at
    row = row_for_company(tender_id=invitation.tender_id, company=invitation.supplier)
    if row is None:
        try:
            with transaction.atomic():
                SupplierInvitation.objects.create(
                    tender_id=invitation.tender_id,
                    origin=Origin.SUPPLIER,
                    company=invitation.supplier,
                    company_name=invitation.supplier.legal_name[:300],
                    invited_by_id=actor_id,
                    invited_at=at,
                    registered_at=at,
                    verified_at=at,
                    tender_invitation=invitation,
                    tender_invited_at=at,
                )
        except IntegrityError:  # made meanwhile
            pass
        return
    if row.tender_invitation_id is None or row.withdrawn_at is not None:
        row.tender_invitation = invitation
        row.tender_invited_at = row.tender_invited_at or at
        row.auto_invite_problem = ""
        row.withdrawn_at = None
        row.save(
            update_fields=[
                "tender_invitation",
                "tender_invited_at",
                "auto_invite_problem",
                "withdrawn_at",
            ]
        )
    advance(SupplierInvitation.objects.filter(pk=row.pk), Stage.VERIFIED, at)


def tender_uninvited(*, tender_id: int, supplier_id: int, at: datetime) -> None:
    """The buyer took the tender's invitation of ``supplier_id`` back: its row is marked (once
    invited again, ``tender_invited`` clears the mark; a redelivered event keeps the first
    time)."""
    SupplierInvitation.objects.filter(
        tender_id=tender_id, company_id=supplier_id, withdrawn_at__isnull=True
    ).update(withdrawn_at=at)


def applied(*, tender_id: int, supplier_id: int, at: datetime) -> None:
    rows = SupplierInvitation.objects.filter(tender_id=tender_id, company_id=supplier_id)
    advance(rows, Stage.APPLIED, at)


def bids_seen(*, tender_id: int, lot_id: int | None = None, supplier_id: int | None = None) -> None:
    """The tender's invited companies that bid (on ``lot_id``, or any lot; ``supplier_id``
    only): the bid stage at each one's first bid on the tender's lots."""
    # A row's first bid, once seen, stays its first: only the rows without one are looked at
    # (``lot.outbid`` comes with every bid that is beaten: mostly one EXISTS, nothing more).
    rows = SupplierInvitation.objects.filter(
        tender_id=tender_id, company__isnull=False, bid_at__isnull=True
    )
    if supplier_id is not None:
        rows = rows.filter(company_id=supplier_id)
    if not rows.exists():
        return
    bids = Bid.objects.filter(
        lot__tender_id=tender_id, application__supplier_id__in=rows.values("company_id")
    )
    if lot_id is not None:
        bidders = Bid.objects.filter(lot_id=lot_id).values("application__supplier_id")
        bids = bids.filter(application__supplier_id__in=bidders)
    firsts = bids.values("application__supplier_id").annotate(first=Min("placed_at"))
    for first in firsts.order_by("application__supplier_id"):
        advance(
            rows.filter(company_id=first["application__supplier_id"]), Stage.BID, first["first"]
        )
