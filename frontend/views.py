from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auctions.tenders import selectors as tender_selectors
from marketplace.categories.selectors import category_get, category_list
from marketplace.companies.models import Invitation
from marketplace.companies.services import invitation_accept
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.platforms.hosts import scope_filter
from search.hits import tenders_in_order
from search.query import Kind

from .search_pages import search_page_context
from .tender_apply_views import render_tender_page


def home(request):
    """The landing page and the tender search: the tenders the person may see (the public ones
    for anyone), found by words in any language or in Latin, narrowed by the facets' counts
    (``search.selectors.search``); what is still open unless a status is chosen."""
    context = search_page_context(
        request, kind=Kind.TENDERS, hits=tenders_in_order, hide_cancelled=True
    )
    chosen = _int(context["search"].filters.get("category", ("",))[0])
    context.update(
        category=category_get(category_id=chosen) if chosen else None,
        categories=category_list().filter(depth__lte=1).order_by("path"),
        running=scope_filter(
            request,
            tender_selectors.lot_list_running_for_page(user=request.user),
            "tender__platform_id",
        )[:20],
    )
    return render(request, "frontend/home.html", context)


def tender_page(request, tender_id: int):
    """A tender as its visibility allows, with each lot and, for those who may watch it, the
    way into its auction room or live console; for a supplier also its applications and the
    apply and ask forms, for the buyer's managers the way to the manage page
    (``tender_apply_views.render_tender_page``)."""
    try:
        tender = tender_selectors.tender_get_for_page(user=request.user, tender_id=tender_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    return render_tender_page(request, tender)


@login_required
def workspace(request):
    """My auctions: the lots I bid in and the lots of my companies' tenders."""
    return render(
        request,
        "frontend/workspace.html",
        tender_selectors.lot_list_for_workspace(user=request.user),
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept_page(request):
    """The page an invitation e-mail links to: shows whom it is from, accepts on POST.

    The page only shows the company and role to the person the invitation was sent to; the
    rules (expired, revoked, used, wrong account) are the service's."""
    token = request.POST.get("token") or request.GET.get("token") or ""
    if request.method == "POST":
        try:
            membership = invitation_accept(token=token, user=request.user)
        except ApplicationError as exc:
            return render(
                request,
                "frontend/invitation_accept.html",
                {"error": exc.message, "token": token},
                status=exc.status_code,
            )
        messages.success(
            request,
            _("You have joined %(company)s as %(role)s.")
            % {"company": membership.company.legal_name, "role": membership.get_role_display()},
        )
        return redirect("frontend:home")
    invitation = (
        Invitation.objects.select_related("company")
        .filter(token=token, email__iexact=request.user.email)
        .first()
    )
    return render(
        request, "frontend/invitation_accept.html", {"invitation": invitation, "token": token}
    )
