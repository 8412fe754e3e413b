"""Open data: a tender as an OCDS 1.1 release package (https://standard.open-contracting.org/1.1/),
with its lots (the lots extension) and its bids (the bid extension), and a finished lot's public
results as Prozorro shows them: bidders anonymised.

Who may read it: anyone, for a public tender (``tender_list_public``) of a platform that
publishes open data (``Platform.publishes_open_data``); the buyer's side for its own tenders in
any case. Bidders are ``Bidder N`` of a lot (its application's label), never linked across lots,
unless the tender reveals identities (``reveal_identities``). Bids appear only once a lot is
finished (closed, awarded or failed): nothing of a running or sealed auction leaks. Each bidder's
final offer is a bid (``valid``); how many bids the auction took is in the bids' statistics.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError
from marketplace.core.times import iso_utc
from marketplace.platforms.models import AuctionFormat, Visibility

from .models import (
    Application,
    ApplicationStatus,
    Award,
    Bid,
    BidWithdrawal,
    Lot,
    LotStatus,
    Participation,
    Tender,
    TenderStatus,
)
from .participation import admitted, final_ranking
from .rules import CENT
from .tenders.selectors import tender_is_buyer_side, tender_list_public, tender_list_visible

EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
]
FINISHED = {LotStatus.CLOSED, LotStatus.AWARDED, LotStatus.FAILED}
LIVE_STATUSES = {LotStatus.LIVE, LotStatus.PAUSED}
TENDER_STATUS: dict[str, str] = {
    TenderStatus.PUBLISHED: "active",
    TenderStatus.COMPLETE: "complete",
    TenderStatus.CANCELLED: "cancelled",
}
LOT_STATUS: dict[str, str] = {
    LotStatus.AWARDED: "complete",
    LotStatus.FAILED: "unsuccessful",
    LotStatus.CANCELLED: "cancelled",
}  # any other: active


def _when(moment: datetime | None) -> str | None:
    return iso_utc(moment)


def _value(amount: Decimal | None, currency: str) -> dict | None:
    if amount is None:
        return None
    return {"amount": float(Decimal(amount).quantize(CENT)), "currency": currency}


# --- who may read --------------------------------------------------------------------------


def published_tender(*, user, tender_id: int) -> Tender:
    """A tender whose open data ``user`` may read; "not found" for any other."""
    tender = (
        tender_list_public()
        .filter(pk=tender_id, platform__publishes_open_data=True)
        .select_related("category")
        .first()
    )
    if tender is not None:
        return tender
    if user is not None and user.is_authenticated:
        tender = tender_list_visible(user=user).filter(pk=tender_id).first()
        if tender is not None and tender_is_buyer_side(user=user, tender=tender):
            return tender
    raise NotFoundError(_("No such tender."), code="tender_not_found")


def published_lot(*, user, lot_id: int) -> Lot:
    """A lot whose public results ``user`` may read: its tender's open data, the lot finished."""
    lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    try:
        published_tender(user=user, tender_id=lot.tender_id)
    except NotFoundError:
        raise NotFoundError(_("No such lot."), code="lot_not_found") from None
    if lot.status not in FINISHED and not watchable_live(lot):
        raise NotFoundError(
            _("The lot's results are public once its auction is over."), code="lot_not_finished"
        )
    return lot


def watchable_live(lot: Lot) -> bool:
    """Anyone may watch the lot's auction as it runs: its tender says so (``public_live``), and
    its offers are not sealed."""
    return (
        lot.tender.public_live
        and lot.status in LIVE_STATUSES
        and lot.auction_format != AuctionFormat.SEALED
    )


def lot_watchable_by(*, user, lot: Lot) -> bool:
    """``user`` (anyone, logged in or not) may follow ``lot``'s auction live as an observer:
    it may read the tender's open data, and the lot may be watched now."""
    if not watchable_live(lot):
        return False
    try:
        published_tender(user=user, tender_id=lot.tender_id)
    except NotFoundError:
        return False
    return True


# --- the parties -------------------------------------------------------------------------------


