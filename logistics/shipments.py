"""Writes of shipments: made and updated by the order's supplier, moved by status events (the
supplier's, or a carrier's pushed with its API key), accepted once by the buyer. Each write is
one transaction; its domain event leaves after the commit (``marketplace.events``).

**Quantities.** A shipment carries some of an order's lines, each a quantity above 0 with at
most 3 decimals; what all the order's shipments carry of a line never exceeds the line's
quantity. Making a shipment locks the order's row, so two shipments of the same line made at
once are counted one after the other (``tests/logistics/test_shipments_concurrency.py``).

**Status.** A shipment starts ``planned``; each event (``picked_up``, ``in_transit``,
``at_customs``, ``delivered``, ``exception``) must follow from the shipment's status as
``NEXT`` says, and be no older than the shipment's latest event: the shipment's status is its
latest event's. After ``delivered`` only an ``exception`` may follow (then ``delivered``
again, once the exception is cleared); an accepted shipment takes no more events. An event
pushed by a carrier with its own id (``external_id``) is recorded once, however often it is
pushed. Events lock the shipment's row.

**Acceptance.** The buyer accepts a delivered shipment once: days late from the promised date
(the earliest delivery date of its order lines, else its planned arrival) to the day the goods
came (the delivered event's, or the buyer's date), quantity and quality as ordered or a claim
with a reason and up to ``MAX_PHOTOS`` photos (JPEG, PNG or WebP, by their bytes, at most
``MAX_PHOTO_BYTES`` each), stored privately.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.models import Order, OrderLine, OrderStatus
from deals.selectors import order_get
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
)

from . import shipment_outbox as outbox
from .models import (
    Carrier,
    ClaimPhoto,
    DeliveryAcceptance,
    EventSource,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
)
from .shipment_access import accept_check, ship_check, supplier_carrier_scope
from .shipment_selectors import acceptance_of, shipment_get, shipped_quantities

St = ShipmentStatus

# The order's states in which its supplier ships.
SHIPPABLE = (OrderStatus.ACCEPTED, OrderStatus.IN_FULFILMENT)
EVENT_STATUSES = (St.PICKED_UP, St.IN_TRANSIT, St.AT_CUSTOMS, St.DELIVERED, St.EXCEPTION)
# From each status, the events that may follow it.
NEXT: dict[str, frozenset[str]] = {
    St.PLANNED: frozenset(EVENT_STATUSES),
    St.PICKED_UP: frozenset({St.IN_TRANSIT, St.AT_CUSTOMS, St.DELIVERED, St.EXCEPTION}),
    St.IN_TRANSIT: frozenset({St.IN_TRANSIT, St.AT_CUSTOMS, St.DELIVERED, St.EXCEPTION}),
    St.AT_CUSTOMS: frozenset({St.IN_TRANSIT, St.AT_CUSTOMS, St.DELIVERED, St.EXCEPTION}),
    St.EXCEPTION: frozenset(EVENT_STATUSES),
    St.DELIVERED: frozenset({St.EXCEPTION}),
}
# Once delivered, a shipment is never picked up or under way again.
AFTER_DELIVERY = frozenset({St.DELIVERED, St.EXCEPTION})
QUANTITY_PLACES = 3
MAX_LINES = 100
TEXT_MAX = 2000
FUTURE_SKEW = timedelta(minutes=10)  # clocks differ: an event a little ahead is taken
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _invalid(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]})


# --- Input --------------------------------------------------------------------------------------


def _text(value, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise _invalid(field, _("At most %(n)d characters.") % {"n": limit})
    return text


def quantity(value) -> Decimal:
    """A shipped quantity as typed: above 0, at most 3 decimals. Raises ValueError."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(_("Enter a quantity."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(_("Enter a number.")) from exc
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    if number <= 0:
        raise ValueError(_("The quantity must be above 0."))
    if number != number.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)) or number >= Decimal(10**15):
        raise ValueError(_("At most 3 decimal places."))
    return number


