"""The rows a page of hits names, in the hits' order, with what a result line shows."""

from __future__ import annotations

from django.db.models import Count, Min

from auctions.models import Tender


def tenders_in_order(ids: list[int]) -> list[Tender]:
    rows = Tender.objects.select_related("buyer", "platform", "category").annotate(
        lot_count=Count("lots"), price_min=Min("lots__start_price")
    )
    by_id = {t.pk: t for t in rows.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]
