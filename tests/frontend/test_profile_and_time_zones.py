"""My profile (issue 22): name, phone, language and time zone, linked from my name in the top bar;
the pages show times in my time zone (tender deadlines typed and shown in it, stored in UTC), the
API keeps speaking UTC; a wrong zone is refused with a message, nothing saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from rest_framework.test import APIClient

from auctions.models import Tender
from tests.auctions.factories import World
from tests.factories import UserFactory

from .test_tender_pages import log_in, tender_post

pytestmark = pytest.mark.django_db
KYIV = ZoneInfo("Europe/Kyiv")


def test_the_profile_page_saves_name_language_and_zone(client):
    user = UserFactory(full_name="")
    log_in(client, user)
    page = client.get("/").content.decode()
    assert 'id="profile-link" href="/profile/"' in page and user.email in page
    form = client.get("/profile/").content.decode()
    assert 'name="time_zone"' in form and '<option value="Europe/Kyiv"' in form
    response = client.post(
        "/profile/",
        {"full_name": "Olena Koval", "phone": "", "language": "uk", "time_zone": "Europe/Kyiv"},
    )
    assert response.status_code == 302 and response.cookies["django_language"].value == "uk"
    user.refresh_from_db()
    assert (user.full_name, user.language, user.time_zone) == ("Olena Koval", "uk", "Europe/Kyiv")
    assert "Olena Koval" in client.get("/").content.decode()  # the top bar names the person
    # A zone that is not one: refused beside the field, nothing saved.
    bad = client.post(
        "/profile/",
        {"full_name": "X", "phone": "", "language": "en", "time_zone": "Mars/Olympus"},
    )
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("Olena Koval", "Europe/Kyiv")


def test_the_browser_s_language_wins_over_the_profile_s_default(client):
    """A person who never chose a language (the profile's default, English) reads the pages in
    its browser's; the profile page's choice sets the language cookie (above)."""
    user = UserFactory(language="en")
    log_in(client, user)
    client.cookies.pop("django_language", None)
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert 'lang="uk"' in page


def test_deadlines_are_typed_and_shown_in_the_officer_s_zone_and_stored_in_utc(client):
    world = World()
    world.officer.time_zone = "Europe/Kyiv"
    world.officer.save(update_fields=["time_zone"])
    log_in(client, world.officer)
    start = (timezone.now() + timedelta(days=3)).astimezone(KYIV).replace(second=0, microsecond=0)
    typed = start.strftime("%Y-%m-%dT%H:%M")  # what the person reads on its clock
    response = client.post("/tenders/new/", tender_post(world, auction_start=typed))
    assert response.status_code == 302
    tender = Tender.objects.get(title="Winter diesel")
    assert tender.auction_start == start  # the same instant...
    assert tender.auction_start.astimezone(UTC).hour != start.hour  # ...not read as UTC
    edit = client.get(f"/tenders/{tender.pk}/edit/").content.decode()
    assert f'value="{typed}"' in edit and "in your time zone, Europe/Kyiv" in edit
    manage = client.get(f"/tenders/{tender.pk}/manage/").content.decode()
    shown = date_format(start, "DATETIME_FORMAT")  # start is in Kyiv's zone already
    assert f"{shown} EET" in manage and "UTC" not in manage.split("<main")[1]
    # The API speaks UTC whatever the profile says.
    api = APIClient()
    api.force_authenticate(world.officer)
    body = api.get(f"/api/tenders/{tender.pk}/").json()
    assert body["auction_start"].endswith("Z")
    assert datetime.fromisoformat(body["auction_start"]) == start
    assert api.get("/api/me/").json()["time_zone"] == "Europe/Kyiv"
