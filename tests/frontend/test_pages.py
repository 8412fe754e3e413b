"""The server-rendered pages: who sees which tender and lot, search, money, and the policy
headers. (What the live pages do in a browser is in tests/browser.)"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import translation

from auctions.models import Participation, Tender, TenderStatus
from frontend.templatetags.money import money
from marketplace.companies.models import MembershipRole
from marketplace.core.money import format_money, money_parts
from marketplace.platforms.models import PlatformKind
from search.services import index_rebuild
from tests.auctions.engine_setup import Auction
from tests.factories import PASSWORD, CompanyFactory, PlatformFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def auction():
    return Auction(suppliers=2)


def log_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def room_config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="room-config" type="application/json">') + len(
        '<script id="room-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_home_lists_public_open_tenders_to_anyone(client, auction):
    dedicated = PlatformFactory(kind=PlatformKind.DEDICATED, owner=auction.buyer)
    Tender.objects.create(
        platform=dedicated,
        buyer=auction.buyer,
        created_by=auction.officer,
        title="Private canary tender",
        category=auction.tender.category,
        currency="UAH",
        questions_deadline=auction.tender.questions_deadline,
        applications_deadline=auction.tender.applications_deadline,
        auction_start=auction.tender.auction_start,
        status=TenderStatus.PUBLISHED,
    )
    invitation_only = Tender.objects.get(pk=auction.tender.pk)
    invitation_only.pk = None
    invitation_only.title = "Invitation canary tender"
    invitation_only.participation = Participation.INVITATION
    invitation_only.save()
    draft = Tender.objects.get(pk=auction.tender.pk)
    draft.pk = None
    draft.title = "Draft canary tender"
    draft.status = TenderStatus.DRAFT
    draft.save()

    html = client.get("/").content.decode()
    assert "Diesel fuel" in html
    for hidden in ("Private canary tender", "Invitation canary tender", "Draft canary tender"):
        assert hidden not in html
    assert client.get(f"/tenders/{auction.tender.pk}/").status_code == 200
    assert client.get(f"/tenders/{invitation_only.pk}/").status_code == 404
    assert client.get(f"/tenders/{draft.pk}/").status_code == 404


def test_the_buyer_sees_its_own_private_tenders_on_the_home_page(client, auction):
    auction.tender.participation = Participation.INVITATION
    auction.tender.save()
    assert "Diesel fuel" not in client.get("/").content.decode()
    log_in(client, auction.officer)
    assert "Diesel fuel" in client.get("/").content.decode()


def test_search_by_text_and_category(client, auction):
    index_rebuild()  # the fixture's tender was made without the events that index it

    def found(query: str) -> list:
        return list(client.get("/" + query).context["page"].object_list)

    assert found("?q=diesel") == [auction.tender]
    assert found("?q=cement") == []
    category = auction.tender.category
    assert found(f"?category={category.pk}") == [auction.tender]
    other = type(category).objects.create(code="T999999", name_en="Other")
    assert found(f"?category={other.pk}") == []
    assert client.get("/?category=nonsense&page=x").status_code == 200


def test_tender_page_offers_the_room_only_to_those_who_may_watch(client, auction):
    page = f"/tenders/{auction.tender.pk}/"
    room = f"/lots/{auction.lot.pk}/"
    assert room not in client.get(page).content.decode()  # anonymous
    log_in(client, auction.bidders[0])
    assert "Auction room" in client.get(page).content.decode()
    client.logout()
    log_in(client, auction.officer)
    assert "Live console" in client.get(page).content.decode()
    client.logout()
    outsider = member(CompanyFactory(), MembershipRole.BIDDER)
    log_in(client, outsider)
    assert room not in client.get(page).content.decode()


def test_the_room_is_for_admitted_suppliers_and_the_buyer_only(client, auction):
    room = f"/lots/{auction.lot.pk}/"
    response = client.get(room)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    log_in(client, member(CompanyFactory(), MembershipRole.BIDDER))
    assert client.get(room).status_code == 404
    assert client.get("/lots/999999/").status_code == 404
    client.logout()

    log_in(client, auction.bidders[0])
    response = client.get(room)
    assert response.status_code == 200
    config = room_config(response)
    assert config["role"] == "supplier"
    assert config["applications"] == []  # no competitor's name, not even in the page's data
    assert "Canary Supplier 2" not in response.content.decode()
    assert config["ws_path"] == f"/ws/lots/{auction.lot.pk}/"
    client.logout()

    log_in(client, auction.officer)
    response = client.get(room)
    config = room_config(response)
    assert config["role"] == "buyer"
    assert [a["supplier"] for a in config["applications"]] == [
        "Canary Supplier 1",
        "Canary Supplier 2",
    ]
    assert "Live console" in response.content.decode()


def test_the_console_offers_only_what_the_readers_role_may_do(client, auction):
    # An account manager of the buyer watches the console; only its procurement officers and
    # admins (and platform admins) pause, enter surrogate bids and award (require_buyer).
    room = f"/lots/{auction.lot.pk}/"
    log_in(client, member(auction.buyer, MembershipRole.ACCOUNT_MANAGER))
    response = client.get(room)
    html = response.content.decode()
    assert response.status_code == 200 and room_config(response)["may_run"] is False
    for form in ("pause-form", "resume-form", "surrogate-form", "award-form"):
        assert f'id="{form}"' not in html, form
    assert 'id="watch-only"' in html
    client.logout()
    log_in(client, auction.officer)
    response = client.get(room)
    html = response.content.decode()
    assert room_config(response)["may_run"] is True
    for form in ("pause-form", "resume-form", "surrogate-form", "award-form"):
        assert f'id="{form}"' in html, form
    assert 'id="watch-only"' not in html


def test_workspace_lists_the_lots_i_bid_in_and_my_tenders(client, auction):
    log_in(client, auction.bidders[1])
    response = client.get("/auctions/")
    assert response.context["bidding"] == [auction.lot]
    assert response.context["buying"] == []
    client.logout()
    log_in(client, auction.officer)
    response = client.get("/auctions/")
    assert response.context["bidding"] == []
    assert response.context["buying"] == [auction.lot]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "UAH\u00a06,240,000.00"),  # CLDR's currency spacing, as browsers write it
        ("uk", "6\u00a0240\u00a0000,00\u00a0₴"),
        ("ru", "6\u00a0240\u00a0000,00\u00a0₴"),
    ],
)
def test_money_in_the_currency_and_the_readers_language(language, expected):
    with translation.override(language):
        assert money(Decimal("6240000"), "UAH") == expected
    assert money(None, "UAH") == "—"


def test_money_parts_make_what_the_filter_writes():
    # The room's script joins these parts as format_money does (auction-room.js's money()).
    parts = money_parts("UAH", "en")
    assert (parts["prefix"], parts["suffix"], parts["group"], parts["decimal"]) == (
        "UAH\u00a0",
        "",
        ",",
        ".",
    )
    assert money_parts("USD", "en")["prefix"] == "$"  # a symbol: no space
    assert money_parts("UAH", "uk")["suffix"] == "\u00a0₴"
    assert format_money("-1234.565", "UAH", "en") == "-UAH\u00a01,234.57"
    assert format_money("1234567", "JPY", "uk") == "1\u00a0234\u00a0567\u00a0¥"


def test_pages_send_a_strict_content_security_policy(client, auction):
    for path in ("/", f"/tenders/{auction.tender.pk}/", "/accounts/login/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe" not in policy, (path, policy)
        assert "frame-ancestors 'none'" in policy
    docs = client.get("/api/docs/")["Content-Security-Policy"]
    assert "script-src 'self'" in docs and "style-src 'self' 'unsafe-inline'" in docs


def test_the_browsable_api_allows_its_inline_styles_and_json_stays_strict(client, auction):
    log_in(client, auction.officer)
    page = client.get("/api/companies/", HTTP_ACCEPT="text/html")
    assert page["Content-Type"].startswith("text/html")
    # The directives in whatever order the header lists them: scripts stay 'self' alone.
    directives = {
        d.strip().split(" ", 1)[0]: d.strip() for d in page["Content-Security-Policy"].split(";")
    }
    assert directives["style-src"] == "style-src 'self' 'unsafe-inline'"
    assert directives["script-src"] == "script-src 'self'"
    answer = client.get("/api/companies/", HTTP_ACCEPT="application/json")
    assert "unsafe" not in answer["Content-Security-Policy"]


def test_favicon_ico_is_the_sites_icon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[0][1] == 301
    assert response["Content-Type"].startswith("image/svg+xml")


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
@pytest.mark.parametrize(
    ("language", "label"), [("uk", "Електронна пошта"), ("ru", "Электронная почта")]
)
def test_the_entrance_pages_name_the_email_field_in_the_readers_language(
    client, path, language, label
):
    client.cookies["django_language"] = language
    html = client.get(path).content.decode()
    assert f">{label}:</label>" in html and ">Email:</label>" not in html


def test_pages_speak_the_readers_language(client, auction):
    client.cookies["django_language"] = "uk"
    html = client.get("/").content.decode()
    assert 'lang="uk"' in html
    assert "Відкриті тендери" in html  # "Open tenders"
    client.cookies["django_language"] = "ru"
    assert "Открытые тендеры" in client.get("/").content.decode()


def test_home_shows_the_lots_live_now_with_the_way_in_for_those_signed_in(client, auction):
    auction.start()
    html = client.get("/").content.decode()
    assert "Live now and starting soon" in html
    assert f'href="/lots/{auction.lot.pk}/"' not in html  # visitors are asked to log in
    assert "Log in to watch or bid" in html
    assert "make run" not in html and "demo log-ins" not in html  # no developer's hint
    log_in(client, auction.bidders[0])
    assert f'href="/lots/{auction.lot.pk}/"' in client.get("/").content.decode()


def test_the_pages_of_the_tender_list_keep_the_search(client, auction):
    for n in range(25):
        tender = Tender.objects.get(pk=auction.tender.pk)
        tender.pk = None
        tender.title = f"Diesel fuel {n}"
        tender.save()
    index_rebuild()
    html = client.get("/?q=diesel").content.decode()
    assert 'href="?q=diesel&amp;page=2"' in html
    assert len(client.get("/?q=diesel&page=2").context["page"].object_list) == 6


@pytest.mark.django_db
def test_sign_up_asks_the_name_and_lands_on_the_newcomer_s_home(client):
    from marketplace.users.models import User

    page = client.get("/accounts/signup/").content.decode()
    assert 'id="signup-form"' in page and 'name="full_name"' in page
    assert page.index('name="full_name"') < page.index('name="email"')
    client.cookies["django_language"] = "uk"
    data = {"email": "new@example.com", "password1": "a-long-pass-42x", "password2": ""}
    refused = client.post("/accounts/signup/", {**data, "full_name": ""})
    assert refused.status_code == 200 and "field-error" in refused.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    data["password2"] = data["password1"]
    response = client.post("/accounts/signup/", {**data, "full_name": " Iryna Bondar "})
    assert response.status_code == 302 and response["Location"] == "/home/"
    user = User.objects.get(email="new@example.com")
    assert (user.full_name, user.language) == ("Iryna Bondar", "uk")
