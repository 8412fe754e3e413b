"""The carriers' pages through the test client (``frontend/logistics_card_views.py``): the
carriers a person may see (its company's own, editable by its company admins; the platform's
partners, read only for the companies trading there and kept by the platform's admins), a
carrier made, renamed, switched off and removed, its rate cards made and changed with their
bands as rows of inputs (overlapping bands, negative prices and wrong terms refused with the
services' messages next to the cells they name, and nothing half-written), a card's bands from
an XLSX file (the row-by-row report on failure, the card on success) and the template file.
Another company's carrier or card is not there (404) on every route, by GET and by POST."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from logistics import rate_import, services
from logistics.bands import COLUMNS
from logistics.models import Carrier, Place, RateBand, RateCard
from marketplace.companies.models import MembershipRole
from marketplace.core import spreadsheets
from tests.factories import member
from tests.logistics.helpers import band, card
from tests.routes import url_routes

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.logistics.fixtures"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def partner(platform, platform_admin):
    return services.carrier_create(
        user=platform_admin, name="Nova Freight", platform_id=platform.pk
    )


@pytest.fixture
def own(supplier_admin, supplier_company):
    return services.carrier_create(
        user=supplier_admin, name="Own canary trucks", company_id=supplier_company.pk
    )


@pytest.fixture
def own_card(supplier_admin, own):
    return card(
        supplier_admin,
        own,
        [band(0, 500, 0, 1000, "3.5", 1), band(500, 1500, 0, 1000, "5.2", 2)],
        name="Canary 2027",
        minimum_charge=Decimal(300),
        fuel_surcharge_percent=Decimal("7.5"),
    )


def as_(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def section(body: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', body, re.S)
    assert match, f"no #{element_id} in the page"
    return unescape(match.group(2))


def rows_of(body: str) -> list[str]:
    """The band rows of a card's form, each row's HTML."""
    tbody = re.search(r'<tbody id="band-rows">(.*?)</tbody>', body, re.S)
    assert tbody, "no band rows"
    return [unescape(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody.group(1), re.S)]


def card_post(bands: list[tuple], *, initial: int = 0, **terms) -> dict:
    """A card's form as a browser posts it: the terms and one row of inputs per band."""
    data = {
        "name": "Spring 2027",
        "currency": "UAH",
        "basis": "per_kg",
        "unit_capacity_kg": "",
        "minimum_charge": "250",
        "fuel_surcharge_percent": "5",
        "valid_from": "2027-03-01",
        "valid_to": "",
        "bands-TOTAL_FORMS": str(len(bands)),
        "bands-INITIAL_FORMS": str(initial),
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
    }
    data |= terms
    for index, cells in enumerate(bands):
        for column, value in zip(COLUMNS, cells, strict=False):
            data[f"bands-{index}-{column}"] = value
        if len(cells) > len(COLUMNS) and cells[len(COLUMNS)]:
            data[f"bands-{index}-DELETE"] = "on"
    return data


def bands_of(card_id: int) -> list[tuple]:
    return list(
        RateBand.objects.filter(card_id=card_id)
        .order_by("distance_from_km", "weight_from")
        .values_list("distance_from_km", "distance_to_km", "weight_from", "weight_to", "price")
    )


def xlsx(rows: list[list], header=COLUMNS) -> SimpleUploadedFile:
    data = spreadsheets.write_xlsx(list(header), rows)
    return SimpleUploadedFile("canary-rates.xlsx", data, content_type=XLSX)


def written() -> tuple:
    return (
        list(Carrier.objects.order_by("pk").values_list("name", "is_active")),
        list(RateCard.objects.order_by("pk").values_list("name", "fuel_surcharge_percent")),
        RateBand.objects.count(),
    )


# --- Carriers --------------------------------------------------------------------------------


def test_each_person_lists_the_carriers_it_may_see(
    client, supplier_admin, buyer_admin, platform_admin, partner, own
):
    body = html(as_(client, supplier_admin).get("/logistics/carriers/"))
    mine = section(body, f"carrier-{own.pk}")
    assert "Own canary trucks" in mine and "own carrier of Supplier Ltd" in mine
    assert "Edit" in mine
    theirs = section(body, f"carrier-{partner.pk}")
    assert "partner of Public platform" in theirs and "read only" in theirs
    assert 'id="carrier-new"' in body
    # The buyer trades on the platform: its partner, never the supplier's own.
    buyers = html(as_(client, buyer_admin).get("/logistics/carriers/"))
    assert "Nova Freight" in buyers and "Own canary trucks" not in buyers
    # The platform's admin keeps the partner and sees no company's own.
    admins = html(as_(client, platform_admin).get("/logistics/carriers/"))
    assert "Edit" in section(admins, f"carrier-{partner.pk}")
    assert "Own canary trucks" not in admins and 'id="carrier-new"' in admins
    # A bidder reads, adds none.
    bidder = member(own.company, role=MembershipRole.BIDDER)
    read_only = html(as_(client, bidder).get("/logistics/carriers/"))
    assert "read only" in section(read_only, f"carrier-{own.pk}")
    assert 'id="carrier-new"' not in read_only


