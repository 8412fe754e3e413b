"""A NUL byte or another control character in any parameter of any search (the API fuzzer's
find): an answer, never a 500 (no database column may hold a NUL)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.ELASTICSEARCH_URL = ""


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a\x00b"},
        {"q": "\x00"},
        {"currency": "\x00"},
        {"region": "UA\x00"},
        {"status": "\x00"},
        {"band": "\x01"},
        {"supplier": "\x00"},
        {"platform": "1\x00"},
        {"category": "\x00"},
    ],
)
def test_a_control_character_in_a_parameter_is_no_500(params, buyer_admin):
    client = APIClient()
    client.force_authenticate(buyer_admin)  # the directory and the catalogue are for members
    for kind in ("tenders", "suppliers", "products"):
        response = client.get(f"/api/search/{kind}/", params)
        assert response.status_code in (200, 400), (kind, params, response.status_code)
    response = client.get("/api/search/suggest/", {"kind": "suppliers", **params})
    assert response.status_code in (200, 400)
