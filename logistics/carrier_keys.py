"""Carriers' API keys and the status events a carrier pushes with one
(``Authorization: Carrier <key>``, docs/api/shipments.md). A key is made or revoked by whoever
may edit its carrier (``access.carrier_may_edit``), shown once when made and kept only as its
SHA-256; it pushes events only for the shipments whose carrier is its carrier."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)

from .access import carrier_may_edit
from .models import Carrier, CarrierApiKey, EventSource, Shipment, ShipmentEvent
from .selectors import carrier_get
from .shipments import _invalid, _text, record_event

KEY_PREFIX = "tfc_"
KEY_SHOWN = 12  # the key's first characters kept to tell keys apart


def _key_sha256(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def editable_carrier(*, user, carrier_id: int) -> Carrier:
    carrier = carrier_get(user=user, carrier_id=carrier_id)  # 404 if not readable
    if not carrier_may_edit(user=user, carrier=carrier):
        raise PermissionDeniedError(
            _("Only those who may edit the carrier manage its API keys."), code="not_carrier_editor"
        )
    return carrier


def carrier_key_create(*, user, carrier_id: int, name: str = "") -> tuple[CarrierApiKey, str]:
    """A new API key of the carrier: returns the row and the key, which is shown this once and
    kept only as its SHA-256."""
    carrier = editable_carrier(user=user, carrier_id=carrier_id)
    name = _text(name, "name", 100)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = CarrierApiKey.objects.create(
        carrier=carrier,
        name=name,
        prefix=key[:KEY_SHOWN],
        key_sha256=_key_sha256(key),
        created_by=user,
    )
    return row, key


def carrier_key_revoke(*, user, carrier_id: int, key_id: int) -> CarrierApiKey:
    """Revoke one of the carrier's keys (kept, marked revoked; revoking twice is harmless)."""
    carrier = editable_carrier(user=user, carrier_id=carrier_id)
    with transaction.atomic():
        row = CarrierApiKey.objects.select_for_update().filter(pk=key_id, carrier=carrier).first()
        if row is None:
            raise NotFoundError(_("No such API key."), code="api_key_not_found")
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
    return row


def _unauthorised(message: str) -> ApplicationError:
    return ApplicationError(message, code="carrier_key_invalid", status_code=401)


def carrier_key_authenticate(*, authorization: str) -> CarrierApiKey:
    """The key an ``Authorization: Carrier <key>`` header names: unknown, revoked, or a switched
    off carrier's answer 401."""
    scheme, _sep, key = (authorization or "").strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "carrier" or not key or len(key) > 200:
        raise _unauthorised(_("Send the carrier's API key: Authorization: Carrier <key>."))
    row = (
        CarrierApiKey.objects.select_related("carrier")
        .filter(key_sha256=_key_sha256(key), revoked_at__isnull=True, carrier__is_active=True)
        .first()
    )
    if row is None:
        raise _unauthorised(_("This API key is not valid (unknown or revoked)."))
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        CarrierApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def carrier_event_push(
    *,
    api_key: CarrierApiKey,
    status: str,
    shipment_id: int | None = None,
    tracking_number: str = "",
    occurred_at: datetime | None = None,
    location: str = "",
    note: str = "",
    internal: bool = True,
    external_id: str = "",
) -> tuple[ShipmentEvent, bool]:
    """A status event pushed by a carrier for one of its shipments, named by id or by its
    tracking number. Returns the event and whether it is new (an ``external_id`` already
    recorded is not recorded again). A shipment of another carrier is not found."""
    shipments = Shipment.objects.filter(carrier_id=api_key.carrier_id)
    if shipment_id is not None:
        shipments = shipments.filter(pk=shipment_id)
    else:
        tracking_number = (tracking_number or "").strip()
        if not tracking_number:
            raise _invalid(
                "tracking_number",
                _("Name the shipment (its id or its tracking number)."),
                code="shipment_required",
            )
        shipments = shipments.filter(tracking_number=tracking_number)
    found = list(shipments.values_list("pk", flat=True)[:2])
    if not found:
        raise NotFoundError(_("No such shipment."), code="shipment_not_found")
    if len(found) > 1:
        raise ConflictError(
            _("Several of your shipments have this tracking number: name the shipment's id."),
            code="shipment_ambiguous",
        )
    return record_event(
        shipment_id=found[0],
        status=status,
        occurred_at=occurred_at,
        location=location,
        note=note,
        internal=internal,
        source=EventSource.CARRIER,
        actor=None,
        external_id=external_id,
        carrier_id=api_key.carrier_id,
    )
