"""E-mail into the desk through anymail's inbound webhook (a Postmark payload, basic auth): a new
case (matched to the CRM contact or unmatched), threading by the headers and by the reply
address's token, a forged token refused, a redelivery taken once, mail to no mailbox ignored."""

from __future__ import annotations

import base64
import json

import pytest
from django.core import mail
from django.test import override_settings

from servicedesk import services
from servicedesk.mail import case_token
from servicedesk.models import Case, CaseMessage, CaseStatus, MessageKind
from tests.servicedesk.factories import SUPPORT, WEBHOOK_SECRET, Desk, counts, postmark_inbound

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_webhook_secret"),
]
URL = "/anymail/postmark/inbound/"


@pytest.fixture
def _webhook_secret():
    with override_settings(ANYMAIL={"WEBHOOK_SECRET": WEBHOOK_SECRET}):
        yield


@pytest.fixture
def desk() -> Desk:
    return Desk()


def post(client, payload: dict, secret: str = WEBHOOK_SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        URL,
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def test_a_new_mail_opens_a_case_for_the_known_contact(client, desk):
    response = post(client, postmark_inbound())
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.channel == "email" and case.contact == desk.contact and not case.unmatched
    assert case.subject == "Help with my order" and case.queue == desk.queue
    message = case.messages.get()
    assert message.message_id == "<abc123@mail.market.example>"
    assert message.body == "The delivery did not arrive."


def test_an_unknown_sender_opens_an_unmatched_case(client, desk):
    post(client, postmark_inbound(sender="stranger@nowhere.example"))
    case = Case.objects.get()
    assert case.unmatched and case.account is None
    assert case.requester_email == "stranger@nowhere.example"


def test_without_the_secret_nothing_happens(client, desk):
    before = counts()
    assert post(client, postmark_inbound(), secret="hook:wrong").status_code in (400, 401, 403)
    assert counts() == before


def test_mail_to_another_address_is_left_alone(client, desk):
    post(client, postmark_inbound(to="sales@workspace.example"))
    assert counts() == (0, 0)


def test_a_redelivery_is_taken_once(client, desk):
    post(client, postmark_inbound())
    post(client, postmark_inbound())
    assert counts() == (1, 1)


def test_threaded_by_in_reply_to(client, desk, django_capture_on_commit_callbacks):
    case = desk.case()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.case_reply(case_id=case.pk, body="Which order?", author=desk.manager)
    services.case_status_change(case_id=case.pk, status="waiting")
    sent = mail.outbox[0]
    post(
        client,
        postmark_inbound(
            subject="Something else entirely",
            text="Order 12.",
            message_id="<second@mail.market.example>",
            in_reply_to=sent.extra_headers["Message-ID"],
        ),
    )
    assert Case.objects.count() == 1
    last = case.messages.order_by("pk").last()
    assert (
        last.kind == MessageKind.CUSTOMER and last.body == "Order 12." and last.channel == "email"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN  # it was waiting on the customer
    assert reply.message_id == sent.extra_headers["Message-ID"]


def test_threaded_by_references_when_in_reply_to_is_lost(client, desk):
    case = desk.case(message_id="<orig@mail.market.example>")
    post(
        client, postmark_inbound(message_id="<m2@x>", references="<x@y> <orig@mail.market.example>")
    )
    assert Case.objects.count() == 1 and case.messages.count() == 2


def test_threaded_by_the_plus_address_token(client, desk):
    case = desk.case()
    to = f"support+{case_token(case.pk)}@workspace.example"
    post(client, postmark_inbound(to=to, subject="Re: nothing alike", text="By token"))
    assert Case.objects.count() == 1
    assert case.messages.order_by("pk").last().body == "By token"


def test_a_forged_token_is_refused(client, desk):
    case = desk.case()
    forged = f"support+c{case.pk}.{'0' * 20}@workspace.example"
    post(client, postmark_inbound(to=forged, subject=case.subject, text="Let me in"))
    assert case.messages.count() == 1  # not threaded, even with the same subject
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.messages.get().body == "Let me in"


def test_the_same_subject_alone_does_not_thread(client, desk):
    case = desk.case()
    post(client, postmark_inbound(subject=case.subject))
    assert Case.objects.count() == 2 and case.messages.count() == 1


def test_a_token_of_another_workspace_does_not_thread(client, desk):
    other_case = services.case_open(
        workspace=desk.world.outsider, subject="Theirs", body="b", requester_email="a@b.example"
    )
    to = f"support+{case_token(other_case.pk)}@workspace.example"
    post(client, postmark_inbound(to=to, text="Crossing desks"))
    assert other_case.messages.count() == 1
    assert Case.objects.filter(workspace=desk.workspace).count() == 1


def test_an_answer_to_a_closed_case_opens_a_new_one(client, desk):
    case = desk.case()
    services.case_status_change(case_id=case.pk, status="closed")
    to = f"support+{case_token(case.pk)}@workspace.example"
    post(client, postmark_inbound(to=to, text="It broke again"))
    assert case.messages.count() == 1
    assert Case.objects.exclude(pk=case.pk).get().messages.get().body == "It broke again"


def test_the_support_address_is_case_insensitive(client, desk):
    post(client, postmark_inbound(to=SUPPORT.upper()))
    assert CaseMessage.objects.count() == 1
