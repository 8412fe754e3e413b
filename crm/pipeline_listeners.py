"""The pipeline's listeners of the domain events: leads the marketplace makes, and
auction-linked opportunities that move by themselves (never by a call from the auction engine).

A supplier's opportunity points at a lot; in the supplier's workspace it moves

* to the stage of ``applied`` when its company applies (``application.submitted``); an
  opportunity for that lot is made then if the workspace has none, on the account of the
  buyer's company (found, or made from its registration);
* to ``admitted`` when the buyer admits the application (``application.admitted``), or to
  lost, "not admitted", with the buyer's reason (``application.rejected``);
* to ``bid`` when the events show that its company has bid. The engine's bid path writes no
  event, so this happens at the first of: ``lot.outbid`` naming its application (it led, so it
  had bid), or ``lot.closed``, when its company's own view of the closed lot shows an offer of
  its own. An admitted supplier that made no offer is lost at the close ("lost at auction", no
  rank); every participant of a lot that failed (no offers at all) is lost ("other");
* to won with the awarded amount when the lot is awarded to its application (``lot.awarded``),
  or to lost, "lost at auction", when it is awarded to another.

What it learns of the auction (``auction_outcome``: its own rank and offer, the best offer and
its gap to it) is read from the same view the auction room shows that supplier,
``auctions.standing.render`` over ``auctions.selectors.lot_snapshot``: never more than the
lot's visibility lets that supplier know, and never another supplier's name or id.

A buyer's opportunity points at one of its tenders and moves with it: ``published``
(``tender.published``), ``auction`` (``lot.started``, its first lot), ``awarded`` once every lot
is decided and one at least is awarded (with the sum of the awards), ``cancelled``
(``tender.cancelled``). A supplier's opportunities on a cancelled tender's lots are lost.

Every move goes through ``pipeline_opportunities.opportunity_move_by_event``: forward only,
never an opportunity already won or lost (by hand or before), once per event (``StageChange``
is unique per opportunity and event). Leads: a supplier gets one for a newly published tender
in its categories (the rule the notifications' subscriptions use, ``auctions.tenders.matching``)
and one when a buyer invites it, one per tender."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from auctions.models import Application, ApplicationStatus, Award, Lot, LotStatus, Tender
from auctions.selectors import lot_snapshot
from auctions.standing import Viewer, render
from auctions.tenders.matching import suppliers_covering
from marketplace.events.models import Event
from marketplace.events.registry import listener

from .models import Account, Lead, LeadSource, LostReason, Opportunity, PipelineKind, Segment
from .pipeline_leads import lead_add_for_event
from .pipeline_opportunities import account_for_company, opportunity_add, opportunity_move_by_event
from .pipelines import default_pipeline, workspace_lock

DECIDED = (LotStatus.AWARDED, LotStatus.FAILED, LotStatus.CANCELLED)


def _site_language(fn: Callable[[Event], None]) -> Callable[[Event], None]:
    """Run a listener in the site's language (``LANGUAGE_CODE``), not whichever the worker's
    thread was left in: the stage names, titles and notes it writes are stored text."""

    @functools.wraps(fn)
    def run(event: Event) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            fn(event)

    return run


def _move_all(opportunities, auto: str, event, **kwargs) -> None:
    for pk in opportunities.order_by("pk").values_list("pk", flat=True):
        opportunity_move_by_event(opportunity_id=pk, auto=auto, event=event, **kwargs)


def _supplier_side(application: Application):
    return Opportunity.objects.filter(
        workspace_id=application.supplier_id, lot_id=application.lot_id
    )


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def supplier_outcome(view: dict) -> dict:
    """What a supplier's own view of a finished lot tells of its result: its rank and offer,
    the best offer, and its gap to it (each None where the view does not say)."""
    me = view.get("me") or {}
    best = (view.get("best") or {}).get("amount")
    own = me.get("amount")
    gap = None if own is None or best is None else Decimal(own) - Decimal(best)
    return {
        "rank": me.get("rank"),
        "participants": view.get("participants"),
        "own_amount": _money(own),
        "best_amount": _money(best),
        "gap": _money(gap),
        "currency": view.get("currency"),
        "visibility": view.get("visibility"),
    }


def _supplier_views(lot: Lot) -> dict[int, dict]:
    """application id -> the view of the lot its supplier has (the room's rule)."""
    snapshot = lot_snapshot(lot=lot)
    return {
        int(pk): render(snapshot, Viewer(role="supplier", application_id=int(pk)))
        for pk in snapshot["own"]
    }


# --- Leads -----------------------------------------------------------------------------------


def _tender_lead(*, workspace_id: int, tender: Tender, source: str, title: str, event) -> None:
    """One lead per workspace and tender (whichever event comes first), on the first lot."""
    lot = tender.lots.order_by("number").first()
    workspace_lock(workspace_id)
    if Lead.objects.filter(workspace_id=workspace_id, lot__tender=tender).exists():
        return
    if Opportunity.objects.filter(workspace_id=workspace_id, lot__tender=tender).exists():
        return
    lead_add_for_event(
        workspace_id=workspace_id,
        source=source,
        title=title,
        event=event,
        lot=lot,
        company_name=tender.buyer.legal_name,
        account=Account.objects.filter(workspace_id=workspace_id, company=tender.buyer).first(),
    )


@listener("tender.published", name="crm.tender_match_leads")
@_site_language
def tender_match_leads(event) -> None:
    tender = (
        Tender.objects.select_related("buyer", "category", "platform")
        .filter(pk=event.payload["tender"])
        .first()
    )
    if tender is None:
        return
    title = _("Tender: %(title)s") % {"title": tender.title}
    for company in suppliers_covering(tender=tender):
        _tender_lead(
            workspace_id=company.pk,
            tender=tender,
            source=LeadSource.TENDER_MATCH,
            title=title,
            event=event,
        )


@listener("tender.invited", name="crm.invitation_leads")
@_site_language
def invitation_lead(event) -> None:
    tender = Tender.objects.select_related("buyer").filter(pk=event.payload["tender"]).first()
    if tender is None:
        return
    _tender_lead(
        workspace_id=event.payload["supplier"],
        tender=tender,
        source=LeadSource.INVITATION,
        title=_("Invitation to tender: %(title)s") % {"title": tender.title},
        event=event,
    )


# --- A supplier's opportunities --------------------------------------------------------------


@listener("application.submitted", name="crm.application_submitted")
@_site_language
def application_submitted(event) -> None:
    application = (
        Application.objects.select_related("lot__tender__buyer")
        .filter(pk=event.payload["application"])
        .first()
    )
    if application is None:
        return
    lot, workspace_id = application.lot, application.supplier_id
    workspace_lock(workspace_id)
    if not _supplier_side(application).exists():
        tender = lot.tender
        opportunity_add(
            workspace_id=workspace_id,
            account=account_for_company(
                workspace_id=workspace_id, company=tender.buyer, segment=Segment.CUSTOMER
            ),
            pipeline=default_pipeline(workspace_id=workspace_id, kind=PipelineKind.SALES),
            auto="applied",
            event=event,
            title=f"{tender.title}: {lot.number}. {lot.title}"[:300],
            amount=lot.start_price,
            currency=tender.currency,
            lot=lot,
        )
    _move_all(_supplier_side(application), "applied", event, note=_("Applied to the lot."))


@listener("application.admitted", "application.rejected", name="crm.application_decided")
@_site_language
def application_decided(event) -> None:
    application = Application.objects.filter(pk=event.payload["application"]).first()
    if application is None:
        return
    if event.type == "application.admitted":
        _move_all(_supplier_side(application), "admitted", event, note=_("Admitted."))
        return
    _move_all(
        _supplier_side(application),
        "lost",
        event,
        note=_("The application was rejected."),
        lost_reason=LostReason.NOT_ADMITTED,
        lost_note=event.payload["reason"],
    )


@listener("lot.outbid", name="crm.outbid")
@_site_language
def outbid(event) -> None:
    application = Application.objects.filter(pk=event.payload["application"]).first()
    if application is not None:
        _move_all(_supplier_side(application), "bid", event, note=_("Bidding in the auction."))


def _admitted(lot: Lot) -> list[Application]:
    return list(
        Application.objects.filter(lot=lot, status=ApplicationStatus.ADMITTED).order_by("pk")
    )


@listener("lot.closed", name="crm.lot_closed")
@_site_language
def lot_closed(event) -> None:
    lot = Lot.objects.select_related("tender").filter(pk=event.payload["lot"]).first()
    if lot is None:
        return
    _purchase_decided(lot.tender, event)
    views = _supplier_views(lot)
    for application in _admitted(lot):
        view = views.get(application.pk, {})
        outcome = supplier_outcome(view)
        opportunities = _supplier_side(application)
        if lot.status == LotStatus.FAILED:
            _move_all(
                opportunities,
                "lost",
                event,
                lost_reason=LostReason.OTHER,
                lost_note=_("The auction failed: no offers were made."),
            )
        elif outcome["own_amount"] is None:
            _move_all(
                opportunities,
                "lost",
                event,
                lost_reason=LostReason.LOST_AT_AUCTION,
                lost_note=_("No offer was made in the auction."),
            )
        else:
            _move_all(opportunities, "bid", event, note=_("The auction closed."), outcome=outcome)


@listener("lot.awarded", name="crm.lot_awarded")
@_site_language
def lot_awarded(event) -> None:
    lot = Lot.objects.select_related("tender").filter(pk=event.payload["lot"]).first()
    if lot is None:
        return
    _purchase_decided(lot.tender, event)
    views = _supplier_views(lot)
    winner = event.payload["application"]
    for application in _admitted(lot):
        outcome = supplier_outcome(views.get(application.pk, {}))
        if application.pk == winner:
            _move_all(
                _supplier_side(application),
                "won",
                event,
                note=_("Won the lot."),
                won_amount=Decimal(event.payload["amount"]),
                outcome=outcome,
            )
            continue
        if outcome["rank"] is not None:
            note = _("Lost at auction: rank %(rank)s of %(n)s.") % {
                "rank": outcome["rank"],
                "n": outcome["participants"],
            }
        else:
            note = _("Lost at auction.")
        if outcome["gap"] is not None:
            note += " " + _("%(gap)s %(currency)s above the best offer.") % outcome
        _move_all(
            _supplier_side(application),
            "lost",
            event,
            lost_reason=LostReason.LOST_AT_AUCTION,
            lost_note=note,
            outcome=outcome,
        )


# --- A buyer's purchases ---------------------------------------------------------------------


def _buyer_side(tender: Tender):
    return Opportunity.objects.filter(workspace_id=tender.buyer_id, tender=tender)


def _purchase_decided(tender: Tender, event) -> None:
    """Awarded once no lot of the tender is still to be decided and one at least is awarded."""
    opportunities = _buyer_side(tender)
    if not opportunities.exists():
        return
    lots = Lot.objects.filter(tender=tender)
    if lots.exclude(status__in=DECIDED).exists():
        return
    awarded = Award.objects.filter(lot__tender=tender).aggregate(total=Sum("amount"))["total"]
    if awarded is None:
        return
    _move_all(opportunities, "awarded", event, note=_("Awarded."), won_amount=awarded)


@listener("tender.published", "lot.started", "tender.cancelled", name="crm.purchase_stage")
@_site_language
def purchase_stage(event) -> None:
    tender = Tender.objects.filter(pk=event.payload["tender"]).first()
    if tender is None:
        return
    if event.type == "tender.published":
        _move_all(_buyer_side(tender), "published", event, note=_("Tender published."))
    elif event.type == "lot.started":
        _move_all(_buyer_side(tender), "auction", event, note=_("Auction started."))
    else:
        reason = event.payload["reason"]
        _move_all(
            _buyer_side(tender),
            "cancelled",
            event,
            lost_reason=LostReason.CANCELLED,
            lost_note=reason,
        )
        suppliers = Opportunity.objects.filter(lot__tender=tender).exclude(
            workspace_id=tender.buyer_id
        )
        _move_all(suppliers, "lost", event, lost_reason=LostReason.CANCELLED, lost_note=reason)
