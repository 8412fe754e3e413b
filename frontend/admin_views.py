"""The platform admin's pages: the verification review queue and its decisions, a platform's
membership requests (accept, refuse, suspend with a reason) and its default auction rules.

Scoped as the API scopes them: the review queue is for reviewers
(``verification.selectors.user_is_reviewer``: operator staff); a platform's pages for its admins
(``platforms.selectors.user_is_platform_admin``; staff administer every platform). A platform or
participation the person may not see answers 404, one they see but may not run 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.core.exceptions import ApplicationError
from marketplace.platforms import selectors as platform_selectors
from marketplace.platforms.models import (
    ParticipationAction,
    ParticipationStatus,
    Platform,
    PlatformMembership,
)
from marketplace.platforms.services import (
    TRANSITIONS,
    UPDATABLE_FIELDS,
    membership_accept,
    membership_refuse,
    membership_suspend,
    platform_update,
)
from marketplace.verification import selectors as verification_selectors
from marketplace.verification.models import SubmissionStatus
from marketplace.verification.services import (
    submission_approve,
    submission_reject,
    submission_request_info,
)

from .onboarding_forms import (
    DecisionForm,
    ParticipationDecisionForm,
    PlatformRulesForm,
    add_service_error,
)
from .onboarding_views import scoped

DECIDE = {
    "approve": submission_approve,
    "reject": submission_reject,
    "request_info": submission_request_info,
}
PARTICIPATION_SERVICES = {
    "accept": (ParticipationAction.ACCEPTED, membership_accept),
    "refuse": (ParticipationAction.REFUSED, membership_refuse),
    "suspend": (ParticipationAction.SUSPENDED, membership_suspend),
}


def administered_platforms(user):
    """The platforms ``user`` administers (every one for staff), with their open applications."""
    ids = platform_selectors.administered_platform_ids(user=user)
    platforms = Platform.objects.select_related("owner").order_by("name", "pk")
    if ids is not None:
        platforms = platforms.filter(pk__in=ids)
    return platforms.annotate(
        applied=Count("memberships", filter=Q(memberships__status=ParticipationStatus.APPLIED))
    )


def _require_reviewer(request) -> None:
    if not verification_selectors.user_is_reviewer(user=request.user):
        raise PermissionDenied(_("Only platform admins may review verifications."))


# --- The verification queue --------------------------------------------------------------------


STATUS_FILTERS = [*SubmissionStatus.choices, ("all", gettext_lazy("All"))]


@login_required
def review_queue(request):
    """Submissions to review, oldest first (the pending ones unless another status is asked),
    searched by company name or identifier."""
    _require_reviewer(request)
    status = request.GET.get("status") or SubmissionStatus.PENDING
    if status not in dict(STATUS_FILTERS):
        status = SubmissionStatus.PENDING
    submissions = verification_selectors.review_submission_list()
    if status != "all":
        submissions = submissions.filter(status=status)
    query = (request.GET.get("q") or "").strip()[:200]
    if query:
        submissions = submissions.filter(
            Q(company__legal_name__icontains=query)
            | Q(registration_number__icontains=query)
            | Q(tax_id__icontains=query)
        )
    submissions = submissions.annotate(document_count=Count("documents"))
    page = Paginator(submissions, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/platform_admin/review_queue.html",
        {
            "page": page,
            "status": status,
            "statuses": STATUS_FILTERS,
            "query": query,
            "tab": "queue",
        },
    )


def _submission_page(request, submission, *, form=None, status: int = 200):
    return render(
        request,
        "frontend/platform_admin/review_submission.html",
        {
            "submission": submission,
            "company": submission.company,
            "is_pending": submission.status == SubmissionStatus.PENDING,
            "earlier": verification_selectors.submission_list(company=submission.company).exclude(
                pk=submission.pk
            ),
            "form": form or DecisionForm(),
            "tab": "queue",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_submission(request, submission_id: int):
    """One submission: the company, its identifiers and signatory as submitted, the documents
    (through the authorised download) and the decisions; approve, reject or ask for more."""
    _require_reviewer(request)
    with scoped():
        submission = verification_selectors.review_submission_get(submission_id=submission_id)
    if request.method == "GET":
        return _submission_page(request, submission)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _submission_page(request, submission, form=form, status=400)
    try:
        decision = DECIDE[form.cleaned_data["decision"]](
            submission=submission, reviewer=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        submission = verification_selectors.review_submission_get(submission_id=submission_id)
        return _submission_page(request, submission, form=form, status=exc.status_code)
    messages.success(
        request,
        _("%(company)s: %(decision)s.")
        % {"company": submission.company.legal_name, "decision": decision.get_kind_display()},
    )
    return redirect("frontend:review-queue")


# --- Platforms ---------------------------------------------------------------------------------


@login_required
def platform_admin_list(request):
    """The platforms I administer, each with its open membership requests."""
    platforms = administered_platforms(request.user)
    if not platforms.exists() and not verification_selectors.user_is_reviewer(user=request.user):
        raise PermissionDenied(_("You do not administer any platform."))
    return render(
        request,
        "frontend/platform_admin/platform_list.html",
        {"platforms": platforms, "tab": "platforms"},
    )


def _platform_for_admin(request, platform_id: int) -> Platform:
    platform = platform_selectors.platform_get_visible(user=request.user, platform_id=platform_id)
    if platform is None:
        raise Http404(_("No such platform."))
    if not platform_selectors.user_is_platform_admin(user=request.user, platform=platform):
        raise PermissionDenied(_("Only this platform's admins may do this."))
    return platform


def _actions_for(membership: PlatformMembership) -> list[tuple[str, str]]:
    """The decisions the services' transitions table allows from the participation's status
    (the owner of a dedicated platform always takes part: nothing to refuse or suspend)."""
    is_owner = membership.platform.owner_id == membership.company_id
    actions = []
    for name, label in ParticipationDecisionForm.ACTIONS:
        action, _service = PARTICIPATION_SERVICES[name]
        allowed_from, to_status = TRANSITIONS[action]
        if membership.status not in allowed_from:
            continue
        if is_owner and to_status != ParticipationStatus.ACCEPTED:
            continue
        actions.append((name, label))
    return actions


def _row(membership: PlatformMembership, *, error: str = "") -> dict:
    return {"membership": membership, "actions": _actions_for(membership), "error": error}


PARTICIPATION_FILTERS = [*ParticipationStatus.choices, ("all", gettext_lazy("All"))]


def _participations_page(request, platform, *, errors=None, error: str = "", status: int = 200):
    errors = errors or {}
    state = request.GET.get("status") or ParticipationStatus.APPLIED
    if state not in dict(PARTICIPATION_FILTERS):
        state = ParticipationStatus.APPLIED
    memberships = platform_selectors.membership_list_for_platform(platform=platform)
    if state != "all":
        memberships = memberships.filter(status=state)
    rows = [_row(m, error=errors.get(m.pk, "")) for m in memberships.order_by("applied_at", "pk")]
    return render(
        request,
        "frontend/platform_admin/participations.html",
        {
            "platform": platform,
            "rows": rows,
            "state": state,
            "states": PARTICIPATION_FILTERS,
            "error": error,
            "tab": "platforms",
        },
        status=status,
    )


@login_required
def platform_participations(request, platform_id: int):
    """A platform's membership requests and participants, with the decisions each allows."""
    return _participations_page(request, _platform_for_admin(request, platform_id))


