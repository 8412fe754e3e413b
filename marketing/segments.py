"""A segment's filter evaluated to the workspace's accounts and contacts, and who of them a
campaign may reach.

Reachable by e-mail: a contact who consents to be contacted and has an e-mail address the
workspace has not suppressed (unsubscribed, bounced, complained); the first such address of the
contact's list is the one written to. By SMS: the same with its first phone (E.164)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from crm.models import Account, Activity, Contact
from marketplace.categories.models import Category
from marketplace.standings.models import SupplierStanding
from suppliers.models import SupplierProfile, SupplierRegion

from .models import Channel, Segment, Suppression


def _category_q(ids: list[int]) -> Q:
    paths = list(Category.objects.filter(pk__in=ids).values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path=path) | Q(path__startswith=f"{path}/")
    supplied = SupplierProfile.categories.through.objects.filter(
        supplierprofile__company_id=OuterRef("company_id"),
        category__in=Category.objects.filter(q),
    )
    return Q(Exists(supplied))


def _band_q(workspace_id: int, bands: list[str]) -> Q:
    own = SupplierStanding.objects.filter(buyer_id=workspace_id, supplier_id=OuterRef("company_id"))
    platform = SupplierStanding.objects.filter(
        buyer__isnull=True, supplier_id=OuterRef("company_id"), band__in=bands
    )
    return Q(Exists(own.filter(band__in=bands))) | (~Q(Exists(own)) & Q(Exists(platform)))


def filters_accounts(
    *, workspace_id: int, filters: dict[str, Any], now: datetime | None = None
) -> QuerySet[Account]:
    """The workspace's accounts matching ``filters`` (already checked by
    ``filters.filters_clean``)."""
    now = now or timezone.now()
    qs = Account.objects.filter(workspace_id=workspace_id)
    if filters.get("stages"):
        qs = qs.filter(stage__in=filters["stages"])
    if filters.get("segments"):
        qs = qs.filter(segment__in=filters["segments"])
    if filters.get("countries"):
        qs = qs.filter(country__in=filters["countries"])
    if filters.get("tags"):
        tagged = Account.tags.through.objects.filter(tag_id__in=filters["tags"])
        qs = qs.filter(pk__in=tagged.values("account_id"))
    if filters.get("categories"):
        qs = qs.filter(_category_q(filters["categories"]))
    if filters.get("regions"):
        served = SupplierRegion.objects.filter(
            profile__company_id=OuterRef("company_id"), code__in=filters["regions"]
        )
        qs = qs.filter(Exists(served))
    if filters.get("rating_bands"):
        qs = qs.filter(_band_q(workspace_id, filters["rating_bands"]))
    if filters.get("active_within_days"):
        since = now - timedelta(days=filters["active_within_days"])
        recent = Activity.objects.filter(account_id=OuterRef("pk"), created_at__gte=since)
        qs = qs.filter(Exists(recent))
    if filters.get("inactive_for_days"):
        since = now - timedelta(days=filters["inactive_for_days"])
        recent = Activity.objects.filter(account_id=OuterRef("pk"), created_at__gte=since)
        qs = qs.filter(~Exists(recent))
    return qs.order_by("name", "pk")


def filters_contacts(
    *, workspace_id: int, filters: dict[str, Any], now: datetime | None = None
) -> QuerySet[Contact]:
    accounts = filters_accounts(workspace_id=workspace_id, filters=filters, now=now)
    qs = Contact.objects.filter(workspace_id=workspace_id, account__in=accounts.values("pk"))
    if filters.get("languages"):
        qs = qs.filter(language__in=filters["languages"])
    return qs.select_related("account").order_by("last_name", "first_name", "pk")


def segment_accounts(*, segment: Segment, now: datetime | None = None) -> QuerySet[Account]:
    """The segment's accounts, as its filter selects them now."""
    return filters_accounts(workspace_id=segment.workspace_id, filters=segment.filters, now=now)


def segment_contacts(*, segment: Segment, now: datetime | None = None) -> QuerySet[Contact]:
    """The contacts at the segment's accounts (narrowed by its contact filters)."""
    return filters_contacts(workspace_id=segment.workspace_id, filters=segment.filters, now=now)


def suppressed_addresses(*, workspace_id: int) -> set[str]:
    return set(
        Suppression.objects.filter(workspace_id=workspace_id).values_list("address", flat=True)
    )


def normalize_email(address: str) -> str:
    return (address or "").strip().lower()


def contact_address(*, contact: Contact, channel: str, suppressed: set[str]) -> str | None:
    """The address a campaign of ``channel`` writes to ``contact`` at, or None when it may not
    be written to (no consent, no address, every address suppressed)."""
    if not contact.consent:
        return None
    if channel == Channel.EMAIL:
        candidates = [normalize_email(e) for e in contact.emails or [] if isinstance(e, str)]
    else:
        candidates = [p.strip() for p in contact.phones or [] if isinstance(p, str)]
    for address in candidates:
        if address and address not in suppressed:
            return address
    return None


def reachable_contacts(
    *, contacts: QuerySet[Contact], workspace_id: int, channel: str
) -> list[tuple[Contact, str]]:
    """Each contact of ``contacts`` a campaign may write to, with its address; one contact per
    address (two contacts sharing an e-mail get one message)."""
    suppressed = suppressed_addresses(workspace_id=workspace_id)
    seen: set[str] = set()
    out = []
    for contact in contacts.filter(consent=True):
        address = contact_address(contact=contact, channel=channel, suppressed=suppressed)
        if address and address not in seen:
            seen.add(address)
            out.append((contact, address))
    return out


def filters_counts(
    *, workspace_id: int, filters: dict[str, Any], now: datetime | None = None
) -> dict[str, int]:
    """The live counts shown beside a segment's filter."""
    contacts = filters_contacts(workspace_id=workspace_id, filters=filters, now=now)
    return {
        "accounts": filters_accounts(workspace_id=workspace_id, filters=filters, now=now).count(),
        "contacts": contacts.count(),
        "reachable_email": len(
            reachable_contacts(contacts=contacts, workspace_id=workspace_id, channel=Channel.EMAIL)
        ),
        "reachable_sms": len(
            reachable_contacts(contacts=contacts, workspace_id=workspace_id, channel=Channel.SMS)
        ),
    }


def segment_counts(*, segment: Segment, now: datetime | None = None) -> dict[str, int]:
    return filters_counts(workspace_id=segment.workspace_id, filters=segment.filters, now=now)
