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


def suppliers_in_order(ids: list[int]) -> list:
    from marketplace.companies.models import Company

    rows = Company.objects.select_related("supplier_profile").prefetch_related(
        "supplier_profile__categories", "supplier_profile__regions"
    )
    by_id = {c.pk: c for c in rows.filter(pk__in=ids)}
    from marketplace.standings.models import SupplierStanding

    # The platform-wide standing (the ratings' badge in the directory).
    standings = {
        s.supplier_id: s
        for s in SupplierStanding.objects.filter(buyer__isnull=True, supplier_id__in=ids)
    }
    out = []
    for i in ids:
        if i in by_id:
            company = by_id[i]
            company.standing = standings.get(i)  # type: ignore[attr-defined]
            out.append(company)
    return out


def products_in_order(ids: list[int]) -> list:
    from suppliers.models import Product

    from .models import SearchEntry

    rows = Product.objects.select_related("supplier", "category")
    by_id = {p.pk: p for p in rows.filter(pk__in=ids)}
    prices = {
        e.object_id: e
        for e in SearchEntry.objects.filter(kind="products", object_id__in=ids).only(
            "object_id", "price_min", "price_max", "currency"
        )
    }
    out = []
    for i in ids:
        if i in by_id:
            product = by_id[i]
            entry = prices.get(i)
            # The current prices as the index holds them, for the result line.
            product.price_min = entry.price_min if entry else None  # type: ignore[attr-defined]
            product.price_max = entry.price_max if entry else None  # type: ignore[attr-defined]
            product.currency = entry.currency if entry else ""  # type: ignore[attr-defined]
            out.append(product)
    return out