@login_required
@require_POST
def participation_decide(request, participation_id: int):
    """Accept, refuse or suspend a participation with a reason (required to refuse or suspend).
    From htmx the answer is the participation's row, redrawn; otherwise back to the list."""
    membership = platform_selectors.membership_get_visible(
        user=request.user, membership_id=participation_id
    )
    if membership is None:
        raise Http404(_("No such participation."))
    if not platform_selectors.user_is_platform_admin(
        user=request.user, platform=membership.platform_id
    ):  # the company's own people see their participation but do not decide on it
        raise PermissionDenied(_("Only this platform's admins may do this."))
    form = ParticipationDecisionForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose accept, refuse or suspend.")
        status = 400
    else:
        _action, service = PARTICIPATION_SERVICES[form.cleaned_data["action"]]
        try:
            membership = service(
                actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
    if request.htmx:
        membership = platform_selectors.membership_get_visible(
            user=request.user, membership_id=participation_id
        )
        # 200 even for a refusal: htmx swaps only successful answers, and the row says why.
        return render(
            request,
            "frontend/platform_admin/_participation_row.html",
            {"row": _row(membership, error=error)},
        )
    if error:
        return _participations_page(
            request,
            membership.platform,
            errors={membership.pk: error},
            error=f"{membership.company.legal_name}: {error}",
            status=status,
        )
    messages.success(
        request,
        _("%(company)s: %(status)s.")
        % {"company": membership.company.legal_name, "status": membership.get_status_display()},
    )
    return redirect("frontend:platform-participations", membership.platform_id)


@login_required
@require_http_methods(["GET", "POST"])
def platform_rules(request, platform_id: int):
    """The platform's name, description and the default auction rules its tenders start from."""
    platform = _platform_for_admin(request, platform_id)
    status = 200
    if request.method == "POST":
        form = PlatformRulesForm(request.POST, instance=platform)
        if form.is_valid():
            changes = {field: form.cleaned_data[field] for field in UPDATABLE_FIELDS}
            try:
                platform_update(actor=request.user, platform=platform, **changes)
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The platform's rules are saved."))
                return redirect("frontend:platform-rules", platform.pk)
        else:
            status = 400
    else:
        form = PlatformRulesForm(instance=platform)
    return render(
        request,
        "frontend/platform_admin/platform_rules.html",
        {"platform": platform, "form": form, "tab": "platforms"},
        status=status,
    )