def _dates(planned_pickup: date | None, planned_arrival: date | None) -> None:
    if planned_pickup and planned_arrival and planned_arrival < planned_pickup:
        raise _invalid("planned_arrival", _("The arrival cannot be before the pickup."))


def _carrier(order: Order, carrier_id: int | None, carrier_name: str) -> Carrier | None:
    """The carrier the supplier named (one it may ship with), or None for a typed name."""
    if carrier_id is None:
        if not carrier_name:
            raise _invalid(
                "carrier",
                _("Choose one of your carriers or type the carrier's name."),
                code="carrier_required",
            )
        return None
    carrier = (
        Carrier.objects.filter(supplier_carrier_scope(supplier_id=order.supplier_id))
        .filter(pk=carrier_id, is_active=True)
        .first()
    )
    if carrier is None:
        raise _invalid(
            "carrier",
            _("Choose one of the carriers your company may ship with."),
            code="carrier_not_allowed",
        )
    return carrier


def _lines(order: Order, lines: Sequence[dict]) -> list[tuple[OrderLine, Decimal]]:
    """The shipment's lines checked against the order's, under the order's lock: each line of
    the order at most once, and no more than what remains to ship of it."""
    if not lines:
        raise _invalid("lines", _("Ship at least one line of the order."), code="lines_required")
    if len(lines) > MAX_LINES:
        raise _invalid("lines", _("At most %(n)d lines.") % {"n": MAX_LINES})
    order_lines = {line.pk: line for line in order.lines.all()}
    shipped = shipped_quantities(order_id=order.pk)
    errors: dict[str, list[str]] = {}
    out: list[tuple[OrderLine, Decimal]] = []
    seen: set[int] = set()
    exceeded = False
    for i, row in enumerate(lines):
        line = order_lines.get(row.get("order_line"))  # type: ignore[arg-type]
        if line is None:
            errors[f"lines.{i}.order_line"] = [_("Not a line of this order.")]
            continue
        if line.pk in seen:
            errors[f"lines.{i}.order_line"] = [_("This line is named twice.")]
            continue
        seen.add(line.pk)
        try:
            amount = quantity(row.get("quantity"))
        except ValueError as exc:
            errors[f"lines.{i}.quantity"] = [str(exc)]
            continue
        remaining = line.quantity - shipped.get(line.pk, Decimal(0))
        if amount > remaining:
            names = {
                "item": line.item,
                "remaining": f"{remaining.normalize():f}",
                "unit": line.unit,
                "ordered": f"{line.quantity.normalize():f}",
            }
            errors[f"lines.{i}.quantity"] = [
                _(
                    "Only %(remaining)s %(unit)s of “%(item)s” remain to ship (%(ordered)s "
                    "%(unit)s ordered, the rest in other shipments)."
                )
                % names
            ]
            exceeded = True
            continue
        out.append((line, amount))
    if errors:
        first = next(iter(errors.values()))[0]
        code = "quantity_exceeded" if exceeded else "invalid"
        raise ApplicationError(first, code=code, fields=errors)
    return out


# --- Shipments -----------------------------------------------------------------------------------


