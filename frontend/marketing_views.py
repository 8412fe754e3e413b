"""The marketing pages (``/crm/<workspace id>/marketing/...``, names ``marketing-...``): the
segments and campaigns of a workspace, a segment's filter with its live counts, a campaign's
results with a chart and a CSV export; and the public unsubscribe page of every message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.access import workspace_ids
from marketing import selectors, services
from marketing.filters import filters_clean
from marketing.segments import filters_counts, segment_counts
from marketing.suppression import recipient_from_token, unsubscribe
from marketplace.companies.selectors import companies_of_user
from marketplace.core.exceptions import ApplicationError
from marketplace.core.files import download_response

from .crm_views import Workspace, crm_page, crm_render, refused
from .marketing_forms import CampaignForm, SegmentForm


def _service_errors(form, exc: ApplicationError) -> None:
    placed = False
    for field, found in (exc.fields or {}).items():
        if field in form.fields:
            for message in found:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@login_required
@require_GET
def marketing_entry(request):
    """``/crm/marketing/``: the one workspace's marketing, or the choice of workspaces."""
    ids = workspace_ids(user=request.user)
    companies = list(companies_of_user(user=request.user).filter(pk__in=ids).order_by("legal_name"))
    if len(companies) == 1:
        return redirect("frontend:marketing-home", companies[0].pk)
    return render(request, "marketing/choose.html", {"companies": companies})


@crm_page()
@require_GET
def marketing_home(request, ws: Workspace):
    segments = list(selectors.segment_list(user=request.user, workspace_id=ws.id))
    for segment in segments:
        segment.counts = segment_counts(segment=segment)  # type: ignore[attr-defined]
    campaigns = list(selectors.campaign_list(user=request.user, workspace_id=ws.id)[:50])
    for campaign in campaigns:
        campaign.results = selectors.campaign_results(campaign=campaign)  # type: ignore[attr-defined]
    return crm_render(
        request, ws, "marketing/home.html", {"segments": segments, "campaigns": campaigns}
    )


def _segment_page(request, ws: Workspace, segment=None):
    initial = (
        SegmentForm.initial_from(name=segment.name, filters=segment.filters) if segment else None
    )
    form = SegmentForm(request.POST or None, initial=initial, workspace_id=ws.id)
    if request.method == "POST":
        filters = form.filters() if form.is_valid() else {}
        if form.is_valid():
            try:
                if segment is None:
                    segment = services.segment_create(
                        actor=request.user,
                        workspace_id=ws.id,
                        name=form.cleaned_data["name"],
                        filters=filters,
                    )
                else:
                    services.segment_update(
                        actor=request.user,
                        workspace_id=ws.id,
                        segment_id=segment.pk,
                        name=form.cleaned_data["name"],
                        filters=filters,
                    )
            except ApplicationError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, _("The segment is saved."))
                return redirect("frontend:marketing-segment", ws.id, segment.pk)
    counts = (
        segment_counts(segment=segment)
        if segment
        else filters_counts(workspace_id=ws.id, filters={})
    )
    return crm_render(
        request,
        ws,
        "marketing/segment.html",
        {"form": form, "segment": segment, "counts": counts},
        status=400 if form.errors else 200,
    )


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def segment_create_page(request, ws: Workspace):
    return _segment_page(request, ws)


@crm_page()
@require_http_methods(["GET", "POST"])
def segment_page(request, ws: Workspace, segment_id: int):
    segment = selectors.segment_get(user=request.user, workspace_id=ws.id, segment_id=segment_id)
    if request.method == "POST" and not ws.may_edit:
        raise PermissionDenied(
            _("Only the company's account managers and admins may change its CRM.")
        )
    return _segment_page(request, ws, segment)


@crm_page()
@require_GET
def segment_count(request, ws: Workspace):
    """The live counts of the segment form as it is now (the page's script asks on change)."""
    form = SegmentForm(request.GET, workspace_id=ws.id)
    form.fields["name"].required = False
    filters = form.filters() if form.is_valid() else {}
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    try:
        counts = filters_counts(
            workspace_id=ws.id, filters=filters_clean(workspace_id=ws.id, data=filters)
        )
    except ApplicationError as exc:
        return JsonResponse({"errors": exc.fields, "message": exc.message}, status=400)
    return JsonResponse(counts)


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def campaign_create_page(request, ws: Workspace):
    segments = selectors.segment_list(user=request.user, workspace_id=ws.id)
    initial = {"segment": request.GET.get("segment")}
    form = CampaignForm(request.POST or None, initial=initial, segments=segments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                workspace_id=ws.id,
                segment_id=data["segment"],
                name=data["name"],
                channel=data["channel"],
                subject=data["subject"],
                body=data["body"],
            )
        except ApplicationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("The campaign is saved as a draft: check it, then send."))
            return redirect("frontend:marketing-campaign", ws.id, campaign.pk)
    return crm_render(
        request,
        ws,
        "marketing/campaign_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@crm_page()
@require_GET
def campaign_page(request, ws: Workspace, campaign_id: int):
    campaign = selectors.campaign_get(
        user=request.user, workspace_id=ws.id, campaign_id=campaign_id
    )
    results = selectors.campaign_results(campaign=campaign)
    labels = selectors.measure_labels()
    return crm_render(
        request,
        ws,
        "marketing/campaign.html",
        {
            "campaign": campaign,
            "results": [(key, labels[key], value) for key, value in results.items()],
            "chart": selectors.results_chart(results=results) if campaign.sent_at else None,
            "recipients": selectors.recipient_list(
                user=request.user, workspace_id=ws.id, campaign_id=campaign_id
            ).select_related("contact", "account")[:200],
        },
    )


@crm_page(edit=True)
@require_POST
def campaign_send_page(request, ws: Workspace, campaign_id: int):
    try:
        services.campaign_send(actor=request.user, workspace_id=ws.id, campaign_id=campaign_id)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        refused(request, exc)
    else:
        messages.success(request, _("The campaign is sent."))
    return redirect("frontend:marketing-campaign", ws.id, campaign_id)


@crm_page()
@require_GET
def campaign_export_page(request, ws: Workspace, campaign_id: int):
    campaign = selectors.campaign_get(
        user=request.user, workspace_id=ws.id, campaign_id=campaign_id
    )
    return download_response(
        selectors.campaign_csv(campaign=campaign).encode("utf-8"),
        filename=f"campaign-{campaign.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )


# The link of every message: no sign-in. GET shows the one button (a link scanner that fetches
# it changes nothing); POST unsubscribes, as does a mail program's RFC 8058 one-click POST,
# which carries no CSRF token: the signed token is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request, token: str) -> HttpResponse:
    try:
        recipient = recipient_from_token(token)
    except ApplicationError as exc:
        return render(request, "marketing/unsubscribe.html", {"error": exc.message}, status=400)
    done = False
    if request.method == "POST":
        unsubscribe(token=token)
        done = True
    return render(
        request,
        "marketing/unsubscribe.html",
        {
            "done": done,
            "address": recipient.address,
            "workspace": recipient.campaign.workspace.legal_name,
        },
    )