def test_a_company_admin_and_a_platform_admin_make_their_carriers(
    client, supplier_admin, supplier_company, platform, platform_admin
):
    as_(client, supplier_admin)
    page = html(client.get("/logistics/carriers/new/"))
    assert f'value="company:{supplier_company.pk}"' in page
    made = client.post(
        "/logistics/carriers/new/",
        {"owner": f"company:{supplier_company.pk}", "name": "Own fleet", "is_active": "on"},
    )
    carrier = Carrier.objects.get(name="Own fleet")
    assert made["Location"] == f"/logistics/carriers/{carrier.pk}/"
    assert (carrier.company_id, carrier.platform_id, carrier.is_active) == (
        supplier_company.pk,
        None,
        True,
    )
    as_(client, platform_admin)
    assert f'value="platform:{platform.pk}"' in html(client.get("/logistics/carriers/new/"))
    client.post(
        "/logistics/carriers/new/", {"owner": f"platform:{platform.pk}", "name": "Partner Co"}
    )
    partner = Carrier.objects.get(name="Partner Co")
    assert (partner.platform_id, partner.company_id, partner.is_active) == (
        platform.pk,
        None,
        False,
    )


def test_a_carrier_refused_is_told_and_not_written(
    client, supplier_admin, supplier_company, platform, other_company
):
    as_(client, supplier_admin)
    nameless = client.post(
        "/logistics/carriers/new/", {"owner": f"company:{supplier_company.pk}", "name": " "}
    )
    assert nameless.status_code == 400
    assert "A carrier needs a name." in section(html(nameless), "id_name_errors")
    # Not the platform's admin: forbidden, with the service's reason.
    platform_owned = client.post(
        "/logistics/carriers/new/", {"owner": f"platform:{platform.pk}", "name": "x"}
    )
    assert platform_owned.status_code == 403
    assert "Only the platform's admins may manage its carriers." in section(
        html(platform_owned), "carrier-form"
    )
    # Another company: not found.
    stranger = client.post(
        "/logistics/carriers/new/", {"owner": f"company:{other_company.pk}", "name": "x"}
    )
    assert stranger.status_code == 404
    bidder = member(supplier_company, role=MembershipRole.BIDDER)
    refused = as_(client, bidder).post("/logistics/carriers/new/", {"name": "Mine"})
    assert refused.status_code == 403
    assert "Only the company's admins may manage its carriers." in section(
        html(refused), "carrier-form"
    )
    assert not Carrier.objects.exists()


def test_a_carrier_is_renamed_switched_off_and_removed(client, supplier_admin, own, own_card):
    as_(client, supplier_admin)
    page = html(client.get(f"/logistics/carriers/{own.pk}/"))
    assert "Canary 2027" in section(page, f"card-{own_card.pk}")
    assert 'id="card-new"' in page and 'id="card-import"' in page
    renamed = client.post(f"/logistics/carriers/{own.pk}/", {"name": "Canary Logistics"})
    assert renamed.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.is_active) == ("Canary Logistics", False)
    wrong = client.post(f"/logistics/carriers/{own.pk}/", {"name": "", "is_active": "on"})
    assert wrong.status_code == 400
    assert "A carrier needs a name." in section(html(wrong), "id_name_errors")
    own.refresh_from_db()
    assert own.name == "Canary Logistics"
    removed = client.post(f"/logistics/carriers/{own.pk}/delete/")
    assert removed["Location"] == "/logistics/carriers/"
    assert texts(removed) == ["The carrier “Canary Logistics” is removed."]
    assert not Carrier.objects.exists() and not RateCard.objects.exists()


