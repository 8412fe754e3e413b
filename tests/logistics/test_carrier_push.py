"""A carrier pushes its shipments' status events with an API key (``Authorization: Carrier
<key>``): keys are made and revoked by whoever may edit the carrier, shown once, kept as a
SHA-256; a key pushes only for shipments whose carrier is its carrier; an event with an
``external_id`` pushed twice is recorded once; a revoked or unknown key answers 401."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from logistics import carrier_keys, services
from logistics.models import CarrierApiKey, ShipmentEvent
from marketplace.events.models import Event

from .shipment_helpers import client, ship, shipping_world

pytestmark = pytest.mark.django_db

PUSH = "/api/logistics/carrier-events/"


@pytest.fixture
def world():
    return shipping_world()


def keys_url(carrier) -> str:
    return f"/api/logistics/carriers/{carrier.pk}/api-keys/"


def make_key(user, carrier) -> str:
    response = client(user).post(keys_url(carrier), {"name": "TMS"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["key"]


def push(key: str | None, body: dict, scheme: str = "Carrier"):
    c = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {key}"} if key is not None else {}
    return c.post(PUSH, body, format="json", **headers)


def test_a_key_is_shown_once_and_kept_as_its_sha256(world):
    w, _order, carrier = world
    response = client(w.supplier_admin).post(keys_url(carrier), {"name": "TMS"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert response["Cache-Control"] == "no-store"
    key = body["key"]
    row = CarrierApiKey.objects.get()
    assert row.key_sha256 == hashlib.sha256(key.encode()).hexdigest()
    assert row.prefix == key[:12] and body["prefix"] == key[:12]
    assert key not in str(CarrierApiKey.objects.values_list())
    listed = client(w.supplier_admin).get(keys_url(carrier)).json()
    assert [k["id"] for k in listed] == [row.pk] and "key" not in listed[0]


def test_only_who_may_edit_the_carrier_makes_and_revokes_keys(world):
    w, _order, carrier = world
    key = make_key(w.supplier_admin, carrier)
    row = CarrierApiKey.objects.get()
    revoke = f"{keys_url(carrier)}{row.pk}/revoke/"
    # A bidder of the carrier's company reads the carrier, but may not edit it: 403.
    assert client(w.supplier_bidder).post(keys_url(carrier), {}, format="json").status_code == 403
    assert client(w.supplier_bidder).get(keys_url(carrier)).status_code == 403
    assert client(w.supplier_bidder).post(revoke).status_code == 403
    # Another company does not see the carrier at all: 404.
    for stranger in (w.other_admin, w.stranger, w.officer):
        assert client(stranger).post(keys_url(carrier), {}, format="json").status_code == 404
        assert client(stranger).post(revoke).status_code == 404
    assert CarrierApiKey.objects.count() == 1
    response = client(w.supplier_admin).post(revoke)
    assert response.status_code == 200 and response.json()["revoked_at"]
    refused = push(key, {"tracking_number": "X", "status": "in_transit"})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "carrier_key_invalid"
    assert refused["WWW-Authenticate"] == "Carrier"


def test_a_platform_partners_keys_are_its_platform_admins(world):
    w, order, _own = world
    partner = services.carrier_create(
        user=w.platform_admin, name="Partner", platform_id=w.platform.pk
    )
    assert client(w.supplier_admin).post(keys_url(partner), {}, format="json").status_code == 403
    key = make_key(w.platform_admin, partner)
    shipment = ship(w, order, "10", carrier=partner, tracking_number="P-1")
    assert push(key, {"tracking_number": "P-1", "status": "picked_up"}).status_code == 201
    shipment.refresh_from_db()
    assert shipment.status == "picked_up"


def test_a_key_pushes_only_for_its_carriers_shipments(world):
    w, order, carrier = world
    other = services.carrier_create(user=w.supplier_admin, name="Other", company_id=w.supplier.pk)
    mine = ship(w, order, "10", carrier=carrier, tracking_number="T-1")
    theirs = ship(w, order, "10", carrier=other, tracking_number="T-2")
    typed = ship(w, order, "10", tracking_number="T-3")  # no carrier: a typed name
    key = make_key(w.supplier_admin, carrier)
    for body in (
        {"tracking_number": "T-2", "status": "in_transit"},
        {"shipment": theirs.pk, "status": "in_transit"},
        {"tracking_number": "T-3", "status": "in_transit"},
        {"shipment": typed.pk, "status": "in_transit"},
        {"tracking_number": "nope", "status": "in_transit"},
    ):
        response = push(key, body)
        assert response.status_code == 404, body
        assert response.json()["error"]["code"] == "shipment_not_found"
    response = push(key, {"shipment": mine.pk, "status": "in_transit", "location": "Lviv"})
    assert response.status_code == 201
    body = response.json()
    assert body["shipment"] == mine.pk and body["status"] == "in_transit"
    assert body["duplicate"] is False and body["event"]["source"] == "carrier"
    assert ShipmentEvent.objects.filter(shipment__in=[theirs, typed]).count() == 0
    event = Event.objects.get(type="shipment.status_changed")
    assert event.payload["source"] == "carrier" and event.actor is None


def test_an_external_id_pushed_twice_is_recorded_once(world):
    w, order, carrier = world
    shipment = ship(w, order, "10", carrier=carrier, tracking_number="T-1")
    key = make_key(w.supplier_admin, carrier)
    at = (timezone.now() - timedelta(hours=1)).isoformat()
    body = {
        "tracking_number": "T-1",
        "status": "in_transit",
        "occurred_at": at,
        "external_id": "e-1",
    }
    first = push(key, body)
    second = push(key, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["duplicate"] is True
    assert second.json()["event"]["id"] == first.json()["event"]["id"]
    assert ShipmentEvent.objects.filter(shipment=shipment).count() == 1
    assert Event.objects.filter(type="shipment.status_changed").count() == 1
    # The same external id on another shipment is another event.
    other = ship(w, order, "10", carrier=carrier, tracking_number="T-9")
    assert push(key, {**body, "tracking_number": "T-9"}).status_code == 201
    assert ShipmentEvent.objects.filter(shipment=other).count() == 1


def test_the_status_rules_hold_for_pushed_events(world):
    w, order, carrier = world
    ship(w, order, "10", carrier=carrier, tracking_number="T-1")
    key = make_key(w.supplier_admin, carrier)
    assert push(key, {"tracking_number": "T-1", "status": "delivered"}).status_code == 201
    refused = push(key, {"tracking_number": "T-1", "status": "in_transit"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "status_not_allowed"
    assert push(key, {"tracking_number": "T-1", "status": "planned"}).status_code == 400
    assert push(key, {"tracking_number": "T-1", "status": "exception"}).status_code == 201


@pytest.mark.parametrize(
    "key,scheme",
    [(None, "Carrier"), ("tfc_not-a-key", "Carrier"), ("whatever", "Bearer"), ("", "Carrier")],
)
def test_no_valid_key_answers_401(world, key, scheme):
    w, order, carrier = world
    ship(w, order, "10", carrier=carrier, tracking_number="T-1")
    response = push(key, {"tracking_number": "T-1", "status": "in_transit"}, scheme=scheme)
    assert response.status_code == 401
    assert not ShipmentEvent.objects.exists()


def test_a_switched_off_carriers_key_no_longer_pushes(world):
    w, order, carrier = world
    ship(w, order, "10", carrier=carrier, tracking_number="T-1")
    key = make_key(w.supplier_admin, carrier)
    services.carrier_update(user=w.supplier_admin, carrier_id=carrier.pk, is_active=False)
    assert push(key, {"tracking_number": "T-1", "status": "in_transit"}).status_code == 401


def test_a_session_user_cannot_push(world):
    w, order, carrier = world
    ship(w, order, "10", carrier=carrier, tracking_number="T-1")
    session = APIClient()
    session.force_login(w.supplier_admin)  # a person's session is no carrier's key
    response = session.post(PUSH, {"tracking_number": "T-1", "status": "in_transit"}, format="json")
    assert response.status_code == 401


def test_authenticate_records_when_a_key_was_last_used(world):
    w, _order, carrier = world
    key = make_key(w.supplier_admin, carrier)
    row = carrier_keys.carrier_key_authenticate(authorization=f"Carrier {key}")
    row.refresh_from_db()
    assert row.last_used_at is not None
