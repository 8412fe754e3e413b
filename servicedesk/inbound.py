"""E-mail to a workspace's support address (anymail's inbound webhook, ``/anymail/<esp>/inbound/``,
basic auth with ``ANYMAIL["WEBHOOK_SECRET"]``): a new case, or a message on the case it answers.

1. The recipient (the envelope's, else To and Cc) names the workspace: its ``SupportMailbox``
   (plus part ignored). Mail to no mailbox of ours is left alone (another app may want it).
2. The case it answers: the plus-address token of our ``Reply-To`` (``support+c123.<sig>@``,
   checked by its signature), else a Message-ID of one of the workspace's case messages named
   by ``In-Reply-To`` or ``References``. Never the subject. A token whose signature is wrong is
   refused: the message is not threaded at all (it opens a new case instead) and is logged.
3. A message whose Message-ID is already stored (the provider delivered it twice) is skipped.
4. A new case is matched to the workspace's CRM contact by the sender's address; an unknown
   sender still opens a case, marked unmatched. An answer to a closed case opens a new one.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from . import selectors, services
from .mail import TokenRefused, base_address, token_case_id
from .models import Case, CaseMessage, CaseStatus, Channel, SupportMailbox

logger = logging.getLogger(__name__)
MSGID_RE = re.compile(r"<[^<>\s]+>")


def _header_ids(message) -> list[str]:
    found: list[str] = []
    for name in ("In-Reply-To", "References"):
        for value in message.get_all(name) or []:
            found.extend(MSGID_RE.findall(str(value)))
    return found


def _recipients(message) -> list[str]:
    addresses = [getattr(message, "envelope_recipient", None) or ""]
    for attr in ("to", "cc"):
        addresses.extend(a.addr_spec for a in getattr(message, attr, []) or [])
    return [a for a in addresses if a]


def _mailbox(addresses: list[str]) -> tuple[SupportMailbox, str] | None:
    for address in addresses:
        mailbox = SupportMailbox.objects.filter(address__iexact=base_address(address)).first()
        if mailbox is not None:
            return mailbox, address
    return None


def _body(message) -> str:
    text = getattr(message, "stripped_text", None) or message.text or ""
    if not text.strip() and message.html:
        text = strip_tags(message.html)
    return text.strip() or str(_("(The e-mail had no text.)"))


def _threaded_case(*, workspace_id: int, address: str, message) -> Case | None:
    try:
        case_id = token_case_id(address)
    except TokenRefused:
        logger.warning("servicedesk inbound: a forged case token in %s refused", address)
        return None
    if case_id is not None:
        case = Case.objects.filter(pk=case_id, workspace_id=workspace_id).first()
        if case is None:
            logger.warning("servicedesk inbound: token of case %s sent to another desk", case_id)
        return case
    ids = _header_ids(message)
    if not ids:
        return None
    earlier = (
        CaseMessage.objects.filter(message_id__in=ids, case__workspace_id=workspace_id)
        .select_related("case")
        .order_by("-created_at", "-pk")
        .first()
    )
    return earlier.case if earlier is not None else None


def inbound_receive(*, message, now: datetime | None = None) -> CaseMessage | Case | None:
    """Take one inbound e-mail (an ``AnymailInboundMessage``): the message added to a case, the
    case opened, or None when it is not ours, spam, or already taken."""
    found = _mailbox(_recipients(message))
    if found is None:
        return None
    mailbox, address = found
    if getattr(message, "spam_detected", False):
        logger.info("servicedesk inbound: spam to %s dropped", address)
        return None
    message_id = (message.get("Message-ID") or "").strip()[:300]
    if message_id and CaseMessage.objects.filter(message_id=message_id).exists():
        return None
    sender = message.from_email.addr_spec if message.from_email else ""
    sender_name = message.from_email.display_name if message.from_email else ""
    body = _body(message)
    case = _threaded_case(workspace_id=mailbox.workspace_id, address=address, message=message)
    if case is not None and case.status != CaseStatus.CLOSED:
        return services.case_customer_message(
            case_id=case.pk,
            body=body,
            channel=Channel.EMAIL,
            from_email=sender,
            message_id=message_id,
            now=now,
        )
    contact = selectors.contact_by_email(workspace_id=mailbox.workspace_id, email=sender)
    subject = " ".join((message.subject or "").split())[: services.SUBJECT_MAX]
    return services.case_open(
        workspace=mailbox.workspace_id,
        subject=subject or str(_("(no subject)")),
        body=body,
        contact=contact,
        channel=Channel.EMAIL,
        queue=mailbox.queue_id,
        requester_email=sender,
        requester_name=sender_name,
        message_id=message_id,
        now=now,
    )


def on_inbound(sender, event, esp_name, **kwargs) -> None:
    """anymail's ``inbound`` signal (connected in ``apps.py``)."""
    inbound_receive(message=event.message)
