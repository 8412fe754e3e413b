from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.companies.models import Invitation
from marketplace.companies.services import invitation_accept
from marketplace.core.exceptions import ApplicationError


def home(request):
    return render(request, "frontend/home.html")


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
