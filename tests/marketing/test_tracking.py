"""The provider's tracking webhook (django-anymail, Postmark's payloads, basic auth): delivered,
opened and clicked stamp the recipient once; a bounce and a spam complaint switch the address off
in the workspace; a payload about another message changes nothing; a wrong password is refused."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client, override_settings

from marketing import selectors, services
from marketing.models import Recipient, Suppression

from .factories import account, contact, make_world, segment, table_counts

pytestmark = pytest.mark.django_db

URL = "/anymail/postmark/tracking/"
AUTH = "HTTP_AUTHORIZATION", "Basic " + base64.b64encode(b"hook:s3cret").decode()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    w = make_world()
    acc = account(w, "Romashka", company=w.market)
    contact(acc, "Ann", emails=["ann@romashka.ua"])
    contact(acc, "Bob", emails=["bob@romashka.ua"])
    seg = segment(w)
    campaign = services.campaign_create(
        actor=w.manager, workspace_id=w.ws, segment_id=seg.pk, name="C", subject="S", body="Hi"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_send(actor=w.manager, workspace_id=w.ws, campaign_id=campaign.pk)
    w.campaign = campaign
    w.ann = Recipient.objects.get(campaign=campaign, address="ann@romashka.ua")
    w.bob = Recipient.objects.get(campaign=campaign, address="bob@romashka.ua")
    return w


def meta(r: Recipient) -> dict:
    return {"marketing_campaign": str(r.campaign_id), "marketing_recipient": str(r.pk)}


def post(payload: dict, auth=AUTH):
    extra = {auth[0]: auth[1]} if auth else {}
    return Client().post(URL, json.dumps(payload), content_type="application/json", **extra)


def delivery(r, email=None):
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": email or r.address,
        "Tag": "marketing",
        "DeliveredAt": "2026-11-05T16:33:54.9070259Z",
        "Details": "Test delivery webhook details",
        "Metadata": meta(r),
    }


def opened(r):
    return {
        "RecordType": "Open",
        "MessageStream": "outbound",
        "Metadata": meta(r),
        "FirstOpen": True,
        "Recipient": r.address,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "ReceivedAt": "2026-11-05T16:40:00.0000000Z",
        "Platform": "WebMail",
        "ReadSeconds": 5,
        "Tag": "marketing",
        "UserAgent": "Mozilla/5.0",
        "OS": {"Name": "OS X 10.7 Lion", "Family": "OS X", "Company": "Apple Computer, Inc."},
        "Client": {"Name": "Chrome 35.0.1916.153", "Family": "Chrome", "Company": "Google"},
        "Geo": {"CountryISOCode": "UA", "Country": "Ukraine", "City": "Kyiv"},
    }


def clicked(r):
    return {
        "RecordType": "Click",
        "MessageStream": "outbound",
        "Metadata": meta(r),
        "Recipient": r.address,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "ReceivedAt": "2026-11-05T16:41:00.0000000Z",
        "Platform": "Desktop",
        "ClickLocation": "HTML",
        "OriginalLink": "https://tradefloor.example/tenders/",
        "Tag": "marketing",
        "UserAgent": "Mozilla/5.0",
    }


def bounce(r, record="Bounce"):
    kind = (
        {"Type": "SpamComplaint", "TypeCode": 512, "Name": "Spam complaint"}
        if record == "SpamComplaint"
        else {"Type": "HardBounce", "TypeCode": 1, "Name": "Hard bounce"}
    )
    return {
        "RecordType": record,
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "marketing",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": meta(r),
        "ServerID": 23,
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "Test bounce details",
        "Email": r.address,
        "From": "noreply@tradefloor.local",
        "BouncedAt": "2026-11-05T16:42:00.0000000Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "S",
        "Content": "",
    } | kind


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "hook:s3cret"})
def test_events_count_per_recipient_once(sent):
    for payload in (delivery(sent.ann), opened(sent.ann), opened(sent.ann), clicked(sent.bob)):
        assert post(payload).status_code == 200
    results = selectors.campaign_results(campaign=sent.campaign)
    assert (results["delivered"], results["opened"], results["clicked"]) == (2, 2, 1)
    first = Recipient.objects.get(pk=sent.ann.pk).opened_at
    post(opened(sent.ann) | {"ReceivedAt": "2026-11-06T10:00:00Z"})
    assert Recipient.objects.get(pk=sent.ann.pk).opened_at == first


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "hook:s3cret"})
def test_bounce_and_complaint_switch_the_address_off(sent):
    assert post(bounce(sent.ann)).status_code == 200
    assert post(bounce(sent.bob, record="SpamComplaint")).status_code == 200
    rows = dict(Suppression.objects.values_list("address", "reason"))
    assert rows == {"ann@romashka.ua": "bounced", "bob@romashka.ua": "complained"}
    results = selectors.campaign_results(campaign=sent.campaign)
    assert (results["bounced"], results["complained"]) == (1, 1)
    assert Suppression.objects.get(address="ann@romashka.ua").workspace == sent.workspace


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "hook:s3cret"})
def test_foreign_or_mismatched_events_and_bad_auth_change_nothing(sent):
    before = table_counts()
    stamps = list(Recipient.objects.values_list("delivered_at", flat=True))
    other = delivery(sent.ann) | {"Metadata": {}, "MessageID": "not-ours"}
    assert post(other).status_code == 200
    assert post(delivery(sent.ann, email="mallory@evil.example")).status_code == 200
    assert (
        post(
            bounce(sent.ann),
            auth=("HTTP_AUTHORIZATION", "Basic " + base64.b64encode(b"hook:nope").decode()),
        ).status_code
        == 400
    )
    assert post(bounce(sent.ann), auth=None).status_code == 400
    assert table_counts() == before
    assert list(Recipient.objects.values_list("delivered_at", flat=True)) == stamps
