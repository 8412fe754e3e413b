"""Delivering a sent campaign's messages, in batches, each recipient at most once.

A recipient is *claimed* by one conditional UPDATE (``pending`` → ``sent``) before its message
goes out: a retried task, or two workers on the same campaign, find it claimed and send nothing
again. A message the provider refuses marks the row ``failed`` with the provider's words; an
address suppressed between the send and the delivery is ``skipped``. When no row is left
pending, the campaign is ``sent``.

Each message is the campaign's text filled by the CRM's document engine (the sandbox of
``marketplace.core.document_engine``) with the recipient's contact and account
(``crm.document_selectors.document_context``: the placeholders of the CRM's letters) and
``campaign.unsubscribe_url``; an unsubscribe link is added to every message whatever the text
says, and an e-mail also carries ``List-Unsubscribe`` (with RFC 8058 one-click). E-mail goes
through Django's mail (django-anymail in production) with anymail's ``track_opens``,
``track_clicks``, ``metadata`` (the campaign's and the recipient's ids, so the provider's
tracking events come back to the row) and ``tags``."""

from __future__ import annotations

import html
import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone, translation
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from crm.document_selectors import document_context
from crm.models import Account, Contact, TemplateKind
from marketplace.core.document_engine import html_render

from .models import Campaign, CampaignStatus, Channel, Recipient, RecipientStatus
from .segments import suppressed_addresses
from .sms import SmsError, sms_provider
from .suppression import unsubscribe_url

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
LANGUAGES = {code for code, _name in settings.LANGUAGES}
METADATA_CAMPAIGN = "marketing_campaign"
METADATA_RECIPIENT = "marketing_recipient"


def _language(contact: Contact | None) -> str:
    code = (contact.language if contact else "") or ""
    return code if code in LANGUAGES else settings.LANGUAGE_CODE


def message_render(*, campaign: Campaign, recipient: Recipient) -> dict[str, str]:
    """The filled subject, HTML and text of one recipient's message (SMS: ``text`` only)."""
    contact = recipient.contact
    account = recipient.account or (contact.account if contact else None)
    language = _language(contact)
    url = unsubscribe_url(recipient_id=recipient.pk)
    context = document_context(
        workspace=campaign.workspace,
        account=account or Account(workspace=campaign.workspace, name=""),
        contact=contact,
        opportunity=None,
        deal=None,
        number="",
        kind=TemplateKind.LETTER,
        template_name=campaign.name,
        author=campaign.sent_by,
        language=language,
    )
    context["campaign"] = {"name": campaign.name, "unsubscribe_url": url}
    body = html_render(body=campaign.body, context=context)
    text = html.unescape(strip_tags(body)).strip()
    with translation.override(language):
        footer = _("You receive this from %(workspace)s. Unsubscribe: %(url)s") % {
            "workspace": campaign.workspace.legal_name,
            "url": url,
        }
        link = _("Unsubscribe")
        note = _("You receive this from %(workspace)s.") % {
            "workspace": escape(campaign.workspace.legal_name)
        }
    if campaign.channel == Channel.SMS:
        return {"text": f"{text}\n{footer}", "unsubscribe_url": url}
    return {
        "subject": campaign.subject,
        "html": f'{body}\n<hr>\n<p>{note} <a href="{escape(url)}">{link}</a></p>\n',
        "text": f"{text}\n\n-- \n{footer}\n",
        "unsubscribe_url": url,
    }


def _from_address(campaign: Campaign) -> str:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((campaign.workspace.legal_name, address))


def _send_email(campaign: Campaign, recipient: Recipient) -> str:
    message = message_render(campaign=campaign, recipient=recipient)
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=_from_address(campaign),
        to=[recipient.address],
        headers={
            "List-Unsubscribe": f"<{message['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(message["html"], "text/html")
    # anymail's extra attributes (ignored by Django's own backends).
    email.track_opens = True  # type: ignore[attr-defined]
    email.track_clicks = True  # type: ignore[attr-defined]
    email.metadata = {  # type: ignore[attr-defined]
        METADATA_CAMPAIGN: str(campaign.pk),
        METADATA_RECIPIENT: str(recipient.pk),
    }
    email.tags = ["marketing", f"campaign-{campaign.pk}"]  # type: ignore[attr-defined]
    email.send()
    status = getattr(email, "anymail_status", None)
    return (getattr(status, "message_id", None) or "") if status else ""


def _send_sms(campaign: Campaign, recipient: Recipient) -> str:
    message = message_render(campaign=campaign, recipient=recipient)
    return sms_provider().send(to=recipient.address, text=message["text"])


def _claim(recipient: Recipient) -> bool:
    return bool(
        Recipient.objects.filter(pk=recipient.pk, status=RecipientStatus.PENDING).update(
            status=RecipientStatus.SENT, sent_at=timezone.now()
        )
    )


def recipient_deliver(*, campaign: Campaign, recipient: Recipient, suppressed: set[str]) -> str:
    """Send one recipient's message unless it is claimed already: its status after, or
    ``already``."""
    if recipient.address in suppressed:
        Recipient.objects.filter(pk=recipient.pk, status=RecipientStatus.PENDING).update(
            status=RecipientStatus.SKIPPED
        )
        return RecipientStatus.SKIPPED
    if not _claim(recipient):
        return "already"  # claimed by an earlier or a parallel run: not sent again
    try:
        if campaign.channel == Channel.SMS:
            message_id = _send_sms(campaign, recipient)
        else:
            message_id = _send_email(campaign, recipient)
    except (SmsError, OSError) as exc:
        logger.warning("campaign %s: recipient %s failed: %s", campaign.pk, recipient.pk, exc)
        Recipient.objects.filter(pk=recipient.pk).update(
            status=RecipientStatus.FAILED, error=str(exc)[:500]
        )
        return RecipientStatus.FAILED
    if message_id:
        Recipient.objects.filter(pk=recipient.pk).update(message_id=message_id[:200])
    return RecipientStatus.SENT


def campaign_deliver(*, campaign_id: int, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Deliver every pending recipient of the campaign, ``batch_size`` at a time; the number
    of messages sent, failed and skipped by this call."""
    campaign = Campaign.objects.select_related("workspace", "sent_by").get(pk=campaign_id)
    done: dict[str, int] = {"sent": 0, "failed": 0, "skipped": 0}
    if campaign.status == CampaignStatus.DRAFT:
        return done
    last_pk = 0
    while True:
        batch = list(
            Recipient.objects.filter(
                campaign=campaign, status=RecipientStatus.PENDING, pk__gt=last_pk
            )
            .select_related("contact", "contact__account", "account")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        suppressed = suppressed_addresses(workspace_id=campaign.workspace_id)
        for recipient in batch:
            outcome = recipient_deliver(
                campaign=campaign, recipient=recipient, suppressed=suppressed
            )
            if outcome in done:
                done[outcome] += 1
        last_pk = batch[-1].pk
    if not Recipient.objects.filter(campaign=campaign, status=RecipientStatus.PENDING).exists():
        Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.SENT, updated_at=F("updated_at")
        )
    return done
