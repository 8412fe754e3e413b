"""The procurement officer's tender pages: create and edit a draft tender, its lots (by hand or
from an XLSX file), documents, invitations, cancelling, and the manage page with applications,
questions, closing applications and scheduling (publishing, after its summary, is
``tender_publish_views``).

Thin views: Django forms parse the input, the services of ``auctions.tenders`` decide and write,
and an ``ApplicationError`` comes back as messages next to the fields. Every object is found
through ``auctions.tenders.selectors``; a tender the person does not manage answers 404.

The tender and lot forms validate as they are filled in: htmx posts the form on every change
to the same view, which runs the service inside a transaction it always rolls back and answers
the form with the service's errors. Nothing is written until the form is submitted.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from auctions.models import ApplicationStatus, LotStatus, Participation, TenderStatus
from auctions.tenders import (
    applications,
    documents,
    drafting,
    invitations,
    lot_import,
    questions,
    scheduling,
    selectors,
    validation,
)
from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.files import private_file_response
from marketplace.core.money import money_parts

from .lot_forms import LotForm
from .tender_forms import DocumentForm, ImportForm, TenderCreateForm, TenderForm

FORM_STATUS = 400


class _Rollback(Exception):
    pass


def dry_run(service, /, *args, **kwargs) -> None:
    """Run a service for its checks only: whatever it writes is rolled back (its on-commit
    work with it). Its ``ApplicationError`` goes to the caller."""
    try:
        with transaction.atomic():
            service(*args, **kwargs)
            raise _Rollback
    except _Rollback:
        pass


def _not_found(exc: NotFoundError):
    return Http404(exc.message)


def _managed_tender(request, tender_id: int):
    try:
        return selectors.tender_get_managed(user=request.user, tender_id=tender_id)
    except NotFoundError as exc:
        raise _not_found(exc) from exc


def _managed_lot(request, lot_id: int):
    try:
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
    except NotFoundError as exc:
        raise _not_found(exc) from exc
    if not selectors.user_may_manage_tender(user=request.user, tender=lot.tender):
        raise Http404(_("No such lot."))
    return lot


def _managed_application(request, application_id: int):
    try:
        application = selectors.application_get_visible(
            user=request.user, application_id=application_id
        )
    except NotFoundError as exc:
        raise _not_found(exc) from exc
    if not selectors.user_may_manage_tender(user=request.user, tender=application.lot.tender):
        raise Http404(_("No such application."))
    return application


def _refused(request, exc: ApplicationError) -> None:
    """A refusal as a message: the service's message and its field messages."""
    details = [m for messages_ in (exc.fields or {}).values() for m in messages_]
    text = exc.message
    extra = [m for m in details if m != text]
    if extra:
        text = f"{text} {' '.join(extra)}"
    messages.error(request, text)


def _manage(tender_id: int):
    return redirect("frontend:tender-manage", tender_id=tender_id)


def _act(request, tender_id: int, service, *, done: str, **kwargs):
    """A button of the manage page: ``service(actor=the user, **kwargs)``, then its refusal or
    ``done`` as a message, and back to the page."""
    try:
        service(actor=request.user, **kwargs)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return _manage(tender_id)


def _form_page(request, template: str, context: dict, *, invalid: bool):
    """The whole page, or only the form for htmx's validation requests (answered 200: htmx
    swaps only successful answers in)."""
    if request.htmx:
        return render(request, "frontend/tenders/_form_check.html", context)
    return render(request, template, context, status=FORM_STATUS if invalid else 200)


