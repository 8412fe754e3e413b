from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auctions.models import TenderStatus
from auctions.tenders import selectors as tender_selectors
from marketplace.categories.selectors import category_get, category_list, category_subtree
from marketplace.companies.models import Invitation
from marketplace.companies.services import invitation_accept
from marketplace.core.exceptions import ApplicationError, NotFoundError

from .tender_apply_views import render_tender_page


def home(request):
    """The landing page: the open tenders of the public platforms (and, signed in, those the
    person may see), searched by text and category."""
    # A cancelled tender offers nothing to take part in: its page stays, the list leaves it out.
    tenders = tender_selectors.tender_list_for_page(user=request.user).exclude(
        status=TenderStatus.CANCELLED
    )
    query = (request.GET.get("q") or "").strip()[:200]
    if query:
        tenders = tenders.filter(Q(title__icontains=query) | Q(description__icontains=query))
    category = category_get(category_id=_int(request.GET.get("category")))
    if category is not None:
        tenders = tenders.filter(category__in=category_subtree(category=category))
    tenders = tenders.annotate(lot_count=Count("lots")).order_by("-auction_start", "-pk")
    page = Paginator(tenders, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/home.html",
        {
            "page": page,
            "query": query,
            "category": category,
            "categories": category_list().filter(depth__lte=1).order_by("path"),
            "running": tender_selectors.lot_list_running_for_page(user=request.user)[:20],
        },
    )


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