def shipment_create(
    *,
    user,
    order_id: int,
    lines: Sequence[dict],
    carrier_id: int | None = None,
    carrier_name: str = "",
    tracking_number: str = "",
    planned_pickup: date | None = None,
    planned_arrival: date | None = None,
) -> Shipment:
    """A shipment of the order by its supplier: ``lines`` are ``{"order_line": id,
    "quantity": Decimal}``; the carrier one the supplier may use (``carrier_id``) or a typed
    name. Numbered 1, 2, ... within the order."""
    order = order_get(user=user, order_id=order_id)  # 404 to anyone who may not read it
    ship_check(user=user, order=order)
    carrier_name = _text(carrier_name, "carrier_name", 200)
    tracking_number = _text(tracking_number, "tracking_number", 100)
    _dates(planned_pickup, planned_arrival)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in SHIPPABLE:
            raise ConflictError(
                _("This order is “%(status)s”: shipments are made once the supplier accepted it.")
                % {"status": order.get_status_display()},
                code="order_not_shippable",
            )
        carrier = _carrier(order, carrier_id, carrier_name)
        checked = _lines(order, lines)
        last = Shipment.objects.filter(order=order).aggregate(n=Max("number"))["n"] or 0
        shipment = Shipment.objects.create(
            order=order,
            number=last + 1,
            carrier=carrier,
            carrier_name="" if carrier else carrier_name,
            tracking_number=tracking_number,
            planned_pickup=planned_pickup,
            planned_arrival=planned_arrival,
            tracking_token=secrets.token_urlsafe(32),
            created_by=user,
        )
        ShipmentLine.objects.bulk_create(
            [ShipmentLine(shipment=shipment, order_line=line, quantity=q) for line, q in checked]
        )
        outbox.shipment_created(shipment, order, user)
    return shipment


UPDATABLE = ("carrier_id", "carrier_name", "tracking_number", "planned_pickup", "planned_arrival")