def _company_party(company, roles: list[str]) -> dict:
    party = {
        "id": f"{company.country}-{company.registration_number or company.pk}",
        "name": company.legal_name,
        "address": {"countryName": company.country},
        "roles": roles,
    }
    if company.registration_number:
        party["identifier"] = {
            "scheme": f"{company.country}-REG",
            "id": company.registration_number,
            "legalName": company.legal_name,
        }
    return party


def _bidder(lot: Lot, application: Application, reveal: bool) -> dict:
    """A bidder of ``lot`` as open data names it: its company when the tender reveals
    identities, else ``Bidder N`` of that lot."""
    if reveal:
        party = _company_party(application.supplier, [])
        return {"id": party["id"], "name": party["name"], "party": party}
    name = _("Bidder %(label)s, lot %(lot)s") % {"label": application.label, "lot": lot.number}
    return {
        "id": f"lot-{lot.number}-bidder-{application.label}",
        "name": name,
        "party": {"id": f"lot-{lot.number}-bidder-{application.label}", "name": name, "roles": []},
    }


# --- the package -------------------------------------------------------------------------------


def release_package(tender: Tender, *, uri: str) -> dict:
    """The tender's OCDS release package, as it stands now."""
    currency = tender.currency
    ocid = f"{settings.OCDS_OCID_PREFIX}-{tender.pk}"
    lots = list(tender.lots.exclude(status=LotStatus.DRAFT).order_by("number", "pk"))
    finished = [lot for lot in lots if lot.status in FINISHED]
    applications = list(
        Application.objects.filter(lot__in=finished, status=ApplicationStatus.ADMITTED)
        .select_related("supplier")
        .order_by("lot_id", "label")
    )
    last_bid = dict(
        Bid.objects.filter(lot__in=finished)
        .values("application_id")
        .annotate(at=Max("placed_at"))
        .values_list("application_id", "at")
    )
    counts = dict(
        Bid.objects.filter(lot__in=finished)
        .values("lot_id")
        .annotate(n=Count("pk"))
        .values_list("lot_id", "n")
    )
    awards = {a.lot_id: a for a in Award.objects.filter(lot__in=lots).select_related("application")}
    reveal = tender.reveal_identities
    by_lot = {lot.pk: lot for lot in lots}

    buyer = _company_party(tender.buyer, ["buyer", "procuringEntity"])
    parties: dict[str, dict] = {buyer["id"]: buyer}
    details, bidders = [], {}
    for application in applications:
        lot = by_lot[application.lot_id]
        bidder = _bidder(lot, application, reveal)
        bidders[application.pk] = bidder
        party = parties.setdefault(bidder["id"], bidder["party"])
        if "tenderer" not in party["roles"]:
            party["roles"].append("tenderer")
        if application.current_amount is None:
            continue
        details.append(
            {
                "id": f"{lot.pk}-{application.label}",
                "date": _when(last_bid.get(application.pk) or lot.closed_at),
                "status": "valid",
                "tenderers": [{"id": bidder["id"], "name": bidder["name"]}],
                "value": _value(application.current_amount, currency),
                "relatedLots": [str(lot.pk)],
            }
        )
    award_items = []
    for lot in lots:
        award = awards.get(lot.pk)
        if award is None:
            continue
        bidder = bidders.get(award.application_id) or _bidder(lot, award.application, reveal)
        party = parties.setdefault(bidder["id"], bidder["party"])
        if "supplier" not in party["roles"]:
            party["roles"].append("supplier")
        award_items.append(
            {
                "id": str(lot.pk),
                "title": lot.title,
                "status": "active",
                "date": _when(award.awarded_at),
                "value": _value(award.amount, currency),
                "suppliers": [{"id": bidder["id"], "name": bidder["name"]}],
                "relatedLots": [str(lot.pk)],
            }
        )
    moments = [tender.published_at, *(lot.closed_at for lot in lots)]
    moments += [a.awarded_at for a in awards.values()]
    date = max((m for m in moments if m is not None), default=tender.created_at)
    category = tender.category
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{_when(date)}",
        "date": _when(date),
        "tag": ["tender", "award"] if award_items else ["tender"],
        "initiationType": "tender",
        "parties": list(parties.values()),
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "tender": {
            "id": str(tender.pk),
            "title": tender.title,
            "description": tender.description,
            "status": TENDER_STATUS.get(tender.status),
            "value": _value(sum((lot.start_price for lot in lots), Decimal(0)), currency),
            "procurementMethod": "open"
            if tender.participation == Participation.OPEN
            else "selective",
            "procurementMethodDetails": ", ".join(
                sorted({f"reverse auction ({lot.auction_format})" for lot in lots})
            ),
            "mainProcurementCategory": "goods",
            "submissionMethod": ["electronicAuction"],
            "enquiryPeriod": {"endDate": _when(tender.questions_deadline)},
            "tenderPeriod": {
                "startDate": _when(tender.published_at),
                "endDate": _when(tender.applications_deadline),
            },
            "items": [
                {
                    "id": str(lot.pk),
                    "description": lot.title,
                    "quantity": float(lot.quantity),
                    "unit": {"name": lot.unit},
                    "classification": {
                        "scheme": "CPV",
                        "id": category.code,
                        "description": category.name_en,
                    },
                    "relatedLot": str(lot.pk),
                }
                for lot in lots
            ],
            "lots": [
                {
                    "id": str(lot.pk),
                    "title": lot.title,
                    "description": lot.description,
                    "status": LOT_STATUS.get(lot.status, "active"),
                    "value": _value(lot.start_price, currency),
                }
                for lot in lots
            ],
            "numberOfTenderers": len({a.supplier_id for a in applications}),
        },
        "bids": {
            "statistics": [
                {
                    "id": f"{lot.pk}-bids",
                    "measure": "electronicBids",
                    "value": counts.get(lot.pk, 0),
                    "relatedLot": str(lot.pk),
                }
                for lot in finished
            ],
            "details": details,
        },
        "awards": award_items,
    }
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": EXTENSIONS,
        "publishedDate": _when(timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME},
        "license": settings.OCDS_LICENSE,
        "releases": [release],
    }