def _checked_form(request, template: str, context: dict, *, write, saved):
    """A form checked as it is filled in. GET: the page. A POST from htmx: ``write`` runs as a
    dry run (rolled back) and only the form's messages go back. A plain POST: ``write`` runs
    for real and ``saved(its result)`` answers. ``write`` takes the form's service fields; the
    service's refusals go next to the fields either way."""
    context.setdefault("form_id", "tender-form")
    form = context["form"]
    if request.method == "GET":
        return render(request, template, context)
    if form.is_valid():
        try:
            if request.htmx:
                dry_run(write, form.service_fields())
            else:
                return saved(write(form.service_fields()))
        except ApplicationError as exc:
            form.add_service_errors(exc)
    if request.htmx:
        form.quiet_empty()
        context["checked"] = not form.errors
    return _form_page(request, template, context, invalid=bool(form.errors))


# --- Tenders ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tender_create(request):
    buyers = selectors.buyer_companies_managed(user=request.user)
    if not buyers.exists():
        raise Http404(_("You do not manage a buyer company's tenders."))
    platforms = selectors.platform_list_for_buyers(companies=buyers)
    form = TenderCreateForm(request.POST or None, buyers=buyers, platforms=platforms)
    context = {"form": form, "form_template": "frontend/tenders/_tender_form.html"}

    def saved(tender):
        messages.success(request, _("The draft tender is saved. Now add its lots."))
        return _manage(tender.pk)

    return _checked_form(
        request,
        "frontend/tenders/tender_form.html",
        context,
        write=lambda fields: drafting.tender_create(actor=request.user, **fields),
        saved=saved,
    )


def _not_a_draft(request, tender):
    """The way back to the tender, with a message, once it is no longer a draft; else None."""
    if tender.status == TenderStatus.DRAFT:
        return None
    messages.error(request, _("The tender is published; only a draft can be changed."))
    return _manage(tender.pk)


