"""The practice auction's pages (``practice.services``): start one from a lot's room, then bid in
it; the page's script reads the practice every second (its clock runs as it is read)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.money import money_parts
from practice import services


@login_required
@require_POST
def practice_start(request, lot_id: int):
    try:
        session = services.practice_start(user=request.user, lot_id=lot_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("frontend:lot-room", lot_id)
    return redirect("frontend:practice", session.pk)


@login_required
@require_GET
def practice_page(request, session_id: int):
    try:
        view = services.practice_view(user=request.user, session_id=session_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    config = {
        "api": reverse("api:practice", kwargs={"session_id": session_id}),
        "money": money_parts(view["currency"]),
        "text": {
            "leading": _("You are leading"),
            "outbid": _("You are outbid"),
            "won": _("You won the practice"),
            "lost": _("A bot won the practice"),
            "bidder": _("Bidder"),
            "you": _("you"),
            "confirm": _("Confirm %(price)s to stay in"),
            "accept": _("Accept %(price)s"),
            "accepted": _("Bid accepted"),
            "out": _("You are out: you did not confirm an earlier price."),
            "confirmed": _("You confirmed this price; wait for the next one."),
            "ended": _("The practice has ended."),
            "price_now": _("Price now: %(price)s (level %(level)s)"),
            "round": _("Round %(round)s of %(rounds)s"),
            "pause": _("a pause; the turns follow"),
            "your_turn": _("your turn: bid at most %(price)s"),
            "their_turn": _("Bidder #%(label)s's turn"),
            "sealed": _("Make one sealed offer; you may replace it until the close."),
            "sealed_mine": _("Your sealed offer: %(price)s. The offers are opened at the close."),
            "status": {
                "live": _("live"),
                "closed": _("closed"),
                "failed": _("failed"),
            },
        },
    }
    return render(request, "frontend/practice.html", {"view": view, "practice_config": config})
