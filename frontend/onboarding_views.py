"""Onboarding pages: register a company, my companies, a company's details, people and roles,
invitations and platforms (applying to join one), and its verification (documents, submission,
the reviewer's decisions and reasons).

Thin views: a Django form parses the input, the selectors find what the person may see (another
company's object answers 404), the services decide; an ``ApplicationError`` is shown on the form
with its field errors and nothing is written."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.companies import selectors as company_selectors
from marketplace.companies.models import InvitationStatus, MembershipRole
from marketplace.companies.services import (
    company_identifiers_check,
    company_register,
    company_update,
    invitation_create,
    invitation_revoke,
    membership_leave,
    membership_remove,
    membership_set_roles,
)
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.platforms import selectors as platform_selectors
from marketplace.platforms.branding import brand_onboarding_apply
from marketplace.platforms.models import ParticipationStatus
from marketplace.platforms.services import membership_apply
from marketplace.verification import selectors as verification_selectors
from marketplace.verification.services import (
    SUBMITTABLE_STATUSES,
    document_delete,
    document_upload,
    submission_create,
)

from .onboarding_forms import (
    CompanyRegisterForm,
    DocumentUploadForm,
    InvitationForm,
    MemberRolesForm,
    PlatformApplyForm,
    SubmissionForm,
    add_service_error,
)


@contextmanager
def scoped():
    """Selectors' refusals as pages: not found (or not yours) is 404, a missing role 403."""
    try:
        yield
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc


# --- Companies ---------------------------------------------------------------------------------


@login_required
def company_list(request):
    """My companies, with my roles in each and where its verification stands."""
    roles = {
        row["company_id"]: [MembershipRole(r).label for r in row["roles"]]
        for row in company_selectors.user_memberships_summary(user=request.user)
    }
    companies = [
        {"company": company, "roles": roles.get(company.pk, [])}
        for company in company_selectors.companies_of_user(user=request.user).order_by(
            "legal_name", "pk"
        )
    ]
    return render(request, "frontend/onboarding/company_list.html", {"companies": companies})


