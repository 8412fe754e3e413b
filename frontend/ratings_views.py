"""The supplier ratings' pages: a supplier's own scorecard (its standing with each buyer and
platform-wide, history by period, the criteria that lowered it), a buyer's scorecards of its
suppliers with its weights and bands, and the review of an order.

Thin views: ``ratings.selectors`` read (each read authorised: 404 to anyone who may not),
``ratings.services`` decide and write; a refusal (400, 403, 409) is shown on the page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.companies.selectors import company_get_for_member
from marketplace.core.exceptions import ApplicationError
from ratings import scoring, selectors, services
from ratings.models import REVIEW_CRITERIA, PeriodKind, Review

from .onboarding_views import scoped

PERIODS = [kind for kind, _label in PeriodKind.choices]


def _period(request) -> str:
    value = request.GET.get("period", "")
    return value if value in PERIODS else PeriodKind.QUARTER


def _card(row) -> dict:
    return {
        "s": row,
        "criteria": selectors.criteria_rows(row),
        "lowered": selectors.lowered_by(row),
    }


@login_required
def supplier_page(request, company_id: int):
    """A supplier's own scorecards: the latest of each scope (platform-wide, each buyer) with
    its criteria and what lowered it, and the history of the chosen period kind."""
    with scoped():
        company = company_get_for_member(user=request.user, company_id=company_id)
    period = _period(request)
    rows = list(
        selectors.scorecard_list(user=request.user, supplier_id=company.pk, period_kind=period)
    )
    latest: dict = {}
    for row in rows:  # newest first within each scope
        latest.setdefault(row.buyer_id, row)
    scopes = sorted(latest.values(), key=lambda r: (r.buyer_id is not None, r.buyer_id or 0))
    return render(
        request,
        "frontend/ratings/supplier.html",
        {
            "company": company,
            "period": period,
            "periods": PeriodKind.choices,
            "cards": [_card(row) for row in scopes],
            "history": rows,
        },
    )


def _weights_posted(request) -> dict:
    out: dict = {}
    for code in scoring.CRITERIA:
        raw = request.POST.get(f"weight_{code}", "").strip()
        out[code] = int(raw) if raw.lstrip("-").isdigit() else raw
    return out


def _bands_posted(request) -> scoring.Bands | None:
    try:
        return scoring.Bands(
            *(
                Decimal(request.POST.get(name, "").strip() or "x")
                for name in ("blocked_below", "warning_below", "excellent_from")
            )
        )
    except (InvalidOperation, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def buyer_page(request, company_id: int):
    """A buyer's scorecards of its suppliers for the chosen period kind (the latest period of
    each supplier), with its weights and bands (POST ``form=weights`` or ``form=bands``)."""
    with scoped():
        selectors.buyer_company_for_settings(user=request.user, buyer_id=company_id)
        company = company_get_for_member(user=request.user, company_id=company_id)
    refusal = None
    if request.method == "POST":
        try:
            with scoped():
                if request.POST.get("form") == "bands":
                    bands = _bands_posted(request)
                    if bands is None:
                        raise ApplicationError(_("Each threshold is a number from 0 to 100."))
                    services.bands_set(user=request.user, buyer_id=company.pk, bands=bands)
                else:
                    services.weights_set(
                        user=request.user, buyer_id=company.pk, weights=_weights_posted(request)
                    )
        except ApplicationError as exc:
            refusal = exc
        else:
            messages.success(request, _("Saved. The scorecards are being recomputed."))
            return redirect("frontend:ratings-buyer", company.pk)
    period = _period(request)
    latest: dict = {}
    for row in selectors.scorecard_list(user=request.user, buyer_id=company.pk, period_kind=period):
        latest.setdefault(row.supplier_id, row)
    weights, bands = selectors.settings_of(buyer_id=company.pk)
    return render(
        request,
        "frontend/ratings/buyer.html",
        {
            "company": company,
            "period": period,
            "periods": PeriodKind.choices,
            "rows": [_card(row) for row in latest.values()],
            "weights": [
                {"code": code, "label": scoring.CRITERION_LABELS[code], "value": weights[code]}
                for code in scoring.CRITERIA
            ],
            "bands": bands,
            "defaults": scoring.DEFAULT_WEIGHTS,
            "refusal": refusal,
        },
        status=400 if refusal is not None and refusal.status_code == 400 else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request, order_id: int):
    """The review of an order: both sides read it; the buyer's side writes it once a delivery
    was accepted and may change it for 14 days."""
    with scoped():
        order = selectors.order_for_review(user=request.user, order_id=order_id)
    review = Review.objects.filter(order=order).first()
    refusal = None
    posted: dict = {}
    if request.method == "POST":
        posted = {
            name: int(v) if (v := request.POST.get(name, "")).isdigit() else v
            for name in REVIEW_CRITERIA
        }
        try:
            with scoped():
                review = services.review_save(
                    user=request.user,
                    order_id=order.pk,
                    marks=posted,
                    comment=request.POST.get("comment", ""),
                )
        except ApplicationError as exc:
            refusal = exc
        else:
            messages.success(request, _("Your review is saved."))
            return redirect("frontend:ratings-review", order.pk)
    may_write = selectors.may_review(user=request.user, order=order) and (
        (review is None and selectors.review_open(order=order))
        or (review is not None and services.review_editable_until(review) >= timezone.now())
    )
    if (
        review is None
        and refusal is None
        and not selectors.may_review(user=request.user, order=order)
    ):
        raise Http404(_("This order has no review."))
    return render(
        request,
        "frontend/ratings/review.html",
        {
            "order": order,
            "review": review,
            "may_write": may_write,
            "editable_until": services.review_editable_until(review) if review else None,
            "marks": [
                {
                    "name": name,
                    "label": Review._meta.get_field(name).verbose_name,
                    "value": posted.get(name) or (getattr(review, name) if review else None),
                    "errors": (refusal.fields or {}).get(name, []) if refusal else [],
                }
                for name in REVIEW_CRITERIA
            ],
            "comment": request.POST.get("comment", "")
            if posted
            else (review.comment if review else ""),
            "refusal": refusal,
            "open": selectors.review_open(order=order),
        },
        status=refusal.status_code if refusal is not None else 200,
    )