def shipment_update(*, user, shipment_id: int, **changes) -> Shipment:
    """The supplier changes a shipment's carrier, tracking number or planned dates (its lines
    stay as made). An accepted shipment is not changed."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    shipment = shipment_get(user=user, shipment_id=shipment_id)
    ship_check(user=user, order=shipment.order)
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
        if acceptance_of(shipment) is not None:
            raise ConflictError(
                _("This shipment was accepted by the buyer: it is no longer changed."),
                code="shipment_accepted",
            )
        for field in ("carrier_name", "tracking_number"):
            if field in changes:
                changes[field] = _text(
                    changes[field], field, 200 if field == "carrier_name" else 100
                )
        if "carrier_id" in changes or "carrier_name" in changes:
            if "carrier_id" in changes:
                carrier_id = changes["carrier_id"]
            else:  # a typed name alone replaces the chosen carrier
                carrier_id = None if changes["carrier_name"] else shipment.carrier_id
            name = changes.get("carrier_name", shipment.carrier_name)
            carrier = _carrier(shipment.order, carrier_id, name)
            shipment.carrier = carrier
            shipment.carrier_name = "" if carrier else name
        for field in ("tracking_number", "planned_pickup", "planned_arrival"):
            if field in changes:
                setattr(shipment, field, changes[field])
        _dates(shipment.planned_pickup, shipment.planned_arrival)
        shipment.save()
    return shipment


# --- Status events ------------------------------------------------------------------------------


def status_move_error(before: str, after: str, *, delivered_once: bool) -> str | None:
    """Why a shipment in status ``before`` may not take an event ``after`` (None: it may)."""
    if after not in EVENT_STATUSES:
        return _("Choose one of: picked up, in transit, at customs, delivered, exception.")
    if after not in NEXT.get(before, frozenset()) or (
        delivered_once and after not in AFTER_DELIVERY
    ):
        return _("A shipment “%(before)s” cannot become “%(after)s”.") % {
            "before": St(before).label,
            "after": St(after).label,
        }
    return None


def _occurred_at(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + FUTURE_SKEW:
        raise _invalid("occurred_at", _("The time is in the future."), code="event_in_future")
    return value


def record_event(
    *,
    shipment_id: int,
    status: str,
    occurred_at: datetime | None,
    location: str,
    note: str,
    internal: bool,
    source: str,
    actor,
    external_id: str = "",
    carrier_id: int | None = None,
) -> tuple[ShipmentEvent, bool]:
    """The event on the shipment (under its row's lock), and whether it is new: an event with
    an ``external_id`` already recorded is returned as it is."""
    now = timezone.now()
    occurred = _occurred_at(occurred_at, now)
    location = _text(location, "location", 200)
    note = _text(note, "note", TEXT_MAX)
    external_id = _text(external_id, "external_id", 100)
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(pk=shipment_id)
            .first()
        )
        if shipment is None or (carrier_id is not None and shipment.carrier_id != carrier_id):
            raise NotFoundError(_("No such shipment."), code="shipment_not_found")
        if external_id:
            existing = ShipmentEvent.objects.filter(
                shipment=shipment, external_id=external_id
            ).first()
            if existing is not None:
                return existing, False
        if acceptance_of(shipment) is not None:
            raise ConflictError(
                _("The buyer has accepted this shipment: it takes no more events."),
                code="shipment_accepted",
            )
        error = status_move_error(
            shipment.status, status, delivered_once=shipment.delivered_at is not None
        )
        if error:
            code = "invalid" if status not in EVENT_STATUSES else "status_not_allowed"
            raise ApplicationError(error, code=code, fields={"status": [error]})
        latest = shipment.events.order_by("-occurred_at", "-pk").first()
        if latest is not None and occurred < latest.occurred_at:
            message = _(
                "The shipment's latest event is of %(at)s: an event cannot be dated before it."
            ) % {"at": timezone.localtime(latest.occurred_at).strftime("%Y-%m-%d %H:%M")}
            raise ApplicationError(
                message, code="event_out_of_order", fields={"occurred_at": [message]}
            )
        try:
            with transaction.atomic():
                event = ShipmentEvent.objects.create(
                    shipment=shipment,
                    status=status,
                    occurred_at=occurred,
                    location=location,
                    note=note,
                    internal=internal,
                    source=source,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    external_id=external_id,
                )
        except IntegrityError:  # pragma: no cover - the row lock serialises the same id
            return ShipmentEvent.objects.get(shipment=shipment, external_id=external_id), False
        before = shipment.status
        shipment.status = status
        fields = ["status", "updated_at"]
        if status == St.DELIVERED:
            shipment.delivered_at = occurred
            fields.append("delivered_at")
        shipment.save(update_fields=fields)
        if before != status:
            outbox.shipment_status_changed(shipment, shipment.order, before, source, actor)
    return event, True


def shipment_event_add(
    *,
    user,
    shipment_id: int,
    status: str,
    occurred_at: datetime | None = None,
    location: str = "",
    note: str = "",
    internal: bool = True,
) -> ShipmentEvent:
    """A status event entered by the order's supplier (its time: now, unless given)."""
    shipment = shipment_get(user=user, shipment_id=shipment_id)
    ship_check(user=user, order=shipment.order)
    event, _new = record_event(
        shipment_id=shipment.pk,
        status=status,
        occurred_at=occurred_at,
        location=location,
        note=note,
        internal=internal,
        source=EventSource.SUPPLIER,
        actor=user,
    )
    return event


# --- The buyer's acceptance -------------------------------------------------------------------


def photo_kind(head: bytes) -> str | None:
    """``jpeg``, ``png`` or ``webp`` judged by a file's first bytes; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _photos(uploads: Iterable) -> list[tuple[str, str, bytes]]:
    """(file name, kind, bytes) of each photo, checked: 400 on ``photos`` otherwise."""
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise _invalid("photos", _("At most %(n)d photos.") % {"n": MAX_PHOTOS}, "too_many_photos")
    out = []
    for upload in uploads:
        name = os.path.basename((getattr(upload, "name", "") or "photo").replace("\\", "/"))
        if (upload.size or 0) > MAX_PHOTO_BYTES:
            raise _invalid(
                "photos",
                _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": name, "mb": MAX_PHOTO_BYTES // 2**20},
                "file_too_large",
            )
        content = upload.read(MAX_PHOTO_BYTES + 1)
        kind = photo_kind(content[:16])
        if not content or kind is None or len(content) > MAX_PHOTO_BYTES:
            raise _invalid(
                "photos",
                _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name},
                "invalid_file_type",
            )
        out.append((name[:200] or "photo", kind, content))
    return out


def promised_date(shipment: Shipment) -> date | None:
    """The day the shipment's goods were promised for: the earliest delivery date of its order
    lines (a line without one counts the shipment's planned arrival)."""
    dates = [
        line.order_line.delivery_date or shipment.planned_arrival
        for line in shipment.lines.select_related("order_line")
    ]
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def days_late(promised: date | None, delivered: date) -> int:
    if promised is None:
        return 0
    return max(0, (delivered - promised).days)


def delivery_accept(
    *,
    user,
    shipment_id: int,
    quantity_ok: bool,
    quality_ok: bool,
    claim_reason: str = "",
    delivered_on: date | None = None,
    photos: Iterable = (),
) -> DeliveryAcceptance:
    """The buyer accepts a delivered shipment, once: quantity and quality as ordered, or a
    claim (either not as ordered) with its reason and photos. ``delivered_on`` is the day the
    goods came when it is not the delivered event's."""
    shipment = shipment_get(user=user, shipment_id=shipment_id)
    order = shipment.order
    accept_check(user=user, order=order)
    claim_reason = _text(claim_reason, "claim_reason", TEXT_MAX)
    claim = not (quantity_ok and quality_ok)
    if claim and not claim_reason:
        raise _invalid("claim_reason", _("Say what is wrong with the delivery."), "reason_required")
    if claim_reason and not claim:
        raise _invalid(
            "claim_reason",
            _("A claim says what is not as ordered: the quantity, the quality or both."),
            "claim_without_fault",
        )
    checked = _photos(photos)
    if checked and not claim:
        raise _invalid("photos", _("Photos go with a claim."), "photos_without_claim")
    today = timezone.localdate()
    if delivered_on is not None:
        if delivered_on > today:
            raise _invalid("delivered_on", _("The day cannot be in the future."))
        if delivered_on < timezone.localtime(order.created_at).date():
            raise _invalid("delivered_on", _("The day cannot be before the order was made."))
    saved: list[str] = []
    storage = storages["private"]
    try:
        with transaction.atomic():
            shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
            if acceptance_of(shipment) is not None:
                raise ConflictError(
                    _("This shipment has already been accepted."), code="already_accepted"
                )
            if shipment.status != St.DELIVERED:
                raise ConflictError(
                    _("Only a delivered shipment is accepted; this one is “%(status)s”.")
                    % {"status": shipment.get_status_display()},
                    code="shipment_not_delivered",
                )
            came = delivered_on or (
                timezone.localtime(shipment.delivered_at).date() if shipment.delivered_at else today
            )
            promised = promised_date(shipment)
            acceptance = DeliveryAcceptance.objects.create(
                shipment=shipment,
                buyer_id=order.buyer_id,
                supplier_id=order.supplier_id,
                accepted_by=user,
                accepted_at=timezone.now(),
                delivered_on=came,
                promised_on=promised,
                days_late=days_late(promised, came),
                quantity_ok=quantity_ok,
                quality_ok=quality_ok,
                claim_reason=claim_reason,
            )
            for name, kind, content in checked:
                digest = hashlib.sha256(content).hexdigest()
                stored = storage.save(
                    f"claims/{order.pk}/{shipment.pk}-{digest[:16]}.{kind}", ContentFile(content)
                )
                saved.append(stored)
                ClaimPhoto.objects.create(
                    acceptance=acceptance,
                    filename=name,
                    content_type=PHOTO_TYPES[kind],
                    storage_name=stored,
                    size=len(content),
                    sha256=digest,
                )
            outbox.delivery_accepted(acceptance, order, user)
    except BaseException:
        for name in saved:  # nothing half-written: the files of a refused acceptance go too
            storage.delete(name)
        raise
    return acceptance
