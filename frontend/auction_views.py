"""The live auction pages: the supplier's auction room and the buyer's live console.

One page, two roles: the viewer's role comes from ``auctions.selectors.lot_viewer`` (the same
check the websocket and the REST API make), and everything live on the page comes from the
websocket protocol and the REST API through ``frontend/static/frontend/auction-room.js``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from auctions.models import ApplicationStatus, BidKind, LotStatus
from auctions.participation import user_may_run_lot
from auctions.selectors import lot_get, lot_viewer
from auctions.tenders.selectors import application_list_for_lot
from marketplace.core.exceptions import NotFoundError
from marketplace.core.money import money_parts
from marketplace.standings.selectors import admission_standing, standing_text
from practice.engine import PRACTISED

from .tender_texts import texts_for_lot


def room_text() -> dict:
    """The words the room's script shows, in the reader's language (from our catalogues)."""
    return {
        "connected": _("Connected"),
        "reconnecting": _("Reconnecting… prices are hidden until the connection is back."),
        "refused": _("You cannot watch this auction."),
        "bidder": _("Bidder"),
        "leading": _("You are leading"),
        "outbid": _("You have been outbid"),
        "no_bid_yet": _("You have not bid yet"),
        "won": _("You won this lot"),
        "not_won": _("You did not win this lot"),
        "not_won_rank": _("You did not win this lot; your offer ranked %(rank)s"),
        "bid_one_step": _("One step"),
        "bid_two_steps": _("Two steps"),
        "sending": _("Sending"),
        "accepted": _("Bid accepted"),
        "extended": _("Extended to"),
        "extended_short": _("the auction was extended"),
        "resumed": _("Resumed"),
        "saved": _("Done."),
        "ends_in": _("Ends in"),
        "starts_in": _("Starts in"),
        "working": _("Working…"),
        "your_turn": _("Your turn"),
        "your_turn_max": _("Your turn: bid at most %(price)s"),
        "already_first": _(
            "You are already first at %(price)s. Lower your own price to %(amount)s anyway?"
        ),
        "clock_price": _("Price now: %(price)s (level %(level)s)"),
        "clock_next": _("next: %(price)s"),
        "clock_in": _("%(n)s still in"),
        "clock_confirm": _("Confirm %(price)s to stay in"),
        "clock_confirmed": _("You confirmed this price; wait for the next one."),
        "clock_out": _("You are out: you did not confirm an earlier price."),
        "clock_accept": _("Accept %(price)s"),
        "round": _("Round"),
        "turn": _("turn"),
        "round_pause": _("pause before the round"),
        "turn_ends_in": _("Turn ends in"),
        "round_starts_in": _("Round starts in"),
        "not_your_turn": _("Waiting for your turn"),
        "online": _("connected"),
        "offline": _("not connected"),
        "best": _("Best price"),
        "landed": _("landed cost"),
        "mine": _("My price"),
        "bids": _("Bids"),
        "time": _("Time"),
        "status": {value: str(label) for value, label in LotStatus.choices},
        "kind": {value: str(label) for value, label in BidKind.choices},
    }


def _standing(*, buyer_id: int, supplier_id: int) -> dict | None:
    standing = admission_standing(buyer_id=buyer_id, supplier_id=supplier_id)
    if standing is None:
        return None
    return {
        "band": standing.band,
        "score": f"{standing.score:.0f}",
        "text": f"{standing.get_band_display()} {standing.score:.0f}",
        "title": standing_text(standing),
    }


@login_required
def lot_room(request, lot_id: int):
    try:
        lot = lot_get(lot_id=lot_id)
        viewer = lot_viewer(user=request.user, lot=lot)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    tender = lot.tender
    # The buyer's people who may not run the auction (an account manager, a bidder) watch it:
    # the console offers them no pause, surrogate bid or award.
    may_run = viewer.role != "supplier" and user_may_run_lot(user=request.user, lot=lot)
    applications = []
    if viewer.role != "supplier":
        applications = [
            {
                "id": a.pk,
                "label": a.label,
                "supplier": a.supplier.legal_name,
                # The supplier's standing with this buyer (the ratings' badge), or None.
                "standing": _standing(buyer_id=tender.buyer_id, supplier_id=a.supplier_id),
            }
            for a in application_list_for_lot(lot=lot).filter(status=ApplicationStatus.ADMITTED)
        ]
    api = {
        name: reverse(f"api:lot-{name}", kwargs={"lot_id": lot.pk})
        for name in ("bids", "pause", "resume", "award", "standing")
    }
    api["surrogate"] = reverse("api:lot-surrogate-bids", kwargs={"lot_id": lot.pk})
    config = {
        "lot": lot.pk,
        "role": viewer.role,
        "may_run": may_run,
        "ws_path": f"/ws/lots/{lot.pk}/",
        "currency": tender.currency,
        "money": money_parts(tender.currency),
        "locale": get_language() or "en",
        "time_zone": timezone.get_current_timezone_name(),
        "csrf_token": get_token(request),
        "applications": applications,
        "api": api,
        "text": room_text(),
    }
    return render(
        request,
        "frontend/lot_room.html",
        {
            "lot": lot,
            "tender": tender,
            **texts_for_lot(request, lot),
            "role": viewer.role,
            "is_supplier": viewer.role == "supplier",
            "clock": lot.auction_format in ("japanese", "dutch"),
            "practicable": lot.auction_format in PRACTISED,
            "may_run": may_run,
            "applications": applications,
            "room_config": config,
            "protocol_url": reverse("api:lot-protocol", kwargs={"lot_id": lot.pk}),
        },
    )
