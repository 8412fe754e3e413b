"""A rate card's bands from XLSX: a dry run's row-by-row report, and an import that writes all
the rows or, with a single problem, nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from logistics import services
from logistics.models import RateBand
from logistics.rate_import import read_rate_file
from marketplace.companies.models import MembershipRole
from marketplace.core.spreadsheets import write_csv, write_xlsx
from tests.factories import member

from .helpers import band, card, client

pytestmark = pytest.mark.django_db

HEADER = ["Distance from", "distance_to_km", "weight_from", "WEIGHT_TO", "price", "transit_days"]
GOOD = [
    [0, 500, 0, 1000, 3.5, 1],
    [500, 1000, 0, 1000, "4,25", 2],
    [0, 1000, 1000, 20000, "2.1", 3],
]


@pytest.fixture
def own_card(supplier_admin, supplier_company):
    carrier = services.carrier_create(
        user=supplier_admin, name="Own trucks", company_id=supplier_company.pk
    )
    return card(supplier_admin, carrier, [band(0, 9999, 0, 99999, "9", 9)])


def _upload(supplier_admin, own_card, rows, *, dry_run: bool, header=HEADER, name="rates.xlsx"):
    data = write_xlsx(header, rows) if name.endswith(".xlsx") else write_csv(header, rows)
    return client(supplier_admin).post(
        f"/api/logistics/rate-cards/{own_card.pk}/import/",
        {"file": SimpleUploadedFile(name, data), "dry_run": "true" if dry_run else "false"},
        format="multipart",
    )


def _bands(card_id) -> list[tuple]:
    return list(
        RateBand.objects.filter(card_id=card_id)
        .order_by("distance_from_km", "weight_from")
        .values_list("distance_from_km", "distance_to_km", "weight_from", "weight_to", "price")
    )


def test_a_valid_file_dry_run_then_import(supplier_admin, own_card):
    before = _bands(own_card.pk)
    dry = _upload(supplier_admin, own_card, GOOD, dry_run=True)
    assert dry.status_code == 200, dry.content
    report = dry.json()
    assert report["valid"] is True and report["written"] is False and report["problems"] == []
    assert [r["row"] for r in report["rows"]] == [2, 3, 4]
    assert report["rows"][1]["band"]["price"] == "4.25"
    assert _bands(own_card.pk) == before
    done = _upload(supplier_admin, own_card, GOOD, dry_run=False)
    assert done.status_code == 200, done.content
    assert done.json()["written"] is True
    assert _bands(own_card.pk) == [
        (Decimal(0), Decimal(500), Decimal(0), Decimal(1000), Decimal("3.5")),
        (Decimal(0), Decimal(1000), Decimal(1000), Decimal(20000), Decimal("2.1")),
        (Decimal(500), Decimal(1000), Decimal(0), Decimal(1000), Decimal("4.25")),
    ]


def test_wrong_rows_are_reported_row_by_row_and_nothing_is_written(supplier_admin, own_card):
    rows = [
        [0, 500, 0, 1000, 3.5, 1],  # row 2: fine
        [],  # row 3: empty, skipped
        [100, 600, 500, 1500, 3, 1],  # row 4: overlaps row 2
        [0, 500, 1000, 2000, -1, 1],  # row 5: negative price
        [800, 700, 0, 10, 1, 1],  # row 6: distance from ≥ to
        [0, 10, 5, 5, 1, 1],  # row 7: weight from ≥ to
        ["abc", 10, 0, 1, "1.2.3x", 1],  # row 8: not numbers
        [0, 10, 0, 1, 1, ""],  # row 9: transit days missing
        [0, 10, 0, 1, 1, 1.5],  # row 10: transit days not whole
        [0, 10, 0, 1, "0.123456", 1],  # row 11: too many decimals
    ]
    before = _bands(own_card.pk)
    for dry_run in (True, False):
        response = _upload(supplier_admin, own_card, rows, dry_run=dry_run)
        if dry_run:
            assert response.status_code == 200
            report = response.json()
        else:
            assert response.status_code == 400
            error = response.json()["error"]
            assert error["code"] == "rate_import_invalid"
            report = error["report"]
        assert report["valid"] is False and report["written"] is False
        problems = {r["row"]: r["problems"] for r in report["rows"]}
        assert list(problems) == [2, 4, 5, 6, 7, 8, 9, 10, 11]
        assert problems[2] == []
        assert problems[4][0]["column"] is None and "row 2" in problems[4][0]["problem"]
        assert [p["column"] for p in problems[5]] == ["price"]
        assert "negative" in problems[5][0]["problem"]
        assert [p["column"] for p in problems[6]] == ["distance_to"]
        assert [p["column"] for p in problems[7]] == ["weight_to"]
        assert [p["column"] for p in problems[8]] == ["distance_from", "price"]
        assert "Not a number" in problems[8][0]["problem"]
        assert [p["column"] for p in problems[9]] == ["transit_days"]
        assert [p["column"] for p in problems[10]] == ["transit_days"]
        assert problems[10][0]["problem"] == "Transit days must be a whole number."
        assert [p["column"] for p in problems[11]] == ["price"]
        assert _bands(own_card.pk) == before


def test_problems_of_the_file_as_a_whole(supplier_admin, own_card):
    missing = _upload(supplier_admin, own_card, GOOD, dry_run=False, header=HEADER[:5])
    assert missing.status_code == 400
    (problem,) = missing.json()["error"]["report"]["problems"]
    assert problem["row"] == 1 and "transit_days" in problem["problem"]
    empty = _upload(supplier_admin, own_card, [], dry_run=True)
    assert empty.json()["valid"] is False and empty.json()["problems"]
    garbage = client(supplier_admin).post(
        f"/api/logistics/rate-cards/{own_card.pk}/import/",
        {"file": SimpleUploadedFile("rates.xlsx", b"PK\x03\x04 not really"), "dry_run": "false"},
        format="multipart",
    )
    assert garbage.status_code == 400
    assert garbage.json()["error"]["report"]["problems"][0]["row"] is None
    assert len(_bands(own_card.pk)) == 1


def test_a_csv_file_is_read_too():
    report = read_rate_file(data=write_csv(HEADER, GOOD), filename="rates.csv")
    assert report.valid and len(report.bands) == 3


def test_only_the_cards_keepers_import(supplier_admin, own_card, other_admin, supplier_company):
    assert _upload(other_admin, own_card, GOOD, dry_run=True).status_code == 404
    bidder = member(supplier_company, MembershipRole.BIDDER)
    assert _upload(bidder, own_card, GOOD, dry_run=False).status_code == 403
    assert len(_bands(own_card.pk)) == 1
