"""The public tracking page (``/track/<token>/``): no log-in; the shipment's status, dates and
events (status, time, place, public notes), never a price, a quantity, a person or an internal
note; a token that does not exist and any other string answer the same 404 page; never cached,
indexed or told in a Referer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from .shipment_helpers import event, line_of, ship, shipping_world

pytestmark = pytest.mark.django_db

PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}


def _headers_ok(response) -> None:
    for name, value in PRIVATE_HEADERS.items():
        assert response[name] == value, name


def _normalised(html: str) -> str:
    """The page less what differs per request anyway: the CSRF token's mask, and the address
    the base template's language switcher returns to."""
    html = re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', 'name="next"', html)


def test_the_page_shows_status_dates_and_events_but_no_prices_people_or_internal_notes():
    w, order, carrier = shipping_world()
    w.supplier_bidder.first_name, w.supplier_bidder.last_name = "Petro", "Shipperenko"
    w.supplier_bidder.save()
    shipment = ship(w, order, "37.5", carrier=carrier, tracking_number="TRK-777")
    t0 = timezone.now() - timedelta(hours=3)
    event(
        w, shipment, "picked_up", occurred_at=t0, location="Kyiv depot", note="Signed by Olena K."
    )
    event(
        w,
        shipment,
        "in_transit",
        occurred_at=t0 + timedelta(hours=1),
        location="Rivne hub",
        note="Running on schedule",
        internal=False,
    )
    response = Client().get(f"/track/{shipment.tracking_token}/")
    assert response.status_code == 200
    _headers_ok(response)
    html = response.content.decode()
    for shown in (
        "TRK-777",
        "Own Trucks",
        "Kyiv depot",
        "Rivne hub",
        "Running on schedule",
        "In transit",
    ):
        assert shown in html, shown
    line = line_of(order)
    for hidden in (
        "Signed by Olena K.",  # an internal note
        "Shipperenko",
        w.supplier_bidder.email,
        w.officer.email,
        order.buyer.legal_name,
        order.supplier.legal_name,
        order.number,
        str(order.total),
        f"{order.total:,.2f}",
        str(line.unit_price),
        "37.5",
        "37,5",
        line.item,
    ):
        assert hidden not in html, hidden


def test_an_unknown_token_and_any_other_string_answer_the_same_404():
    w, order, _carrier = shipping_world()
    shipment = ship(w, order, "1")
    answers = []
    for token in (
        "x" * 43,  # looks like a token, is none
        shipment.tracking_token[:-1] + ("A" if shipment.tracking_token[-1] != "A" else "B"),
        "1",
        str(shipment.pk),
        "'; drop table --",
        "%00",
        "a" * 300,
    ):
        response = Client().get(f"/track/{token}/")
        assert response.status_code == 404, token
        _headers_ok(response)
        answers.append(_normalised(response.content.decode()))
    assert len(set(answers)) == 1
    assert "Shipment not found" in answers[0]


def test_a_signed_in_readers_page_says_no_more():
    w, order, _carrier = shipping_world()
    shipment = ship(w, order, "1")
    c = Client()
    c.force_login(w.officer)
    html = c.get(f"/track/{shipment.tracking_token}/").content.decode()
    assert order.number not in html and order.supplier.legal_name not in html
