"""The notification pages: the bell on every page, my notifications (only mine) and marking them
read, how I am told of each kind, and my companies' tender subscriptions, through the test
client. Refusals write nothing; another person's notification or subscription answers 404.
(The bell going up live, with its toast, is tests/browser/test_notifications.py.)"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from marketplace.companies.models import Membership, MembershipRole
from notifications.models import Channel, Kind, Mode, Notification, Preference, TenderSubscription
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    CompanyFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def log_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def told(user, title: str, *, read: bool = False, in_app: bool = True, **fields) -> Notification:
    """A notification for ``user``, written directly."""
    return Notification.objects.create(
        user=user,
        kind=fields.pop("kind", Kind.OUTBID),
        key=f"test:{title}",
        title=title,
        body=fields.pop("body", f"About {title}."),
        url=fields.pop("url", "/auctions/"),
        in_app=in_app,
        read_at=timezone.now() if read else None,
        **fields,
    )


def bell(html: str) -> tuple[str, str, bool]:
    """The bell's accessible label, its count text, and whether the count is hidden."""
    link = re.search(r'<a id="bell"[^>]*>', html, re.S)
    assert link, "no bell on the page"
    label = re.search(r'aria-label="([^"]*)"', link.group(0)).group(1)
    count = re.search(r'<span id="bell-count" class="bell-count"( hidden)?>([^<]*)</span>', html)
    return label, count.group(2), bool(count.group(1))


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def me():
    return UserFactory(email="me@example.com")


@pytest.fixture
def other():
    return UserFactory(email="other@example.com")


# --- Who may see the pages ----------------------------------------------------------------------