def test_a_reader_of_a_carrier_changes_nothing(client, supplier_admin, partner, own, own_card):
    before = written()
    as_(client, supplier_admin)  # reads the platform's partner
    page = html(client.get(f"/logistics/carriers/{partner.pk}/"))
    assert "You may read this carrier" in page and 'id="carrier-form"' not in page
    refused = client.post(f"/logistics/carriers/{partner.pk}/", {"name": "Mine now"})
    assert refused.status_code == 403
    assert "You may read this carrier but not change it." in section(html(refused), "refusal")
    assert client.post(f"/logistics/carriers/{partner.pk}/delete/").status_code == 403
    # A reader's form that does not even parse is refused as such, not checked.
    unparsed = client.post(f"/logistics/carriers/{partner.pk}/", {"name": "x" * 300})
    assert unparsed.status_code == 403
    assert "You may read this carrier but not change it." in section(html(unparsed), "refusal")
    new_card = client.get(f"/logistics/carriers/{partner.pk}/cards/new/")
    assert new_card.status_code == 403 and 'id="card-form"' not in html(new_card)
    assert (
        client.post(f"/logistics/carriers/{partner.pk}/cards/new/", card_post([])).status_code
        == 403
    )
    # A bidder of the supplier reads its own carrier's card.
    bidder = member(own.company, role=MembershipRole.BIDDER)
    as_(client, bidder)
    card_page = html(client.get(f"/logistics/cards/{own_card.pk}/"))
    assert "You may read this rate card but not change it." in card_page
    assert 'id="card-form"' not in card_page and "3.5" in section(card_page, "bands")
    posted = client.post(
        f"/logistics/cards/{own_card.pk}/", card_post([("0", "1", "0", "1", "1", "1")])
    )
    assert posted.status_code == 403
    unparsed = client.post(
        f"/logistics/cards/{own_card.pk}/", card_post([("a", "b", "c", "d", "e", "f")])
    )
    assert unparsed.status_code == 403
    assert "You may read this rate card but not change it." in section(html(unparsed), "refusal")
    assert client.post(f"/logistics/cards/{own_card.pk}/delete/").status_code == 403
    assert written() == before


# --- Rate cards ------------------------------------------------------------------------------


def test_a_rate_card_is_made_with_its_bands(client, supplier_admin, own):
    as_(client, supplier_admin)
    page = html(client.get(f"/logistics/carriers/{own.pk}/cards/new/"))
    assert len(rows_of(page)) == 2  # two empty rows; the page's script adds more
    assert 'id="band-row-template"' in page and "bands-__prefix__-price" in page
    data = card_post(
        [
            ("0", "500", "0", "1000", "3,5", "1"),
            ("", "", "", "", "", ""),  # left empty: no band
            ("500", "1 500", "0", "1000", "5.20", "2"),
        ]
    )
    made = client.post(f"/logistics/carriers/{own.pk}/cards/new/", data)
    assert made.status_code == 302, html(made)
    card = RateCard.objects.get()
    assert made["Location"] == f"/logistics/cards/{card.pk}/"
    assert (card.name, card.minimum_charge, card.fuel_surcharge_percent) == (
        "Spring 2027",
        Decimal("250.00"),
        Decimal("5.00"),
    )
    assert card.valid_from == date(2027, 3, 1) and card.valid_to is None
    assert bands_of(card.pk) == [
        (Decimal(0), Decimal(500), Decimal(0), Decimal(1000), Decimal("3.5")),
        (Decimal(500), Decimal(1500), Decimal(0), Decimal(1000), Decimal("5.2")),
    ]
    shown = html(client.get(made["Location"]))
    rows = rows_of(shown)
    assert 'value="3.5"' in rows[0] and 'value="1500"' in rows[1]


def test_overlapping_bands_and_negative_prices_are_told_on_their_rows(client, supplier_admin, own):
    as_(client, supplier_admin)
    url = f"/logistics/carriers/{own.pk}/cards/new/"
    overlap = client.post(
        url,
        card_post([("0", "500", "0", "1000", "3", "1"), ("100", "600", "500", "2000", "2", "1")]),
    )
    assert overlap.status_code == 400
    rows = rows_of(html(overlap))
    assert "Overlaps band 1 in both distance and weight." in rows[1]
    assert "Overlaps" not in rows[0]
    assert 'value="600"' in rows[1]  # what was typed is kept
    # The rows are numbered as the messages count the bands: an empty row is no band.
    gap = client.post(
        url,
        card_post(
            [
                ("0", "500", "0", "1000", "3", "1"),
                ("", "", "", "", "", ""),
                ("100", "600", "500", "2000", "2", "1"),
            ]
        ),
    )
    first, empty, third = rows_of(html(gap))
    assert '<th scope="row" class="row-number">1</th>' in first
    assert '<th scope="row" class="row-number">2</th>' in third
    assert "Overlaps band 1 in both distance and weight." in third
    assert '<th scope="row" class="row-number"></th>' in empty
    negative = client.post(url, card_post([("0", "500", "0", "1000", "-0.01", "1")]))
    assert negative.status_code == 400
    (row,) = rows_of(html(negative))
    assert re.search(
        r'name="bands-0-price"[^>]*>\s*<p class="field-error">The price must not be negative.', row
    )
    inverted = client.post(url, card_post([("500", "100", "0", "1000", "1", "1")]))
    assert "Must be greater than “from” (500)." in rows_of(html(inverted))[0]
    assert not RateCard.objects.exists() and not RateBand.objects.exists()


