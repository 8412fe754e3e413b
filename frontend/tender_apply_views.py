"""The supplier's side of the tender page: apply to a lot, withdraw, ask a question; and the
page itself (``render_tender_page``, used by ``views.tender_page``), which shows each viewer
what the selectors let it see: the answered questions (plus its own), its own applications
with their status and reasons, and the forms it may use now.

The rules (deadlines, invitations, categories, verification) are the services'; a refusal
comes back on the page next to the form it concerns."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auctions import opendata
from auctions.models import ApplicationStatus, LotStatus, Participation, Tender, TenderStatus
from auctions.selectors import lot_viewer
from auctions.tenders import applications, questions, selectors, versions
from auctions.tenders.question_languages import question_texts_for
from marketplace.core.exceptions import ApplicationError, NotFoundError

from .landed_views import warehouses_by_supplier
from .tender_forms import ApplyForm, QuestionForm

ACTIVE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ADMITTED)


def _acting_suppliers(request, tender: Tender):
    """The user's supplier companies that may take part in ``tender`` as the selectors see it
    (the services check the rest)."""
    if not request.user.is_authenticated:
        return selectors.supplier_companies_acting(user=None).none()
    seeing = selectors.tender_supplier_ids_seeing(user=request.user, tender=tender)
    return selectors.supplier_companies_acting(user=request.user).filter(pk__in=seeing)


def render_tender_page(
    request,
    tender: Tender,
    *,
    apply_form: ApplyForm | None = None,
    question_form: QuestionForm | None = None,
    status: int = 200,
):
    user = request.user
    now = timezone.now()
    suppliers = _acting_suppliers(request, tender)
    blocked = []
    uncovered: set[int] = set()
    if tender.participation == Participation.OPEN:
        for company in suppliers:
            if not selectors.supplier_covers_category(company=company, tender=tender):
                uncovered.add(company.pk)
                blocked.append(
                    {
                        "company": company,
                        "reason": _(
                            "its supplier profile's categories do not cover this tender's "
                            "category (%(category)s)."
                        )
                        % {"category": tender.category.code},
                    }
                )
    mine = (
        list(selectors.application_list_for_user(user=user).filter(lot__tender=tender))
        if user.is_authenticated
        else []
    )
    warehouses_by_supplier(mine)
    # The texts in the reader's language where a version exists (``?original=1``: the original).
    original_requested = request.GET.get("original") == "1"
    tender_lots = list(selectors.lot_list_for_tender(tender=tender))
    text = versions.tender_text_for(
        tender, get_language(), original=original_requested, lots=tender_lots
    )
    lots = []
    for lot in tender_lots:
        try:
            role = lot_viewer(user=user, lot=lot).role
        except NotFoundError:
            role = None
        own = [a for a in mine if a.lot_id == lot.pk]
        busy = {a.supplier_id for a in own if a.status in ACTIVE}
        free = suppliers.exclude(pk__in=busy | uncovered)
        form = None
        if apply_form is not None and apply_form.lot.pk == lot.pk:
            form = apply_form
        elif lot.status == LotStatus.PUBLISHED and now < tender.applications_deadline and free:
            form = ApplyForm(lot=lot, suppliers=free)
        lots.append(
            {
                "lot": lot,
                "role": role,
                "applications": own,
                "apply_form": form,
                "text": text.lots.get(lot.pk),
            }
        )
    if question_form is None and (
        suppliers and tender.status == TenderStatus.PUBLISHED and now < tender.questions_deadline
    ):
        question_form = QuestionForm(tender=tender, suppliers=suppliers)
    if user.is_authenticated and tender.status != TenderStatus.DRAFT:
        for company in selectors.supplier_companies_acting(user=user).exclude(pk__in=suppliers):
            reason = selectors.tender_supplier_block_reason(tender=tender, company=company)
            if reason is not None and reason[0] != "own_tender":
                blocked.append({"company": company, "reason": reason[1]})
    visible = user.is_authenticated and (
        selectors.tender_list_visible(user=user).filter(pk=tender.pk).exists()
    )
    try:
        open_data = bool(opendata.published_tender(user=user, tender_id=tender.pk))
    except NotFoundError:
        open_data = False
    question_rows = list(selectors.question_list_for_page(user=user, tender=tender))
    translated = question_texts_for(question_rows, get_language())
    for question in question_rows:
        question.translated = translated.get(question.pk)  # type: ignore[attr-defined]
    context = {
        "tender": tender,
        "open_data": open_data,
        "lots": lots,
        "manager": selectors.user_may_manage_tender(user=user, tender=tender),
        "documents": selectors.document_list(tender=tender),
        "document_groups": versions.document_groups(selectors.document_list(tender=tender)),
        "text": text,
        "original_requested": original_requested,
        "documents_linked": visible,
        "questions": question_rows,
        "my_company_ids": {s.pk for s in suppliers} | {a.supplier_id for a in mine},
        "question_form": question_form,
        "blocked": blocked,
        "ACTIVE": ACTIVE,
        "FINISHED": opendata.FINISHED,
        "watchable": {row["lot"].pk for row in lots if opendata.watchable_live(row["lot"])}
        if open_data
        else set(),
    }
    return render(request, "frontend/tender.html", context, status=status)


@login_required
@require_POST
def lot_apply(request, lot_id: int):
    try:
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    tender = lot.tender
    suppliers = _acting_suppliers(request, tender)
    if not suppliers:
        messages.error(request, _("None of your companies may apply to this lot."))
        return redirect("frontend:tender", tender_id=tender.pk)
    form = ApplyForm(request.POST, lot=lot, suppliers=suppliers)
    if form.is_valid():
        try:
            applications.application_submit(
                actor=request.user,
                lot=lot,
                supplier=form.cleaned_data["supplier"],
                terms_accepted=form.cleaned_data["terms_accepted"],
                initial_amount=form.cleaned_data["initial_amount"],
                criteria_values=form.criteria_values() or None,
            )
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Your application to lot %(number)s is submitted; the buyer decides on it.")
                % {"number": lot.number},
            )
            return redirect("frontend:tender", tender_id=tender.pk)
    return render_tender_page(request, tender, apply_form=form, status=400)


@login_required
@require_POST
def application_withdraw(request, application_id: int):
    try:
        application = selectors.application_get_visible(
            user=request.user, application_id=application_id
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    tender_id = application.lot.tender_id
    try:
        applications.application_withdraw(actor=request.user, application=application)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("frontend:tender", tender_id=tender_id)


@login_required
@require_POST
def question_ask(request, tender_id: int):
    try:
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    suppliers = _acting_suppliers(request, tender)
    if not suppliers:
        messages.error(request, _("None of your companies may ask questions in this tender."))
        return redirect("frontend:tender", tender_id=tender.pk)
    form = QuestionForm(request.POST, tender=tender, suppliers=suppliers)
    if form.is_valid():
        try:
            questions.question_ask(
                actor=request.user,
                tender=tender,
                company=form.cleaned_data["supplier"],
                text=form.cleaned_data["text"],
                lot=form.cleaned_data["lot"],
            )
        except ApplicationError as exc:
            for name, field_messages in (exc.fields or {}).items():
                for message in field_messages:
                    form.add_error(name if name in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Your question is sent; the answer will be published here.")
            )
            return redirect("frontend:tender", tender_id=tender.pk)
    return render_tender_page(request, tender, question_form=form, status=400)
