"""The buyer's award scenarios page (``auctions.awarding.scenarios``): the ways to award a
tender's closed lots side by side, and one of them applied with one button."""

from __future__ import annotations

import contextlib
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auctions.awarding import scenarios
from auctions.tenders.selectors import user_may_manage_tender
from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, NotFoundError
from suppliers import stock


def _params(data) -> dict:
    """The page's two settings, as typed; anything unreadable is left to its default."""
    params: dict = {}
    with contextlib.suppress(ValueError):
        params["max_suppliers"] = int(data.get("max_suppliers", ""))
    with contextlib.suppress(InvalidOperation, ValueError):  # typed as a percentage
        params["min_share"] = Decimal(str(data.get("min_share_percent", ""))) / 100
    return params


@login_required
@require_http_methods(["GET", "POST"])
def award_scenarios(request, tender_id: int):
    try:
        tender = scenarios.tender_for_scenarios(user=request.user, tender_id=tender_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    params = _params(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":
        try:
            awards = scenarios.scenario_apply(
                user=request.user,
                tender_id=tender.pk,
                key=request.POST.get("scenario", ""),
                **params,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(n)s lots awarded; their deals are created.") % {"n": len(awards)}
            )
            return redirect("frontend:tender-manage", tender.pk)
    try:
        comparison = scenarios.compare(tender, **params)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        comparison = scenarios.compare(tender)
    return render(
        request,
        "frontend/tenders/award_scenarios.html",
        {
            "tender": tender,
            "comparison": comparison,
            "min_share_percent": (comparison.min_share * 100).normalize(),
            "manager": user_may_manage_tender(user=request.user, tender=tender),
            "bidder_stock": _bidder_stock(comparison),
        },
    )


def _bidder_stock(comparison) -> list[tuple[str, object]]:
    """Each bidder's counted stock of the tender's category (``suppliers.stock``), by name."""
    supplier_ids = sorted({o.supplier for lot in comparison.lots for o in lot.offers})
    if not supplier_ids:
        return []
    found = stock.stock_for_suppliers(
        supplier_ids=supplier_ids, category=comparison.tender.category
    )
    names = dict(Company.objects.filter(pk__in=supplier_ids).values_list("pk", "legal_name"))
    return [(names.get(pk, ""), found.get(pk)) for pk in supplier_ids]
