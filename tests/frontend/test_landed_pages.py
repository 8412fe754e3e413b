# ruff: noqa: F811 (the landed-cost fixtures are imported, then asked for by name)
"""A lot ranked by landed cost on the pages: the officer's lot form, the supplier choosing the
warehouse it ships from on the tender page, the buyer's admission table with each delivery
cost, and the room and console showing the landed figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auctions.models import ApplicationStatus
from auctions.tenders import applications as application_services
from tests.frontend.test_tender_pages import html, log_in, lot_post, messages_of
from tests.logistics.helpers import LVIV
from tests.logistics.landed_helpers import landed_world, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_officer_makes_a_lot_ranked_by_landed_cost_and_is_told_what_it_needs(client, world):
    tender = world.draft(lots=0)
    log_in(client, world.officer)
    form = html(client.get(f"/tenders/{tender.pk}/lots/new/"))
    # A city picked from the gazetteer fills the delivery place's coordinates.
    assert 'data-city-search="/logistics/cities/"' in form
    assert (
        'data-fill-latitude="#id_delivery_latitude"' in form and 'id="id_delivery_latitude"' in form
    )
    refused = client.post(
        f"/tenders/{tender.pk}/lots/new/",
        lot_post(world, tender, landed_cost="on", incoterms="DDP", unit_weight_kg=""),
    )
    assert refused.status_code == 400
    page = html(refused)
    assert "choose EXW, FCA, FAS or FOB" in page
    assert "needs the weight of one unit" in page
    assert not tender.lots.exists()
    response = client.post(
        f"/tenders/{tender.pk}/lots/new/",
        lot_post(
            world,
            tender,
            landed_cost="on",
            incoterms="FCA",
            unit_weight_kg="1000",
            delivery_latitude=str(LVIV[0]),
            delivery_longitude=str(LVIV[1]),
        ),
    )
    assert response.status_code == 302, messages_of(response) or html(response)
    lot = tender.lots.get()
    assert (lot.landed_cost, lot.incoterms, lot.unit_weight_kg) == (True, "FCA", Decimal(1000))
    assert (lot.delivery_latitude, lot.delivery_longitude) == LVIV


def test_the_supplier_quotes_its_delivery_on_the_tender_page_and_the_buyer_sees_it(
    client, landed_world
):
    w = landed_world
    log_in(client, w.supplier_admin)
    page = html(client.get(f"/tenders/{w.lot.tender_id}/"))
    assert "choose the warehouse you ship from" in page
    assert f'<option value="{w.warehouse.pk}">Kyiv warehouse, Kyiv</option>' in page
    response = client.post(
        f"/applications/{w.application.pk}/delivery/", {"warehouse": w.warehouse.pk}
    )
    assert response.status_code == 302
    page = html(client.get(response["Location"]))
    assert "Your delivery cost from Kyiv warehouse, Kyiv is" in page
    assert "200,000.00" in page
    assert "by Own trucks" in page
    w.application.refresh_from_db()
    assert w.application.delivery_cost == Decimal("200000.00")

    log_in(client, w.officer)
    manage = html(client.get(f"/tenders/{w.lot.tender_id}/manage/"))
    assert "Delivery cost" in manage
    assert "200,000.00" in manage and "Own trucks" in manage


def test_another_company_cannot_quote_for_the_application(client, landed_world):
    w = landed_world
    log_in(client, w.other_admin)
    response = client.post(
        f"/applications/{w.application.pk}/delivery/", {"warehouse": w.warehouse.pk}
    )
    assert response.status_code == 404
    w.application.refresh_from_db()
    assert w.application.delivery_cost is None


def test_a_bad_warehouse_is_told_on_the_page(client, landed_world):
    w = landed_world
    log_in(client, w.supplier_admin)
    response = client.post(f"/applications/{w.application.pk}/delivery/", {"warehouse": "x"})
    assert response.status_code == 302
    page = html(client.get(response["Location"]))
    assert "Choose the warehouse you ship from." in page


def test_the_room_and_the_console_show_the_landed_figures(client, landed_world):
    w = landed_world
    log_in(client, w.supplier_admin)
    client.post(f"/applications/{w.application.pk}/delivery/", {"warehouse": w.warehouse.pk})
    w.application.refresh_from_db()
    application_services.application_admit(actor=w.officer, application=w.application)
    assert w.application.__class__.objects.get(pk=w.application.pk).status == (
        ApplicationStatus.ADMITTED
    )
    room = html(client.get(f"/lots/{w.lot.pk}/"))
    assert "My landed cost (ranked by)" in room
    assert "ranked by landed cost" in room
    log_in(client, w.officer)
    console = html(client.get(f"/lots/{w.lot.pk}/"))
    assert "<th>Landed cost</th>" in console
    assert "My landed cost" not in console


def test_the_console_shows_each_bidders_standing_and_the_room_shows_none(client, landed_world):
    """The ratings' badge beside each bidder's name is the buyer's: its console's script gets
    each admitted supplier's standing; a supplier's room gets no one's."""
    from django.utils import timezone

    from marketplace.standings.models import Band, SupplierStanding

    w = landed_world
    log_in(client, w.supplier_admin)
    client.post(f"/applications/{w.application.pk}/delivery/", {"warehouse": w.warehouse.pk})
    application_services.application_admit(actor=w.officer, application=w.application)
    SupplierStanding.objects.create(
        buyer=w.buyer,
        supplier=w.supplier,
        score=Decimal("42.40"),
        band=Band.WARNING,
        period_label="12 months",
        updated_at=timezone.now(),
    )
    room = client.get(f"/lots/{w.lot.pk}/")
    assert room.context["room_config"]["applications"] == []
    log_in(client, w.officer)
    console = client.get(f"/lots/{w.lot.pk}/")
    (entry,) = console.context["room_config"]["applications"]
    assert entry["standing"]["band"] == "warning"
    assert entry["standing"]["text"] == "Warning 42"
    assert "42.40" in entry["standing"]["title"]