@login_required
@require_http_methods(["GET", "POST"])
def company_register_page(request):
    """Register a company (``company_register``, as the API): I become its company admin.

    htmx posts each field as it changes (``HX-Request``); the answer is only the error boxes of
    that field and the fields it depends on, swapped in place (out of band)."""
    check_url = reverse("frontend:company-register")
    if request.method == "GET":
        form = CompanyRegisterForm(initial=_register_initial(request.GET), check_url=check_url)
        return render(request, "frontend/onboarding/company_register.html", {"form": form})
    form = CompanyRegisterForm(request.POST, check_url=check_url)
    if request.htmx:
        return _register_check(request, form)
    status = 400
    if form.is_valid():
        try:
            company = company_register(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
            status = exc.status_code
        else:
            messages.success(
                request,
                _(
                    "%(company)s is registered and you are its company admin. Next: submit it "
                    "for verification."
                )
                % {"company": company.legal_name},
            )
            _join_brand_platform(request, company)
            return redirect("frontend:company-verification", company.pk)
    return render(
        request, "frontend/onboarding/company_register.html", {"form": form}, status=status
    )


def _join_brand_platform(request, company) -> None:
    """Registered on a brand's host: the company applies to that platform (its onboarding)."""
    brand = getattr(request, "brand", None)
    if brand is None:
        return
    if brand_onboarding_apply(actor=request.user, platform=brand.platform, company=company):
        messages.info(
            request,
            _("%(company)s has applied to take part in %(platform)s; its admins will decide.")
            % {"company": company.legal_name, "platform": brand.display_name},
        )


# What a link may fill in the registration form with (a buyer's invitation e-mail to a company
# not registered yet: sourcing.emails.signup_url); nothing is checked until it is sent.
_REGISTER_PREFILL = ("legal_name", "country", "registration_number", "tax_id")


def _register_initial(query) -> dict:
    initial: dict = {name: query[name][:300] for name in _REGISTER_PREFILL if query.get(name)}
    for role in ("is_buyer", "is_supplier"):
        if query.get(role):
            initial[role] = True
    return initial


def _register_check(request, form: CompanyRegisterForm):
    trigger = request.htmx.trigger_name or ""
    if trigger not in form.fields:
        trigger = ""
    form.is_valid()
    errors = {name: list(form.errors.get(name, [])) for name in form.fields}
    if trigger in form.IDENTIFIER_FIELDS:
        names = form.IDENTIFIER_FIELDS
        data = form.cleaned_data
        if data.get("country") and (data.get("registration_number") or data.get("tax_id")):
            try:
                company_identifiers_check(
                    country=data["country"],
                    registration_number=data.get("registration_number", ""),
                    tax_id=data.get("tax_id", ""),
                )
            except ApplicationError as exc:
                for field, field_errors in exc.fields.items():
                    errors.setdefault(field, []).extend(field_errors)
    else:
        names = (trigger,) if trigger else ()
    boxes = [{"id": form[name].auto_id, "errors": errors.get(name, [])} for name in names]
    return render(request, "frontend/onboarding/_field_errors.html", {"boxes": boxes})


def _apply_platforms(request, company):
    """Active platforms the person sees where the company has no participation yet, or was
    refused (it may apply again); the service decides the rest."""
    taken = (
        platform_selectors.membership_list_for_user(user=request.user)
        .filter(company=company)
        .exclude(status=ParticipationStatus.REFUSED)
        .values("platform_id")
    )
    return (
        platform_selectors.platform_list_visible(user=request.user)
        .filter(is_active=True)
        .exclude(pk__in=taken)
        .order_by("name", "pk")
    )


def _company_action(request, company, call, *, done: str, leaving: bool = False):
    """A button of the company page: ``call()``; its refusal shown on the page (with the
    service's status), or ``done`` as a message and back to the page (to my companies when
    ``leaving`` it)."""
    try:
        call()
    except ApplicationError as exc:
        return _company_page(request, company, error=exc.message, status=exc.status_code)
    messages.success(request, done)
    if leaving:
        return redirect("frontend:company-list")
    return redirect("frontend:company", company.pk)


def _company_page(
    request, company, *, invite_form=None, apply_form=None, error: str = "", status: int = 200
):
    is_admin = company_selectors.user_has_company_role(
        user=request.user, company=company, roles=[MembershipRole.COMPANY_ADMIN]
    )
    participations = (
        platform_selectors.membership_list_for_user(user=request.user)
        .filter(company=company)
        .order_by("platform__name", "pk")
    )
    members = [
        {
            "person": person,
            "roles": [m.get_role_display() for m in person.company_memberships],
            "role_values": [m.role for m in person.company_memberships],
        }
        for person in company_selectors.company_member_list(company=company)
    ]
    invitations = []
    if is_admin:
        invitations = [
            {
                "invitation": invitation,
                "status": InvitationStatus(invitation.status),
                "is_open": invitation.is_open,
            }
            for invitation in company_selectors.company_invitation_list(company=company)
        ]
    return render(
        request,
        "frontend/onboarding/company_detail.html",
        {
            "company": company,
            "is_admin": is_admin,
            "members": members,
            "invitations": invitations,
            "invite_form": invite_form or InvitationForm(),
            "participations": participations,
            "role_choices": MembershipRole.choices,
            "apply_form": apply_form
            or PlatformApplyForm(platforms=_apply_platforms(request, company)),
            "error": error,
        },
        status=status,
    )


@login_required
def company_page(request, company_id: int):
    """A company I belong to: its details, people and roles, and (admins) the invitations."""
    with scoped():
        company = company_selectors.company_get_for_member(user=request.user, company_id=company_id)
    return _company_page(request, company)


@login_required
@require_http_methods(["GET", "POST"])
def company_edit_page(request, company_id: int):
    """Change the company's details (``company_update``, company admins). The identifiers may
    change only while the company is unverified: the service says so otherwise."""
    with scoped():
        company = company_selectors.company_get_for_admin(user=request.user, company_id=company_id)
    fields = CompanyRegisterForm.base_fields
    if request.method == "GET":
        form = CompanyRegisterForm(initial={name: getattr(company, name) for name in fields})
        return render(
            request, "frontend/onboarding/company_edit.html", {"form": form, "company": company}
        )
    form = CompanyRegisterForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            company_update(company=company, user=request.user, data=dict(form.cleaned_data))
        except ApplicationError as exc:
            add_service_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The company's details are saved."))
            return redirect("frontend:company", company.pk)
    return render(
        request,
        "frontend/onboarding/company_edit.html",
        {"form": form, "company": company},
        status=status,
    )


@login_required
@require_POST
def invitation_create_page(request, company_id: int):
    with scoped():
        company = company_selectors.company_get_for_member(user=request.user, company_id=company_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(
                company=company,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                accept_url_base=request.build_absolute_uri("/"),
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
            # A member who is not an admin has no invitation form to show it on.
            error = exc.message if isinstance(exc, PermissionDeniedError) else ""
            return _company_page(
                request, company, invite_form=form, error=error, status=exc.status_code
            )
        messages.success(
            request,
            _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
        )
        return redirect("frontend:company", company.pk)
    return _company_page(request, company, invite_form=form, status=400)


@login_required
@require_POST
def invitation_revoke_page(request, company_id: int, invitation_id: int):
    with scoped():
        company = company_selectors.company_get_for_member(user=request.user, company_id=company_id)
        invitation = company_selectors.company_invitation_get(
            company=company, invitation_id=invitation_id
        )
    return _company_action(
        request,
        company,
        lambda: invitation_revoke(invitation=invitation, actor=request.user),
        done=_("The invitation to %(email)s is revoked.") % {"email": invitation.email},
    )


@login_required
@require_POST
def platform_apply_page(request, company_id: int):
    """A company admin applies for the company to trade on a platform (``membership_apply``):
    accepted at once where the platform needs no approval, otherwise its admins decide."""
    with scoped():
        company = company_selectors.company_get_for_member(user=request.user, company_id=company_id)
    form = PlatformApplyForm(request.POST, platforms=_apply_platforms(request, company))
    if not form.is_valid():
        return _company_page(request, company, apply_form=form, status=400)
    platform = platform_selectors.platform_get_visible(
        user=request.user, platform_id=form.cleaned_data["platform"]
    )
    if platform is None:
        raise Http404(_("No such platform."))
    try:
        membership = membership_apply(
            actor=request.user,
            platform=platform,
            company=company,
            message=form.cleaned_data["message"],
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        error = exc.message if isinstance(exc, PermissionDeniedError) else ""
        return _company_page(request, company, apply_form=form, error=error, status=exc.status_code)
    if membership.status == ParticipationStatus.ACCEPTED:
        text = _("%(company)s now trades on %(platform)s.")
    else:
        text = _("%(company)s has applied to %(platform)s; its admins will decide.")
    messages.success(request, text % {"company": company.legal_name, "platform": platform.name})
    return redirect("frontend:company", company.pk)


# --- People ------------------------------------------------------------------------------------


def _member(request, company_id: int, user_id: int):
    with scoped():
        company = company_selectors.company_get_for_member(user=request.user, company_id=company_id)
        person = company_selectors.company_member_get(company=company, user_id=user_id)
    return company, person


@login_required
@require_POST
def member_roles_page(request, company_id: int, user_id: int):
    """A company admin replaces a person's roles (``membership_set_roles``); the company keeps
    at least one company admin."""
    company, person = _member(request, company_id, user_id)
    form = MemberRolesForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for e in form.errors.get("roles", [])) or _("Choose the roles.")
        return _company_page(request, company, error=message, status=400)
    return _company_action(
        request,
        company,
        lambda: membership_set_roles(
            company=company, actor=request.user, person=person, roles=form.cleaned_data["roles"]
        ),
        done=_("The roles of %(person)s are saved.") % {"person": person.email},
    )


@login_required
@require_POST
def member_remove_page(request, company_id: int, user_id: int):
    company, person = _member(request, company_id, user_id)
    return _company_action(
        request,
        company,
        lambda: membership_remove(company=company, actor=request.user, person=person),
        done=_("%(person)s is no longer in the company.") % {"person": person.email},
    )


@login_required
@require_POST
def company_leave_page(request, company_id: int):
    with scoped():
        company = company_selectors.company_get_for_member(user=request.user, company_id=company_id)
    return _company_action(
        request,
        company,
        lambda: membership_leave(company=company, user=request.user),
        done=_("You have left %(company)s.") % {"company": company.legal_name},
        leaving=True,
    )


# --- Verification ------------------------------------------------------------------------------


def _verification_page(
    request, company, *, upload_form=None, submit_form=None, error: str = "", status: int = 200
):
    is_admin = company_selectors.user_has_company_role(
        user=request.user, company=company, roles=[MembershipRole.COMPANY_ADMIN]
    )
    blocked = verification_selectors.company_trade_block_reason(company)
    return render(
        request,
        "frontend/onboarding/verification.html",
        {
            "company": company,
            "is_admin": is_admin,
            "can_trade": blocked is None,
            "block_message": blocked[1] if blocked else "",
            "latest_decision": verification_selectors.decision_latest(company=company),
            "documents": verification_selectors.document_list(company=company),
            "submissions": verification_selectors.submission_list(company=company),
            "may_submit": is_admin and company.verification_status in SUBMITTABLE_STATUSES,
            "upload_form": upload_form or DocumentUploadForm(),
            "submit_form": submit_form or SubmissionForm(),
            "error": error,
        },
        status=status,
    )


@login_required
def verification_page(request, company_id: int):
    """Where the company's verification stands, its documents, its submissions with the
    reviewer's decisions and reasons; its admins upload documents and submit from here."""
    with scoped():
        company = verification_selectors.company_get_for_viewer(
            user=request.user, company_id=company_id
        )
    return _verification_page(request, company)


@login_required
@require_POST
def document_upload_page(request, company_id: int):
    with scoped():
        company = verification_selectors.company_get_for_admin(
            user=request.user, company_id=company_id
        )
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = document_upload(
                company=company, uploaded_by=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
            return _verification_page(request, company, upload_form=form, status=exc.status_code)
        messages.success(request, _("“%(name)s” is uploaded.") % {"name": document.original_name})
        return redirect("frontend:company-verification", company.pk)
    return _verification_page(request, company, upload_form=form, status=400)


@login_required
@require_POST
def document_delete_page(request, company_id: int, document_id: int):
    with scoped():
        company = verification_selectors.company_get_for_admin(
            user=request.user, company_id=company_id
        )
    document = verification_selectors.document_list(company=company).filter(pk=document_id).first()
    if document is None:
        raise Http404(_("Document not found."))
    try:
        document_delete(document=document, deleted_by=request.user)
    except ApplicationError as exc:
        return _verification_page(request, company, error=exc.message, status=exc.status_code)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": document.original_name})
    return redirect("frontend:company-verification", company.pk)


@login_required
@require_POST
def verification_submit_page(request, company_id: int):
    with scoped():
        company = verification_selectors.company_get_for_admin(
            user=request.user, company_id=company_id
        )
    form = SubmissionForm(request.POST)
    if form.is_valid():
        try:
            submission_create(company=company, submitted_by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
            return _verification_page(request, company, submit_form=form, status=exc.status_code)
        messages.success(
            request,
            _("Your company is submitted for verification. A platform admin will review it."),
        )
        return redirect("frontend:company-verification", company.pk)
    return _verification_page(request, company, submit_form=form, status=400)
