"""Writes of segments and campaigns (who may write: ``crm.access``; the account managers and
admins of the workspace's company).

Sending a campaign (``campaign_send``) writes one recipient row per reachable contact (unique per
campaign and contact, and per campaign and address), marks the campaign sending and emits
``campaign.sent``, all in one transaction under the campaign's row lock; the delivery task
(``marketing.tasks``) then sends in batches after the commit. A segment nobody in it may be
written to is refused (400, ``segment_empty``) and nothing is written.

Lock order: the campaign row only."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import workspace_require
from marketplace.core.background import task_on_commit
from marketplace.core.document_engine import html_compile
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError

from . import outbox, tasks
from .filters import filters_clean
from .models import Campaign, CampaignStatus, Channel, Recipient, Segment
from .segments import reachable_contacts, segment_contacts

NAME_MAX = 200
SUBJECT_MAX = 300
SMS_MAX = 1600  # ten concatenated SMS parts


def _field_error(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]})


def _name_clean(name: str | None, field: str = "name", limit: int = NAME_MAX) -> str:
    name = (name or "").strip()
    if not name:
        raise _field_error(field, _("This field is required."), "required")
    if len(name) > limit:
        raise _field_error(field, _("At most %(n)d characters.") % {"n": limit})
    return name


# --- Segments ----------------------------------------------------------------------------------


def segment_find(*, workspace_id: int, segment_id: int) -> Segment:
    segment = Segment.objects.filter(workspace_id=workspace_id, pk=segment_id).first()
    if segment is None:
        raise NotFoundError(_("No such segment."), code="segment_not_found")
    return segment


@transaction.atomic
def segment_create(*, actor, workspace_id: int, name: str, filters: dict | None) -> Segment:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    return Segment.objects.create(
        workspace_id=workspace_id,
        name=_name_clean(name),
        filters=filters_clean(workspace_id=workspace_id, data=filters),
        created_by=actor,
    )


@transaction.atomic
def segment_update(
    *,
    actor,
    workspace_id: int,
    segment_id: int,
    name: str | None = None,
    filters: dict | None = None,
) -> Segment:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    segment = segment_find(workspace_id=workspace_id, segment_id=segment_id)
    if name is not None:
        segment.name = _name_clean(name)
    if filters is not None:
        segment.filters = filters_clean(workspace_id=workspace_id, data=filters)
    segment.save()
    return segment


@transaction.atomic
def segment_delete(*, actor, workspace_id: int, segment_id: int) -> None:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    segment = segment_find(workspace_id=workspace_id, segment_id=segment_id)
    if segment.campaigns.exists():
        raise ConflictError(
            _("Campaigns were made for this segment; it is kept with their results."),
            code="segment_in_use",
        )
    segment.delete()


# --- Campaigns ---------------------------------------------------------------------------------


def _reachable(segment: Segment, channel: str, now: datetime | None = None) -> list:
    reachable = reachable_contacts(
        contacts=segment_contacts(segment=segment, now=now),
        workspace_id=segment.workspace_id,
        channel=channel,
    )
    if not reachable:
        if channel == Channel.EMAIL:
            message = _(
                "The segment matches no contact with an e-mail address that may be written to "
                "(consent given, address not unsubscribed or bounced)."
            )
        else:
            message = _(
                "The segment matches no contact with a phone number that may be written to "
                "(consent given, number not unsubscribed)."
            )
        raise ApplicationError(message, code="segment_empty", fields={"segment": [message]})
    return reachable


def _content_clean(*, channel: str, subject: str, body: str) -> tuple[str, str]:
    if channel not in Channel.values:
        raise _field_error("channel", _("Choose e-mail or SMS."))
    body = (body or "").strip()
    if not body:
        raise _field_error("body", _("This field is required."), "required")
    if channel == Channel.SMS:
        if len(body) > SMS_MAX:
            raise _field_error("body", _("At most %(n)d characters.") % {"n": SMS_MAX})
        subject = ""
    else:
        subject = _name_clean(subject, "subject", SUBJECT_MAX)
    html_compile(body)  # a 400 naming the line when the template does not compile
    return subject, body


def campaign_find(*, workspace_id: int, campaign_id: int, lock: bool = False) -> Campaign:
    qs = Campaign.objects.filter(workspace_id=workspace_id, pk=campaign_id)
    campaign = (qs.select_for_update() if lock else qs).first()
    if campaign is None:
        raise NotFoundError(_("No such campaign."), code="campaign_not_found")
    return campaign


@transaction.atomic
def campaign_create(
    *,
    actor,
    workspace_id: int,
    segment_id: int,
    name: str,
    channel: str = Channel.EMAIL,
    subject: str = "",
    body: str,
) -> Campaign:
    """A draft campaign; refused (400, ``segment_empty``) when nobody in the segment may be
    written to by ``channel``."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    segment = segment_find(workspace_id=workspace_id, segment_id=segment_id)
    subject, body = _content_clean(channel=channel, subject=subject, body=body)
    name = _name_clean(name)
    _reachable(segment, channel)
    return Campaign.objects.create(
        workspace_id=workspace_id,
        segment=segment,
        name=name,
        channel=channel,
        subject=subject,
        body=body,
        created_by=actor,
    )


@transaction.atomic
def campaign_update(*, actor, workspace_id: int, campaign_id: int, **values) -> Campaign:
    """A draft's name, subject, text or segment changed (``values``); a sent campaign: 409."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    campaign = campaign_find(workspace_id=workspace_id, campaign_id=campaign_id, lock=True)
    if campaign.status != CampaignStatus.DRAFT:
        raise ConflictError(_("The campaign is sent; it cannot change."), code="campaign_sent")
    if "segment_id" in values:
        campaign.segment = segment_find(workspace_id=workspace_id, segment_id=values["segment_id"])
    if "name" in values:
        campaign.name = _name_clean(values["name"])
    campaign.subject, campaign.body = _content_clean(
        channel=campaign.channel,
        subject=values.get("subject", campaign.subject),
        body=values.get("body", campaign.body),
    )
    campaign.save()
    return campaign


@transaction.atomic
def campaign_delete(*, actor, workspace_id: int, campaign_id: int) -> None:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    campaign = campaign_find(workspace_id=workspace_id, campaign_id=campaign_id, lock=True)
    if campaign.status != CampaignStatus.DRAFT:
        raise ConflictError(
            _("The campaign is sent; it is kept with its results."), code="campaign_sent"
        )
    campaign.delete()


@transaction.atomic
def campaign_send(
    *, actor, workspace_id: int, campaign_id: int, now: datetime | None = None
) -> Campaign:
    """Send a draft to its segment's reachable contacts, as the segment selects them now."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    now = now or timezone.now()
    campaign = campaign_find(workspace_id=workspace_id, campaign_id=campaign_id, lock=True)
    if campaign.status != CampaignStatus.DRAFT:
        raise ConflictError(_("The campaign is sent already."), code="campaign_sent")
    reachable = _reachable(campaign.segment, campaign.channel, now)
    Recipient.objects.bulk_create(
        [
            Recipient(
                campaign=campaign,
                contact=contact,
                account_id=contact.account_id,
                company_id=contact.account.company_id,
                address=address,
            )
            for contact, address in reachable
        ]
    )
    campaign.status = CampaignStatus.SENDING
    campaign.sent_at = now
    campaign.sent_by = actor
    campaign.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
    outbox.campaign_sent(campaign=campaign, recipients=len(reachable), actor=actor)
    task_on_commit(tasks.campaign_deliver, campaign.pk)
    return campaign
