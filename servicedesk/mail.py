"""The service desk's e-mail: the case token of a reply address, and the staff replies and
closing messages sent to the customer.

A reply goes out from the workspace's support mailbox (``support@acme.example``) with
``Reply-To: support+c123.<signature>@acme.example``: ``c123`` names the case and the signature
(an HMAC of it under the site's secret) proves that we wrote the address, so a customer's answer
to it is threaded into case 123 and a made-up ``+c124.xxxx`` is not. Each reply also carries our
own ``Message-ID`` (kept on the message) and ``In-Reply-To``/``References`` naming the
customer's last message, so an answer that keeps the headers and loses the address threads too.
"""

from __future__ import annotations

import re
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .models import Case, CaseMessage, MessageKind, SupportMailbox

TOKEN_SALT = "servicedesk.reply-token"
SURVEY_SALT = "servicedesk.survey"
TOKEN_RE = re.compile(r"^c(?P<case>[0-9]{1,12})\.(?P<sig>[0-9a-f]{20})$")


def _signature(case_id: int) -> str:
    return salted_hmac(TOKEN_SALT, f"c{case_id}", algorithm="sha256").hexdigest()[:20]


def case_token(case_id: int) -> str:
    return f"c{case_id}.{_signature(case_id)}"


def split_address(address: str) -> tuple[str, str, str]:
    """``local+tag@domain`` as (local, tag, domain), lower case (tag "" without a plus)."""
    _name, email = parseaddr(address or "")
    local, _at, domain = email.strip().lower().rpartition("@")
    base, _plus, tag = local.partition("+")
    return base, tag, domain


class TokenRefused(Exception):
    """A plus-address that looks like a case token but was not made by us."""


def token_case_id(address: str) -> int | None:
    """The case a reply address names: None without a token, ``TokenRefused`` for a token
    whose signature is wrong."""
    _base, tag, _domain = split_address(address)
    if not tag:
        return None
    match = TOKEN_RE.match(tag)
    if match is None:
        if tag.startswith("c") and "." in tag:
            raise TokenRefused(tag)
        return None
    case_id = int(match["case"])
    if not constant_time_compare(match["sig"], _signature(case_id)):
        raise TokenRefused(tag)
    return case_id


def base_address(address: str) -> str:
    base, _tag, domain = split_address(address)
    return f"{base}@{domain}" if base and domain else ""


def mailbox_address(case: Case) -> str:
    """The address the workspace's mail is sent from: its first support mailbox, else the
    site's sender."""
    mailbox = SupportMailbox.objects.filter(workspace_id=case.workspace_id).order_by("pk").first()
    if mailbox is not None:
        return mailbox.address
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def reply_address(case: Case) -> str:
    base, _tag, domain = split_address(mailbox_address(case))
    return f"{base}+{case_token(case.pk)}@{domain}"


def new_message_id(case: Case) -> str:
    _base, _tag, domain = split_address(mailbox_address(case))
    return make_msgid(idstring=f"case{case.pk}", domain=domain or "tradefloor.local")


def survey_token(case_id: int) -> str:
    return signing.dumps({"case": case_id}, salt=SURVEY_SALT, compress=True)


def survey_case_id(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=SURVEY_SALT)
    except signing.BadSignature:
        return None
    case_id = data.get("case") if isinstance(data, dict) else None
    return case_id if isinstance(case_id, int) else None


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _thread_headers(case: Case, message: CaseMessage) -> dict[str, str]:
    earlier = list(
        CaseMessage.objects.filter(case=case, pk__lt=message.pk)
        .exclude(kind=MessageKind.NOTE)
        .exclude(message_id="")
        .order_by("pk")
    )
    headers = {"Message-ID": message.message_id, "Reply-To": reply_address(case)}
    if earlier:
        last_customer = [m for m in earlier if m.kind == MessageKind.CUSTOMER]
        parent = (last_customer or earlier)[-1]
        headers["In-Reply-To"] = parent.message_id
        headers["References"] = " ".join(m.message_id for m in earlier[-20:])
    return headers


def _recipient(case: Case) -> str:
    if case.contact_id and case.contact and case.contact.emails:
        return str(case.contact.emails[0])
    return case.requester_email


def reply_send(*, message: CaseMessage) -> bool:
    """E-mail a staff reply to the case's requester (False when there is no address)."""
    case = message.case
    to = _recipient(case)
    if not to:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Case #%(number)s] %(subject)s") % {
            "number": case.number,
            "subject": case.subject,
        }
        footer = _("Answer this e-mail to reply, or follow the case at %(url)s") % {
            "url": absolute(reverse("frontend:support-case", args=[case.pk]))
        }
    email = EmailMessage(
        subject=subject,
        body=f"{message.body}\n\n-- \n{footer}\n",
        from_email=mailbox_address(case),
        to=[to],
        headers=_thread_headers(case, message),
    )
    return bool(email.send())


def closing_send(*, case: Case) -> bool:
    """Tell the requester the case is closed, with the signed link to its survey."""
    to = _recipient(case)
    if not to:
        return False
    link = absolute(reverse("frontend:support-survey", args=[survey_token(case.pk)]))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Case #%(number)s] closed: %(subject)s") % {
            "number": case.number,
            "subject": case.subject,
        }
        body = _(
            "Your case “%(subject)s” is closed. How did we do? Rate our answer from 1 to 5 "
            "(once): %(link)s"
        ) % {"subject": case.subject, "link": link}
    headers = {"Message-ID": new_message_id(case), "Reply-To": reply_address(case)}
    email = EmailMessage(
        subject=subject, body=body, from_email=mailbox_address(case), to=[to], headers=headers
    )
    return bool(email.send())
