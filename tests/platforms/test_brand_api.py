"""The brand API: its platform's admins and staff read and change it (host names: staff only);
anyone else gets 404 and nothing changes; the logo upload is checked as on the pages."""

from __future__ import annotations

import pytest

from marketplace.platforms.models import BrandHost, PlatformBrand
from tests.factories import UserFactory

from .brand_world import HOST_A, Brands, api, api_client, png, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return Brands()


def rows() -> list:
    return sorted(PlatformBrand.objects.values_list()) + sorted(BrandHost.objects.values_list())


def test_the_platforms_admins_and_staff_read_and_change_the_brand(w):
    url = api("platform-brand", platform_id=w.a.pk)
    for user in (w.admin_a, w.staff):
        body = api_client(user).get(url).json()
        assert body["display_name"] == "Brand A" and body["hosts"] == [HOST_A]
    changed = api_client(w.admin_a).patch(
        url, {"accent_color": "#7A2E00", "terms": "Fair play."}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["accent_color"], changed.json()["terms"]) == ("#7a2e00", "Fair play.")
    assert changed.json()["stylesheet_url"] == f"/brand.css?v={changed.json()['version']}"


def test_anyone_else_gets_404_and_nothing_changes(w):
    url = api("platform-brand", platform_id=w.a.pk)
    logo = api("platform-brand-logo", platform_id=w.a.pk)
    before = rows()
    for user in (w.admin_b, w.supplier_admin, w.officer_a, w.officer, UserFactory()):
        c = api_client(user)
        assert c.get(url).status_code == 404
        answer = c.patch(url, {"display_name": "Hijacked"}, format="json")
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "platform_not_found"
        assert c.post(logo, {"logo": upload(png())}, format="multipart").status_code == 404
        assert c.delete(logo).status_code == 404
    assert api_client().get(url).status_code in (401, 403)
    assert api_client().patch(url, {"display_name": "X"}, format="json").status_code in (401, 403)
    assert rows() == before


def test_host_names_through_the_api_are_staffs(w):
    url = api("platform-brand", platform_id=w.a.pk)
    before = rows()
    refused = api_client(w.admin_a).patch(url, {"hosts": ["mine.localhost"]}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "hosts_staff_only"
    taken = api_client(w.staff).patch(url, {"hosts": ["b.localhost"]}, format="json")
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "host_taken"
    assert rows() == before
    done = api_client(w.staff).patch(url, {"hosts": ["Buy.Example.com", HOST_A]}, format="json")
    assert done.json()["hosts"] == [HOST_A, "buy.example.com"]


def test_low_contrast_through_the_api_is_a_400_naming_the_field(w):
    url = api("platform-brand", platform_id=w.a.pk)
    before = rows()
    answer = api_client(w.admin_a).patch(url, {"accent_color": "#aaccee"}, format="json")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "low_contrast" and "4.5:1" in error["fields"]["accent_color"][0]
    assert rows() == before


def test_the_logo_through_the_api(w):
    logo = api("platform-brand-logo", platform_id=w.a.pk)
    c = api_client(w.admin_a)
    refused = c.post(logo, {"logo": upload(b"not a picture", "x.png")}, format="multipart")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "logo_not_image"
    kept = c.post(logo, {"logo": upload(png(100, 50))}, format="multipart").json()
    assert (kept["logo_width"], kept["logo_height"]) == (100, 50)
    assert kept["logo_url"] == f"/brand/{w.brand_a.pk}/logo/?v={kept['version']}"
    assert c.delete(logo).json()["logo_url"] is None


def test_a_public_platform_gets_no_brand(w):
    answer = api_client(w.staff).patch(
        api("platform-brand", platform_id=w.platform.pk), {"display_name": "X"}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "not_dedicated"
