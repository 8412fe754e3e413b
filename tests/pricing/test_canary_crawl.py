"""The pricing and stock canary: a supplier's kinds of customer, price lists with their items,
promotions, assignments (to buyer A's CRM account and to a segment holding only it),
warehouses and stock rows, whose texts carry a canary. A stranger company's people (a rival
supplier that also buys), buyer B (a buyer company those lists are not assigned to) and
anonymous ask every pricing and stock endpoint the API routes (found by walking the URL
patterns, so an endpoint added later is crawled too) with every method and the supplier's ids,
under the supplier's id and under the stranger's own: no answer carries the canary, and
nothing of anyone but the stranger's own company is written. The pages get the same crawl.
Buyer A does see its lists (and the supplier's own manager every row), so the canary is
where the crawl looks."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from rest_framework.test import APIClient

from crm.models import Account, GeneratedDocument, TimelineEntry
from marketing.models import Segment
from marketplace.companies.models import MembershipRole
from marketplace.events.models import Event
from pricing import services
from pricing.models import PriceAssignment, Promotion, PromotionKind
from suppliers import stock
from suppliers.models import CustomerKind, PriceList, PriceListItem, Product, StockLevel, Warehouse
from tests.factories import CompanyFactory, PlatformMembershipFactory, member
from tests.routes import url_routes as routes
from tests.suppliers.factories import PriceListFactory, PriceListItemFactory, ProductFactory

pytestmark = pytest.mark.django_db
CANARY = "CANARY-5e7a"
METHODS = ("get", "post", "put", "patch", "delete")
API_PREFIXES = ("api/pricing/", "api/suppliers/")
PAGE_PREFIXES = ("pricing/", "my-catalogue/", "suppliers/")
PAGE_ACTIONS = (
    "kind_add",
    "kind_default",
    "kind_delete",
    "promotion_add",
    "promotion_delete",
    "assignment_add",
    "assignment_delete",
    "warehouse_add",
    "warehouse_delete",
    "import",
    "no_such_action",
)
LONG_AGO, FAR_AHEAD = datetime.date(2020, 1, 1), datetime.date(2099, 12, 31)


def fill(route: str, ids: dict) -> str:
    path = re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), route)
    assert "<" not in path, route
    return "/" + path


def _rows(qs) -> list:
    return sorted(qs.values_list())


def _own(path: str, company) -> Q:
    """The row's ``path`` (a nullable link) is empty or the company's."""
    return Q(**{f"{path}__isnull": True}) | Q(**{path: company})


def snapshot(stranger) -> dict:
    """What the pricing, stock and offer tables hold, but for the rows wholly of the stranger's
    own company (its admins may change their own; nothing of theirs may reach another's)."""
    own = stranger
    through = Promotion.products.through
    return {
        "kinds": _rows(CustomerKind.objects.exclude(supplier=own)),
        "lists": _rows(PriceList.objects.exclude(supplier=own)),
        "items": _rows(
            PriceListItem.objects.exclude(price_list__supplier=own, product__supplier=own)
        ),
        "products": _rows(Product.objects.exclude(supplier=own)),
        "promotions": _rows(
            Promotion.objects.exclude(
                Q(supplier=own)
                & _own("price_list__supplier", own)
                & _own("customer_kind__supplier", own)
            )
        ),
        "promoted": _rows(through.objects.exclude(promotion__supplier=own, product__supplier=own)),
        "assignments": _rows(
            PriceAssignment.objects.exclude(
                Q(supplier=own)
                & _own("account__workspace", own)
                & _own("segment__workspace", own)
                & _own("price_list__supplier", own)
                & _own("customer_kind__supplier", own)
            )
        ),
        "warehouses": _rows(Warehouse.objects.exclude(supplier=own)),
        "stock": _rows(StockLevel.objects.exclude(warehouse__supplier=own, product__supplier=own)),
        "accounts": _rows(Account.objects.exclude(workspace=own)),
        "segments": _rows(Segment.objects.exclude(workspace=own)),
        "documents": _rows(
            GeneratedDocument.objects.exclude(workspace=own, account__workspace=own)
        ),
        "timeline": _rows(TimelineEntry.objects.exclude(workspace=own, account__workspace=own)),
        "events": sorted(Event.objects.exclude(company=own).values_list("pk", "type")),
    }


@pytest.fixture
def victim(supplier_company, buyer_company, other_buyer, platform):
    """The supplier's rows (each text with the canary but the default retail list's, which
    every buyer gets), buyer A's account given the wholesale list, a segment (holding only A's
    account) given the dealers' kind; buyer B's account given nothing."""
    supplier = supplier_company
    services.customer_kinds_ensure(supplier=supplier)
    manager = member(supplier, MembershipRole.ACCOUNT_MANAGER)
    wholesale_kind = CustomerKind.objects.get(supplier=supplier, code="wholesale")
    services.customer_kind_update(actor=manager, kind=wholesale_kind, name=f"{CANARY} wholesale")
    dealers = services.customer_kind_create(
        actor=manager, supplier=supplier, name=f"{CANARY} dealers", code="dealers"
    )
    product = ProductFactory(supplier=supplier, sku="P-1", name="Bolt", unit="pcs")
    # Withdrawn from sale: private to the supplier's members, whatever list still prices it.
    withdrawn = ProductFactory(
        supplier=supplier, sku="OLD-1", name=f"{CANARY} withdrawn", unit="pcs", is_active=False
    )
    retail = PriceListFactory(supplier=supplier, name="Retail list", kind="retail")
    PriceListItemFactory(price_list=retail, product=product, price=Decimal("120.00"))
    PriceListItemFactory(price_list=retail, product=withdrawn, price=Decimal("50.00"))
    wholesale = PriceListFactory(
        supplier=supplier, name=f"{CANARY} wholesale list", kind="wholesale"
    )
    item = PriceListItemFactory(price_list=wholesale, product=product, price=Decimal("100.00"))
    PriceListItemFactory(
        price_list=wholesale, product=product, price=Decimal("90.00"), min_quantity=Decimal("10")
    )
    for_dealers = PriceListFactory(supplier=supplier, name=f"{CANARY} dealers list", kind="dealers")
    dealer_item = PriceListItemFactory(
        price_list=for_dealers, product=product, price=Decimal("95.00")
    )
    on_list = Promotion.objects.create(
        supplier=supplier,
        name=f"{CANARY} list promotion",
        kind=PromotionKind.PERCENT,
        percent=Decimal("10"),
        price_list=wholesale,
        valid_from=LONG_AGO,
        valid_until=FAR_AHEAD,
    )
    on_kind = Promotion.objects.create(
        supplier=supplier,
        name=f"{CANARY} kind promotion",
        kind=PromotionKind.FIXED_PRICE,
        price=Decimal("80.00"),
        currency="UAH",
        customer_kind=dealers,
        valid_from=LONG_AGO,
        valid_until=FAR_AHEAD,
    )
    on_list.products.add(product)
    on_kind.products.add(product)
    account_a = Account.objects.create(
        workspace=supplier, company=buyer_company, name=f"{CANARY} account A", country="PL"
    )
    account_b = Account.objects.create(
        workspace=supplier, company=other_buyer, name="Account B", country="UA"
    )
    segment = Segment.objects.create(
        workspace=supplier, name=f"{CANARY} segment", filters={"countries": ["PL"]}
    )
    to_account = services.assignment_create(
        actor=manager, supplier=supplier, account_id=account_a.pk, price_list_id=wholesale.pk
    )
    to_segment = services.assignment_create(
        actor=manager, supplier=supplier, segment_id=segment.pk, customer_kind_id=dealers.pk
    )
    warehouse = stock.warehouse_create(
        actor=manager, supplier=supplier, name=f"{CANARY} warehouse", city=f"{CANARY} city"
    )
    StockLevel.objects.create(
        warehouse=warehouse, product=product, quantity=Decimal("7"), counted_on=LONG_AGO
    )
    stranger = CompanyFactory(legal_name="Rival Trading", is_buyer=True, is_supplier=True)
    PlatformMembershipFactory(platform=platform, company=stranger)
    common = {"product_id": product.pk, "warehouse_id": warehouse.pk, "certificate_id": 999_999}
    sets = [
        {
            **common,
            "kind_id": wholesale_kind.pk,
            "price_list_id": wholesale.pk,
            "item_id": item.pk,
            "promotion_id": on_list.pk,
            "assignment_id": to_account.pk,
        },
        {
            **common,
            "kind_id": dealers.pk,
            "price_list_id": for_dealers.pk,
            "item_id": dealer_item.pk,
            "promotion_id": on_kind.pk,
            "assignment_id": to_segment.pk,
            "product_id": withdrawn.pk,
        },
    ]
    # Each set under the supplier's id, and under the stranger's own (its ids, another's rows).
    ids = [
        {**s, "company_id": c.pk, "supplier_id": c.pk} for c in (supplier, stranger) for s in sets
    ]
    shared = {
        "name": "x",
        "code": "x",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "currency": "UAH",
        "priority": 1,
        "template": 1,
        "rows": [
            {
                "sku": "P-1",
                "warehouse": f"#{warehouse.pk}",
                "quantity": "1",
                "counted_on": "2026-01-01",
            }
        ],
    }
    # Two bodies, so that each check of a write meets one reference at a time (an account and
    # a list; a segment and a kind), and a quote asks for each product.
    bodies = [
        {
            **shared,
            "kind": "percent",
            "percent": "5",
            "price_list": wholesale.pk,
            "account": account_a.pk,
            "products": [product.pk],
            "product_id": product.pk,
            "price": "1.00",
            "buyer": buyer_company.pk,  # A's prices, asked for by someone else
            "lines": [{"product": product.pk, "quantity": "10"}],
        },
        {
            **shared,
            "kind": "fixed_price",
            "price": "1.00",
            "customer_kind": dealers.pk,
            "segment": segment.pk,
            "products": [withdrawn.pk],
            "product_id": withdrawn.pk,
            "lines": [{"product": withdrawn.pk, "quantity": "2"}],
        },
    ]
    queries = [
        {"buyer": buyer_company.pk, "account": account_a.pk, "lines": "P-1 10"},
        {"account": account_b.pk, "on_date": "2026-06-01", "lines": "OLD-1 2\nP-1 1"},
    ]
    return {
        "supplier": supplier,
        "manager": manager,
        "stranger": stranger,
        "buyer_a": buyer_company,
        "buyer_b": other_buyer,
        "account_a": account_a,
        "account_b": account_b,
        "ids": ids,
        "bodies": bodies,
        "queries": queries,
    }


def _upload(victim) -> SimpleUploadedFile:
    warehouse = victim["ids"][0]["warehouse_id"]
    text = f"sku,warehouse,quantity,counted_on,name,price\nP-1,#{warehouse},3,2026-01-01,Bolt,1\n"
    return SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")


def _people(victim, who: str):
    if who == "anonymous":
        return None
    company, role = {
        "stranger_admin": (victim["stranger"], MembershipRole.COMPANY_ADMIN),
        "stranger_manager": (victim["stranger"], MembershipRole.ACCOUNT_MANAGER),
        "stranger_bidder": (victim["stranger"], MembershipRole.BIDDER),
        "buyer_b": (victim["buyer_b"], MembershipRole.COMPANY_ADMIN),
    }[who]
    return member(company, role)


WHO = ("stranger_admin", "stranger_manager", "stranger_bidder", "buyer_b", "anonymous")
# The pages' crawl is dearer (each form action on each page): the account manager has the
# admin's rights over pricing and the catalogue, so the API's crawl of it suffices.
PAGE_WHO = ("stranger_admin", "stranger_bidder", "buyer_b", "anonymous")


def _sets(victim, who: str, *, pages: bool = False) -> list[dict]:
    """The id sets ``who`` asks with: the supplier's ids under its own id, and (for the
    stranger's people, whose company is a supplier too) under the stranger's id. The pages
    take the first set under the supplier's id and the second under the stranger's."""
    at_supplier, at_stranger = victim["ids"][:2], victim["ids"][2:]
    if not who.startswith("stranger"):
        return at_supplier
    return [at_supplier[0], at_stranger[1]] if pages else at_supplier + at_stranger


def _text(answer) -> str:
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("who", WHO)
def test_the_api_never_shows_an_outsider_the_canary(victim, who):
    user = _people(victim, who)
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    found = routes(*API_PREFIXES)
    assert len(found) >= 20
    assert any(r.startswith("api/pricing/") for r in found)
    assert any("warehouses" in r for r in found) and any("stock" in r for r in found)
    before = snapshot(victim["stranger"])
    answers = 0
    for ids in _sets(victim, who):
        theirs = ids["company_id"] == victim["supplier"].pk
        for route in found:
            url = fill(route, ids)
            for method in METHODS:
                sent = [(body, "json") for body in victim["bodies"]]
                for data, fmt in (*sent, ({"file": _upload(victim)}, None)):
                    if fmt is None and (method != "post" or not route.endswith("import/")):
                        continue
                    cache.clear()  # the upload throttle's counts: a 429 would hide the answer
                    if fmt is None:
                        answer = c.post(url, data, format="multipart")
                    else:
                        answer = getattr(c, method)(url, data, format=fmt)
                    answers += 1
                    status = answer.status_code
                    assert status in (200, 201, 204, 400, 401, 403, 404, 405, 409, 415), (
                        method,
                        url,
                        status,
                    )
                    assert not (theirs and status in (201, 204)), (method, url, status)
                    assert CANARY not in _text(answer), (method, url)
            answer = c.get(url)  # and with no query at all
            assert CANARY not in _text(answer), url
    assert snapshot(victim["stranger"]) == before
    assert answers >= 100 * len(_sets(victim, who))


@pytest.mark.parametrize("who", PAGE_WHO)
def test_the_pages_never_show_an_outsider_the_canary(victim, who):
    user = _people(victim, who)
    c = Client()
    if user is not None:
        c.force_login(user)
    found = routes(*PAGE_PREFIXES)
    assert any(r.startswith("pricing/") for r in found)
    assert any(r.endswith("/stock/") for r in found)
    before = snapshot(victim["stranger"])
    for ids in _sets(victim, who, pages=True):
        for route in found:
            url = fill(route, ids)
            for query in ({}, *victim["queries"]):
                answer = c.get(url, query)
                assert answer.status_code in (200, 302, 400, 403, 404, 405), (
                    url,
                    answer.status_code,
                )
                assert CANARY not in _text(answer), url
            for n, action in enumerate(PAGE_ACTIONS):
                form = {
                    **victim["queries"][n % 2],
                    "action": action,
                    "name": "x",
                    "kind": "percent" if action == "promotion_add" else ids["kind_id"],
                    "percent": "5",
                    "valid_from": "2026-01-01",
                    "valid_until": "2026-12-31",
                    "scope": f"list:{ids['price_list_id']}",
                    "products": [ids["product_id"]],
                    "promotion": ids["promotion_id"],
                    "assignment": ids["assignment_id"],
                    "target": f"account:{victim['account_a'].pk}",
                    "price": f"list:{ids['price_list_id']}",
                    "warehouse": ids["warehouse_id"],
                    "template": 1,
                    "file": _upload(victim),
                }
                answer = c.post(url, form)
                assert answer.status_code in (200, 302, 400, 403, 404, 405, 409), (
                    action,
                    url,
                    answer.status_code,
                )
                assert CANARY not in _text(answer), (action, url)
    assert snapshot(victim["stranger"]) == before


def test_buyer_a_and_the_supplier_do_see_the_canary(victim):
    """The crawl looks where the canary is: buyer A gets its assigned list, its segment's
    kind's list and their promotions; the supplier's own manager reads every row."""
    supplier = victim["supplier"]
    a = APIClient()
    a.force_authenticate(user=member(victim["buyer_a"]))
    mine = a.get(f"/api/pricing/suppliers/{supplier.pk}/my-prices/").json()
    names = [pl["name"] for pl in mine["price_lists"]]
    assert names == [f"{CANARY} wholesale list", f"{CANARY} dealers list", "Retail list"]
    promotions = {p["name"] for p in mine["promotions"]}
    assert promotions == {f"{CANARY} list promotion", f"{CANARY} kind promotion"}
    quote = a.post(
        f"/api/pricing/suppliers/{supplier.pk}/quote/",
        {"lines": [{"product": victim["ids"][0]["product_id"], "quantity": "10"}]},
        format="json",
    )
    assert quote.status_code == 200 and CANARY in quote.content.decode()
    page = Client()
    page.force_login(member(victim["buyer_a"]))
    assert CANARY in page.get(f"/pricing/from/{supplier.pk}/").content.decode()
    # A withdrawn product is the supplier's own business, even for its best customer (a
    # quote named it, with its price, to any buyer asking for its id or SKU).
    withdrawn = victim["ids"][1]["product_id"]
    refused = a.post(
        f"/api/pricing/suppliers/{supplier.pk}/quote/",
        {"lines": [{"product": withdrawn, "quantity": "1"}]},
        format="json",
    )
    assert refused.status_code == 400, refused.content
    assert refused.json()["error"]["code"] == "product_not_found"
    html = page.get(f"/pricing/from/{supplier.pk}/", {"lines": "OLD-1 1"}).content.decode()
    assert "no product “OLD-1”" in html and "withdrawn" not in html
    # B, asking as itself, gets the default list only.
    b = APIClient()
    b.force_authenticate(user=member(victim["buyer_b"]))
    theirs = b.get(f"/api/pricing/suppliers/{supplier.pk}/my-prices/").json()
    assert [pl["name"] for pl in theirs["price_lists"]] == ["Retail list"]
    # The supplier's manager sees the canary on the list and detail routes the crawl asks.
    own = APIClient()
    own.force_authenticate(user=victim["manager"])
    seen = set()
    for ids in victim["ids"][:2]:
        for route in routes(*API_PREFIXES):
            answer = own.get(fill(route, ids))
            if answer.status_code == 200 and CANARY in _text(answer):
                seen.add(route.split("<int:company_id>/", 1)[-1])
    assert {
        "kinds/",
        "promotions/",
        "promotions/<int:promotion_id>/",
        "price-lists/",
        "price-lists/<int:price_list_id>/",
        "warehouses/",
        "warehouses/<int:warehouse_id>/",
        "stock/",
        "products/<int:product_id>/",
    } <= seen
    pages = Client()
    pages.force_login(victim["manager"])
    for url in (f"/pricing/{supplier.pk}/", f"/my-catalogue/{supplier.pk}/stock/"):
        assert CANARY in pages.get(url).content.decode(), url
    # The supplier's own offer may still price its withdrawn product.
    offer = pages.get(
        f"/pricing/{supplier.pk}/offer/",
        {"account": victim["account_b"].pk, "lines": "OLD-1 1", "on_date": "2026-06-01"},
    )
    assert offer.status_code == 200 and f"{CANARY} withdrawn" in offer.content.decode()
