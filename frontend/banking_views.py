"""The platform admin's bank reconciliation pages: upload the platform's bank statement (a
refused file shows why and where, nothing is written), the statements, and one statement's
lines with the open invoices each incoming line may pay, a Confirm button each, another open
invoice to pick, or "not ours" with a reason.

Thin views over ``deals.banking``: its selectors read (only the people who record transfers,
``invoices.user_records_transfers``, see any statement: to others a statement does not exist,
404, and the list is refused, 403), its services write; a refusal shows the service's message
and writes nothing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from deals.banking import selectors, services
from deals.models import BankStatement
from deals.payments.invoices import user_records_transfers
from marketplace.core.exceptions import ApplicationError
from marketplace.core.ids import is_id
from marketplace.platforms.models import Platform

from .onboarding_views import scoped


class StatementUploadForm(forms.Form):
    platform = forms.ModelChoiceField(
        label=gettext_lazy("Platform"),
        queryset=Platform.objects.order_by("name", "pk"),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose a platform.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Statement (camt.053 XML, MT940 or 1CClientBankExchange)"),
        error_messages={"required": gettext_lazy("Choose the statement's file.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.sta,.mt940,.txt,.940"}),
    )


def _require_reconciler(request) -> None:
    if not user_records_transfers(request.user):
        raise PermissionDenied(_("Only the platform's admins reconcile its bank statements."))


def _list_page(request, *, form=None, refusal: str = "", status: int = 200):
    statements = selectors.statement_list(user=request.user)[:100]
    return render(
        request,
        "frontend/banking/statements.html",
        {
            "form": form or StatementUploadForm(),
            "statements": statements,
            "refusal": refusal,
            "tab": "bank",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bank_statements(request):
    """The statements, newest first, and the upload form. A file that cannot be read is
    refused with what is wrong and on which line; one imported before changes nothing."""
    _require_reconciler(request)
    if request.method == "GET":
        return _list_page(request)
    form = StatementUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form=form, status=400)
    try:
        result = services.statement_import(
            actor=request.user,
            platform=form.cleaned_data["platform"],
            file=form.cleaned_data["file"],
        )
    except ApplicationError as exc:
        return _list_page(request, form=form, refusal=exc.message, status=exc.status_code)
    if result.created:
        messages.success(
            request,
            _("The statement is imported: %(n)d new lines.") % {"n": result.lines_new},
        )
    else:
        messages.info(request, _("This statement was already imported: nothing changed."))
    return redirect("frontend:bank-statement", statement_id=result.statement.pk)


def _statement(request, statement_id: int) -> BankStatement:
    if not is_id(statement_id):
        raise Http404(_("No such bank statement."))
    with scoped():
        return selectors.statement_get(user=request.user, statement_id=statement_id)


@login_required
def bank_statement(request, statement_id: int):
    """A statement's lines: each waiting incoming line with its proposals (strongest first),
    the other open invoices of the platform in its currency, and "not ours"."""
    statement = _statement(request, statement_id)
    lines = selectors.statement_lines(statement=statement)
    others = selectors.open_invoices(platform_id=statement.platform_id, currency=statement.currency)
    return render(
        request,
        "frontend/banking/statement.html",
        {"statement": statement, "lines": lines, "open_invoices": others, "tab": "bank"},
    )


def _back(line) -> str:
    url = reverse("frontend:bank-statement", args=[line.statement_id])
    return f"{url}#line-{line.pk}"


@login_required
@require_POST
def bank_line_confirm(request, line_id: int):
    """Confirm a waiting incoming line as the payment of the invoice posted (a proposal's, or
    another open one): the invoice is paid through the invoices' own service."""
    if not is_id(line_id):
        raise Http404(_("No such statement line."))
    with scoped():
        line = selectors.line_get(user=request.user, line_id=line_id)
    invoice_id = request.POST.get("invoice", "")
    if not invoice_id.isdigit() or not 1 <= int(invoice_id) < 2**63:
        messages.error(request, _("Choose the invoice this line paid."))
        return redirect(_back(line))
    try:
        with scoped():
            services.line_confirm(actor=request.user, line_id=line.pk, invoice_id=int(invoice_id))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invoice is paid by this line."))
    return redirect(_back(line))


@login_required
@require_POST
def bank_line_ignore(request, line_id: int):
    """Set a waiting incoming line aside as not ours, with the reason posted."""
    if not is_id(line_id):
        raise Http404(_("No such statement line."))
    with scoped():
        line = selectors.line_get(user=request.user, line_id=line_id)
    try:
        with scoped():
            services.line_ignore(
                actor=request.user, line_id=line.pk, reason=request.POST.get("reason", "")
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The line is set aside as not ours."))
    return redirect(_back(line))
