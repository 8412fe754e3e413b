"""The orders' pages: the orders of the person's companies (``/orders/``: those they buy, those
they supply, or both) and one order (``/orders/<id>/``) with its lines, documents, history,
payment state and the moves the person may make on it.

Thin views: ``deals.selectors`` read (a member of the buyer's or the supplier's company reads
an order; to anyone else it does not exist: 404), ``deals.orders`` decides and writes the moves
(which side makes which move from which state, the reasons, the contract accepted by its
SHA-256). A refused move (400, 403 or 409) is shown on the page with the order as it now
stands, and nothing is written. The documents' files are downloaded through the API
(``/api/orders/<id>/documents/<doc>/file/``), which the session opens."""

from __future__ import annotations

from urllib.parse import urlencode

from babel.numbers import format_decimal
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy, to_locale
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from deals import orders, selectors
from deals.models import DocumentKind, Order, OrderStatus, Side
from deals.payments import invoices
from deals.payments import selectors as invoice_selectors
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id

from .onboarding_views import scoped
from .shipment_views import shipments_context

PER_PAGE = 25
QUERY_MAX = 200
SIDES = (
    ("", gettext_lazy("All")),
    (Side.BUYER.value, gettext_lazy("I buy")),
    (Side.SUPPLIER.value, gettext_lazy("I supply")),
)
# What each kind of history row says happened.
HISTORY_ACTIONS = {
    "created": gettext_lazy("Order made from the deal"),
    "document": gettext_lazy("Document generated"),
    "send": gettext_lazy("Sent to the supplier"),
    "accept": gettext_lazy("Accepted with its contract"),
    "decline": gettext_lazy("Declined"),
    "start": gettext_lazy("Fulfilment started"),
    "deliver": gettext_lazy("Delivery reported"),
    "receive": gettext_lazy("Delivery accepted"),
    "close": pgettext_lazy("order status", "Closed"),
    "dispute": gettext_lazy("Dispute opened"),
    "resolve": gettext_lazy("Dispute resolved"),
    "cancel": gettext_lazy("Cancelled"),
}
# The moves that need the contract: hidden until it is rendered.
NEEDS_CONTRACT = {"send", "accept"}
DANGER = {"decline", "dispute", "cancel"}


class MoveForm(forms.Form):
    """A move's button, as posted: which move, its reason, the contract's SHA-256 (accept).
    Parsed only: what is allowed is ``deals.orders.order_move``'s to decide."""

    action = forms.CharField(max_length=24)
    reason = forms.CharField(required=False, strip=False)
    contract_sha256 = forms.CharField(required=False, max_length=128)

    def service_fields(self) -> dict:
        return {
            "action": self.cleaned_data["action"],
            "reason": self.cleaned_data["reason"],
            "contract_sha256": self.cleaned_data["contract_sha256"],
        }


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def _quantity(value) -> str:
    """A line's quantity in the reader's language (no trailing zeros)."""
    return format_decimal(value, locale=to_locale(get_language() or "en"))


# --- The list ----------------------------------------------------------------------------------


def _choice(request, name: str, values) -> str:
    value = request.GET.get(name, "")
    return value if value in values else ""


def _side_url(side: str, *, status: str, query: str) -> str:
    """The list on another side, with the same (valid) filters, from its first page."""
    params = {"side": side, "status": status, "q": query}
    encoded = urlencode({name: value for name, value in params.items() if value})
    return f"?{encoded}" if encoded else "?"


def _list_row(order: Order, mine: set[int]) -> dict:
    """An order as the list shows it: the other company, and which side the person's is on
    (both: the person belongs to the buyer and to the supplier)."""
    buys, supplies = order.buyer_id in mine, order.supplier_id in mine
    counterparty, role = None, ""
    if buys and not supplies:
        counterparty, role = order.supplier, Side.SUPPLIER.label
    elif supplies and not buys:
        counterparty, role = order.buyer, Side.BUYER.label
    return {"order": order, "counterparty": counterparty, "counterparty_role": role}


@login_required
@require_GET
def order_list_page(request):
    """The orders of the person's companies, newest first: those they buy, those they supply
    (``side``) or all; by status; searched by number or title; a page at a time."""
    side = _choice(request, "side", Side.values)
    status = _choice(request, "status", OrderStatus.values)
    query = (request.GET.get("q") or "").strip()[:QUERY_MAX]
    found = selectors.order_list(user=request.user, side=side, status=status, q=query)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    mine = user_company_ids(user=request.user)
    return render(
        request,
        "frontend/orders/list.html",
        {
            "page": page,
            "rows": [_list_row(order, mine) for order in page.object_list],
            "side": side,
            "sides": [
                {
                    "value": value,
                    "label": label,
                    "url": _side_url(value, status=status, query=query),
                }
                for value, label in SIDES
            ],
            "status": status,
            "statuses": OrderStatus.choices,
            "query": query,
            "filtered": bool(status or query),
        },
    )


# --- One order ---------------------------------------------------------------------------------


