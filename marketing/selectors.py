"""Reads of segments and campaigns (who may read: ``crm.access``; every role of the workspace's
company), and a campaign's results.

Results per campaign: recipients by status; delivered, opened, clicked, unsubscribed, bounced
(bounced or rejected) and complained, each a recipient counted once; leads created; and the
suppliers' steps credited to it (``attribution``: applied, bid, won, each a distinct company).

Leads created (the rule): a lead of the workspace made within ``attribution.WINDOW`` after the
campaign was sent, whose account is one of the campaign's recipients' accounts, or whose e-mail
(or phone, for SMS) is one of its recipients' addresses. A lead may count for two campaigns that
both reached it."""

from __future__ import annotations

import csv
import io

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from crm.access import workspace_require
from crm.models import Lead

from .attribution import WINDOW
from .models import (
    Attribution,
    AttributionKind,
    Campaign,
    Recipient,
    RecipientStatus,
    Segment,
    Suppression,
)
from .services import campaign_find, segment_find

MEASURES = (
    "recipients",
    "sent",
    "failed",
    "delivered",
    "opened",
    "clicked",
    "unsubscribed",
    "bounced",
    "complained",
    "leads",
    "applied",
    "bid",
    "won",
)


def segment_list(*, user, workspace_id: int) -> QuerySet[Segment]:
    workspace_require(user=user, workspace_id=workspace_id)
    return (
        Segment.objects.filter(workspace_id=workspace_id)
        .annotate(campaign_count=Count("campaigns"))
        .order_by("name", "pk")
    )


def segment_get(*, user, workspace_id: int, segment_id: int) -> Segment:
    workspace_require(user=user, workspace_id=workspace_id)
    return segment_find(workspace_id=workspace_id, segment_id=segment_id)


def campaign_list(*, user, workspace_id: int) -> QuerySet[Campaign]:
    workspace_require(user=user, workspace_id=workspace_id)
    return Campaign.objects.filter(workspace_id=workspace_id).select_related("segment")


def campaign_get(*, user, workspace_id: int, campaign_id: int) -> Campaign:
    workspace_require(user=user, workspace_id=workspace_id)
    return campaign_find(workspace_id=workspace_id, campaign_id=campaign_id)


def campaign_leads(*, campaign: Campaign) -> QuerySet[Lead]:
    """The leads credited to the campaign (the rule in this module's docstring)."""
    if campaign.sent_at is None:
        return Lead.objects.none()
    recipients = Recipient.objects.filter(campaign=campaign, status=RecipientStatus.SENT)
    accounts = [a for a in recipients.values_list("account_id", flat=True) if a]
    addresses = list(recipients.values_list("address", flat=True))
    return Lead.objects.filter(
        Q(account_id__in=accounts) | Q(email__in=addresses) | Q(phone__in=addresses),
        workspace_id=campaign.workspace_id,
        created_at__gte=campaign.sent_at,
        created_at__lte=campaign.sent_at + WINDOW,
    )


def campaign_results(*, campaign: Campaign) -> dict[str, int]:
    recipients = Recipient.objects.filter(campaign=campaign)
    counts = recipients.aggregate(
        recipients=Count("pk"),
        sent=Count("pk", filter=Q(status=RecipientStatus.SENT)),
        failed=Count("pk", filter=Q(status=RecipientStatus.FAILED)),
        delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
        bounced=Count("pk", filter=Q(bounced_at__isnull=False)),
        complained=Count("pk", filter=Q(complained_at__isnull=False)),
    )
    steps = Attribution.objects.filter(campaign=campaign).aggregate(
        **{
            kind: Count("company", distinct=True, filter=Q(kind=kind))
            for kind in AttributionKind.values
        }
    )
    counts.update(steps)
    counts["leads"] = campaign_leads(campaign=campaign).count()
    return {key: counts.get(key) or 0 for key in MEASURES}


def measure_labels() -> dict[str, str]:
    return {
        "recipients": _("Recipients"),
        "sent": _("Sent"),
        "failed": _("Failed"),
        "delivered": _("Delivered"),
        "opened": _("Opened"),
        "clicked": _("Clicked"),
        "unsubscribed": _("Unsubscribed"),
        "bounced": _("Bounced"),
        "complained": _("Marked as spam"),
        "leads": _("Leads created"),
        "applied": _("Suppliers applied"),
        "bid": _("Suppliers bid"),
        "won": _("Suppliers won"),
    }


def results_chart(*, results: dict[str, int]) -> dict:
    """The chart the CRM's analytics script draws (``{labels, series}``): the funnel from the
    messages sent to the suppliers who won."""
    keys: tuple[str, ...] = ("sent", "delivered", "opened", "clicked", "unsubscribed", "bounced")
    keys += ("leads", "applied", "bid", "won")
    labels = measure_labels()
    return {
        "labels": [labels[k] for k in keys],
        "series": [{"label": _("Recipients"), "values": [results[k] for k in keys]}],
        "money": False,
        "axis": "",
    }


CSV_COLUMNS = (
    "address",
    "contact",
    "account",
    "status",
    "sent_at",
    "delivered_at",
    "opened_at",
    "clicked_at",
    "unsubscribed_at",
    "bounced_at",
    "complained_at",
    "error",
)


def _cell(value) -> str:
    text = (
        "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    )
    # A cell a spreadsheet would read as a formula is written as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not text[1:2].isdigit() else text


def campaign_csv(*, campaign: Campaign) -> str:
    """One row per recipient, then the campaign's totals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in Recipient.objects.filter(campaign=campaign).select_related("contact", "account"):
        row = {
            "address": r.address,
            "contact": str(r.contact) if r.contact else "",
            "account": r.account.name if r.account else "",
            "status": r.status,
            "sent_at": r.sent_at,
            "delivered_at": r.delivered_at,
            "opened_at": r.opened_at,
            "clicked_at": r.clicked_at,
            "unsubscribed_at": r.unsubscribed_at,
            "bounced_at": r.bounced_at,
            "complained_at": r.complained_at,
            "error": r.error,
        }
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    writer.writerow([])
    for key, value in campaign_results(campaign=campaign).items():
        writer.writerow([key, value])
    return out.getvalue()


def recipient_list(*, user, workspace_id: int, campaign_id: int) -> QuerySet[Recipient]:
    campaign = campaign_get(user=user, workspace_id=workspace_id, campaign_id=campaign_id)
    return Recipient.objects.filter(campaign=campaign).order_by("pk")


def suppression_list(*, user, workspace_id: int) -> QuerySet[Suppression]:
    workspace_require(user=user, workspace_id=workspace_id)
    return Suppression.objects.filter(workspace_id=workspace_id)