def test_the_pages_need_a_log_in(client, me):
    mine = told(me, "Outbid on lot 7")
    for path in (
        "/notifications/",
        "/notifications/settings/",
        "/notifications/subscriptions/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    for path in ("/notifications/read/", f"/notifications/{mine.pk}/read/"):
        response = client.post(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    mine.refresh_from_db()
    assert mine.read_at is None
    # Nobody signed in: no bell, no socket script.
    html = client.get("/").content.decode()
    assert 'id="bell"' not in html and "notifications.js" not in html


# --- The bell -----------------------------------------------------------------------------------


def test_the_bell_shows_my_unread_count_on_every_page(client, me, other):
    for n in range(3):
        told(me, f"Unread {n}")
    told(me, "Already read", read=True)
    told(me, "Only by e-mail", in_app=False)
    for n in range(5):
        told(other, f"Someone else's {n}")
    log_in(client, me)
    for path in ("/", "/companies/", "/notifications/settings/"):
        html = client.get(path).content.decode()
        assert bell(html) == ("Notifications, 3 unread", "3", False), path
        assert 'href="/notifications/"' in html
        assert "frontend/notifications.js" in html


def test_the_bell_is_empty_with_nothing_unread(client, me):
    told(me, "Read long ago", read=True)
    log_in(client, me)
    assert bell(client.get("/").content.decode()) == ("Notifications", "", True)


def test_the_bell_says_99_plus_beyond_99(client, me):
    Notification.objects.bulk_create(
        [Notification(user=me, kind=Kind.OUTBID, key=f"k{n}", title=f"N{n}") for n in range(120)]
    )
    log_in(client, me)
    assert bell(client.get("/").content.decode()) == ("Notifications, 120 unread", "99+", False)


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_only_my_notifications_newest_first(client, me, other):
    older = told(me, "Your application was admitted", read=True, url="/tenders/4/")
    newer = told(me, "You were outbid on lot 7", body="Rival bid 950.00 UAH.", url="/lots/7/")
    told(me, "E-mail only news", in_app=False)
    theirs = told(other, "Someone else's secret award")
    log_in(client, me)
    response = client.get("/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You were outbid on lot 7" in html and "Rival bid 950.00 UAH." in html
    assert "Your application was admitted" in html
    assert html.index("You were outbid on lot 7") < html.index("Your application was admitted")
    assert "Someone else's secret award" not in html
    assert f"notification-{theirs.pk}" not in html
    assert "E-mail only news" not in html
    assert '<a href="/lots/7/">You were outbid on lot 7</a>' in html
    # The unread one is marked and has its button; the read one has neither.
    assert f'class="notification unread" id="notification-{newer.pk}"' in html
    assert f'class="notification" id="notification-{older.pk}"' in html
    assert f"/notifications/{newer.pk}/read/" in html
    assert f"/notifications/{older.pk}/read/" not in html
    # The settings and subscriptions are linked from here.
    assert 'href="/notifications/settings/"' in html
    assert 'href="/notifications/subscriptions/"' in html
    assert "Mark all read" in html


def test_the_list_is_paginated(client, me):
    Notification.objects.bulk_create(
        [
            Notification(user=me, kind=Kind.OUTBID, key=f"k{n}", title=f"Item #{n:02d}.")
            for n in range(25)
        ]
    )
    log_in(client, me)
    first = client.get("/notifications/").content.decode()
    assert first.count('class="notification unread"') == 20
    assert "?page=2" in first
    second = client.get("/notifications/?page=2").content.decode()
    assert second.count('class="notification unread"') == 5


def test_an_empty_list_says_so(client, me):
    log_in(client, me)
    assert "No notifications yet." in client.get("/notifications/").content.decode()


# --- Marking read -------------------------------------------------------------------------------


def test_mark_one_read(client, me):
    first, second = told(me, "First"), told(me, "Second")
    log_in(client, me)
    response = client.post(f"/notifications/{first.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert bell(client.get("/").content.decode())[1] == "1"


def test_mark_one_read_with_htmx_redraws_the_item_and_the_bell(client, me):
    first, _second = told(me, "First"), told(me, "Second")
    log_in(client, me)
    response = client.post(f"/notifications/{first.pk}/read/", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'class="notification" id="notification-{first.pk}"' in html
    assert "Mark read" not in html
    assert 'hx-swap-oob="true"' in html
    assert bell(html) == ("Notifications, 1 unread", "1", False)


def test_mark_all_read(client, me, other):
    mine = [told(me, f"Mine {n}") for n in range(3)]
    theirs = told(other, "Theirs")
    log_in(client, me)
    response = client.post("/notifications/read/", {"page": "2"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=2"
    assert "All notifications are marked read." in texts(response)
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert bell(client.get("/notifications/").content.decode()) == ("Notifications", "", True)


def test_marking_another_persons_notification_is_refused_and_changes_nothing(client, me, other):
    mine = told(me, "Mine")
    theirs = told(other, "Theirs")
    log_in(client, me)
    for headers in ({}, HTMX):
        response = client.post(f"/notifications/{theirs.pk}/read/", **headers)
        assert response.status_code == 404
    assert client.post("/notifications/999999/read/").status_code == 404
    assert client.post(f"/notifications/{2**70}/read/").status_code == 404
    theirs.refresh_from_db(), mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is None


def test_marking_read_is_a_post(client, me):
    mine = told(me, "Mine")
    log_in(client, me)
    assert client.get(f"/notifications/{mine.pk}/read/").status_code == 405
    assert client.get("/notifications/read/").status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


# --- How I am told ------------------------------------------------------------------------------


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]+)" selected>', select).group(1)


def test_the_settings_show_each_kind_with_the_defaults_and_my_choices(client, me):
    Preference.objects.create(user=me, kind=Kind.OUTBID, channel=Channel.EMAIL, mode=Mode.OFF)
    log_in(client, me)
    html = client.get("/notifications/settings/").content.decode()
    for _kind, label in Kind.choices:
        assert str(label).replace("'", "&#x27;") in html
    assert selected(html, "outbid__email") == "off"
    assert selected(html, "outbid__in_app") == "instant"
    assert selected(html, "tender_match__email") == "digest"  # the kind's default
    in_app = re.search(r'<select name="outbid__in_app".*?</select>', html, re.S).group(0)
    assert "Daily digest" not in in_app and "At once" in in_app and "Off" in in_app
    email = re.search(r'<select name="outbid__email".*?</select>', html, re.S).group(0)
    assert "Daily digest" in email


def test_preferences_are_saved(client, me):
    log_in(client, me)
    response = client.post(
        "/notifications/settings/",
        {
            "outbid__in_app": "off",
            "outbid__email": "digest",
            "tender_match__email": "instant",
            "auction_soon__email": "instant",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/notifications/settings/"
    assert "Your notification settings are saved." in texts(response)
    rows = set(Preference.objects.filter(user=me).values_list("kind", "channel", "mode"))
    # Only the changed values are written (auction_soon's e-mail was already "instant").
    assert rows == {
        ("outbid", "in_app", "off"),
        ("outbid", "email", "digest"),
        ("tender_match", "email", "instant"),
    }
    html = client.get("/notifications/settings/").content.decode()
    assert selected(html, "outbid__in_app") == "off"
    assert selected(html, "outbid__email") == "digest"


def test_a_mode_the_channel_lacks_is_refused_and_nothing_is_written(client, me):
    log_in(client, me)
    response = client.post(
        "/notifications/settings/", {"outbid__email": "off", "outbid__in_app": "digest"}
    )
    assert response.status_code == 400
    assert "This channel may be set to: instant, off." in response.content.decode()
    assert not Preference.objects.exists()


# --- Tender subscriptions -----------------------------------------------------------------------


@pytest.fixture
def supplier():
    return CompanyFactory(legal_name="Canary Supply", is_buyer=False, is_supplier=True)


@pytest.fixture
def bidder(supplier):
    return member(supplier, MembershipRole.BIDDER, email="bidder@canary.example")


@pytest.fixture
def platform(supplier):
    trading = PlatformFactory(name="Canary Exchange")
    PlatformMembershipFactory(platform=trading, company=supplier)
    return trading


@pytest.fixture
def grain():
    return CategoryFactory(code="03211000", name_en="Grain")


def subscription_data(**overrides) -> dict:
    data = {
        "name": "Grain in Ukraine",
        "categories": "03211000",
        "regions": "ua, UA-30",
        "keywords": "wheat  barley",
        "budget_min": "1000",
        "budget_max": "50000.50",
        "currency": "UAH",
    }
    data.update(overrides)
    return data


def test_a_subscription_is_created(client, bidder, supplier, platform, grain):
    log_in(client, bidder)
    page = client.get("/notifications/subscriptions/").content.decode()
    assert 'id="subscription-form"' in page
    assert "Canary Exchange" in page
    assert 'name="company"' not in page  # one company: nothing to choose
    response = client.post(
        "/notifications/subscriptions/", subscription_data(platforms=[platform.pk])
    )
    assert response.status_code == 302 and response["Location"] == "/notifications/subscriptions/"
    assert "The subscription “Grain in Ukraine” is saved." in texts(response)
    sub = TenderSubscription.objects.get()
    assert sub.company == supplier and sub.created_by == bidder and sub.active
    assert list(sub.categories.all()) == [grain]
    assert sub.regions == ["UA", "UA-30"]
    assert sub.keywords == "wheat barley"
    assert (sub.budget_min, sub.budget_max, sub.currency) == (
        Decimal("1000.00"),
        Decimal("50000.50"),
        "UAH",
    )
    assert list(sub.platforms.all()) == [platform]
    html = client.get("/notifications/subscriptions/").content.decode()
    assert f'id="subscription-{sub.pk}"' in html
    assert "Grain in Ukraine" in html and "UA, UA-30" in html and "03211000 Grain" in html


def test_a_bad_region_code_is_shown_next_to_the_field_and_nothing_is_written(client, bidder, grain):
    log_in(client, bidder)
    response = client.post(
        "/notifications/subscriptions/", subscription_data(regions="UA, XX-99", keywords="oats")
    )
    assert response.status_code == 400
    assert "XX-99" in response.context["form"].errors["regions"][0]
    html = response.content.decode()
    box = html.index('id="id_regions-errors"')
    assert "Not ISO 3166 country (UA) or subdivision (UA-30) codes: XX-99." in html[box : box + 300]
    # What was typed is kept.
    assert 'value="UA, XX-99"' in html and 'value="oats"' in html
    assert 'value="Grain in Ukraine"' in html and 'value="03211000"' in html
    assert not TenderSubscription.objects.exists()


def test_an_unknown_category_code_and_a_budget_without_currency_are_refused(client, bidder):
    log_in(client, bidder)
    response = client.post("/notifications/subscriptions/", subscription_data(categories="999"))
    assert response.status_code == 400
    assert "No such category codes: 999." in response.content.decode()
    response = client.post(
        "/notifications/subscriptions/", subscription_data(categories="", currency="")
    )
    assert response.status_code == 400
    assert "Say the currency of the budget." in response.context["form"].errors["currency"]
    assert not TenderSubscription.objects.exists()


def test_a_subscription_is_edited_paused_resumed_and_deleted(client, bidder, supplier, grain):
    log_in(client, bidder)
    client.post("/notifications/subscriptions/", subscription_data())
    sub = TenderSubscription.objects.get()
    page = client.get(f"/notifications/subscriptions/{sub.pk}/").content.decode()
    assert 'value="Grain in Ukraine"' in page and 'value="UA, UA-30"' in page

    # A bad edit writes nothing and keeps what was typed.
    response = client.post(
        f"/notifications/subscriptions/{sub.pk}/",
        subscription_data(name="Renamed", regions="UA-XYZ", active="on"),
    )
    assert response.status_code == 400
    assert "UA-XYZ" in response.context["form"].errors["regions"][0]
    assert 'value="Renamed"' in response.content.decode()
    sub.refresh_from_db()
    assert sub.name == "Grain in Ukraine" and sub.regions == ["UA", "UA-30"]

    response = client.post(
        f"/notifications/subscriptions/{sub.pk}/",
        subscription_data(
            name="Poland too",
            regions="PL",
            categories="",
            budget_min="",
            budget_max="",
            currency="",
            active="on",
        ),
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.name == "Poland too" and sub.regions == ["PL"]
    assert not sub.categories.exists() and sub.budget_min is None and sub.active

    response = client.post(f"/notifications/subscriptions/{sub.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert not sub.active
    html = client.get("/notifications/subscriptions/").content.decode()
    assert "Paused" in html and "Resume" in html
    client.post(f"/notifications/subscriptions/{sub.pk}/active/", {"active": "1"})
    sub.refresh_from_db()
    assert sub.active

    response = client.post(f"/notifications/subscriptions/{sub.pk}/delete/")
    assert response.status_code == 302
    assert "The subscription “Poland too” is deleted." in texts(response)
    assert not TenderSubscription.objects.exists()


def test_another_companys_subscription_answers_404(client, bidder, other):
    stranger_company = CompanyFactory(legal_name="Stranger Supply")
    stranger = member(stranger_company, MembershipRole.COMPANY_ADMIN)
    log_in(client, stranger)
    client.post("/notifications/subscriptions/", subscription_data(categories=""))
    theirs = TenderSubscription.objects.get()
    client.logout()
    log_in(client, bidder)
    assert "Stranger Supply" not in client.get("/notifications/subscriptions/").content.decode()
    edit = f"/notifications/subscriptions/{theirs.pk}/"
    assert client.get(edit).status_code == 404
    assert client.post(edit, subscription_data(name="Mine now")).status_code == 404
    assert client.post(f"{edit}active/", {"active": "0"}).status_code == 404
    assert client.post(f"{edit}delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active and theirs.name == "Grain in Ukraine"


def test_someone_with_two_supplier_companies_chooses_the_company(client, bidder, supplier):
    second = CompanyFactory(legal_name="Second Supply")
    Membership.objects.create(user=bidder, company=second, role=MembershipRole.BIDDER)
    log_in(client, bidder)
    page = client.get("/notifications/subscriptions/").content.decode()
    assert 'name="company"' in page and "Second Supply" in page and "Canary Supply" in page
    response = client.post(
        "/notifications/subscriptions/", subscription_data(categories="", company=second.pk)
    )
    assert response.status_code == 302
    assert TenderSubscription.objects.get().company == second


def test_without_a_supplier_company_an_explanation_instead_of_the_form(client, me):
    buyer = CompanyFactory(legal_name="Buyer Only", is_supplier=False)
    officer = member(buyer, MembershipRole.COMPANY_ADMIN)
    supplier_company = CompanyFactory(legal_name="Supplier Co")
    manager = member(supplier_company, MembershipRole.ACCOUNT_MANAGER)
    for person in (me, officer, manager):
        client.logout()
        log_in(client, person)
        html = client.get("/notifications/subscriptions/").content.decode()
        assert 'id="no-supplier"' in html and 'id="subscription-form"' not in html
        assert "You are not a bidder or company admin of any supplier company." in html
        response = client.post("/notifications/subscriptions/", subscription_data(categories=""))
        assert response.status_code == 403
    assert not TenderSubscription.objects.exists()
