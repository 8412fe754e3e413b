"""Campaigns: consent and suppression decide who is written to; a send writes one recipient per
contact and never sends twice; an empty segment is refused with nothing written; the unsubscribe
link works once and refuses a tampered token; results and the CSV read the rows."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from marketing import delivery, selectors, services
from marketing.models import CampaignStatus, Recipient, RecipientStatus, Suppression
from marketing.sms import ConsoleSmsProvider
from marketing.suppression import unsubscribe, unsubscribe_token
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.events.models import Event

from .factories import account, contact, make_world, segment, table_counts

pytestmark = pytest.mark.django_db

BODY = "<p>Dear {{ contact.first_name }} of {{ account.name }}, <b>new tenders</b> await.</p>"


@pytest.fixture(autouse=True)
def on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Each send runs what its commit runs (the delivery task), as a real commit would."""
    real = services.campaign_send

    def send(**kw):
        with django_capture_on_commit_callbacks(execute=True):
            return real(**kw)

    monkeypatch.setattr(services, "campaign_send", send)


@pytest.fixture
def world():
    w = make_world()
    acc = account(w, "Romashka", company=w.market)
    w.ann = contact(
        acc, "Ann", first_name="Ann", emails=["Ann@romashka.ua"], phones=["+380501112233"]
    )
    w.bob = contact(acc, "Bob", first_name="Bob", emails=["bob@romashka.ua"])
    w.eve = contact(acc, "Eve", emails=["eve@romashka.ua"], consent=False)
    w.seg = segment(w)
    return w


def make(world, **kw):
    values = {"name": "Autumn", "subject": "New tenders", "body": BODY}
    values.update(kw)
    return services.campaign_create(
        actor=world.manager, workspace_id=world.ws, segment_id=world.seg.pk, **values
    )


def test_send_writes_to_consenting_unsuppressed_contacts_once(world):
    Suppression.objects.create(
        workspace=world.workspace, address="bob@romashka.ua", reason="bounced"
    )
    campaign = make(world)
    mail.outbox.clear()
    services.campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    [message] = mail.outbox
    assert message.to == ["ann@romashka.ua"]
    html = message.alternatives[0][0]
    assert "Dear Ann of Romashka" in html and "<b>new tenders</b>" in html
    recipient = Recipient.objects.get(campaign=campaign)
    token = unsubscribe_token(recipient_id=recipient.pk)
    assert token in html and token in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.metadata == {
        "marketing_campaign": str(campaign.pk),
        "marketing_recipient": str(recipient.pk),
    }
    assert message.track_opens and message.track_clicks and "marketing" in message.tags
    event = Event.objects.get(type="campaign.sent")
    assert event.payload["recipients"] == 1 and event.company_id == world.ws
    # A retried delivery sends nothing again.
    assert delivery.campaign_deliver(campaign_id=campaign.pk) == {
        "sent": 0,
        "failed": 0,
        "skipped": 0,
    }
    Recipient.objects.filter(pk=recipient.pk).update(status=RecipientStatus.PENDING)
    assert delivery.recipient_deliver(campaign=campaign, recipient=recipient, suppressed=set()) == (
        RecipientStatus.SENT
    )
    assert delivery.recipient_deliver(campaign=campaign, recipient=recipient, suppressed=set()) == (
        "already"
    )
    assert len(mail.outbox) == 2  # the one re-opened by hand, then nothing
    with pytest.raises(ConflictError):
        services.campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=campaign.pk)


def test_an_empty_segment_is_refused_and_nothing_is_written(world):
    empty = segment(world, {"countries": ["PL"]}, name="Poland")
    before = table_counts()
    with pytest.raises(ApplicationError) as err:
        services.campaign_create(
            actor=world.manager,
            workspace_id=world.ws,
            segment_id=empty.pk,
            name="x",
            subject="s",
            body="b",
        )
    assert err.value.code == "segment_empty" and err.value.status_code == 400
    assert table_counts() == before
    campaign = make(world)
    for c in (world.ann, world.bob):
        c.consent = False
        c.save()
    before = table_counts()
    with pytest.raises(ApplicationError) as err:
        services.campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=campaign.pk)
    assert err.value.code == "segment_empty"
    assert table_counts() == before
    assert not Event.objects.filter(type="campaign.sent").exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_readers_may_not_send(world):
    campaign = make(world)
    with pytest.raises(PermissionDeniedError):
        services.campaign_send(actor=world.officer, workspace_id=world.ws, campaign_id=campaign.pk)


def test_a_bad_template_is_refused(world):
    with pytest.raises(ApplicationError) as err:
        make(world, body="{% load static %}")
    assert err.value.code == "template_syntax"


def test_unsubscribe_suppresses_once_and_refuses_a_tampered_token(world):
    campaign = make(world)
    services.campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=campaign.pk)
    recipient = Recipient.objects.get(campaign=campaign, contact=world.ann)
    token = unsubscribe_token(recipient_id=recipient.pk)
    before = table_counts()
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", ""):
        with pytest.raises(ApplicationError) as err:
            unsubscribe(token=bad)
        assert err.value.code == "unsubscribe_link_invalid"
    assert table_counts() == before
    unsubscribe(token=token)
    unsubscribe(token=token)
    [row] = Suppression.objects.filter(workspace=world.workspace)
    assert (row.address, row.reason) == ("ann@romashka.ua", "unsubscribed")
    assert Event.objects.filter(type="marketing.address_suppressed").count() == 1
    assert selectors.campaign_results(campaign=campaign)["unsubscribed"] == 1
    # The next campaign leaves the address out.
    second = make(world, name="Winter")
    mail.outbox.clear()
    services.campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=second.pk)
    assert [m.to for m in mail.outbox] == [["bob@romashka.ua"]]


def test_sms_through_the_console_provider(world):
    ConsoleSmsProvider.outbox.clear()
    campaign = make(world, channel="sms", subject="", body="Hi {{ contact.first_name }} & co")
    services.campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=campaign.pk)
    [sms] = ConsoleSmsProvider.outbox
    assert sms.to == "+380501112233" and sms.text.startswith("Hi Ann & co\n")
    assert "/unsubscribe/" in sms.text
    assert Recipient.objects.get(campaign=campaign).message_id == sms.message_id


@override_settings(
    MARKETING_SMS={
        "PROVIDER": "twilio",
        "ACCOUNT_SID": "AC1",
        "AUTH_TOKEN": "t",
        "FROM": "+15005550006",
        "BASE_URL": "http://127.0.0.1:9",
    }
)
def test_a_provider_failure_marks_the_recipient_failed(world):
    campaign = make(world, channel="sms", subject="", body="Hi")
    services.campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=campaign.pk)
    recipient = Recipient.objects.get(campaign=campaign)
    assert recipient.status == RecipientStatus.FAILED and "unreachable" in recipient.error
    assert selectors.campaign_results(campaign=campaign)["failed"] == 1


def test_results_csv(world):
    campaign = make(world)
    services.campaign_send(actor=world.manager, workspace_id=world.ws, campaign_id=campaign.pk)
    text = selectors.campaign_csv(campaign=campaign)
    lines = text.splitlines()
    assert lines[0].startswith("address,contact,account,status")
    assert any(line.startswith("ann@romashka.ua,Ann Ann,Romashka,sent") for line in lines)
    assert "recipients,2" in lines
