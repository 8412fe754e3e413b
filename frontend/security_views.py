"""Bid security in the pages: a lot with ``security_percent > 0`` asks each supplier that applies
for a security of that percentage of its start price (``deals.payments.security``).

* The supplier (``/applications/<id>/security/``): the amount, where its security stands and,
  while it is awaited, the two ways to provide it: upload the bank's guarantee (the buyer
  checks it) or, when Stripe is configured, save a card (a SetupIntent the page confirms with
  Stripe.js, ``static/frontend/card-payment.js``; Stripe's webhook then says the card was
  saved, never the page). The tender page shows the same box under each of the supplier's
  applications (``security/_application_include.html`` loads it with htmx).
* The buyer (``/lots/<id>/securities/``): each application of the lot with its security, the
  guarantee's file, and Accept / Reject (with a reason) for a guarantee to check. The tender's
  manage page shows it under the lot's applications (``security/_lot_include.html``).

Thin views: ``deals.payments.selectors`` read (a security is its supplier's and its buyer's, no
other company's), ``deals.payments.security`` decides and writes; a refusal shows the service's
message and writes nothing. To anyone else the pages do not exist (404)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from auctions.models import Application, ApplicationStatus, Lot
from auctions.tenders import selectors as tender_selectors
from deals.models import BidSecurity, SecurityMethod, SecurityState
from deals.payments import security as securities
from deals.payments import selectors as payment_selectors
from deals.payments.providers import PaymentStart
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id

OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.ADMITTED)
LIVE = (SecurityState.PENDING, SecurityState.PROVIDED)


def stripe_js_url() -> str:
    """Where Stripe.js comes from: Stripe, or the shim the Stripe-compatible server at
    ``STRIPE_API_BASE`` serves (localstripe, at ``/js.stripe.com/v3/``). The
    Content-Security-Policy allows that origin (``settings.CONTENT_SECURITY_POLICY``)."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    return f"{base}/js.stripe.com/v3/" if base else "https://js.stripe.com/v3/"


def cards_enabled() -> bool:
    """Cards go through Stripe when its secret key is set (as ``gateway.provider`` chooses)."""
    return bool(settings.STRIPE_SECRET_KEY)


class GuaranteeForm(forms.Form):
    """The bank guarantee's file, as posted; its type and size are the service's to check."""

    file = forms.FileField(
        error_messages={"required": gettext_lazy("Choose the guarantee's file (PDF, JPEG or PNG).")}
    )


class DecisionForm(forms.Form):
    """Accept or reject a guarantee, as posted; whether a reason is needed is the service's."""

    decision = forms.ChoiceField(choices=(("accept", "accept"), ("reject", "reject")))
    reason = forms.CharField(required=False, strip=False)


def _refusal_fields(exc: ApplicationError) -> dict[str, list[str]]:
    return {name: [str(m) for m in found] for name, found in (exc.fields or {}).items()}


# --- The supplier ------------------------------------------------------------------------------


def _own_application(request, application_id: int) -> Application:
    """An application of one of the person's companies to a lot that requires a security;
    404 otherwise (another supplier's, a buyer's, anyone's)."""
    application = None
    if is_id(application_id):
        application = (
            tender_selectors.application_list_for_user(user=request.user)
            .select_related("lot__tender", "supplier")
            .filter(pk=application_id)
            .first()
        )
    if application is None or application.lot.security_percent <= 0:
        raise Http404(_("No such application."))
    return application


def _supplier_context(
    request,
    application: Application,
    *,
    refusal: ApplicationError | None = None,
    setup: PaymentStart | None = None,
) -> dict:
    """The supplier's box: the amount, where the security stands, and the ways to provide it
    that the services would take now (a guarantee when none is live, a card when Stripe is on
    and no guarantee is live)."""
    lot = application.lot
    rows = list(payment_selectors.security_list(user=request.user, application_id=application.pk))
    current = rows[0] if rows else None
    live = next((s for s in rows if s.state in LIVE), None)
    may_act = user_has_company_role(
        user=request.user, company=application.supplier_id, roles=securities.SUPPLIER_ROLES
    )
    awaited = application.status in OPEN and (live is None or live.state == SecurityState.PENDING)
    card_pending = live is not None and live.method == SecurityMethod.CARD
    return {
        "application": application,
        "lot": lot,
        "tender": lot.tender,
        "amount": current.amount if current else securities.security_amount(lot),
        "currency": current.currency if current else lot.tender.currency,
        "current": current,
        "live": live,
        "earlier": rows[1:],
        "may_act": may_act,
        "awaited": awaited,
        "offer_guarantee": may_act and awaited and live is None,
        "offer_card": may_act and awaited and cards_enabled() and (live is None or card_pending),
        "guarantee_form": GuaranteeForm(),
        "refusal": refusal,
        "refusal_fields": _refusal_fields(refusal) if refusal is not None else {},
        "setup": setup,
        "stripe_js": stripe_js_url() if setup is not None else "",
    }


def _supplier_page(request, application: Application, *, status: int = 200, **kwargs):
    context = _supplier_context(request, application, **kwargs)
    if request.htmx:  # the tender page's box (htmx swaps only a 200 in; the box says why)
        return render(request, "frontend/security/_application_box.html", context)
    return render(request, "frontend/security/application.html", context, status=status)


@login_required
@require_GET
def application_security(request, application_id: int):
    """The supplier's bid security for one application: the whole page, or (htmx) the box the
    tender page shows under the application."""
    return _supplier_page(request, _own_application(request, application_id))