def _order_context(
    request, order: Order, *, refusal: ApplicationError | None = None, posted: dict | None = None
) -> dict:
    """Everything the order's page shows: the order as the selectors read it, and the moves
    ``deals.orders.moves_for`` offers (a refused move's typed reason kept, its errors next to
    it)."""
    documents = list(selectors.order_documents(order=order))
    current: dict[str, int] = {}
    for document in documents:  # newest version of each kind first
        current.setdefault(document.kind, document.pk)
    contract = next((d for d in documents if d.kind == DocumentKind.CONTRACT), None)
    posted = posted or {}
    fields = (refusal.fields or {}) if refusal is not None else {}
    moves = []
    for move in orders.moves_for(user=request.user, order=order):
        if move.action in NEEDS_CONTRACT and contract is None:
            continue
        refused_here = refusal is not None and posted.get("action") == move.action
        moves.append(
            {
                "move": move,
                "danger": move.action in DANGER,
                "reason": posted.get("reason", "") if refused_here else "",
                "errors": [str(m) for m in fields.get("reason", [])] if refused_here else [],
            }
        )
    history = [
        {
            "h": h,
            "action": HISTORY_ACTIONS.get(h.action, h.action),
            "before": _label(OrderStatus.choices, h.status_before),
            "after": _label(OrderStatus.choices, h.status_after),
        }
        for h in selectors.order_history(order=order)
    ]
    return {
        "order": order,
        "tender": order.deal.lot.tender,
        "lot": order.deal.lot,
        "lines": [
            {"line": line, "quantity": _quantity(line.quantity)}
            for line in order.lines.order_by("position")
        ],
        "documents": [{"d": d, "current": current[d.kind] == d.pk} for d in documents],
        "contract": contract,
        "history": history,
        "moves": moves,
        "sides": orders.sides_of(user=request.user, order=order),
        "reason_max": orders.REASON_MAX,
        "refusal": refusal,
        "invoices": list(invoice_selectors.invoice_list(user=request.user, order_id=order.pk)),
        "shipping": shipments_context(request, order),  # the "Shipments" section
    }


def _order_page(request, order: Order, *, status: int = 200, done: str = "", **kwargs):
    """The order's page; for htmx only its ``#order`` part (always 200: htmx swaps only a
    successful answer in, and the part says what was refused)."""
    context = {**_order_context(request, order, **kwargs), "done": done}
    if request.htmx:
        return render(request, "frontend/orders/_order.html", context)
    return render(request, "frontend/orders/detail.html", context, status=status)


def _order(request, order_id: int) -> Order:
    if not is_id(order_id):
        raise Http404(_("No such order."))
    with scoped():
        return selectors.order_get(user=request.user, order_id=order_id)


@login_required
@require_http_methods(["GET", "POST"])
def order_page(request, order_id: int):
    """One order: its header, lines, documents (downloaded through the API), history, payment
    state and, for its buyer's and supplier's staff, a button for each move they may make now.
    POST makes one (``action``, ``reason``, ``contract_sha256``)."""
    order = _order(request, order_id)  # 404 to anyone who may not read it, before anything
    if request.method == "GET":
        return _order_page(request, order)
    form = MoveForm(request.POST)
    if not form.is_valid():
        refusal = ApplicationError(_("Choose one of the order's actions."), code="invalid")
        return _order_page(request, order, refusal=refusal, status=400)
    try:
        moved = orders.order_move(user=request.user, order_id=order.pk, **form.service_fields())
    except NotFoundError as exc:  # gone meanwhile (the person left the company, say)
        raise Http404(exc.message) from exc
    except ApplicationError as exc:  # 400, 403 (not this side's move), 409 (moved meanwhile)
        fresh = _order(request, order.pk)  # what the order now is (another may have moved it)
        return _order_page(
            request, fresh, refusal=exc, posted=form.cleaned_data, status=exc.status_code
        )
    done = _("Order %(number)s: %(status)s.") % {
        "number": moved.number,
        "status": moved.get_status_display(),
    }
    if request.htmx:
        return _order_page(request, _order(request, order.pk), done=done)
    messages.success(request, done)
    return redirect("frontend:order", order_id=order.pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_invoice_pay(request, order_id: int, invoice_id: int):
    """Start paying one of the order's invoices (POST), shown in the order page's payment box:
    the bank details and the reference to quote (the offline provider), or the card form
    (Stripe: the PaymentIntent's client secret, confirmed in the page by Stripe.js through
    ``static/frontend/card-payment.js``; Stripe's webhook marks the invoice paid, never the
    page). GET goes back to the order."""
    order = _order(request, order_id)
    if request.method == "GET":
        return redirect("frontend:order", order_id=order.pk)
    try:
        if not is_id(invoice_id):
            raise NotFoundError(_("No such invoice."))
        invoice = invoice_selectors.invoice_get(user=request.user, invoice_id=invoice_id)
        if invoice.order_id != order.pk:
            raise NotFoundError(_("No such invoice."))
        started = invoices.invoice_pay_start(user=request.user, invoice_id=invoice.pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        return _order_page(request, _order(request, order.pk), refusal=exc, status=exc.status_code)
    context = {**_order_context(request, order), "payment": started, "paying": invoice}
    if started.client_secret:
        from .security_views import stripe_js_url

        context["stripe_js"] = stripe_js_url()
    template = "frontend/orders/_order.html" if request.htmx else "frontend/orders/detail.html"
    return render(request, template, context)
