"""The shipments' pages: the order page's "Shipments" section (``shipments_context``, passed by
``orders_views``; ``frontend/orders/_shipments.html``), the supplier's forms (a new shipment, a
status event) and the buyer's acceptance (with claim photos) posting here, and the public
tracking page (``/track/<token>/``, no log-in).

Thin views: ``logistics.shipment_selectors`` read (an order's shipments are read by whoever
reads the order; to anyone else they do not exist: 404), ``logistics.shipments`` decides and
writes. A refused form is shown in the section with its message, and nothing is written; htmx
swaps the section alone (always 200: htmx swaps only a successful answer in)."""

from __future__ import annotations

from babel.numbers import format_decimal
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from deals import selectors as order_selectors
from deals.models import Order
from logistics import shipment_access, shipment_selectors, shipments
from logistics.models import ShipmentStatus
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id

from .onboarding_views import scoped

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
SECTION = "frontend/orders/_shipments.html"


class ShipmentForm(forms.Form):
    """A new shipment's header as posted (its lines' quantities are ``quantity-<line id>``).
    Parsed only: the rules are ``logistics.shipments``'."""

    carrier = forms.CharField(required=False, max_length=24)
    carrier_name = forms.CharField(required=False, max_length=200)
    tracking_number = forms.CharField(required=False, max_length=100)
    planned_pickup = forms.DateField(required=False)
    planned_arrival = forms.DateField(required=False)


class EventForm(forms.Form):
    status = forms.CharField(max_length=16)
    occurred_at = forms.DateTimeField(required=False, input_formats=DATETIME_LOCAL)
    location = forms.CharField(required=False, max_length=200)
    note = forms.CharField(required=False, max_length=shipments.TEXT_MAX)
    public = forms.BooleanField(required=False)


class AcceptForm(forms.Form):
    quantity_ok = forms.BooleanField(required=False)
    quality_ok = forms.BooleanField(required=False)
    claim_reason = forms.CharField(required=False, max_length=shipments.TEXT_MAX)
    delivered_on = forms.DateField(required=False)


def _quantity(value) -> str:
    return format_decimal(value, locale=to_locale(get_language() or "en"))


def _form_error(form: forms.Form) -> ApplicationError:
    fields = {name: [str(m) for m in errors] for name, errors in form.errors.items()}
    return ApplicationError(_("Some fields are not valid."), fields=fields)


# --- The order page's section --------------------------------------------------------------------


def _shipment_row(shipment, *, may_ship: bool, may_accept: bool, form_id: str, posted) -> dict:
    acceptance = shipment_selectors.acceptance_of(shipment)
    delivered_once = shipment.delivered_at is not None
    next_statuses = [
        (value, ShipmentStatus(value).label)
        for value in shipments.EVENT_STATUSES
        if shipments.status_move_error(shipment.status, value, delivered_once=delivered_once)
        is None
    ]
    return {
        "s": shipment,
        "label": f"{shipment.order.number}/{shipment.number}",
        "carrier": shipment.carrier.name if shipment.carrier else shipment.carrier_name,
        "lines": [
            {
                "item": line.order_line.item,
                "unit": line.order_line.unit,
                "q": _quantity(line.quantity),
            }
            for line in shipment.lines.all()
        ],
        "events": list(shipment.events.all()),
        "acceptance": acceptance,
        "photos": list(acceptance.photos.all()) if acceptance is not None else [],
        "next_statuses": next_statuses if may_ship and acceptance is None else [],
        "can_accept": may_accept and acceptance is None and shipment.status == "delivered",
        "tracking_url": reverse("frontend:tracking", args=[shipment.tracking_token]),
        # What a refused form of this shipment had typed, shown again.
        "posted": posted if form_id in (f"event-{shipment.pk}", f"accept-{shipment.pk}") else {},
    }


def shipments_context(
    request,
    order: Order,
    *,
    refusal: ApplicationError | None = None,
    form_id: str = "",
    posted: dict | None = None,
    done: str = "",
) -> dict:
    """What the order page's "Shipments" section shows to ``request.user`` (a reader of the
    order): the shipments with their lines, events and acceptance, and the forms of its side."""
    may_ship = shipment_access.may_ship(user=request.user, order=order)
    may_accept = shipment_access.may_accept(user=request.user, order=order)
    rows = [
        _shipment_row(
            shipment, may_ship=may_ship, may_accept=may_accept, form_id=form_id, posted=posted
        )
        for shipment in shipment_selectors.shipments_of(order=order).select_related("acceptance")
    ]
    remaining = []
    if may_ship and order.status in shipments.SHIPPABLE:
        shipped = shipment_selectors.shipped_quantities(order_id=order.pk)
        for line in order.lines.order_by("position"):
            left = line.quantity - shipped.get(line.pk, 0)
            if left > 0:
                remaining.append({"line": line, "left": _quantity(left), "max": f"{left:f}"})
    return {
        "shipments": rows,
        "may_ship": may_ship,
        "may_accept": may_accept,
        "remaining": remaining,
        "carriers": list(shipment_selectors.carriers_for_order(order=order)) if remaining else [],
        "refusal": refusal,
        "fields": (refusal.fields or {}) if refusal is not None else {},
        "form_id": form_id,
        "posted": posted or {},
        "done": done,
        "max_photos": shipments.MAX_PHOTOS,
        "max_photo_mb": shipments.MAX_PHOTO_BYTES // 2**20,
    }


def _order(request, order_id: int) -> Order:
    if not is_id(order_id):
        raise Http404(_("No such order."))
    with scoped():
        return order_selectors.order_get(user=request.user, order_id=order_id)


