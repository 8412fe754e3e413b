"""The shipping calculator and a rate card's bands in a browser, against the live stack: the
demo's steel supplier (its company admin) has a warehouse in Dnipro and a carrier of its own
with a card per kg (made for the test, through the services). It opens "Logistics" from the top
bar and the calculator, ships from its warehouse to a city picked from the gazetteer's
suggestions as it types (the city's coordinates are filled by the page's script), and reads the
distance, the cheapest and the fastest carrier, the cost and the arrival date against the
delivery date. Then it adds a band to the card with "Add a band": an overlapping one is refused
on its own row with the service's message (the page answers 400) and nothing is written; corrected, the card
is saved with it. No other console error (CSP violations included)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SUPPLIER = "steel@demo.tradefloor.local"

# Dnipro's steel yard (the gazetteer's Dnipro), the supplier's own carrier and its card:
# 0.50 a kg up to 2000 km (3 days), 0.40 from 2000 to 5000 km (5 days), up to 20 t; fuel 10 %.
SETUP = """
from datetime import date
from decimal import Decimal
from logistics import services
from logistics.bands import Band
from marketplace.companies.models import Membership
from marketplace.users.models import User
user = User.objects.get(email={email!r})
company_id = Membership.objects.get(user=user, role="company_admin").company_id
place = services.place_create(
    user=user, company_id=company_id, kind="warehouse", name="Dnipro steel yard",
    gazetteer_id=709930,
)
carrier = services.carrier_create(user=user, name="Dnipro Express", company_id=company_id)
card = services.rate_card_create(
    user=user, carrier_id=carrier.pk, name="Steel 2027", currency="UAH", basis="per_kg",
    fuel_surcharge_percent=Decimal(10), valid_from=date(2020, 1, 1),
    bands=[
        Band(Decimal(0), Decimal(2000), Decimal(0), Decimal(20000), Decimal("0.5"), 3),
        Band(Decimal(2000), Decimal(5000), Decimal(0), Decimal(20000), Decimal("0.4"), 5),
    ],
)
print(place.pk, carrier.pk, card.pk)
"""


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


@pytest.fixture(scope="module")
def logistics(stack) -> dict[str, int]:
    out = stack.manage("shell", "-c", SETUP.format(email=SUPPLIER))
    place, carrier, card = (int(n) for n in out.strip().splitlines()[-1].split())
    return {"place": place, "carrier": carrier, "card": card}


def band_count(stack, card_id: int) -> int:
    code = f"from logistics.models import RateBand; print(RateBand.objects.filter(card_id={card_id}).count())"
    return int(stack.manage("shell", "-c", code).strip().splitlines()[-1])


def test_a_quote_to_a_city_picked_as_typed_and_a_band_added_to_the_card(
    stack, logistics, new_page, artifacts
):
    page = new_page(email=SUPPLIER, width=1366)
    base = stack.base_url

    # The top bar's "Logistics", then the calculator.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Logistics", exact=True).click()
    expect(page).to_have_url(f"{base}/logistics/")
    page.locator("#logistics-index").get_by_role("link", name="Shipping calculator").click()
    expect(page).to_have_url(f"{base}/logistics/calculator/")

    # From the warehouse; to Lviv, picked from the suggestions offered as "Льв" is typed.
    page.select_option("#id_from_place", str(logistics["place"]))
    page.locator("#id_to_city").press_sequentially("Льв", delay=60)
    option = page.locator('#to-city-options option[value="Lviv, UA"]')
    expect(option).to_have_count(1)
    page.fill("#id_to_city", "Lviv, UA")  # what choosing the suggestion puts in the box
    expect(page.locator("#id_to_latitude")).to_have_value("49.838260")
    expect(page.locator("#id_to_longitude")).to_have_value("24.023240")
    expect(page.locator("#id_to_city_id")).to_have_value("702550")
    page.fill("#id_quantity", "10")
    page.fill("#id_unit_weight_kg", "100")
    # The delivery date: tomorrow, before the 3 days' transit.
    tomorrow = page.evaluate("new Date(Date.now() + 86400000).toISOString().slice(0, 10)")
    page.fill("#id_required_by", tomorrow)
    page.click("#calculate")

    expect(page.locator("#quote-distance")).to_contain_text(re.compile(r"\d+(\.\d)? km"))
    expect(page.locator("#quote-to-city")).to_contain_text("Lviv, UA")
    cheapest = page.locator("#quote-cheapest")
    expect(cheapest).to_contain_text("Dnipro Express")
    # 1000 kg × 0.50 = 500, + 10 % fuel.
    expect(cheapest).to_contain_text(re.compile(r"UAH\s?550\.00"))
    expect(cheapest).to_contain_text("3 days")
    expect(cheapest).to_contain_text("late")
    expect(page.locator("#quote-fastest")).to_contain_text("Dnipro Express")
    expect(page.locator(f"#option-{logistics['card']}")).to_contain_text("1000 kg")
    expect(page.locator("#quote-all-late")).to_be_visible()
    page.screenshot(path=artifacts / "logistics-calculator.png", full_page=True)

    # The carrier's card: a band added with the page's "Add a band".
    page.get_by_role("link", name="Carriers", exact=True).first.click()
    page.locator(f"#carrier-{logistics['carrier']}").get_by_role(
        "link", name="Dnipro Express"
    ).click()
    page.locator(f"#card-{logistics['card']}").get_by_role("link").click()
    expect(page).to_have_url(f"{base}/logistics/cards/{logistics['card']}/")
    rows = page.locator("#band-rows tr")
    expect(rows).to_have_count(4)  # its two bands and two empty rows
    page.click("#band-add")
    expect(rows).to_have_count(5)
    new_row = rows.nth(4)
    expect(new_row.locator(".row-number")).to_have_text("")  # numbered once it holds a band
    cells = new_row.locator("input:not([type=checkbox])")
    for cell, value in zip(
        ("distance_from", "distance_to", "weight_from", "weight_to", "price", "transit_days"),
        ("1000", "3000", "0", "5000", "1,25", "2"),
        strict=True,
    ):
        new_row.locator(f"input[name$='-{cell}']").fill(value)
    expect(cells).to_have_count(6)
    page.click("#card-save")

    # It overlaps the first band in both distance and weight: refused on its row.
    expect(page.locator("#band-rows")).to_contain_text("Overlaps band 1")
    refused_row = page.locator("#band-rows tr").filter(has_text="Overlaps band 1")
    expect(refused_row.locator("input[name$='-distance_to']")).to_have_value("3000")
    expect(refused_row.locator(".row-number")).to_have_text("3")  # the third band
    page.screenshot(path=artifacts / "logistics-card-refused.png", full_page=True)
    assert band_count(stack, logistics["card"]) == 2  # nothing of it written

    # Heavier than the card's other bands: no overlap, saved with them.
    refused_row.locator("input[name$='-weight_from']").fill("20000")
    refused_row.locator("input[name$='-weight_to']").fill("40000")
    page.click("#card-save")
    expect(page.locator(".messages")).to_contain_text("The rate card is saved.")
    saved = page.locator("#band-rows tr")
    expect(saved).to_have_count(5)  # three bands (by distance, then weight) and two empty rows
    expect(saved.nth(1).locator("input[name$='-weight_to']")).to_have_value("40000")
    expect(saved.nth(1).locator("input[name$='-price']")).to_have_value("1.25")
    assert band_count(stack, logistics["card"]) == 3

    # The refused save answered 400 (the page with its messages), on purpose; nothing else.
    refused = [p for p in page.problems if "status of 400" in p]
    assert len(refused) == 1 and [p for p in page.problems if p not in refused] == []