def test_wrong_cells_and_terms_are_told_field_by_field(client, supplier_admin, own):
    as_(client, supplier_admin)
    url = f"/logistics/carriers/{own.pk}/cards/new/"
    good = [("0", "500", "0", "1000", "3", "1")]
    cells = client.post(
        url,
        card_post([("0", "abc", "0", "1000", "3.12345", "1.5"), ("0", "100", "", "", "", "")]),
    )
    assert cells.status_code == 400
    first, second = rows_of(html(cells))
    assert "Not a number: “abc”." in first and "At most 4 decimal places." in first
    assert "Transit days must be a whole number." in first
    assert second.count("Required.") == 4
    cases = [
        (
            {"fuel_surcharge_percent": "101"},
            "id_fuel_surcharge_percent_errors",
            "The fuel surcharge must be between 0 and 100%.",
        ),
        (
            {"basis": "per_pallet"},
            "id_unit_capacity_kg_errors",
            "A card per pallet or per truck needs what one carries, in kg.",
        ),
        ({"valid_to": "2027-01-01"}, "id_valid_to_errors", "A card cannot end before it starts."),
        (
            {"minimum_charge": "-1"},
            "id_minimum_charge_errors",
            "The minimum charge must not be negative.",
        ),
        ({"currency": ""}, "id_currency_errors", "Not a currency the platform trades in."),
        ({"valid_from": ""}, "id_valid_from_errors", "A card needs the date it is valid from."),
        ({"minimum_charge": "1.234"}, "id_minimum_charge_errors", "At most 2 decimal places."),
    ]
    for terms, box, message in cases:
        response = client.post(url, card_post(good, **terms))
        assert response.status_code == 400, terms
        assert message in section(html(response), box), terms
    assert not RateCard.objects.exists() and not RateBand.objects.exists()


def test_a_card_is_changed_whole_or_not_at_all(client, supplier_admin, own_card):
    as_(client, supplier_admin)
    url = f"/logistics/cards/{own_card.pk}/"
    page = html(client.get(url))
    rows = rows_of(page)
    assert len(rows) == 4  # its two bands and two empty rows
    assert 'value="3.5"' in rows[0] and 'value="1500"' in rows[1]
    assert 'value="7.5"' in section(page, "card-form") or 'value="7.50"' in page
    before = bands_of(own_card.pk)
    # An overlap on a change: nothing of it is written, the terms neither.
    refused = client.post(
        url,
        card_post(
            [("0", "500", "0", "1000", "3.5", "1"), ("0", "800", "0", "1000", "5.2", "2")],
            initial=2,
            fuel_surcharge_percent="9",
        ),
    )
    assert refused.status_code == 400
    assert "Overlaps band 1" in rows_of(html(refused))[1]
    own_card.refresh_from_db()
    assert own_card.fuel_surcharge_percent == Decimal("7.50") and bands_of(own_card.pk) == before
    # The second band removed, a third added, the fuel changed: all together.
    changed = client.post(
        url,
        card_post(
            [
                ("0", "500", "0", "1000", "3.5", "1"),
                ("500", "1500", "0", "1000", "5.2", "2", "remove"),
                ("0", "500", "1000", "5000", "2.9", "2"),
            ],
            initial=2,
            fuel_surcharge_percent="9",
            name="Canary 2027",
        ),
    )
    assert changed.status_code == 302, html(changed)
    own_card.refresh_from_db()
    assert own_card.fuel_surcharge_percent == Decimal("9.00")
    assert bands_of(own_card.pk) == [
        (Decimal(0), Decimal(500), Decimal(0), Decimal(1000), Decimal("3.5")),
        (Decimal(0), Decimal(500), Decimal(1000), Decimal(5000), Decimal("2.9")),
    ]
    removed = client.post(f"/logistics/cards/{own_card.pk}/delete/")
    assert removed["Location"] == f"/logistics/carriers/{own_card.carrier_id}/"
    assert not RateCard.objects.exists() and not RateBand.objects.exists()