def _section(request, order: Order, *, status: int = 200, **kwargs):
    """The section alone for htmx (200: htmx swaps only a success in), else the shipments'
    own page (the refusal's status)."""
    context = {"order": order, "shipping": shipments_context(request, order, **kwargs)}
    if request.htmx:
        return render(request, SECTION, context)
    return render(request, "frontend/orders/shipments.html", context, status=status)


def _done(request, order: Order, message: str):
    if request.htmx:
        return _section(request, order, done=message)
    messages.success(request, message)
    return redirect(reverse("frontend:order", args=[order.pk]) + "#order-shipments")


def _refused(request, order: Order, exc: ApplicationError, form_id: str, posted: dict):
    if isinstance(exc, NotFoundError):  # gone meanwhile, or not the reader's
        raise Http404(exc.message) from exc
    fresh = _order(request, order.pk)
    return _section(
        request, fresh, refusal=exc, form_id=form_id, posted=posted, status=exc.status_code
    )


@login_required
@require_http_methods(["GET", "POST"])
def shipments_page(request, order_id: int):
    """The order's shipments on their own page (where a refused form without htmx shows)."""
    order = _order(request, order_id)  # 404 to anyone who may not read it, before anything
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _section(request, order)


@login_required
@require_http_methods(["GET", "POST"])
def shipment_create_page(request, order_id: int):
    """POST: a new shipment (the supplier's); GET: back to the order's shipments."""
    order = _order(request, order_id)  # 404 to anyone who may not read it, before anything
    if request.method == "GET":
        return redirect("frontend:order-shipments", order_id=order.pk)
    form = ShipmentForm(request.POST)
    posted = request.POST.dict()
    try:
        if not form.is_valid():
            raise _form_error(form)
        data = form.cleaned_data
        carrier = data["carrier"].strip()
        if carrier and not carrier.isdigit():
            message = _("Choose a carrier from the list.")
            raise ApplicationError(message, fields={"carrier": [message]})
        lines = [
            {"order_line": int(name.removeprefix("quantity-")), "quantity": value.strip()}
            for name, value in request.POST.items()
            if name.startswith("quantity-") and name[9:].isdigit() and value.strip()
        ]
        shipment = shipments.shipment_create(
            user=request.user,
            order_id=order.pk,
            lines=lines,
            carrier_id=int(carrier) if carrier else None,
            carrier_name=data["carrier_name"],
            tracking_number=data["tracking_number"],
            planned_pickup=data["planned_pickup"],
            planned_arrival=data["planned_arrival"],
        )
    except ApplicationError as exc:
        return _refused(request, order, exc, "new", posted)
    return _done(request, order, _("Shipment %(n)s made.") % {"n": shipment.number})


def _shipment_id(shipment_id: int) -> int:
    if not is_id(shipment_id):
        raise Http404(_("No such shipment."))
    return shipment_id


@login_required
@require_http_methods(["GET", "POST"])
def shipment_event_page(request, order_id: int, shipment_id: int):
    order = _order(request, order_id)  # 404 to anyone who may not read it, before anything
    with scoped():
        shipment = shipment_selectors.shipment_of_order(
            user=request.user, order_id=order.pk, shipment_id=_shipment_id(shipment_id)
        )
    if request.method == "GET":
        return redirect("frontend:order-shipments", order_id=order.pk)
    form = EventForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        data = form.cleaned_data
        shipments.shipment_event_add(
            user=request.user,
            shipment_id=shipment.pk,
            status=data["status"],
            occurred_at=data["occurred_at"],
            location=data["location"],
            note=data["note"],
            internal=not data["public"],
        )
    except ApplicationError as exc:
        return _refused(request, order, exc, f"event-{shipment.pk}", request.POST.dict())
    return _done(request, order, _("Shipment %(n)s: event recorded.") % {"n": shipment.number})


@login_required
@require_http_methods(["GET", "POST"])
def shipment_accept_page(request, order_id: int, shipment_id: int):
    order = _order(request, order_id)  # 404 to anyone who may not read it, before anything
    with scoped():
        shipment = shipment_selectors.shipment_of_order(
            user=request.user, order_id=order.pk, shipment_id=_shipment_id(shipment_id)
        )
    if request.method == "GET":
        return redirect("frontend:order-shipments", order_id=order.pk)
    form = AcceptForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        data = form.cleaned_data
        shipments.delivery_accept(
            user=request.user,
            shipment_id=shipment.pk,
            quantity_ok=data["quantity_ok"],
            quality_ok=data["quality_ok"],
            claim_reason=data["claim_reason"],
            delivered_on=data["delivered_on"],
            photos=request.FILES.getlist("photos"),
        )
    except ApplicationError as exc:
        return _refused(request, order, exc, f"accept-{shipment.pk}", request.POST.dict())
    return _done(request, order, _("Shipment %(n)s accepted.") % {"n": shipment.number})


# --- The public tracking page ------------------------------------------------------------------


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def tracking_page(request, token: str):
    """A shipment's status, dates and events for whoever holds its token: no prices, no
    quantities, no people, no internal notes. A token that does not exist and any other
    string answer the same 404 page."""
    shipment = shipment_selectors.shipment_by_token(token=token)
    if shipment is None:
        return _private(render(request, "frontend/tracking.html", {"shipment": None}, status=404))
    context = {
        "shipment": shipment,
        "carrier": shipment.carrier.name if shipment.carrier else shipment.carrier_name,
        "events": shipment_selectors.public_events(shipment=shipment),
    }
    return _private(render(request, "frontend/tracking.html", context))