@login_required
@require_POST
def application_security_guarantee(request, application_id: int):
    """Upload the bank's guarantee (``file``) for the buyer to check."""
    application = _own_application(request, application_id)
    form = GuaranteeForm(request.POST, request.FILES)
    if not form.is_valid():
        message = str(form.errors["file"][0])
        refusal = ApplicationError(message, code="invalid", fields={"file": [message]})
        return _supplier_page(request, application, refusal=refusal, status=400)
    try:
        securities.security_guarantee_upload(
            user=request.user, application_id=application.pk, upload=form.cleaned_data["file"]
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:  # the wrong file, one already live, the application closed
        return _supplier_page(request, application, refusal=exc, status=exc.status_code)
    messages.success(
        request, _("The bank guarantee is uploaded: the buyer checks it before admitting you.")
    )
    tender_page = reverse("frontend:tender", kwargs={"tender_id": application.lot.tender_id})
    return redirect(f"{tender_page}#my-application-{application.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def application_security_card(request, application_id: int):
    """Start saving a card (POST): the page with the card form, the SetupIntent's client secret
    for Stripe.js. GET goes back to the security's page."""
    application = _own_application(request, application_id)
    if request.method == "GET":
        return redirect("frontend:application-security", application_id=application.pk)
    try:
        started = securities.security_card_start(user=request.user, application_id=application.pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:  # no Stripe here, a guarantee being checked, Stripe away
        return _supplier_page(request, application, refusal=exc, status=exc.status_code)
    context = _supplier_context(request, application, setup=started)
    return render(request, "frontend/security/application.html", context)


# --- The buyer ---------------------------------------------------------------------------------


def _managed_lot(request, lot_id: int) -> Lot:
    """A lot of a tender the person manages (the buyer's officers and admins) that requires a
    security; 404 to anyone else."""
    try:
        if not is_id(lot_id):
            raise NotFoundError(_("No such lot."))
        lot = tender_selectors.lot_get_visible(user=request.user, lot_id=lot_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    if lot.security_percent <= 0 or not tender_selectors.user_may_manage_tender(
        user=request.user, tender=lot.tender
    ):
        raise Http404(_("No such lot."))
    return lot


def _lot_context(
    request,
    lot: Lot,
    *,
    refusal: ApplicationError | None = None,
    posted: dict | None = None,
    refused_id: int | None = None,
    done: str = "",
) -> dict:
    """Each application of the lot with its securities (newest first); a refused decision's
    typed reason and messages kept next to its form."""
    by_application: dict[int, list[BidSecurity]] = {}
    for row in payment_selectors.security_list(user=request.user, lot_id=lot.pk):
        by_application.setdefault(row.application_id, []).append(row)
    fields = _refusal_fields(refusal) if refusal is not None else {}
    rows = []
    for application in tender_selectors.application_list_for_lot(lot=lot):
        found = by_application.get(application.pk, [])
        current = found[0] if found else None
        refused_here = current is not None and current.pk == refused_id
        rows.append(
            {
                "application": application,
                "current": current,
                "earlier": found[1:],
                "to_decide": current is not None
                and current.method == SecurityMethod.GUARANTEE
                and current.state == SecurityState.PENDING,
                "reason": (posted or {}).get("reason", "") if refused_here else "",
                "reason_errors": fields.get("reason", []) if refused_here else [],
            }
        )
    return {
        "lot": lot,
        "tender": lot.tender,
        "amount": securities.security_amount(lot),
        "rows": rows,
        "refusal": refusal,
        "done": done,
    }


def _lot_page(request, lot: Lot, *, status: int = 200, **kwargs):
    context = _lot_context(request, lot, **kwargs)
    if request.htmx:  # the manage page's panel: always 200 (htmx swaps only that in)
        return render(request, "frontend/security/_lot_panel.html", context)
    return render(request, "frontend/security/lot.html", context, status=status)


@login_required
@require_GET
def lot_securities(request, lot_id: int):
    """The buyer's view of a lot's bid securities: the whole page, or (htmx) the panel the
    manage page shows under the lot's applications."""
    return _lot_page(request, _managed_lot(request, lot_id))


@login_required
@require_POST
def security_decide(request, security_id: int):
    """The buyer accepts a bank guarantee, or rejects it with a reason (``decision``,
    ``reason``)."""
    try:
        if not is_id(security_id):
            raise NotFoundError(_("No such bid security."))
        security = payment_selectors.security_get(user=request.user, security_id=security_id)
    except NotFoundError as exc:  # another supplier's, a stranger's
        raise Http404(exc.message) from exc
    lot = Lot.objects.select_related("tender").get(pk=security.lot_id)
    manager = tender_selectors.user_may_manage_tender(user=request.user, tender=lot.tender)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        refusal = ApplicationError(_("Choose to accept or to reject the guarantee."))
    else:
        try:
            decided = securities.security_guarantee_decide(
                user=request.user,
                security_id=security.pk,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except NotFoundError as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:  # no reason, decided meanwhile, not the buyer's staff
            refusal = exc
        else:
            done = (
                _("The bank guarantee of %(company)s is accepted.")
                if decided.state == SecurityState.PROVIDED
                else _("The bank guarantee of %(company)s is rejected.")
            ) % {"company": decided.supplier.legal_name}
            if request.htmx:
                return _lot_page(request, lot, done=done)
            messages.success(request, done)
            manage = reverse("frontend:tender-manage", kwargs={"tender_id": lot.tender_id})
            return redirect(f"{manage}#applications-{lot.pk}")
    if not manager:  # the supplier itself: its own page says why, nothing of the others'
        application = _own_application(request, security.application_id)
        return _supplier_page(request, application, refusal=refusal, status=refusal.status_code)
    return _lot_page(
        request,
        lot,
        refusal=refusal,
        posted=form.data,
        refused_id=security.pk,
        status=refusal.status_code,
    )
