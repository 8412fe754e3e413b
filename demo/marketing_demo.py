"""The demo's marketing: in the buyer's CRM (the workspace ``crm_demo`` fills for agro, kept by
its account manager) a segment of its active supplier accounts and an e-mail campaign sent to it,
with results: every message delivered, two opened, one clicked, one unsubscribed (by its signed
link), one bounced (by the provider's tracking event), a lead made for an account it reached,
and, when a supplier it reached has applied to one of the workspace's tenders, that application
credited to it (the campaign is dated a day before the latest such application).

Written through the services, the delivery and the tracking handler a real send runs through;
once: a workspace that has the demo segment already is left as it is."""

from __future__ import annotations

from datetime import datetime, timedelta

from anymail.signals import AnymailTrackingEvent  # type: ignore[import-untyped]

from auctions.models import Tender
from crm.pipeline_leads import lead_create
from marketing import delivery, selectors, services
from marketing.attribution import WINDOW, attribute_event
from marketing.models import Campaign, Recipient, Segment
from marketing.segments import segment_contacts
from marketing.suppression import unsubscribe, unsubscribe_token
from marketing.tracking import tracking_apply
from marketplace.companies.models import Company
from marketplace.events.models import Event
from marketplace.users.models import User

SEGMENT_NAME = "Постачальники: активні"
CAMPAIGN_NAME = "Нові тендери агрохолдингу"
BODY = (
    "<p>Добрий день, {{ contact.first_name }}!</p>\n"
    "<p>{{ workspace.name }} оголошує нові закупівлі для {{ account.name }}: добрива, пальне, "
    "запчастини. Подайте заявку на Tradefloor.</p>"
)


def _latest_application(*, workspace: Company, companies: list[int], now: datetime):
    """The latest ``application.submitted`` on the workspace's tenders by one of ``companies``,
    within the attribution window before ``now``."""
    tenders = set(Tender.objects.filter(buyer=workspace).values_list("pk", flat=True))
    events = Event.objects.filter(
        type="application.submitted", occurred_at__gt=now - WINDOW + timedelta(days=2)
    ).order_by("-occurred_at")
    for event in events[:500]:
        if event.payload.get("tender") in tenders and event.payload.get("supplier") in companies:
            return event
    return None


def _track(recipient: Recipient, event_type: str, at: datetime) -> None:
    tracking_apply(
        event=AnymailTrackingEvent(
            event_type=event_type,
            timestamp=at,
            recipient=recipient.address,
            message_id=recipient.message_id or None,
            metadata={
                delivery.METADATA_CAMPAIGN: str(recipient.campaign_id),
                delivery.METADATA_RECIPIENT: str(recipient.pk),
            },
        )
    )


def marketing_demo_load(*, now: datetime, workspace: Company, manager: User) -> dict:
    """``workspace``: the CRM's company (agro), ``manager``: its account manager. Returns the
    segment, the campaign and its results."""
    segment = Segment.objects.filter(workspace=workspace, name=SEGMENT_NAME).first()
    if segment is not None:
        campaign = Campaign.objects.filter(segment=segment).first()
        return {
            "segment": segment,
            "campaign": campaign,
            "results": selectors.campaign_results(campaign=campaign) if campaign else {},
        }
    segment = services.segment_create(
        actor=manager,
        workspace_id=workspace.pk,
        name=SEGMENT_NAME,
        filters={"segments": ["supplier", "both"], "stages": ["active"]},
    )
    campaign = services.campaign_create(
        actor=manager,
        workspace_id=workspace.pk,
        segment_id=segment.pk,
        name=CAMPAIGN_NAME,
        subject="Нові тендери: подайте заявку",
        body=BODY,
    )
    companies = [
        c
        for c in segment_contacts(segment=segment).values_list("account__company_id", flat=True)
        if c
    ]
    application = _latest_application(workspace=workspace, companies=companies, now=now)
    # Sent just before the latest application: the demo's trading history is loaded in the same
    # minute (its events are stamped with the load's time), and must not count as the campaign's.
    sent_at = (
        application.occurred_at - timedelta(seconds=30) if application else now - timedelta(days=3)
    )
    services.campaign_send(
        actor=manager, workspace_id=workspace.pk, campaign_id=campaign.pk, now=sent_at
    )
    delivery.campaign_deliver(campaign_id=campaign.pk)  # at once, whatever the broker: idempotent
    recipients = list(Recipient.objects.filter(campaign=campaign).order_by("pk"))
    if application is not None:  # the applicant's message first: it reads and clicks
        recipients.sort(key=lambda r: r.company_id != application.payload["supplier"])
    at = sent_at + timedelta(seconds=5)
    for index, recipient in enumerate(recipients):
        if index == len(recipients) - 1 and len(recipients) >= 3:
            _track(recipient, "bounced", at)
            continue
        _track(recipient, "delivered", at)
        if index <= 1:
            _track(recipient, "opened", at + timedelta(seconds=5))
        if index == 0:
            _track(recipient, "clicked", at + timedelta(seconds=10))
        if index == 1:
            unsubscribe(token=unsubscribe_token(recipient_id=recipient.pk), now=at)
    first = recipients[0] if recipients else None
    if first is not None and first.account is not None:
        lead_create(
            user=manager,
            workspace_id=workspace.pk,
            title=f"Запит після розсилки: {first.account.name}",
            account_id=first.account_id,
            email=first.address,
            notes="Відповів на розсилку «" + CAMPAIGN_NAME + "».",
        )
    if application is not None:
        attribute_event(application)
    campaign.refresh_from_db()
    return {
        "segment": segment,
        "campaign": campaign,
        "results": selectors.campaign_results(campaign=campaign),
    }