def test_a_platform_admin_keeps_its_partners_cards(client, platform_admin, partner):
    as_(client, platform_admin)
    made = client.post(
        f"/logistics/carriers/{partner.pk}/cards/new/",
        card_post(
            [("0", "1000", "1", "3", "9000", "1")],
            basis="per_truck",
            unit_capacity_kg="20000",
            currency="EUR",
        ),
    )
    assert made.status_code == 302, html(made)
    card = RateCard.objects.get()
    assert (card.carrier_id, card.basis, card.unit_capacity_kg, card.currency) == (
        partner.pk,
        "per_truck",
        Decimal("20000.000"),
        "EUR",
    )


# --- Rate cards from a file ------------------------------------------------------------------


def test_the_template_is_a_file_the_import_takes(client, supplier_admin):
    data = rate_import.rate_card_template_xlsx()
    report = rate_import.read_rate_file(data=data, filename="template.xlsx")
    assert report.valid and len(report.bands) == len(rate_import.TEMPLATE_EXAMPLE)
    assert report.bands[0].price == Decimal("3.5") and report.bands[-1].transit_days == 3
    response = as_(client, supplier_admin).get("/logistics/rate-card-template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert 'filename="tradefloor-rate-card.xlsx"' in response["Content-Disposition"]
    table = spreadsheets.read_table(data=response.content, filename="t.xlsx")
    assert [str(cell) for cell in table[0]] == list(COLUMNS)


def test_a_new_card_from_a_file(client, supplier_admin, own):
    as_(client, supplier_admin)
    url = f"/logistics/carriers/{own.pk}/cards/import/"
    page = html(client.get(url))
    assert 'href="/logistics/rate-card-template.xlsx"' in page and 'id="id_currency"' in page
    terms = card_post([])
    terms = {k: v for k, v in terms.items() if not k.startswith("bands-")}
    made = client.post(
        url,
        terms | {"file": xlsx([[0, 500, 0, 1000, "3,50", 1], [], [500, 1500, 0, 1000, 5.2, 2]])},
    )
    assert made.status_code == 302, html(made)
    card = RateCard.objects.get()
    assert made["Location"] == f"/logistics/cards/{card.pk}/"
    assert texts(made) == ["The rate card is made from the file, with 2 bands."]
    assert card.name == "Spring 2027" and len(bands_of(card.pk)) == 2
    # The card's page shows it.
    shown = html(client.get(made["Location"]))
    assert 'value="Spring 2027"' in shown and 'value="5.2"' in rows_of(shown)[1]


def test_a_file_with_problems_is_reported_row_by_row_and_nothing_written(
    client, supplier_admin, own
):
    as_(client, supplier_admin)
    url = f"/logistics/carriers/{own.pk}/cards/import/"
    terms = {k: v for k, v in card_post([]).items() if not k.startswith("bands-")}
    rows = [
        [0, 500, 0, 1000, 3, 1],  # row 2
        [100, 600, 500, 2000, 2, 1],  # row 3: overlaps row 2
        [0, 500, 1000, 2000, -1, 1],  # row 4: negative price
        [0, "abc", 2000, 3000, 1, 1.5],  # row 5: not a number, transit days not whole
    ]
    response = client.post(url, terms | {"file": xlsx(rows)})
    assert response.status_code == 400
    body = html(response)
    assert "The file has problems: nothing was imported." in section(body, "import-invalid")
    report = section(body, "import-report")
    lines = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", report)
    assert ("3", "—", "Overlaps row 2 in both distance and weight.") in lines
    assert ("4", "price", "The price must not be negative.") in lines
    assert ("5", "distance_to", "Not a number: “abc”.") in lines
    assert ("5", "transit_days", "Transit days must be a whole number.") in lines
    assert not any(line[0] == "2" for line in lines)
    # The typed terms are kept for the next try.
    assert 'value="Spring 2027"' in body
    missing = client.post(url, terms | {"file": xlsx([[0, 1, 0, 1, 1]], header=COLUMNS[:5])})
    assert "Columns missing: transit_days." in section(html(missing), "import-report")
    no_file = client.post(url, terms)
    assert "Choose the file to import." in section(html(no_file), "id_file_errors")
    # A good file with wrong terms: the terms' messages, nothing written.
    wrong_terms = client.post(
        url, terms | {"fuel_surcharge_percent": "150", "file": xlsx(rows[:1])}
    )
    assert wrong_terms.status_code == 400
    assert "The fuel surcharge must be between 0 and 100%." in section(
        html(wrong_terms), "id_fuel_surcharge_percent_errors"
    )
    assert not RateCard.objects.exists() and not RateBand.objects.exists()


def test_a_cards_bands_replaced_by_a_file(client, supplier_admin, own_card):
    as_(client, supplier_admin)
    url = f"/logistics/cards/{own_card.pk}/import/"
    assert 'id="import-check"' in html(client.get(url))
    before = bands_of(own_card.pk)
    rows = [[0, 800, 0, 5000, 2.5, 2], [800, 2000, 0, 5000, 3, 3], [0, 800, 5000, 20000, 2, 2]]
    checked = client.post(url, {"file": xlsx(rows), "action": "check"})
    assert checked.status_code == 200
    assert "All the file's 3 rows are valid. Nothing is written yet." in section(
        html(checked), "import-valid"
    )
    assert bands_of(own_card.pk) == before
    bad = client.post(url, {"file": xlsx([*rows, [0, 100, 0, 100, 1, 1]]), "action": "import"})
    assert bad.status_code == 400
    assert "Overlaps row 2 in both distance and weight." in section(html(bad), "import-report")
    assert bands_of(own_card.pk) == before
    imported = client.post(url, {"file": xlsx(rows), "action": "import"})
    assert imported.status_code == 302
    assert texts(imported) == ["The card's bands are replaced by the file's 3 bands."]
    assert [b[1] for b in bands_of(own_card.pk)] == [Decimal(800), Decimal(800), Decimal(2000)]


def test_only_a_cards_keepers_import(client, supplier_admin, partner, platform_admin):
    partner_card = card(platform_admin, partner, [band(0, 100, 0, 100, "1", 1)])
    as_(client, supplier_admin)
    url = f"/logistics/cards/{partner_card.pk}/import/"
    page = client.get(url)
    assert page.status_code == 403 and 'id="import-form"' not in html(page)
    refused = client.post(url, {"file": xlsx([[0, 5, 0, 5, 1, 1]]), "action": "import"})
    assert refused.status_code == 403
    assert "You may read this rate card but not change it." in section(html(refused), "refusal")
    assert client.get(f"/logistics/carriers/{partner.pk}/cards/import/").status_code == 403
    terms = {k: v for k, v in card_post([]).items() if not k.startswith("bands-")}
    new_card = client.post(
        f"/logistics/carriers/{partner.pk}/cards/import/",
        terms | {"file": xlsx([[0, 5, 0, 5, 1, 1]])},
    )
    assert new_card.status_code == 403 and RateCard.objects.count() == 1
    assert bands_of(partner_card.pk) == [
        (Decimal(0), Decimal(100), Decimal(0), Decimal(100), Decimal(1))
    ]


# --- Another company's -----------------------------------------------------------------------


def card_routes() -> list[str]:
    return url_routes("logistics/", containing="<")


def test_the_canary_crawl_finds_nothing_of_another_companys(
    client, supplier_admin, supplier_company, other_admin, platform_admin, own, own_card
):
    """Another company's admin, and the platform's admin, ask every logistics page that takes
    an id with the supplier's place, carrier and card ids, by GET and by POST: not found,
    nothing written, no canary shown."""
    place = services.place_create(
        user=supplier_admin,
        company_id=supplier_company.pk,
        kind="warehouse",
        name="Canary warehouse",
        country="UA",
        latitude=Decimal(50),
        longitude=Decimal(30),
    )
    routes = card_routes()
    assert len(routes) == 9, routes
    ids = {"place_id": place.pk, "carrier_id": own.pk, "card_id": own_card.pk}
    before = written()
    for user in (other_admin, platform_admin):
        as_(client, user)
        for route in routes:
            path = "/" + re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), route)
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                # A route taking only POST answers GET with 405 before it looks anything up.
                expected = 405 if method == "get" and route.endswith("delete/") else 404
                assert response.status_code == expected, (method, path, response.status_code)
                assert "Canary warehouse" not in html(response), path
                assert "Own canary trucks" not in html(response), path
        for listing in ("/logistics/places/", "/logistics/carriers/", "/logistics/calculator/"):
            body = html(client.get(listing))
            assert "Canary warehouse" not in body and "Own canary trucks" not in body
    assert written() == before
    assert Place.objects.get().name == "Canary warehouse"
