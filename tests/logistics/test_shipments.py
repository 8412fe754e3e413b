"""Shipments (``logistics.shipments``): quantities per order line (partial deliveries, never
more than ordered), the carrier (one the supplier may use, or a typed name), who may make and
read them (the supplier's side makes them, the buyer's reads, anyone else gets 404), the status
moves, their events' payloads, and the order following its shipments through the events."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deals.models import OrderHistory, OrderStatus
from logistics import services, shipment_selectors, shipments
from logistics.models import Shipment, ShipmentEvent, ShipmentLine
from marketplace.companies.models import MembershipRole
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.events.models import Event
from tests.factories import member

from .shipment_helpers import add_line, deliver, event, line_of, ship, shipping_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return shipping_world()


# --- Quantities --------------------------------------------------------------------------------


def test_partial_shipments_add_up_to_the_line_and_never_past_it(world):
    w, order, carrier = world
    first = ship(w, order, "40", carrier=carrier, tracking_number="TRK-1")
    second = ship(w, order, "59.5")
    assert (first.number, second.number) == (1, 2)
    assert first.carrier == carrier and first.carrier_name == ""
    assert second.carrier is None and second.carrier_name == "Typed Carrier"
    with pytest.raises(ApplicationError) as refused:
        ship(w, order, "0.501")
    assert refused.value.code == "quantity_exceeded"
    assert "0.5" in refused.value.message and "remain to ship" in refused.value.message
    assert "lines.0.quantity" in refused.value.fields
    assert Shipment.objects.filter(order=order).count() == 2  # nothing half-written
    ship(w, order, "0.5")
    shipped = shipment_selectors.shipped_quantities(order_id=order.pk)
    assert shipped[line_of(order).pk] == Decimal("100")


@pytest.mark.parametrize(
    "quantity,code",
    [("0", "invalid"), ("-1", "invalid"), ("1.0001", "invalid"), ("abc", "invalid")],
)
def test_a_quantity_must_be_above_zero_with_three_decimals(world, quantity, code):
    w, order, _carrier = world
    with pytest.raises(ApplicationError) as refused:
        ship(w, order, quantity)
    assert refused.value.code == code and "lines.0.quantity" in refused.value.fields
    assert not Shipment.objects.exists()


def test_lines_of_another_order_or_twice_or_none_are_refused(world):
    w, order, _carrier = world
    line = line_of(order)
    with pytest.raises(ApplicationError) as refused:
        ship(w, order, lines=[{"order_line": 999999, "quantity": "1"}])
    assert "lines.0.order_line" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        ship(
            w,
            order,
            lines=[
                {"order_line": line.pk, "quantity": "1"},
                {"order_line": line.pk, "quantity": "1"},
            ],
        )
    assert "lines.1.order_line" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        shipments.shipment_create(
            user=w.supplier_bidder, order_id=order.pk, lines=[], carrier_name="X"
        )
    assert refused.value.code == "lines_required"
    assert not ShipmentLine.objects.exists()


def test_several_lines_in_one_shipment(world):
    w, order, _carrier = world
    second = add_line(order, "20")
    shipment = ship(
        w,
        order,
        lines=[
            {"order_line": line_of(order).pk, "quantity": "10"},
            {"order_line": second.pk, "quantity": "20"},
        ],
    )
    assert sorted(shipment.lines.values_list("quantity", flat=True)) == [
        Decimal("10"),
        Decimal("20"),
    ]
    with pytest.raises(ApplicationError):
        ship(w, order, lines=[{"order_line": second.pk, "quantity": "0.001"}])


# --- The carrier, the dates, the order's state ---------------------------------------------------


def test_the_carrier_is_one_the_supplier_may_use_or_a_typed_name(world):
    w, order, _own = world
    partner = services.carrier_create(
        user=w.platform_admin, name="Platform Partner", platform_id=w.platform.pk
    )
    theirs = services.carrier_create(
        user=w.other_admin, name="Competitor's Trucks", company_id=w.other_supplier.pk
    )
    assert ship(w, order, "1", carrier=partner).carrier == partner
    with pytest.raises(ApplicationError) as refused:
        ship(w, order, "1", carrier=theirs)
    assert refused.value.code == "carrier_not_allowed" and "carrier" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        ship(w, order, "1", carrier_name="   ")
    assert refused.value.code == "carrier_required"
    with pytest.raises(ApplicationError) as refused:
        ship(
            w,
            order,
            "1",
            planned_pickup=date(2030, 5, 2),
            planned_arrival=date(2030, 5, 1),
        )
    assert "planned_arrival" in refused.value.fields


@pytest.mark.parametrize("status", ["draft", "sent", "cancelled", "delivered", "closed"])
def test_an_order_not_accepted_or_under_way_is_not_shipped(status):
    w, order, _carrier = shipping_world(status=status)
    with pytest.raises(ConflictError) as refused:
        ship(w, order, "1")
    assert refused.value.code == "order_not_shippable"


# --- Who --------------------------------------------------------------------------------------


def test_only_the_suppliers_side_ships_the_buyer_reads_strangers_get_404(world):
    w, order, _carrier = world
    shipment = ship(w, order, "10", user=w.supplier_admin)
    supplier_officer = member(w.supplier, MembershipRole.PROCUREMENT_OFFICER)
    for reader in (w.officer, w.buyer_bidder, supplier_officer):
        with pytest.raises(PermissionDeniedError):
            ship(w, order, "1", user=reader)
        with pytest.raises(PermissionDeniedError):
            event(w, shipment, "picked_up", user=reader)
        assert shipment_selectors.shipment_get(user=reader, shipment_id=shipment.pk) == shipment
    for stranger in (w.other_admin, w.stranger, w.staff, w.platform_admin):
        with pytest.raises(NotFoundError):
            ship(w, order, "1", user=stranger)
        with pytest.raises(NotFoundError):
            event(w, shipment, "picked_up", user=stranger)
        with pytest.raises(NotFoundError):
            shipment_selectors.shipment_get(user=stranger, shipment_id=shipment.pk)
        with pytest.raises(NotFoundError):
            shipment_selectors.shipment_list(user=stranger, order_id=order.pk)
    assert Shipment.objects.count() == 1 and not ShipmentEvent.objects.exists()


def test_the_supplier_updates_carrier_tracking_and_dates(world):
    w, order, carrier = world
    shipment = ship(w, order, "10")
    shipments.shipment_update(
        user=w.supplier_bidder,
        shipment_id=shipment.pk,
        carrier_id=carrier.pk,
        tracking_number="NEW-1",
        planned_arrival=date(2030, 1, 2),
    )
    shipment.refresh_from_db()
    assert (shipment.carrier, shipment.carrier_name, shipment.tracking_number) == (
        carrier,
        "",
        "NEW-1",
    )
    shipments.shipment_update(user=w.supplier_bidder, shipment_id=shipment.pk, carrier_name="Y")
    shipment.refresh_from_db()
    assert shipment.carrier is None and shipment.carrier_name == "Y"
    with pytest.raises(PermissionDeniedError):
        shipments.shipment_update(user=w.officer, shipment_id=shipment.pk, tracking_number="Z")
    with pytest.raises(NotFoundError):
        shipments.shipment_update(user=w.stranger, shipment_id=shipment.pk, tracking_number="Z")


# --- Status moves -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before,after,delivered_once,allowed",
    [
        ("planned", "picked_up", False, True),
        ("planned", "delivered", False, True),
        ("planned", "planned", False, False),
        ("picked_up", "picked_up", False, False),
        ("picked_up", "in_transit", False, True),
        ("in_transit", "in_transit", False, True),
        ("in_transit", "picked_up", False, False),
        ("at_customs", "in_transit", False, True),
        ("delivered", "exception", True, True),
        ("delivered", "in_transit", True, False),
        ("delivered", "delivered", True, False),
        ("exception", "delivered", True, True),
        ("exception", "in_transit", True, False),
        ("exception", "picked_up", False, True),
        ("in_transit", "lost", False, False),
    ],
)
def test_status_moves(before, after, delivered_once, allowed):
    error = shipments.status_move_error(before, after, delivered_once=delivered_once)
    assert (error is None) == allowed


def test_the_shipments_status_is_its_latest_events_and_nothing_follows_delivered_but_exception(
    world,
):
    w, order, _carrier = world
    shipment = ship(w, order, "10")
    t0 = timezone.now() - timedelta(hours=5)
    event(w, shipment, "picked_up", occurred_at=t0, location="Kyiv")
    event(w, shipment, "in_transit", occurred_at=t0 + timedelta(hours=1), location="Zhytomyr")
    event(w, shipment, "in_transit", occurred_at=t0 + timedelta(hours=2), location="Rivne")
    with pytest.raises(ApplicationError) as refused:
        event(w, shipment, "picked_up")
    assert refused.value.code == "status_not_allowed" and "status" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:  # older than the latest
        event(w, shipment, "at_customs", occurred_at=t0 + timedelta(minutes=30))
    assert refused.value.code == "event_out_of_order"
    with pytest.raises(ApplicationError) as refused:
        event(w, shipment, "at_customs", occurred_at=timezone.now() + timedelta(days=1))
    assert refused.value.code == "event_in_future"
    delivered_at = t0 + timedelta(hours=3)
    deliver(w, shipment, at=delivered_at)
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.delivered_at == delivered_at
    for status in ("in_transit", "picked_up", "delivered", "at_customs"):
        with pytest.raises(ApplicationError):
            event(w, shipment, status)
    event(w, shipment, "exception", note="Two pallets damaged")
    shipment.refresh_from_db()
    assert shipment.status == "exception"
    with pytest.raises(ApplicationError):
        event(w, shipment, "in_transit")
    deliver(w, shipment)
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    latest = shipment.events.order_by("-occurred_at", "-pk").first()
    assert latest.status == shipment.status
    assert shipment.events.count() == 6


def test_events_carry_the_payloads_of_the_catalogue(world):
    w, order, carrier = world
    shipment = ship(w, order, "100", carrier=carrier, planned_arrival=date(2030, 1, 5))
    created = Event.objects.get(type="shipment.created")
    assert created.payload == {
        "shipment": shipment.pk,
        "order": order.pk,
        "number": f"{order.number}/1",
        "buyer": order.buyer_id,
        "supplier": order.supplier_id,
        "carrier": carrier.pk,
        "planned_arrival": "2030-01-05",
    }
    assert created.company_id == order.buyer_id
    assert set(created.audience.values_list("company_id", flat=True)) == {order.supplier_id}
    event(w, shipment, "in_transit")
    event(w, shipment, "in_transit")  # the same status again: no change, no event
    changed = Event.objects.filter(type="shipment.status_changed")
    assert changed.count() == 1
    assert changed.get().payload == {
        "shipment": shipment.pk,
        "order": order.pk,
        "number": f"{order.number}/1",
        "buyer": order.buyer_id,
        "supplier": order.supplier_id,
        "status_before": "planned",
        "status_after": "in_transit",
        "source": "supplier",
    }
    assert changed.get().actor == w.supplier_bidder


# --- The order follows ------------------------------------------------------------------------


def test_the_order_starts_then_is_delivered_when_every_line_is_delivered(
    world, django_capture_on_commit_callbacks
):
    w, order, _carrier = world
    with django_capture_on_commit_callbacks(execute=True):
        first = ship(w, order, "60")
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_FULFILMENT
    start = OrderHistory.objects.get(order=order, action="start")
    assert start.actor is None and start.side == "supplier"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(w, first)
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_FULFILMENT  # 40 t still to ship
    with django_capture_on_commit_callbacks(execute=True):
        second = ship(w, order, "40")
        event(w, second, "in_transit")
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_FULFILMENT  # shipped, not all delivered
    with django_capture_on_commit_callbacks(execute=True):
        deliver(w, second)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    moved = Event.objects.filter(type="order.status_changed").order_by("pk")
    assert [e.payload["action"] for e in moved] == ["start", "deliver"]
    assert OrderHistory.objects.filter(order=order, action="deliver").count() == 1


def test_an_order_moved_by_hand_meanwhile_is_not_moved_again(
    world, django_capture_on_commit_callbacks
):
    w, order, _carrier = world
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(w, order, "100")
    from deals.orders import order_move

    order_move(user=w.supplier_bidder, order_id=order.pk, action="deliver")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(w, shipment)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert OrderHistory.objects.filter(order=order, action="deliver").count() == 1
