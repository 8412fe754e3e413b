"""A finished lot's public results page (``auctions.opendata``): anyone may read it where the
tender is public and its platform publishes open data; bidders anonymised, as Prozorro shows
them."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from auctions import opendata
from auctions.models import LotStatus
from marketplace.core.exceptions import NotFoundError
from marketplace.core.money import money_parts

from .tender_texts import texts_for_lot


@require_GET
def lot_results(request, lot_id: int):
    try:
        lot = opendata.published_lot(user=request.user, lot_id=lot_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    results = opendata.lot_results(lot)
    results.update(texts_for_lot(request, lot))
    results["watch_config"] = {
        "ws_path": f"/ws/lots/{lot.pk}/",
        "money": money_parts(results["currency"]),
        "locale": get_language() or "en",
        "time_zone": timezone.get_current_timezone_name(),
        "text": {
            "bidder": _("Bidder %(label)s, lot %(lot)s")
            % {"label": "%(label)s", "lot": lot.number},
            "status": dict(LotStatus.choices),
            "connected": _("Following live."),
            "reconnecting": _("Reconnecting…"),
        },
    }
    return render(request, "frontend/lot_results.html", results)
