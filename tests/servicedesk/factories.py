"""Building blocks for the service desk tests: the CRM's world (a workspace with a person in
every role, a marketplace company ``market`` with its person ``market_person``, an outsider),
the workspace's account of ``market`` with a contact that is ``market_person``, a queue with an
escalation person, an SLA policy, a support mailbox, and a Postmark inbound payload."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from crm.models import Account, Contact
from servicedesk import services
from servicedesk.models import Case, CaseMessage, Queue, SlaPolicy, SupportMailbox
from tests.crm.accounts_factories import World, make_world

WEBHOOK_SECRET = "hook:s3cret"
SUPPORT = "support@workspace.example"
# Monday 7 December 2026, 10:00 in Kyiv (UTC+2).
MONDAY_10 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def page(name: str, *args) -> str:
    return reverse(f"frontend:{name}", args=args)


def client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


class Desk:
    """The world plus a desk: ``account`` (of ``market``), ``contact`` (``market_person``, with
    the e-mail ``buyer@market.example``), ``queue`` (escalating to ``admin``), ``policy``
    (1 h first response, 8 h resolution, Mon-Fri 09-18 Kyiv, Polish holidays) and ``mailbox``."""

    def __init__(self):
        self.world: World = make_world()
        w = self.world
        self.workspace, self.manager, self.admin = w.workspace, w.manager, w.admin
        self.officer, self.bidder, self.outsider_admin = w.officer, w.bidder, w.outsider_admin
        self.customer = w.market_person
        self.customer.email = "buyer@market.example"
        self.customer.save(update_fields=["email"])
        self.account = Account.objects.create(
            workspace=w.workspace, name="TOV Romashka", company=w.market
        )
        self.contact = Contact.objects.create(
            workspace=w.workspace,
            account=self.account,
            first_name="Olena",
            last_name="Buyer",
            emails=["buyer@market.example"],
            user=self.customer,
        )
        self.queue = Queue.objects.create(
            workspace=w.workspace, name="Support", is_default=True, escalation_to=w.admin
        )
        self.policy = SlaPolicy.objects.create(
            workspace=w.workspace,
            name="Standard",
            first_response_minutes=60,
            resolution_minutes=8 * 60,
            time_zone="Europe/Kyiv",
            weekdays=[0, 1, 2, 3, 4],
            day_start=time(9),
            day_end=time(18),
            holiday_country="PL",
        )
        self.mailbox = SupportMailbox.objects.create(
            workspace=w.workspace, address=SUPPORT, queue=self.queue
        )

    @property
    def ws(self) -> int:
        return self.workspace.pk

    def case(self, **kw) -> Case:
        values = {
            "workspace": self.workspace,
            "subject": "The invoice is wrong",
            "body": "Please check the invoice of order 12.",
            "contact": self.contact,
            "channel": "web",
            "now": MONDAY_10,
        } | kw
        return services.case_open(**values)


def postmark_inbound(
    *,
    to: str = SUPPORT,
    sender: str = "buyer@market.example",
    subject: str = "Help with my order",
    text: str = "The delivery did not arrive.",
    message_id: str = "<abc123@mail.market.example>",
    in_reply_to: str = "",
    references: str = "",
) -> dict:
    """A Postmark inbound webhook's body, as Postmark posts it (trimmed to what we read)."""
    headers = [
        {"Name": "Return-Path", "Value": f"<{sender}>"},
        {"Name": "Message-ID", "Value": message_id},
        {"Name": "X-Spam-Status", "Value": "No"},
    ]
    if in_reply_to:
        headers.append({"Name": "In-Reply-To", "Value": in_reply_to})
    if references:
        headers.append({"Name": "References", "Value": references})
    return {
        "FromName": "Olena Buyer",
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": "Olena Buyer", "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Mon, 7 Dec 2026 10:00:00 +0200",
        "TextBody": text,
        "HtmlBody": f"<p>{text}</p>",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": headers,
        "Attachments": [],
    }


def counts() -> tuple[int, int]:
    return Case.objects.count(), CaseMessage.objects.count()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"