@login_required
@require_http_methods(["GET", "POST"])
def tender_edit(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    if (back := _not_a_draft(request, tender)) is not None:
        return back
    initial = {name: getattr(tender, name) for name in validation.TENDER_FIELDS}
    form = TenderForm(request.POST or None, initial=initial)
    context = {
        "form": form,
        "tender": tender,
        "form_template": "frontend/tenders/_tender_form.html",
    }

    def saved(_tender):
        messages.success(request, _("The tender is saved."))
        return _manage(tender.pk)

    return _checked_form(
        request,
        "frontend/tenders/tender_form.html",
        context,
        write=lambda fields: drafting.tender_update(actor=request.user, tender=tender, **fields),
        saved=saved,
    )


@login_required
@require_GET
def tender_manage(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    lots = list(selectors.lot_list_for_tender(tender=tender))
    rows = []
    for lot in lots:
        lot_applications = list(selectors.application_list_for_lot(lot=lot))
        rows.append(
            {
                "lot": lot,
                "applications": lot_applications,
                "pending": sum(a.status == ApplicationStatus.SUBMITTED for a in lot_applications),
                "admitted": sum(a.status == ApplicationStatus.ADMITTED for a in lot_applications),
                "deciding": lot.status in (LotStatus.PUBLISHED, LotStatus.APPLICATIONS_CLOSED),
            }
        )
    invitation = tender.participation == Participation.INVITATION
    context = {
        "tender": tender,
        "rows": rows,
        "is_draft": tender.status == TenderStatus.DRAFT,
        "is_open": tender.status in (TenderStatus.DRAFT, TenderStatus.PUBLISHED),
        "documents": selectors.document_list(tender=tender),
        "document_form": DocumentForm(),
        "invitation": invitation,
        "invitations": selectors.invitation_list(tender=tender) if invitation else [],
        "candidates": selectors.invitation_candidates(tender=tender) if invitation else [],
        "questions": selectors.question_list_visible(user=request.user, tender=tender),
        "LotStatus": LotStatus,
        "has_closed_lots": any(lot.status == LotStatus.CLOSED for lot in lots),
    }
    return render(request, "frontend/tenders/manage.html", context)


@login_required
@require_POST
def tender_cancel(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    return _act(
        request,
        tender.pk,
        drafting.tender_cancel,
        tender=tender,
        reason=request.POST.get("reason", ""),
        done=_("The tender is cancelled."),
    )


@login_required
@require_POST
def tender_delete(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    try:
        drafting.tender_delete(actor=request.user, tender=tender)
    except ApplicationError as exc:
        _refused(request, exc)
        return _manage(tender.pk)
    messages.success(request, _("The draft tender is deleted."))
    return redirect("frontend:workspace")


# --- Lots ------------------------------------------------------------------------------------


def _lot_form(request, *, tender, lot, form, write, saved):
    context = {
        "tender": tender,
        "lot": lot,
        "form": form,
        "form_template": "frontend/tenders/_lot_form.html",
        "form_id": "lot-form",
        # lot-form.js: the step's amount written as the pages write money.
        "lot_form_config": {
            "money": money_parts(tender.currency),
            "text": {"per_step": _("= %(amount)s per step"), "amount": _("= %(amount)s")},
        },
    }
    return _checked_form(
        request, "frontend/tenders/lot_form.html", context, write=write, saved=saved
    )


@login_required
@require_http_methods(["GET", "POST"])
def lot_create(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    if (back := _not_a_draft(request, tender)) is not None:
        return back
    defaults = validation.lot_defaults_from_platform(tender.platform)
    form = LotForm(request.POST or None, initial=defaults, defaults=defaults)

    def saved(lot):
        messages.success(request, _("Lot %(number)s is added.") % {"number": lot.number})
        return _manage(tender.pk)

    return _lot_form(
        request,
        tender=tender,
        lot=None,
        form=form,
        saved=saved,
        write=lambda fields: drafting.lot_create(actor=request.user, tender=tender, **fields),
    )


@login_required
@require_http_methods(["GET", "POST"])
def lot_edit(request, lot_id: int):
    lot = _managed_lot(request, lot_id)
    tender = lot.tender
    if (back := _not_a_draft(request, tender)) is not None:
        return back
    form = LotForm(
        request.POST or None,
        initial=LotForm.initial_for(lot),
        defaults=validation.lot_defaults_from_platform(tender.platform),
    )

    def saved(_lot):
        messages.success(request, _("Lot %(number)s is saved.") % {"number": lot.number})
        return _manage(tender.pk)

    return _lot_form(
        request,
        tender=tender,
        lot=lot,
        form=form,
        saved=saved,
        write=lambda fields: drafting.lot_update(actor=request.user, lot=lot, **fields),
    )


@login_required
@require_POST
def lot_delete(request, lot_id: int):
    lot = _managed_lot(request, lot_id)
    return _act(
        request,
        lot.tender_id,
        drafting.lot_delete,
        lot=lot,
        done=_("Lot %(number)s is deleted.") % {"number": lot.number},
    )


@login_required
@require_POST
def lot_close_applications(request, lot_id: int):
    lot = _managed_lot(request, lot_id)
    return _act(
        request,
        lot.tender_id,
        scheduling.lot_applications_close,
        lot_id=lot.pk,
        done=_("Applications to lot %(number)s are closed.") % {"number": lot.number},
    )


@login_required
@require_POST
def lot_schedule(request, lot_id: int):
    lot = _managed_lot(request, lot_id)
    try:
        lot, outcome = scheduling.lot_schedule(lot_id=lot.pk, actor=request.user)
    except ApplicationError as exc:
        _refused(request, exc)
        return _manage(lot.tender_id)
    if outcome == scheduling.ScheduleOutcome.SCHEDULED:
        messages.success(request, _("Lot %(number)s is scheduled.") % {"number": lot.number})
    elif outcome == scheduling.ScheduleOutcome.FAILED:
        messages.error(request, lot.failure_reason)
    else:
        messages.success(
            request,
            _("Lot %(number)s has one admitted supplier and awaits a direct award.")
            % {"number": lot.number},
        )
    return _manage(lot.tender_id)


@login_required
@require_http_methods(["GET", "POST"])
def lots_import(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"tender": tender, "form": form, "report": None}
    if request.method == "POST" and form.is_valid():
        try:
            lots = lot_import.lots_import_xlsx(
                actor=request.user, tender=tender, file=form.cleaned_data["file"]
            )
        except lot_import.LotImportError as exc:
            context.update(report=exc.report, error=exc.message)
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            messages.success(request, _("%(count)d lot(s) added.") % {"count": len(lots)})
            return _manage(tender.pk)
    invalid = request.method == "POST"
    return render(
        request, "frontend/tenders/lots_import.html", context, status=400 if invalid else 200
    )


@require_GET
def lots_import_template(request):
    response = HttpResponse(
        lot_import.lots_import_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="tradefloor-lots.xlsx"'
    return response


# --- Documents and invitations ---------------------------------------------------------------


@login_required
@require_POST
def document_upload(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return _manage(tender.pk)
    return _act(
        request,
        tender.pk,
        documents.tender_document_upload,
        tender=tender,
        done=_("The document is uploaded."),
        **form.cleaned_data,
    )


@login_required
@require_POST
def document_delete(request, tender_id: int, document_id: int):
    tender = _managed_tender(request, tender_id)
    try:
        document = selectors.document_get(tender=tender, document_id=document_id)
    except NotFoundError as exc:
        raise _not_found(exc) from exc
    return _act(
        request,
        tender.pk,
        documents.tender_document_delete,
        document=document,
        done=_("The document is deleted."),
    )


@login_required
@require_GET
def document_download(request, tender_id: int, document_id: int):
    """A tender's document for whoever may see the tender."""
    try:
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        document = selectors.document_get(tender=tender, document_id=document_id)
        return private_file_response(
            name=document.storage_name,
            filename=document.original_name,
            content_type=document.content_type,
        )
    except NotFoundError as exc:
        raise _not_found(exc) from exc


@login_required
@require_POST
def invitation_create(request, tender_id: int):
    tender = _managed_tender(request, tender_id)
    # Any company id: the service says why one may not be invited.
    supplier = Company.objects.filter(pk=_int(request.POST.get("supplier"))).first()
    if supplier is None:
        messages.error(request, _("Choose a supplier to invite."))
        return _manage(tender.pk)
    return _act(
        request,
        tender.pk,
        invitations.tender_invitation_create,
        tender=tender,
        supplier=supplier,
        done=_("%(company)s is invited.") % {"company": supplier.legal_name},
    )


@login_required
@require_POST
def invitation_remove(request, tender_id: int, invitation_id: int):
    tender = _managed_tender(request, tender_id)
    invitation = selectors.invitation_list(tender=tender).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    return _act(
        request,
        tender.pk,
        invitations.tender_invitation_remove,
        invitation=invitation,
        done=_("The invitation is taken back."),
    )


# --- Applications and questions (the buyer's side) -------------------------------------------


@login_required
@require_POST
def application_admit(request, application_id: int):
    application = _managed_application(request, application_id)
    return _act(
        request,
        application.lot.tender_id,
        applications.application_admit,
        application=application,
        done=_("%(company)s is admitted to lot %(number)s.")
        % {"company": application.supplier.legal_name, "number": application.lot.number},
    )


@login_required
@require_POST
def application_reject(request, application_id: int):
    application = _managed_application(request, application_id)
    return _act(
        request,
        application.lot.tender_id,
        applications.application_reject,
        application=application,
        reason=request.POST.get("reason", ""),
        done=_("The application of %(company)s is rejected.")
        % {"company": application.supplier.legal_name},
    )


@login_required
@require_POST
def question_answer(request, question_id: int):
    try:
        question = selectors.question_get_visible(user=request.user, question_id=question_id)
    except NotFoundError as exc:
        raise _not_found(exc) from exc
    if not selectors.user_may_manage_tender(user=request.user, tender=question.tender):
        raise Http404(_("No such question."))
    return _act(
        request,
        question.tender_id,
        questions.question_answer,
        question=question,
        answer=request.POST.get("answer", ""),
        done=_("The answer is published."),
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
