"""What is searchable of each document, as one dict every backend indexes.

A tender: its title, description, its lots' names, descriptions, units and delivery places,
its category's names in every language with its ancestors', its buyer's and platform's names;
the filters and facets (category and its path, platform, currency, status, the buyer's
country as the region, the lots' lowest and highest start price, the applications deadline);
and what says who may read it (``public``, ``participation``, ``buyer``, ``invited``), which
the Elasticsearch backend filters by and the database backend reads from the tenders
themselves. Nothing private is indexed: no reserve price, no applications, no bids.
A draft is not a document (``tender_document`` answers None).
"""

from __future__ import annotations

from django.db.models import Prefetch

from auctions.models import Lot, Tender, TenderInvitation, TenderStatus
from marketplace.platforms.models import PlatformKind

from .query import Kind
from .text import haystack


def _category_names(category) -> list[str]:
    names = []
    node = category
    while node is not None:
        names += [node.code, node.name_en, node.name_ru, node.name_uk]
        node = node.parent
    return [n for n in names if n]


def tenders_for_index():
    return Tender.objects.select_related(
        "platform", "buyer", "category__parent__parent__parent"
    ).prefetch_related(
        Prefetch("lots", queryset=Lot.objects.order_by("number")),
        Prefetch("invitations", queryset=TenderInvitation.objects.only("tender_id", "supplier_id")),
    )


def tender_document(tender: Tender) -> dict | None:
    if tender.status == TenderStatus.DRAFT:
        return None
    lots = list(tender.lots.all())
    prices = [lot.start_price for lot in lots]
    lot_text = [
        part
        for lot in lots
        for part in (
            lot.title,
            lot.description,
            f"{lot.quantity.normalize():f} {lot.unit}",
            lot.delivery_place,
        )
        if part
    ]
    category = tender.category
    public = (
        tender.participation == "open"
        and tender.platform.kind == PlatformKind.PUBLIC
        and tender.platform.is_active
    )
    return {
        "kind": Kind.TENDERS,
        "id": tender.pk,
        "title": tender.title,
        "description": tender.description,
        "lots": [lot.title for lot in lots],
        "text": haystack(
            tender.title,
            tender.description,
            *lot_text,
            *_category_names(category),
            tender.buyer.legal_name,
            tender.platform.name,
        ),
        "category": category.pk if category else None,
        "category_path": category.path if category else "",
        "platform": tender.platform_id,
        "currency": tender.currency,
        "status": tender.status,
        "region": tender.buyer.country,
        "price_min": str(min(prices)) if prices else None,
        "price_max": str(max(prices)) if prices else None,
        "deadline": tender.applications_deadline.isoformat(),
        "published_at": tender.published_at.isoformat() if tender.published_at else None,
        # Who may read it (the Elasticsearch backend's filter; docs/search.md).
        "public": public,
        "participation": tender.participation,
        "buyer": tender.buyer_id,
        "invited": sorted(i.supplier_id for i in tender.invitations.all()),
    }