# --- a lot's public results ------------------------------------------------------------------


def lot_results(lot: Lot) -> dict:
    """A lot's public results: each bidder's offer (final, or current while the auction runs
    and may be watched) and rank, by label (or name when the tender reveals identities, once
    finished), the award, and the course of the auction (every bid by label and time)."""
    tender = lot.tender
    reveal = tender.reveal_identities and lot.status in FINISHED
    applications = {
        a.pk: a
        for a in Application.objects.filter(
            lot=lot, status=ApplicationStatus.ADMITTED
        ).select_related("supplier")
    }

    def name(application: Application) -> str:
        return _bidder(lot, application, reveal)["name"]

    ranking = final_ranking(lot, admitted(lot))
    award = Award.objects.filter(lot=lot).first()
    bids = [
        {
            "at": b.placed_at,
            "bidder": name(applications[b.application_id]),
            "amount": b.amount,
            "withdrawn": b.withdrawn,
        }
        for b in Bid.objects.filter(lot=lot)
        .annotate(withdrawn=Exists(BidWithdrawal.objects.filter(bid=OuterRef("pk"))))
        .order_by("placed_at", "pk")
        if b.application_id in applications
    ]
    live = lot.status in LIVE_STATUSES
    offers = [
        {
            "rank": row["rank"],
            "bidder": name(applications[row["application"]]),
            "amount": row["amount"],
            "won": award is not None and award.application_id == row["application"],
        }
        for row in ranking
        if row["application"] in applications
    ]
    best = offers[0]["amount"] if offers else None
    # While it runs the public sees what the lot's visibility mode shows its bidders: the
    # ladder (every offer by label), the best price only, or neither.
    shown = lot.visibility if live else Visibility.LADDER
    return {
        "lot": lot,
        "tender": tender,
        "live": live,
        "visibility": shown,
        "bid_count": len(bids),
        "best": best if shown != Visibility.RANK_ONLY else None,
        "ends_at": lot.ends_at,
        "currency": tender.currency,
        "offers": offers if shown == Visibility.LADDER else [],
        "award": None
        if award is None
        else {
            "bidder": name(applications.get(award.application_id) or award.application),
            "amount": award.amount,
            "at": award.awarded_at,
            "savings": lot.start_price - award.amount,
        },
        "bids": bids if shown == Visibility.LADDER else [],
    }
