"""The buyer's acceptance of a delivered shipment: once, by the buyer's staff only; days late from
the promised date (the order line's delivery date, else the planned arrival) to the day the goods
came (the delivered event's, or the buyer's); quantity and quality as ordered, or a claim with a
reason and photos (JPEG/PNG/WebP by their bytes, size-limited, private, served to the order's two
sides only); its event, and the order received (no claim) or disputed (a claim)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deals.models import OrderHistory, OrderLine, OrderStatus
from logistics import shipments
from logistics.models import ClaimPhoto, DeliveryAcceptance
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.events.models import Event
from notifications.models import Notification

from .shipment_helpers import JPEG, PNG, WEBP, client, deliver, ship, shipping_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return shipping_world()


def accept(w, shipment, **values):
    values.setdefault("quantity_ok", True)
    values.setdefault("quality_ok", True)
    return shipments.delivery_accept(
        user=values.pop("user", w.officer), shipment_id=shipment.pk, **values
    )


def photo(name="a.png", content=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_delivered_shipment_is_accepted_once_by_the_buyer(world):
    w, order, _carrier = world
    shipment = ship(w, order, "100")
    with pytest.raises(ConflictError) as refused:
        accept(w, shipment)
    assert refused.value.code == "shipment_not_delivered"
    deliver(w, shipment)
    for reader in (w.supplier_bidder, w.supplier_admin, w.buyer_bidder):
        with pytest.raises(PermissionDeniedError):
            accept(w, shipment, user=reader)
    for stranger in (w.other_admin, w.stranger):
        with pytest.raises(NotFoundError):
            accept(w, shipment, user=stranger)
    acceptance = accept(w, shipment)
    assert (acceptance.buyer_id, acceptance.supplier_id) == (order.buyer_id, order.supplier_id)
    assert acceptance.accepted_by == w.officer and acceptance.days_late == 0
    with pytest.raises(ConflictError) as refused:
        accept(w, shipment, user=w.buyer_admin)
    assert refused.value.code == "already_accepted"
    assert DeliveryAcceptance.objects.count() == 1
    with pytest.raises(ConflictError):  # an accepted shipment takes no more events
        shipments.shipment_event_add(
            user=w.supplier_bidder, shipment_id=shipment.pk, status="exception"
        )


def test_days_late_from_the_lines_date_else_the_planned_arrival(world):
    w, order, _carrier = world
    today = timezone.localdate()
    OrderLine.objects.filter(order=order).update(delivery_date=today - timedelta(days=4))
    shipment = ship(w, order, "50", planned_arrival=today - timedelta(days=10))
    deliver(w, shipment)
    acceptance = accept(w, shipment)
    assert acceptance.days_late == 4  # the line's date wins over the planned arrival
    assert acceptance.promised_on == today - timedelta(days=4)
    assert acceptance.delivered_on == today

    OrderLine.objects.filter(order=order).update(delivery_date=None)
    second = ship(w, order, "50", planned_arrival=today - timedelta(days=10))
    deliver(w, second)
    # The goods came three days before the delivered event was entered: the buyer says so.
    acceptance = accept(w, second, delivered_on=today - timedelta(days=3))
    assert acceptance.days_late == 7 and acceptance.delivered_on == today - timedelta(days=3)


def test_early_is_on_time_and_no_promise_is_on_time(world):
    w, order, _carrier = world
    OrderLine.objects.filter(order=order).update(delivery_date=None)
    shipment = ship(w, order, "100")
    deliver(w, shipment)
    assert accept(w, shipment).days_late == 0
    assert shipments.days_late(timezone.localdate() + timedelta(days=5), timezone.localdate()) == 0


def test_the_buyers_day_may_not_be_in_the_future(world):
    w, order, _carrier = world
    shipment = ship(w, order, "100")
    deliver(w, shipment)
    with pytest.raises(ApplicationError) as refused:
        accept(w, shipment, delivered_on=timezone.localdate() + timedelta(days=1))
    assert "delivered_on" in refused.value.fields
    assert not DeliveryAcceptance.objects.exists()


def test_a_claim_needs_its_reason_and_photos_go_only_with_a_claim(world):
    w, order, _carrier = world
    shipment = ship(w, order, "100")
    deliver(w, shipment)
    with pytest.raises(ApplicationError) as refused:
        accept(w, shipment, quality_ok=False)
    assert refused.value.code == "reason_required" and "claim_reason" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        accept(w, shipment, claim_reason="All fine really")
    assert refused.value.code == "claim_without_fault"
    with pytest.raises(ApplicationError) as refused:
        accept(w, shipment, photos=[photo()])
    assert refused.value.code == "photos_without_claim"
    assert not DeliveryAcceptance.objects.exists()


@pytest.mark.parametrize(
    "upload,code",
    [
        (("x.png", b"GIF89a" + b"\x00" * 20, "image/png"), "invalid_file_type"),
        (("x.pdf", b"%PDF-1.4 hello", "application/pdf"), "invalid_file_type"),
        (("x.png", b"", "image/png"), "invalid_file_type"),
        (
            ("big.jpg", b"\xff\xd8\xff" + b"\x00" * shipments.MAX_PHOTO_BYTES, "image/jpeg"),
            "file_too_large",
        ),
    ],
)
def test_photos_are_jpeg_png_or_webp_by_their_bytes_and_size_limited(world, upload, code):
    w, order, _carrier = world
    shipment = ship(w, order, "100")
    deliver(w, shipment)
    with pytest.raises(ApplicationError) as refused:
        accept(w, shipment, quality_ok=False, claim_reason="Wet", photos=[photo(*upload)])
    assert refused.value.code == code and "photos" in refused.value.fields
    assert not DeliveryAcceptance.objects.exists() and not ClaimPhoto.objects.exists()


def test_too_many_photos_are_refused(world):
    w, order, _carrier = world
    shipment = ship(w, order, "100")
    deliver(w, shipment)
    with pytest.raises(ApplicationError) as refused:
        accept(
            w,
            shipment,
            quality_ok=False,
            claim_reason="Wet",
            photos=[photo(f"{i}.png") for i in range(shipments.MAX_PHOTOS + 1)],
        )
    assert refused.value.code == "too_many_photos"


def test_a_claim_with_photos_is_stored_privately_and_served_to_the_two_sides_only(
    world, django_capture_on_commit_callbacks
):
    w, order, _carrier = world
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(w, order, "100")
        deliver(w, shipment)
    with django_capture_on_commit_callbacks(execute=True):
        acceptance = accept(
            w,
            shipment,
            quality_ok=False,
            claim_reason="Three drums leaking",
            photos=[
                photo("leak.png"),
                photo("drum.jpg", JPEG, "image/jpeg"),
                photo("top.webp", WEBP, "image/webp"),
            ],
        )
    photos = list(acceptance.photos.order_by("pk"))
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg", "image/webp"]
    assert all(storages["private"].exists(p.storage_name) for p in photos)
    url = f"/api/logistics/shipments/{shipment.pk}/claim-photos/{photos[0].pk}/"
    for reader in (w.officer, w.buyer_bidder, w.supplier_bidder, w.supplier_admin):
        response = client(reader).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["Cache-Control"] == "private, no-store"
    for stranger in (w.other_admin, w.stranger, w.staff):
        assert client(stranger).get(url).status_code == 404
    other = f"/api/logistics/shipments/{shipment.pk}/claim-photos/{photos[0].pk + 100}/"
    assert client(w.officer).get(other).status_code == 404

    payload = Event.objects.get(type="delivery.accepted").payload
    assert payload == {
        "shipment": shipment.pk,
        "order": order.pk,
        "buyer": order.buyer_id,
        "supplier": order.supplier_id,
        "days_late": 0,
        "quantity_ok": True,
        "quality_ok": False,
        "claim": True,
    }
    # The claim opened a dispute on the (delivered) order, with its reason, by the buyer.
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPUTED and order.disputed_from == OrderStatus.DELIVERED
    dispute = OrderHistory.objects.get(order=order, action="dispute")
    assert dispute.reason == "Three drums leaking" and dispute.side == "buyer"
    assert dispute.actor == w.officer
    told = Notification.objects.filter(kind="shipment_update", user=w.supplier_bidder)
    assert told.count() == 1 and "Three drums leaking" in told.get().body


def test_a_refused_acceptance_leaves_no_file(world, monkeypatch):
    w, order, _carrier = world
    shipment = ship(w, order, "100")
    deliver(w, shipment)

    def broken(*args, **kwargs):
        raise RuntimeError("the event store is away")

    monkeypatch.setattr(shipments.outbox, "delivery_accepted", broken)
    with pytest.raises(RuntimeError):
        accept(w, shipment, quality_ok=False, claim_reason="Wet", photos=[photo()])
    assert not DeliveryAcceptance.objects.exists()
    root = storages["private"].location
    import os

    assert not any(files for _dir, _sub, files in os.walk(root))


def test_every_shipment_accepted_without_claim_makes_the_order_received(
    world, django_capture_on_commit_callbacks
):
    w, order, _carrier = world
    with django_capture_on_commit_callbacks(execute=True):
        first = ship(w, order, "30")
        second = ship(w, order, "70")
        deliver(w, first)
        deliver(w, second)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    with django_capture_on_commit_callbacks(execute=True):
        accept(w, first)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED  # the second is not accepted yet
    with django_capture_on_commit_callbacks(execute=True):
        accept(w, second)
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    received = OrderHistory.objects.get(order=order, action="receive")
    assert received.side == "buyer" and received.actor == w.officer
    supplier_told = Notification.objects.filter(kind="shipment_update", user=w.supplier_bidder)
    assert supplier_told.count() == 2
    buyer_told = Notification.objects.filter(kind="shipment_update", user=w.officer)
    assert buyer_told.count() == 2  # each shipment delivered (picked up... none entered)
