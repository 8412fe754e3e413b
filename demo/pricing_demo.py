"""The demo's prices for kinds of customer and stock: for one demo supplier, its kinds (the
three defaults and "Dealers"), a wholesale price list with volume tiers assigned to its CRM
account of the demo buyer, a promotion valid this month on it, and two warehouses counting its
products in the demo lots' categories (one count fresh, one stale), so the award comparison
page shows the bidders' stock. A second load adds nothing.

``pricing_demo_load(now=, supplier=, buyer=, manager=, categories=None)``: ``manager`` is one of
the supplier's company admins or account managers; ``categories`` the demo lots' categories
(the supplier's products in them, or in any category when not given, are priced and counted)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from crm.models import Account
from marketplace.companies.models import Company
from pricing import services
from pricing.models import PriceAssignment, Promotion, PromotionKind
from suppliers import stock
from suppliers.models import CustomerKind, PriceList, PriceListItem, Product, Warehouse
from suppliers.selectors import category_subtree
from suppliers.services import product_create
from suppliers.stock_io import StockRow

WHOLESALE_NAME = "Wholesale (demo)"
DEMO_SKU = "DEMO-STOCK-1"


def _products(supplier: Company, categories) -> list[Product]:
    products = Product.objects.filter(supplier=supplier, is_active=True).order_by("sku")
    if categories:
        ids: set[int] = set()
        for category in categories:
            ids |= set(category_subtree(category=category).values_list("pk", flat=True))
        products = products.filter(category__in=ids)
    return list(products[:12])


def _product_for(supplier: Company, categories, manager) -> list[Product]:
    found = _products(supplier, categories)
    if found:
        return found
    category = next(iter(categories), None) if categories else None
    product = Product.objects.filter(supplier=supplier, sku=DEMO_SKU).first()
    if product is None:  # through the catalogue's service: the search indexes it too
        product = product_create(
            actor=manager,
            supplier=supplier,
            sku=DEMO_SKU,
            name="Дизельне паливо ДП-Л-Євро5-В0 (зі складу)",
            unit="t",
            category=category,
        )
    return [product]


def pricing_demo_load(
    *, now: datetime, supplier: Company, buyer: Company, manager, categories=None
) -> dict:
    today = now.date()
    products = _product_for(supplier, list(categories or []), manager)
    with transaction.atomic():
        services.customer_kinds_ensure(supplier=supplier)
        if not CustomerKind.objects.filter(supplier=supplier, code="dealers").exists():
            services.customer_kind_create(actor=manager, supplier=supplier, name="Dealers")
        wholesale, _created = PriceList.objects.get_or_create(
            supplier=supplier,
            name=WHOLESALE_NAME,
            defaults={"kind": "wholesale", "currency": "UAH", "valid_from": today.replace(day=1)},
        )
        for index, product in enumerate(products):
            base = Decimal(100 + 25 * index)
            for min_quantity, factor in ((Decimal(1), Decimal("1")), (Decimal(50), Decimal("0.9"))):
                PriceListItem.objects.get_or_create(
                    price_list=wholesale,
                    product=product,
                    min_quantity=min_quantity,
                    defaults={"price": (base * factor).quantize(Decimal("0.01"))},
                )
        account, _created = Account.objects.get_or_create(
            workspace=supplier, company=buyer, defaults={"name": buyer.legal_name}
        )
        if not PriceAssignment.objects.filter(supplier=supplier, account=account).exists():
            services.assignment_create(
                actor=manager, supplier=supplier, account_id=account.pk, price_list_id=wholesale.pk
            )
        promotion = Promotion.objects.filter(supplier=supplier, name="Demo promotion").first()
        if promotion is None:
            promotion = services.promotion_create(
                actor=manager,
                supplier=supplier,
                name="Demo promotion",
                kind=PromotionKind.PERCENT,
                percent=Decimal("10"),
                price_list=wholesale,
                products=products[:1],
                valid_from=today - timedelta(days=3),
                valid_until=today + timedelta(days=27),
            )
        fresh = Warehouse.objects.filter(supplier=supplier, name="Kyiv (demo)").first()
        if fresh is None:
            fresh = stock.warehouse_create(
                actor=manager, supplier=supplier, name="Kyiv (demo)", city="Kyiv", country="UA"
            )
        stale = Warehouse.objects.filter(supplier=supplier, name="Odesa (demo)").first()
        if stale is None:
            stale = stock.warehouse_create(
                actor=manager, supplier=supplier, name="Odesa (demo)", city="Odesa", country="UA"
            )
        rows = []
        for index, product in enumerate(products):
            rows.append(StockRow(None, product.sku, fresh.name, Decimal(40 + 10 * index), today))
            rows.append(
                StockRow(
                    None, product.sku, stale.name, Decimal(5 + index), today - timedelta(days=45)
                )
            )
        stock.stock_upsert(actor=manager, supplier=supplier, rows=rows, today=today)
    return {
        "price_list": wholesale,
        "account": account,
        "promotion": promotion,
        "warehouses": [fresh, stale],
        "products": products,
    }
