"""The marketplace's events on the CRM's timelines, written by one listener of the domain events
(never by a call from the auction engine).

Each event type has one small function (``@on("type")``) that says, for each workspace
concerned, which counterparty the event is about and what that workspace may be told: when
supplier S is admitted to buyer B's lot, B's workspace gets an entry on its account of S and
S's workspace one on its account of B. ``_write`` puts each on the workspace's account linked to
that company (if the workspace has none, nothing is written: no account is created), once per
(account, event) (``timeline_add(event=...)``), with a link to the source.

What a workspace may be told:

* only an event its company may read (the event's company, its audience, or every company for
  a public event: ``_may_read``), unless the entry states a fact every company can see on the
  marketplace (a company's "verified" badge);
* auction results as that reader sees the lot: ``auctions.standing.render`` (the same function
  the auction room uses) gives a supplier its own rank and offer and, as the lot's visibility
  allows, the best price; never a competitor's identity or offers. A losing supplier is not
  told of the award (it does not read ``lot.awarded``): its entry is the one of ``lot.closed``.

Adding a type (deliveries, ratings) is one function here returning its ``Mention`` list. Texts are written in the site's language (``LANGUAGE_CODE``); each entry's
``payload`` keeps the ids and values, for pages that render them in the reader's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from auctions.models import Application, ApplicationStatus, Lot, Tender
from auctions.selectors import lot_snapshot
from auctions.standing import Viewer, render
from deals.models import OrderStatus
from marketplace.companies.models import Company, Membership, VerificationStatus
from marketplace.events.models import Event, EventAudience
from marketplace.events.registry import listener

from .models import Account, TimelineKind
from .timeline import timeline_add

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mention:
    """One workspace told of an event, on its account of ``counterparty``."""

    workspace: int
    counterparty: int
    title: str
    body: str = ""
    url: str = ""
    payload: dict = field(default_factory=dict)
    # A fact every company can see on the marketplace (not only the event's readers).
    public_fact: bool = False


Handler = Callable[[Event], Iterable[Mention]]
HANDLERS: dict[str, Handler] = {}


def on(*types: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for event_type in types:
            HANDLERS[event_type] = fn
        return fn

    return register


# --- Writing ---------------------------------------------------------------------------------


def _may_read(event: Event, company_id: int) -> bool:
    """May the people of ``company_id`` read ``event`` (as the change feed decides)?"""
    if event.public or event.company_id == company_id:
        return True
    return EventAudience.objects.filter(event=event, company_id=company_id).exists()


def _write(event: Event, mentions: Iterable[Mention]) -> int:
    written = 0
    for mention in mentions:
        if mention.workspace == mention.counterparty:
            continue
        if not mention.public_fact and not _may_read(event, mention.workspace):
            logger.warning(
                "crm timeline: %s not written to workspace %s, which may not read it",
                event,
                mention.workspace,
            )
            continue
        account = Account.objects.filter(
            workspace_id=mention.workspace, company_id=mention.counterparty
        ).first()
        if account is None:
            continue
        # The person who acted, when they are one of the workspace's own people.
        actor = None
        if (
            event.actor_id
            and Membership.objects.filter(
                company_id=mention.workspace, user_id=event.actor_id
            ).exists()
        ):
            actor = event.actor
        entry = timeline_add(
            account=account,
            kind=TimelineKind.EVENT,
            type=event.type,
            title=mention.title,
            body=mention.body,
            url=mention.url,
            payload=mention.payload,
            at=event.occurred_at,
            actor=actor,
            event=event,
        )
        written += entry is not None
    return written


# --- Helpers ---------------------------------------------------------------------------------


def _tender_url(tender_id: int) -> str:
    return reverse("frontend:tender", args=[tender_id])


def _lot_url(lot_id: int) -> str:
    return reverse("frontend:lot-room", args=[lot_id])


def _tender(tender_id: int) -> Tender | None:
    return Tender.objects.select_related("buyer").filter(pk=tender_id).first()


def _lot(lot_id: int) -> Lot | None:
    return Lot.objects.select_related("tender", "tender__buyer").filter(pk=lot_id).first()


def _name(company_id: int) -> str:
    company = Company.objects.filter(pk=company_id).only("legal_name").first()
    return company.legal_name if company else ""


def _workspaces_knowing(company_id: int) -> list[int]:
    """The workspaces (other than the company's own) that have an account of ``company_id``."""
    return list(
        Account.objects.filter(company_id=company_id)
        .exclude(workspace_id=company_id)
        .values_list("workspace_id", flat=True)
        .distinct()
    )


def _money(amount, currency: str) -> str:
    return f"{amount} {currency}"


def _both(
    *,
    buyer: int,
    supplier: int,
    buyer_title: str,
    supplier_title: str,
    url: str,
    payload: dict,
    body: str = "",
) -> list[Mention]:
    """An event the buyer and the supplier both know: the buyer's workspace told on its account
    of the supplier, the supplier's on its account of the buyer."""
    return [
        Mention(buyer, supplier, buyer_title, body=body, url=url, payload=payload),
        Mention(supplier, buyer, supplier_title, body=body, url=url, payload=payload),
    ]


# --- Verification ----------------------------------------------------------------------------


def _profile_url(company: Company) -> str:
    name = "api:supplier-profile" if company.is_supplier else "api:buyer-profile"
    return reverse(name, kwargs={"company_id": company.pk})


@on("company.verified")
def company_verified(event: Event) -> list[Mention]:
    """Every workspace with an account of the company: it is verified (the marketplace shows
    the badge to all). The decision's documents and reasons stay the company's."""
    company = Company.objects.filter(pk=event.payload["company"]).first()
    if company is None:
        return []
    title = _("%(name)s was verified on the marketplace") % {"name": company.legal_name}
    return [
        Mention(
            workspace=workspace,
            counterparty=company.pk,
            title=title,
            url=_profile_url(company),
            payload={"company": company.pk, "verified": True},
            public_fact=True,
        )
        for workspace in _workspaces_knowing(company.pk)
    ]


@on("company.verification_changed")
def company_verification_changed(event: Event) -> list[Mention]:
    """Others see only that a verified company lost its badge (it leaves the directory); a
    refusal or a request for documents of a company that was not verified shows nothing to
    anyone else, and the reason never does."""
    payload = event.payload
    if (
        payload["status_before"] != VerificationStatus.VERIFIED
        or payload["status_after"] == VerificationStatus.VERIFIED
    ):
        return []
    company = Company.objects.filter(pk=payload["company"]).first()
    if company is None:
        return []
    title = _("%(name)s is no longer verified on the marketplace") % {"name": company.legal_name}
    return [
        Mention(
            workspace=workspace,
            counterparty=company.pk,
            title=title,
            url=_profile_url(company),
            payload={"company": company.pk, "verified": False},
            public_fact=True,
        )
        for workspace in _workspaces_knowing(company.pk)
    ]


# --- Tenders, invitations, applications ------------------------------------------------------


@on("tender.published")
def tender_published(event: Event) -> list[Mention]:
    """Each workspace that has an account of the buyer and may read the tender."""
    tender = _tender(event.payload["tender"])
    if tender is None:
        return []
    title = _('%(buyer)s published the tender "%(title)s"') % {
        "buyer": tender.buyer.legal_name,
        "title": tender.title,
    }
    body = _("Auction start: %(time)s (UTC).") % {
        "time": tender.auction_start.strftime("%Y-%m-%d %H:%M")
    }
    return [
        Mention(
            workspace=workspace,
            counterparty=tender.buyer_id,
            title=title,
            body=body,
            url=_tender_url(tender.pk),
            payload={"tender": tender.pk, "lots": len(event.payload["lots"])},
        )
        for workspace in _workspaces_knowing(tender.buyer_id)
    ]


@on("tender.cancelled")
def tender_cancelled(event: Event) -> list[Mention]:
    """The buyer, on its account of each supplier that had applied; each such supplier, on
    its account of the buyer."""
    tender = _tender(event.payload["tender"])
    if tender is None:
        return []
    reason = event.payload["reason"]
    applicants = EventAudience.objects.filter(event=event).values_list("company_id", flat=True)
    names = {"buyer": tender.buyer.legal_name, "title": tender.title}
    mentions = []
    for supplier in applicants:
        mentions += _both(
            buyer=tender.buyer_id,
            supplier=supplier,
            buyer_title=_('Cancelled the tender "%(title)s" (this supplier had applied)') % names,
            supplier_title=_('%(buyer)s cancelled the tender "%(title)s"') % names,
            url=_tender_url(tender.pk),
            payload={"tender": tender.pk},
            body=reason,
        )
    return mentions


@on("tender.invited")
def tender_invited(event: Event) -> list[Mention]:
    tender = _tender(event.payload["tender"])
    if tender is None:
        return []
    supplier = event.payload["supplier"]
    names = {"buyer": tender.buyer.legal_name, "title": tender.title, "supplier": _name(supplier)}
    return _both(
        buyer=tender.buyer_id,
        supplier=supplier,
        buyer_title=_('Invited %(supplier)s to the tender "%(title)s"') % names,
        supplier_title=_('%(buyer)s invited you to the tender "%(title)s"') % names,
        url=_tender_url(tender.pk),
        payload={"tender": tender.pk},
    )


@on("application.submitted", "application.admitted", "application.rejected")
def application_changed(event: Event) -> list[Mention]:
    """The buyer on its account of the supplier, the supplier on its account of the buyer:
    both know the application, its decision and the reason given."""
    lot = _lot(event.payload["lot"])
    if lot is None:
        return []
    supplier = event.payload["supplier"]
    buyer = lot.tender.buyer_id
    names = {
        "supplier": _name(supplier),
        "buyer": lot.tender.buyer.legal_name,
        "lot": lot.title,
        "title": lot.tender.title,
    }
    outcome = event.type.rsplit(".", 1)[1]
    payload = {"lot": lot.pk, "tender": lot.tender_id, "application": event.payload["application"]}
    body = ""
    if outcome == "submitted":
        buyer_title = _('%(supplier)s applied to lot "%(lot)s" of the tender "%(title)s"')
        supplier_title = _('Applied to lot "%(lot)s" of %(buyer)s\'s tender "%(title)s"')
    elif outcome == "admitted":
        buyer_title = _('Admitted %(supplier)s to the auction for lot "%(lot)s"')
        supplier_title = _('%(buyer)s admitted you to the auction for lot "%(lot)s"')
    else:
        buyer_title = _('Rejected the application of %(supplier)s to lot "%(lot)s"')
        supplier_title = _('%(buyer)s rejected your application to lot "%(lot)s"')
        body = _("Reason: %(reason)s") % {"reason": event.payload["reason"]}
    return _both(
        buyer=buyer,
        supplier=supplier,
        buyer_title=buyer_title % names,
        supplier_title=supplier_title % names,
        url=_tender_url(lot.tender_id),
        payload=payload,
        body=body,
    )


# --- Auction results, awards, deals ----------------------------------------------------------


@on("lot.closed")
def lot_closed(event: Event) -> list[Mention]:
    """The result as each reader sees the lot (``standing.render``): the buyer each supplier's
    rank and offer, on its account of that supplier; each admitted supplier its own rank and
    offer and, as the lot's visibility allows, the best price, on its account of the buyer."""
    lot = _lot(event.payload["lot"])
    if lot is None:
        return []
    buyer = lot.tender.buyer_id
    currency = lot.tender.currency
    snapshot = lot_snapshot(lot=lot)
    buyer_view = render(snapshot, Viewer(role="buyer"))
    # ``ladder`` is ``entries`` as the buyer may see them, in the same order.
    seen_by_buyer = {
        raw["application"]: shown
        for raw, shown in zip(snapshot["entries"], buyer_view.get("ladder") or [], strict=False)
    }
    participants = buyer_view["participants"]
    url = _lot_url(lot.pk)
    mentions = []
    applications = Application.objects.filter(lot=lot, status=ApplicationStatus.ADMITTED)
    for application in applications.order_by("pk"):
        supplier = application.supplier_id
        shown = seen_by_buyer.get(application.pk)
        names = {"lot": lot.title, "count": participants}
        if shown:
            buyer_title = _(
                'Auction for lot "%(lot)s" closed: ranked %(rank)d of %(count)d at %(amount)s'
            ) % {**names, "rank": shown["rank"], "amount": _money(shown["amount"], currency)}
        else:
            buyer_title = _('Auction for lot "%(lot)s" closed: this supplier made no offer') % names
        mentions.append(
            Mention(
                workspace=buyer,
                counterparty=supplier,
                title=buyer_title,
                url=url,
                payload={
                    "lot": lot.pk,
                    "tender": lot.tender_id,
                    "rank": shown["rank"] if shown else None,
                    "amount": shown["amount"] if shown else None,
                    "participants": participants,
                    "currency": currency,
                },
            )
        )
        view = render(snapshot, Viewer(role="supplier", application_id=application.pk))
        me = view["me"]
        best = (view.get("best") or {}).get("amount")
        if me["rank"]:
            title = _(
                'Auction for lot "%(lot)s" closed: your rank %(rank)d of %(count)d participants'
            ) % {"lot": lot.title, "rank": me["rank"], "count": view["participants"]}
            lines = [_("Your offer: %(amount)s.") % {"amount": _money(me["amount"], currency)}]
            if best is not None:
                lines.append(_("Best offer: %(amount)s.") % {"amount": _money(best, currency)})
        else:
            title = _('Auction for lot "%(lot)s" closed: you made no offer') % {"lot": lot.title}
            lines = []
        mentions.append(
            Mention(
                workspace=supplier,
                counterparty=buyer,
                title=title,
                body=" ".join(lines),
                url=url,
                payload={
                    "lot": lot.pk,
                    "tender": lot.tender_id,
                    "rank": me["rank"],
                    "amount": me["amount"],
                    "best": best,
                    "participants": view["participants"],
                    "currency": currency,
                },
            )
        )
    return mentions


@on("lot.awarded")
def lot_awarded(event: Event) -> list[Mention]:
    """The buyer and the winner (the event's readers); the other suppliers learnt their rank
    from ``lot.closed`` and are not told who won."""
    lot = _lot(event.payload["lot"])
    if lot is None:
        return []
    payload = event.payload
    supplier = payload["supplier"]
    names = {
        "lot": lot.title,
        "title": lot.tender.title,
        "supplier": _name(supplier),
        "amount": _money(payload["amount"], payload["currency"]),
    }
    return _both(
        buyer=lot.tender.buyer_id,
        supplier=supplier,
        buyer_title=_('Awarded lot "%(lot)s" to %(supplier)s at %(amount)s') % names,
        supplier_title=_('Won lot "%(lot)s" of the tender "%(title)s" at %(amount)s') % names,
        url=_lot_url(lot.pk),
        payload={
            "lot": lot.pk,
            "tender": lot.tender_id,
            "amount": payload["amount"],
            "currency": payload["currency"],
        },
    )


@on("deal.created")
def deal_created(event: Event) -> list[Mention]:
    payload = event.payload
    lot = _lot(payload["lot"])
    lot_title = lot.title if lot else ""
    amount = _money(payload["amount"], payload["currency"])
    title = _('Deal for lot "%(lot)s": %(amount)s') % {"lot": lot_title, "amount": amount}
    return _both(
        buyer=payload["buyer"],
        supplier=payload["supplier"],
        buyer_title=title,
        supplier_title=title,
        url=reverse("api:deal-detail", kwargs={"deal_id": payload["deal"]}),
        payload={
            "deal": payload["deal"],
            "lot": payload["lot"],
            "tender": payload["tender"],
            "amount": payload["amount"],
            "currency": payload["currency"],
        },
    )


@on("order.created", "order.status_changed")
def order_changed(event: Event) -> list[Mention]:
    """An order made from a deal, and each move of it, on both parties' timelines."""
    payload = event.payload
    names = {"number": payload["number"]}
    if event.type == "order.created":
        names["amount"] = _money(payload["total"], payload["currency"])
        title = _("Order %(number)s made from the deal: %(amount)s") % names
        extra = {"total": payload["total"], "currency": payload["currency"]}
    else:
        names["status"] = _order_status(payload["status_after"])
        title = _("Order %(number)s: %(status)s") % names
        extra = {
            "action": payload["action"],
            "status_after": payload["status_after"],
            "side": payload["side"],
        }
    return _both(
        buyer=payload["buyer"],
        supplier=payload["supplier"],
        buyer_title=title,
        supplier_title=title,
        url=reverse("frontend:order", args=[payload["order"]]),
        payload={"order": payload["order"], "number": payload["number"], **extra},
        body=payload.get("reason", ""),
    )


def _order_status(status: str) -> str:
    try:
        return str(OrderStatus(status).label)
    except ValueError:
        return status


# --- The listener ----------------------------------------------------------------------------


@listener(*HANDLERS, name="crm.timeline")
def timeline_write(event: Event) -> None:
    """Write ``event``'s entries on the timelines concerned (once per account and event: a
    redelivered event writes nothing twice)."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _write(event, handler(event))
