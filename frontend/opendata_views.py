"""A finished lot's public results page (``auctions.opendata``): anyone may read it where the
tender is public and its platform publishes open data; bidders anonymised, as Prozorro shows
them."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from auctions import opendata
from marketplace.core.exceptions import NotFoundError


@require_GET
def lot_results(request, lot_id: int):
    try:
        lot = opendata.published_lot(user=request.user, lot_id=lot_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    results = opendata.lot_results(lot)
    results["watch_config"] = {"api": reverse("api:lot-results", kwargs={"lot_id": lot.pk})}
    return render(request, "frontend/lot_results.html", results)
