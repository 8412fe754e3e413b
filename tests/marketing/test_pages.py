"""The marketing pages: the home, a segment's form (saved, refused next to its field, its live
count endpoint), a campaign made, sent and read with its chart and CSV; readers read and may not
write; the unsubscribe page asks, then unsubscribes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from marketing.models import Campaign, Recipient, Segment, Suppression
from marketing.services import campaign_create, campaign_send
from marketing.suppression import unsubscribe_token

from .factories import account, contact, make_world, segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    acc = account(w, "Romashka", company=w.market, stage="active")
    contact(acc, "Ann", first_name="Ann", emails=["ann@romashka.ua"])
    return w


def browser(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_manager_makes_a_segment_and_sends_a_campaign(world, django_capture_on_commit_callbacks):
    c = browser(world.manager)
    base = f"/crm/{world.ws}/marketing/"
    assert c.get(base).status_code == 200
    r = c.get(base + "segments/count/", {"stages": "active"})
    assert r.json() == {"accounts": 1, "contacts": 1, "reachable_email": 1, "reachable_sms": 0}
    assert c.get(base + "segments/count/", {"countries": "XX"}).status_code == 400
    r = c.post(base + "segments/new/", {"name": "Bad", "countries": "XX"})
    assert r.status_code == 400 and "Not ISO 3166" in r.content.decode()
    r = c.post(base + "segments/new/", {"name": "Active", "stages": ["active"]})
    seg = Segment.objects.get(name="Active")
    assert r.status_code == 302 and seg.filters == {"stages": ["active"]}
    assert "count-reachable-email" in c.get(r["Location"]).content.decode()
    r = c.post(
        base + "campaigns/new/",
        {
            "name": "Autumn",
            "segment": seg.pk,
            "channel": "email",
            "subject": "Hi",
            "body": "<p>Hi {{ contact.first_name }}</p>",
        },
    )
    campaign = Campaign.objects.get()
    assert r.status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(base + f"campaigns/{campaign.pk}/send/")
    assert r.status_code == 302 and len(mail.outbox) == 1 and "Hi Ann" in mail.outbox[0].body
    page = c.get(base + f"campaigns/{campaign.pk}/").content.decode()
    assert 'id="chart-data"' in page and "ann@romashka.ua" in page
    r = c.get(base + f"campaigns/{campaign.pk}/export.csv")
    assert r.status_code == 200 and b"ann@romashka.ua" in r.content


def test_an_empty_segment_is_refused_on_the_page(world):
    seg = segment(world, {"stages": ["lost"]}, name="Lost")
    r = browser(world.manager).post(
        f"/crm/{world.ws}/marketing/campaigns/new/",
        {"name": "x", "segment": seg.pk, "channel": "email", "subject": "s", "body": "b"},
    )
    assert r.status_code == 400 and "may be written to" in r.content.decode()
    assert not Campaign.objects.exists()


def test_readers_read_and_may_not_write(world):
    seg = segment(world)
    c = browser(world.officer)
    assert c.get(f"/crm/{world.ws}/marketing/").status_code == 200
    assert c.get(f"/crm/{world.ws}/marketing/segments/{seg.pk}/").status_code == 200
    assert c.get(f"/crm/{world.ws}/marketing/segments/new/").status_code == 403
    assert c.post(f"/crm/{world.ws}/marketing/segments/{seg.pk}/", {"name": "x"}).status_code == 403
    assert browser(world.outsider_admin).get(f"/crm/{world.ws}/marketing/").status_code == 404
    seg.refresh_from_db()
    assert seg.name == "Everyone"


def test_the_unsubscribe_page(world, django_capture_on_commit_callbacks):
    seg = segment(world)
    campaign = campaign_create(
        actor=world.manager,
        workspace_id=world.ws,
        segment_id=seg.pk,
        name="c",
        subject="s",
        body="b",
    )
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=campaign.pk)
    url = f"/marketing/unsubscribe/{unsubscribe_token(recipient_id=Recipient.objects.get().pk)}/"
    r = Client().get(url)
    assert r.status_code == 200 and "ann@romashka.ua" in r.content.decode()
    assert not Suppression.objects.exists()  # a GET changes nothing
    r = Client(enforce_csrf_checks=True).post(url)
    assert r.status_code == 200 and 'id="unsubscribe-done"' in r.content.decode()
    assert Suppression.objects.get().reason == "unsubscribed"
