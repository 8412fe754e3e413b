"""The shipments API (``/api/logistics/shipments/...``): list by order, create, get, update, add
an event, accept with multipart photos; each with the error answers people understand (400 with
the field, 403 for the wrong side, 404 for strangers, 409 for a state that does not allow it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from logistics.models import Shipment

from .shipment_helpers import PNG, client, line_of, shipping_world

pytestmark = pytest.mark.django_db

BASE = "/api/logistics/shipments/"


@pytest.fixture
def world():
    return shipping_world()


def create(user, order, quantity="40", **values):
    body = {
        "order": order.pk,
        "carrier_name": "Typed",
        "lines": [{"order_line": line_of(order).pk, "quantity": quantity}],
        **values,
    }
    return client(user).post(BASE, body, format="json")


def test_create_list_get_update(world):
    w, order, carrier = world
    response = create(
        w.supplier_bidder,
        order,
        "40",
        carrier=carrier.pk,
        carrier_name="",
        tracking_number="TRK-1",
        planned_pickup="2030-01-01",
        planned_arrival="2030-01-03",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["label"] == f"{order.number}/1" and body["status"] == "planned"
    assert body["carrier"] == {"id": carrier.pk, "name": "Own Trucks"}
    assert body["carrier_name"] == "Own Trucks"
    assert body["lines"] == [
        {
            "order_line": line_of(order).pk,
            "position": 1,
            "item": "Lot 1",
            "unit": "t",
            "quantity": "40.000",
        }
    ]
    assert body["tracking_url"].startswith("/track/") and body["acceptance"] is None
    listed = client(w.officer).get(BASE, {"order": order.pk})
    assert listed.status_code == 200 and [s["id"] for s in listed.json()] == [body["id"]]
    got = client(w.buyer_bidder).get(f"{BASE}{body['id']}/")
    assert got.status_code == 200 and got.json()["tracking_number"] == "TRK-1"
    patched = client(w.supplier_admin).patch(
        f"{BASE}{body['id']}/", {"tracking_number": "TRK-2"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["tracking_number"] == "TRK-2"
    assert (
        client(w.officer)
        .patch(f"{BASE}{body['id']}/", {"tracking_number": "X"}, format="json")
        .status_code
        == 403
    )


def test_too_much_is_a_400_naming_the_line(world):
    w, order, _carrier = world
    assert create(w.supplier_bidder, order, "70").status_code == 201
    response = create(w.supplier_bidder, order, "31")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "quantity_exceeded" and "lines.0.quantity" in error["fields"]
    assert "30" in error["message"]
    assert Shipment.objects.count() == 1


def test_strangers_get_404_and_the_buyer_403(world):
    w, order, _carrier = world
    sid = create(w.supplier_bidder, order).json()["id"]
    assert create(w.officer, order).status_code == 403
    for stranger in (w.other_admin, w.stranger):
        assert create(stranger, order).status_code == 404
        assert client(stranger).get(BASE, {"order": order.pk}).status_code == 404
        assert client(stranger).get(f"{BASE}{sid}/").status_code == 404
        assert (
            client(stranger)
            .post(f"{BASE}{sid}/events/", {"status": "in_transit"}, format="json")
            .status_code
            == 404
        )
    assert (
        client(w.officer)
        .post(f"{BASE}{sid}/events/", {"status": "in_transit"}, format="json")
        .status_code
        == 403
    )
    assert client(w.officer).get(f"{BASE}99999999999/").status_code == 404
    assert client(w.officer).get(BASE).status_code == 400  # the order is required


def test_events_and_multipart_acceptance(world):
    w, order, _carrier = world
    sid = create(w.supplier_bidder, order, "100").json()["id"]
    url = f"{BASE}{sid}/events/"
    at = (timezone.now() - timedelta(hours=2)).isoformat()
    response = client(w.supplier_bidder).post(
        url, {"status": "picked_up", "occurred_at": at, "location": "Kyiv"}, format="json"
    )
    assert response.status_code == 201 and response.json()["status"] == "picked_up"
    bad = client(w.supplier_bidder).post(url, {"status": "lost"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]
    fine = {"quantity_ok": True, "quality_ok": True}
    assert client(w.supplier_bidder).post(f"{BASE}{sid}/acceptance/", fine).status_code == 403
    early = client(w.officer).post(f"{BASE}{sid}/acceptance/", fine)
    assert early.status_code == 409  # not delivered yet
    assert early.json()["error"]["code"] == "shipment_not_delivered"
    client(w.supplier_bidder).post(url, {"status": "delivered"}, format="json")
    photo = SimpleUploadedFile("wet.png", PNG, content_type="image/png")
    response = client(w.officer).post(
        f"{BASE}{sid}/acceptance/",
        {"quantity_ok": "true", "quality_ok": "false", "claim_reason": "Wet", "photos": [photo]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    acceptance = response.json()["acceptance"]
    assert acceptance["claim"] is True and acceptance["claim_reason"] == "Wet"
    assert acceptance["photos"][0]["filename"] == "wet.png"
    assert acceptance["photos"][0]["url"].endswith(
        f"/claim-photos/{acceptance['photos'][0]['id']}/"
    )
    again = client(w.officer).post(
        f"{BASE}{sid}/acceptance/", {"quantity_ok": True, "quality_ok": True}, format="json"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_accepted"


def test_the_schema_names_the_endpoints_and_the_carrier_scheme():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "/api/logistics/shipments/{shipment_id}/acceptance/" in paths
    assert "/api/logistics/carrier-events/" in paths
    assert "carrierKey" in schema["components"]["securitySchemes"]
    push = paths["/api/logistics/carrier-events/"]["post"]
    assert push["security"] == [{"carrierKey": []}]
