"""The order page's "Shipments" section and its forms through the test client: the supplier's
new shipment and status events, the buyer's acceptance with a claim's photos; each side sees its
own forms only, a refused form shows the service's message and writes nothing, a stranger gets
404 everywhere."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from logistics.models import ClaimPhoto, DeliveryAcceptance, Shipment, ShipmentEvent
from tests.logistics.shipment_helpers import PNG, deliver, line_of, ship, shipping_world

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def browser(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def world():
    return shipping_world()


def test_the_supplier_sees_the_new_shipment_form_and_makes_one(world):
    w, order, carrier = world
    page = browser(w.supplier_bidder).get(f"/orders/{order.pk}/")
    html = page.content.decode()
    assert 'id="order-shipments"' in html and 'id="shipment-new"' in html
    assert "Own Trucks" in html and 'id="no-shipments"' in html
    line = line_of(order)
    response = browser(w.supplier_bidder).post(
        f"/orders/{order.pk}/shipments/new/",
        {"carrier": str(carrier.pk), "tracking_number": "TRK-9", f"quantity-{line.pk}": "25"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#order-shipments")
    shipment = Shipment.objects.get()
    assert shipment.carrier == carrier and shipment.lines.get().quantity == 25
    html = browser(w.officer).get(f"/orders/{order.pk}/").content.decode()
    assert "TRK-9" in html and f"{order.number}/1" in html
    assert 'id="shipment-new"' not in html and "event-form-" not in html  # the buyer reads


def test_too_much_shows_the_message_and_writes_nothing(world):
    w, order, _carrier = world
    line = line_of(order)
    response = browser(w.supplier_bidder).post(
        f"/orders/{order.pk}/shipments/new/",
        {"carrier_name": "Typed", f"quantity-{line.pk}": "101"},
        **HTMX,
    )
    assert response.status_code == 200  # htmx swaps the section in with the refusal
    html = response.content.decode()
    assert 'id="shipments-refusal"' in html and "remain to ship" in html
    assert not Shipment.objects.exists()
    plain = browser(w.supplier_bidder).post(
        f"/orders/{order.pk}/shipments/new/", {f"quantity-{line.pk}": "1"}
    )
    assert plain.status_code == 400 and "carrier" in plain.content.decode().lower()


def test_status_events_and_the_buyers_acceptance_with_photos(world):
    w, order, _carrier = world
    shipment = ship(w, order, "100")
    url = f"/orders/{order.pk}/shipments/{shipment.pk}/events/"
    response = browser(w.supplier_bidder).post(
        url, {"status": "in_transit", "location": "Rivne", "note": "On time", "public": "1"}, **HTMX
    )
    assert response.status_code == 200 and 'id="shipments-done"' in response.content.decode()
    event = ShipmentEvent.objects.get()
    assert event.internal is False and event.location == "Rivne"
    assert browser(w.officer).post(url, {"status": "delivered"}).status_code == 403
    assert browser(w.stranger).post(url, {"status": "delivered"}).status_code == 404
    deliver(w, shipment)
    html = browser(w.officer).get(f"/orders/{order.pk}/").content.decode()
    assert f'id="accept-form-{shipment.pk}"' in html
    accept = f"/orders/{order.pk}/shipments/{shipment.pk}/accept/"
    refused = browser(w.officer).post(accept, {"quantity_ok": "1"}, **HTMX)
    assert "Say what is wrong" in refused.content.decode()
    assert not DeliveryAcceptance.objects.exists()
    photo = SimpleUploadedFile("wet.png", PNG, content_type="image/png")
    response = browser(w.officer).post(
        accept, {"quantity_ok": "1", "claim_reason": "Wet pallets", "photos": [photo]}
    )
    assert response.status_code == 302
    acceptance = DeliveryAcceptance.objects.get()
    assert acceptance.has_claim and ClaimPhoto.objects.count() == 1
    html = browser(w.supplier_bidder).get(f"/orders/{order.pk}/").content.decode()
    assert "Wet pallets" in html and "wet.png" in html
    assert f'id="accept-form-{shipment.pk}"' not in html


def test_strangers_get_404_on_every_shipment_page(world):
    w, order, _carrier = world
    shipment = ship(w, order, "1")
    for path in (
        f"/orders/{order.pk}/shipments/",
        f"/orders/{order.pk}/shipments/new/",
        f"/orders/{order.pk}/shipments/{shipment.pk}/events/",
        f"/orders/{order.pk}/shipments/{shipment.pk}/accept/",
    ):
        c = browser(w.other_admin)
        response = c.get(path) if path.endswith("/shipments/") else c.post(path, {})
        assert response.status_code == 404, path
    assert browser(w.officer).get(f"/orders/{order.pk}/shipments/").status_code == 200
