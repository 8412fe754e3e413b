"""The catalogue demo (demo/catalogue_demo.py): after `load_demo` the supplier directory, the
catalogue and the tender list have enough to search, the demo's own fuel suppliers among them;
every generated identifier passes its country's check; a second run adds nothing; the extra
tenders leave the live demo auction the one the home page shows."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from auctions.models import Lot, LotStatus, Tender, TenderStatus
from crm.models import Lead
from demo.catalogue_data import SUPPLIERS
from demo.catalogue_demo import TENDER_TITLES, generated_companies
from demo.management.commands.load_demo import DEMO_TENDER_TITLE
from marketplace.companies.identifiers import normalise
from marketplace.companies.models import Company
from marketplace.events.models import Event
from marketplace.platforms.models import ParticipationStatus, PlatformMembership
from marketplace.users.models import User
from search.models import SearchEntry
from search.query import Kind, search_query
from search.selectors import search
from suppliers.models import (
    Certificate,
    PriceList,
    PriceListItem,
    Product,
    SupplierProfile,
    SupplierRegion,
)

pytestmark = pytest.mark.django_db

BUYER = "buyer@demo.tradefloor.local"


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.ELASTICSEARCH_URL = ""


def _load(capture) -> str:
    out = StringIO()
    with capture(execute=True):  # the events' deliveries, as `make run` runs them
        # The trading history is another test module's (tests/demo/test_history_demo.py).
        call_command("load_demo", "--without", "history", stdout=out)
    return out.getvalue()


def _find(kind: str, params: dict, user):
    return search(search_query(params, kind=kind), user=user)


def _facet(result, name: str) -> dict[str, int]:
    facet = next((f for f in result.facets if f.name == name), None)
    return {b.value: b.count for b in facet.buckets} if facet else {}


def test_the_directory_the_catalogue_and_the_tender_list_have_enough_to_search(
    django_capture_on_commit_callbacks,
):
    """One load (a load is the most of this module's time): the directory and the catalogue
    (``_directory_and_catalogue``), then the extra tenders beside the live demo auction
    (``_tender_list``)."""
    printed = _load(django_capture_on_commit_callbacks)
    _directory_and_catalogue(printed)
    _tender_list()


def _directory_and_catalogue(printed: str) -> None:
    suppliers = generated_companies()
    assert suppliers.count() == len(SUPPLIERS) >= 35
    products = Product.objects.filter(supplier__in=suppliers)
    assert 300 <= products.count() <= 600
    assert "Catalogue demo: 40 suppliers" in printed and "/suppliers/" in printed
    assert "/catalogue/" in printed
    today = timezone.localdate()
    for company in suppliers:
        profile = SupplierProfile.objects.get(company=company)
        assert profile.description and 1 <= profile.categories.count() <= 4
        assert profile.regions.exists() and 1 <= profile.certificates.count() <= 2
        assert 5 <= company.products.count() <= 15
        current = PriceList.objects.filter(supplier=company, valid_from__lte=today).exclude(
            valid_until__lt=today
        )
        priced = PriceListItem.objects.filter(price_list__in=current).values("product").distinct()
        assert priced.count() == company.products.count()  # every product has a price today
    assert SupplierRegion.objects.filter(code__in=["UA-30", "UA-46"]).exists()
    assert not Certificate.objects.exclude(file_name="").exists()  # names, no files

    user = User.objects.get(email=BUYER)
    found = _find(Kind.SUPPLIERS, {"q": "дизель", "page_size": "100"}, user)
    assert found.total >= 5
    names = set(Company.objects.filter(pk__in=found.ids).values_list("legal_name", flat=True))
    # the demo's own fuel suppliers too (their profiles: demo/catalogue_demo.OWN_SUPPLIERS)
    assert {"ООО «Северный Топливный Терминал»", "Baltic Freight Supply OÜ"} <= names
    assert "ТОВ «Укрнафтопостач»" in names
    directory = _find(Kind.SUPPLIERS, {}, user)
    assert directory.total >= len(SUPPLIERS) + 4
    assert len(_facet(directory, "category")) >= 5
    regions = _facet(directory, "region")
    assert len(regions) >= 5 and regions["UA"] >= 25

    for words in ("насіння", "seeds"):
        seeds = _find(Kind.PRODUCTS, {"q": words}, user)
        assert seeds.total >= 5, words
    catalogue = _find(Kind.PRODUCTS, {}, user)
    assert catalogue.total == Product.objects.count()
    assert len(_facet(catalogue, "category")) >= 5
    assert {"UAH", "EUR", "PLN"} <= set(_facet(catalogue, "currency"))
    assert len(_facet(catalogue, "region")) >= 4


def counts() -> dict[str, int]:
    return {
        "companies": Company.objects.count(),
        "memberships": PlatformMembership.objects.count(),
        "profiles": SupplierProfile.objects.count(),
        "regions": SupplierRegion.objects.count(),
        "certificates": Certificate.objects.count(),
        "products": Product.objects.count(),
        "price_lists": PriceList.objects.count(),
        "price_items": PriceListItem.objects.count(),
        "tenders": Tender.objects.count(),
        "lots": Lot.objects.count(),
        "leads": Lead.objects.count(),
        "search": SearchEntry.objects.count(),
    }


def test_a_second_load_adds_nothing_and_every_identifier_passes_its_check(
    django_capture_on_commit_callbacks,
):
    _load(django_capture_on_commit_callbacks)
    first = counts()
    last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    _load(django_capture_on_commit_callbacks)
    assert counts() == first
    assert Event.objects.filter(type="supplier.changed", pk__gt=last_event).count() == 0
    for company in generated_companies():
        ids = normalise(company.country, company.registration_number, company.tax_id)
        assert (ids.registration_number, ids.tax_id) == (
            company.registration_number,
            company.tax_id,
        )
        assert company.is_verified and company.is_supplier
        membership = PlatformMembership.objects.get(company=company, platform__slug="public")
        assert membership.status == ParticipationStatus.ACCEPTED
    assert set(generated_companies().values_list("country", flat=True)) == {
        "UA",
        "RU",
        "PL",
        "EE",
        "DE",
    }


def _tender_list() -> None:
    """The extra tenders are there, none goes live during the demo, and the home page's live
    auction is still the demo's."""
    extra = Tender.objects.filter(title__in=TENDER_TITLES)
    assert extra.count() == len(TENDER_TITLES) >= 20
    assert extra.values("buyer").distinct().count() >= 2
    assert {"UAH", "EUR", "PLN"} <= set(extra.values_list("currency", flat=True))
    assert extra.filter(status=TenderStatus.CANCELLED).count() >= 2
    failed = Lot.objects.filter(tender__in=extra, status=LotStatus.FAILED)
    assert failed.values("tender").distinct().count() >= 2
    # No extra lot goes live during the demo: published, its auction weeks ahead at the soonest.
    soon = timezone.now() + timedelta(days=3)
    live = Lot.objects.filter(tender__in=extra).exclude(
        status__in=[LotStatus.PUBLISHED, LotStatus.CANCELLED, LotStatus.FAILED]
    )
    assert not live.exists()
    assert (
        not extra.filter(status=TenderStatus.PUBLISHED, auction_start__lt=soon)
        .exclude(lots__status=LotStatus.FAILED)
        .exists()
    )

    home = Client().get("/")
    running = list(home.context["running"])
    assert running and {lot.tender.title for lot in running} == {DEMO_TENDER_TITLE}
    assert home.context["page"].paginator.count >= extra.exclude(status="cancelled").count()
    html = Client().get("/", {"q": "добрива"}).content.decode()
    assert "Мінеральні добрива під озимі 2026" in html
    html = Client().get("/", {"q": "Gdańsku"}).content.decode()
    assert "Olej napędowy dla oddziału w Gdańsku" in html
