"""The CRM's pages of accounts and contacts, through the test client: the top bar's "CRM", the
workspace's home and its choice, the account list (filters, paging, exports), an account's page
(details, custom fields, tags, contacts, opportunities, activities, the timeline with its kind
filter and "more"), making, changing, merging and deleting accounts, contacts.

Every page renders for each role; a reader (procurement officer, bidder) is offered no edit
button and a write by one is refused (403) writing nothing; another company gets 404 for the
workspace and for each row; bad input shows the service's message and writes nothing. (Logging
an activity and the timeline in a browser: tests/browser/test_crm_accounts.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from crm.models import Account, Contact, CustomField, Lifecycle, Tag, TimelineEntry
from crm.timeline import timeline_add
from tests.crm.activities_factories import (
    ADMIN,
    BIDDER,
    MANAGER,
    OFFICER,
    ROLES,
    CrmWorld,
    account_make,
)
from tests.factories import PASSWORD, CompanyFactory, UserFactory, member, valid_edrpou

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
READERS = (OFFICER, BIDDER)
EDITORS = (MANAGER, ADMIN)


def url(name: str, *args) -> str:
    return reverse(f"frontend:{name}", args=list(args))


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def w() -> CrmWorld:
    return CrmWorld()


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.logout()
        assert client.login(email=user.email, password=PASSWORD)
        return client

    return log_in


def _pages(w: CrmWorld) -> list[str]:
    return [
        url("crm-home", w.ws),
        url("crm-accounts", w.ws),
        url("crm-account", w.ws, w.account.pk),
        url("crm-account-duplicates", w.ws, w.account.pk),
        url("crm-account-timeline", w.ws, w.account.pk),
        url("crm-contacts", w.ws),
        url("crm-contact", w.ws, w.contact.pk),
        url("crm-contact-timeline", w.ws, w.contact.pk),
    ]


# --- Who sees what -------------------------------------------------------------------------


def test_the_top_bar_offers_the_crm_to_the_people_of_a_company(as_user, w):
    page = as_user(w.bidder).get(url("company-list"))
    assert f'href="{url("crm")}"' in page.content.decode()
    loner = UserFactory()
    page = as_user(loner).get(url("company-list"))
    assert f'href="{url("crm")}"' not in page.content.decode()


def test_crm_sends_a_person_of_one_company_to_its_workspace(as_user, w):
    response = as_user(w.manager).get(url("crm"))
    assert response.status_code == 302
    assert response["Location"] == url("crm-home", w.ws)


def test_crm_lets_a_person_of_several_companies_choose(as_user, w):
    second = CompanyFactory(legal_name="Second Co")
    member_user = w.manager
    from marketplace.companies.models import Membership

    Membership.objects.create(user=member_user, company=second, role=BIDDER)
    page = as_user(member_user).get(url("crm"))
    assert page.status_code == 200
    html = page.content.decode()
    assert url("crm-home", w.ws) in html and url("crm-home", second.pk) in html


def test_crm_tells_a_person_without_a_company(as_user):
    page = as_user(UserFactory()).get(url("crm"))
    assert page.status_code == 200
    assert "not an account manager" in page.content.decode()


def test_the_pages_need_a_log_in(client, w):
    for path in _pages(w):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_each_role(as_user, w, role):
    c = as_user(w.people[role])
    for path in _pages(w):
        response = c.get(path)
        assert response.status_code == 200, (path, response.status_code)
    account_page = c.get(url("crm-account", w.ws, w.account.pk)).content.decode()
    edit = url("crm-account-edit", w.ws, w.account.pk)
    delete = url("crm-account-delete", w.ws, w.account.pk)
    add_contact = url("crm-contact-create", w.ws, w.account.pk)
    if role in EDITORS:
        assert edit in account_page and delete in account_page and add_contact in account_page
    else:
        assert edit not in account_page and delete not in account_page
        assert add_contact not in account_page
        assert "You read this CRM" in account_page
    # Any member may log an activity: the form is on the page for everyone.
    assert 'id="log-activity"' in account_page
    accounts = c.get(url("crm-accounts", w.ws)).content.decode()
    assert (url("crm-account-create", w.ws) in accounts) == (role in EDITORS)


@pytest.mark.parametrize("role", READERS)
def test_a_reader_is_refused_every_change_and_nothing_is_written(as_user, w, role):
    c = as_user(w.people[role])
    before = (Account.objects.count(), Contact.objects.count())
    assert c.get(url("crm-account-create", w.ws)).status_code == 403
    assert c.post(url("crm-account-create", w.ws), {"name": "Sneaky"}).status_code == 403
    assert c.get(url("crm-account-edit", w.ws, w.account.pk)).status_code == 403
    assert (
        c.post(url("crm-account-edit", w.ws, w.account.pk), {"name": "Renamed"}).status_code == 403
    )
    assert c.post(url("crm-account-delete", w.ws, w.account.pk)).status_code == 403
    assert (
        c.post(
            url("crm-account-merge", w.ws, w.account.pk), {"duplicate": w.account2.pk}
        ).status_code
        == 403
    )
    assert (
        c.post(url("crm-contact-create", w.ws, w.account.pk), {"last_name": "X"}).status_code == 403
    )
    assert (
        c.post(url("crm-contact-edit", w.ws, w.contact.pk), {"last_name": "Y"}).status_code == 403
    )
    assert c.post(url("crm-contact-delete", w.ws, w.contact.pk)).status_code == 403
    assert (Account.objects.count(), Contact.objects.count()) == before
    w.account.refresh_from_db()
    w.contact.refresh_from_db()
    assert w.account.name == "Customer Corp" and w.contact.last_name == "Kovalenko"


def test_another_company_gets_404_for_the_workspace_and_every_row(as_user, w):
    c = as_user(w.outsider_admin)
    for path in _pages(w):
        assert c.get(path).status_code == 404, path
    # The workspace's rows under the outsider's own workspace: not found either.
    own = w.outsider.pk
    for path in (
        url("crm-account", own, w.account.pk),
        url("crm-account-edit", own, w.account.pk),
        url("crm-account-timeline", own, w.account.pk),
        url("crm-contact", own, w.contact.pk),
        url("crm-contact-edit", own, w.contact.pk),
    ):
        assert c.get(path).status_code == 404, path
    assert c.post(url("crm-account-delete", own, w.account.pk)).status_code == 404
    assert c.post(url("crm-account-delete", w.ws, w.account.pk)).status_code == 404
    assert (
        c.post(
            url("crm-account-merge", own, w.outsider_account.pk), {"duplicate": w.account.pk}
        ).status_code
        == 404
    )
    assert Account.objects.filter(pk=w.account.pk).exists()


def test_an_id_no_row_can_have_is_404(as_user, w):
    c = as_user(w.manager)
    assert c.get(f"/crm/{w.ws}/accounts/{2**70}/").status_code == 404
    assert c.get(f"/crm/{2**70}/accounts/").status_code == 404


# --- Home ----------------------------------------------------------------------------------


def test_home_shows_my_activities_due_today_and_overdue_and_recent_accounts(as_user, w):
    from crm.activities import activity_create

    now = timezone.now()
    activity_create(
        user=w.manager,
        workspace_id=w.ws,
        kind="call",
        subject="Call about the winter supply",
        account_id=w.account.pk,
        assignee_id=w.manager.pk,
        due_at=now + timedelta(minutes=1)
        if (now + timedelta(minutes=1)).date() == now.date()
        else now,
    )
    activity_create(
        user=w.manager,
        workspace_id=w.ws,
        kind="task",
        subject="Send the price list",
        account_id=w.account2.pk,
        assignee_id=w.manager.pk,
        due_at=now - timedelta(days=2),
    )
    activity_create(
        user=w.officer,
        workspace_id=w.ws,
        kind="task",
        subject="Not mine",
        account_id=w.account2.pk,
        assignee_id=w.officer.pk,
        due_at=now - timedelta(days=2),
    )
    html = as_user(w.manager).get(url("crm-home", w.ws)).content.decode()
    today = html.split('id="home-today"')[1].split("</section>")[0]
    overdue = html.split('id="home-overdue"')[1].split("</section>")[0]
    assert "Call about the winter supply" in today
    assert "Send the price list" in overdue and "Not mine" not in overdue
    assert "Customer Corp" in html and "Other Buyer" in html
    # The ways into the pipeline pages.
    for path in ("pipeline/", "leads/", "analytics/", "documents/"):
        assert f'href="/crm/{w.ws}/{path}"' in html


# --- The account list ----------------------------------------------------------------------


def test_the_list_filters_as_the_selector_does(as_user, w):
    tag = Tag.objects.create(workspace=w.company, name="VIP")
    w.account2.tags.add(tag)
    w.account2.stage = Lifecycle.ACTIVE
    w.account2.owner = w.manager
    w.account2.country = "PL"
    w.account2.save()
    c = as_user(w.officer)

    def names(**query) -> str:
        page = c.get(url("crm-accounts", w.ws), query)
        assert page.status_code == 200
        return (
            page.content.decode().split('id="accounts"')[-1]
            if "accounts" in str(page.content)
            else ""
        )

    assert "Customer Corp" in names() and "Other Buyer" in names()
    assert "Other Buyer" in names(q="other") and "Customer Corp" not in names(q="other")
    assert "Customer Corp" not in names(stage="active")
    assert "Customer Corp" not in names(owner=w.manager.pk)
    assert "Customer Corp" not in names(tag=tag.pk)
    assert "Customer Corp" not in names(country="PL")
    assert "Other Buyer" in names(country="PL", stage="active", tag=tag.pk)


def test_a_bad_filter_shows_a_message(as_user, w):
    page = as_user(w.manager).get(url("crm-accounts", w.ws), {"owner": "abc", "stage": "nope"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'class="error"' in html
    assert "Customer Corp" in html  # the rest of the list stays


def test_the_list_pages(as_user, w):
    for n in range(30):
        account_make(w.company, f"Zeta {n:02d}")
    c = as_user(w.manager)
    first = c.get(url("crm-accounts", w.ws)).content.decode()
    second = c.get(url("crm-accounts", w.ws), {"page": 2}).content.decode()
    assert "Customer Corp" in first and "Zeta 29" not in first
    assert "Zeta 29" in second and "?page=1" in second


def test_the_exports_follow_the_list_filters(as_user, w):
    c = as_user(w.bidder)
    page = c.get(url("crm-accounts", w.ws), {"q": "other"}).content.decode()
    assert f"{url('crm-accounts-export', w.ws)}?q=other&amp;file_format=csv" in page
    response = c.get(url("crm-accounts-export", w.ws), {"q": "other", "file_format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "Other Buyer" in body and "Customer Corp" not in body
    xlsx = c.get(url("crm-accounts-export", w.ws), {"file_format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(url("crm-accounts-export", w.ws), {"file_format": "pdf"}).status_code == 400
    contacts = c.get(url("crm-contacts-export", w.ws), {"file_format": "csv"})
    assert "Kovalenko" in contacts.content.decode("utf-8-sig")
    assert as_user(w.outsider_admin).get(url("crm-accounts-export", w.ws)).status_code == 404


# --- Making and changing accounts ----------------------------------------------------------


def test_an_editor_makes_an_account_with_checked_identifiers(as_user, w):
    code = valid_edrpou()
    c = as_user(w.manager)
    assert c.get(url("crm-account-create", w.ws)).status_code == 200
    response = c.post(
        url("crm-account-create", w.ws),
        {
            "name": "ТОВ «Нова Ферма»",
            "country": "UA",
            "registration_number": code,
            "segment": "customer",
            "stage": "prospect",
            "owner": w.manager.pk,
            "tags": "grain, north",
            "phone": "044 123 45 67",
        },
    )
    account = Account.objects.get(name="ТОВ «Нова Ферма»")
    assert response.status_code == 302
    assert response["Location"] == url("crm-account", w.ws, account.pk)
    assert account.registration_number == code and account.phone == "+380441234567"
    assert sorted(t.name for t in account.tags.all()) == ["grain", "north"]
    assert account.owner == w.manager and account.created_by == w.manager


def wrong_edrpou() -> str:
    code = valid_edrpou()
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def test_a_wrong_identifier_is_shown_and_nothing_is_written(as_user, w):
    c = as_user(w.admin)
    response = c.post(
        url("crm-account-create", w.ws),
        {
            "name": "Bad Code Ltd",
            "country": "UA",
            "registration_number": wrong_edrpou(),
            "segment": "customer",
            "stage": "prospect",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    box = html.split('id="id_registration_number-errors"')[1].split("</div>")[0]
    assert 'class="error"' in box
    assert not Account.objects.filter(name="Bad Code Ltd").exists()


def test_identifiers_are_checked_as_they_are_typed(as_user, w):
    c = as_user(w.manager)
    response = c.post(
        url("crm-account-create", w.ws),
        {"name": "", "country": "UA", "registration_number": wrong_edrpou(), "tax_id": ""},
        HTTP_HX_TRIGGER_NAME="registration_number",
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_registration_number-errors" hx-swap-oob="true"' in html
    assert 'class="error"' in html.split('id="id_registration_number-errors"')[1].split("</div>")[0]
    good = c.post(
        url("crm-account-create", w.ws),
        {"country": "UA", "registration_number": valid_edrpou()},
        HTTP_HX_TRIGGER_NAME="registration_number",
        **HTMX,
    ).content.decode()
    assert (
        'class="error"'
        not in good.split('id="id_registration_number-errors"')[1].split("</div>")[0]
    )
    assert Account.objects.count() == 2 + 1  # nothing written (the outsider's account is the +1)


def test_the_duplicates_found_on_create_are_shown_with_a_merge_offer(as_user, w):
    c = as_user(w.manager)
    response = c.post(
        url("crm-account-create", w.ws),
        {"name": "Customer Corp.", "segment": "customer", "stage": "prospect"},
    )
    new = Account.objects.get(name="Customer Corp.")
    assert response.status_code == 302
    assert response["Location"] == url("crm-account-duplicates", w.ws, new.pk)
    assert any("may be the same counterparty" in t for t in texts(response))
    page = c.get(response["Location"]).content.decode()
    assert f'id="duplicate-{w.account.pk}"' in page
    assert "a similar name" in page
    assert url("crm-account-merge", w.ws, new.pk) in page
    # Merge the older account into the new one: its contact and opportunity move.
    merged = c.post(url("crm-account-merge", w.ws, new.pk), {"duplicate": w.account.pk})
    assert merged.status_code == 302 and merged["Location"] == url("crm-account", w.ws, new.pk)
    assert not Account.objects.filter(pk=w.account.pk).exists()
    assert Contact.objects.get(pk=w.contact.pk).account_id == new.pk
    assert TimelineEntry.objects.filter(account=new, kind="merge").exists()


def test_merging_an_account_into_itself_is_refused_with_a_message(as_user, w):
    c = as_user(w.manager)
    response = c.post(url("crm-account-merge", w.ws, w.account.pk), {"duplicate": w.account.pk})
    assert response.status_code == 302
    assert any("cannot be merged into itself" in t for t in texts(response))
    assert Account.objects.filter(pk=w.account.pk).exists()
    bad = c.post(url("crm-account-merge", w.ws, w.account.pk), {"duplicate": "x"})
    assert any("Choose the account" in t for t in texts(bad))


def test_an_editor_changes_an_account_and_its_custom_fields(as_user, w):
    CustomField.objects.create(
        workspace=w.company, entity="account", key="volume", label="Yearly volume", type="number"
    )
    CustomField.objects.create(
        workspace=w.company,
        entity="account",
        key="tier",
        label="Tier",
        type="choice",
        choices=["Gold", "Silver"],
    )
    c = as_user(w.admin)
    form = c.get(url("crm-account-edit", w.ws, w.account2.pk)).content.decode()
    assert 'name="custom_volume"' in form and 'name="custom_tier"' in form
    data = {
        "name": "Other Buyer",
        "segment": "supplier",
        "stage": "active",
        "custom_volume": "1 234,50",
        "custom_tier": "Gold",
        "tags": "VIP",
    }
    response = c.post(url("crm-account-edit", w.ws, w.account2.pk), data)
    assert response.status_code == 302
    w.account2.refresh_from_db()
    assert w.account2.custom == {"volume": "1234.50", "tier": "Gold"}
    assert w.account2.segment == "supplier"
    page = c.get(url("crm-account", w.ws, w.account2.pk)).content.decode()
    assert "Yearly volume" in page and "1234.50" in page and "VIP" in page
    # A custom value of the wrong type: the field's message, nothing written.
    bad = c.post(url("crm-account-edit", w.ws, w.account2.pk), {**data, "custom_volume": "lots"})
    assert bad.status_code == 400
    assert 'class="error"' in bad.content.decode().split('id="id_custom_volume-errors"')[1]
    w.account2.refresh_from_db()
    assert w.account2.custom["volume"] == "1234.50"


def test_an_account_for_a_company_the_workspace_already_keeps_is_refused(as_user, w):
    c = as_user(w.manager)
    response = c.post(
        url("crm-account-create", w.ws),
        {
            "name": "Customer again",
            "country": "UA",
            "registration_number": w.counterparty.registration_number,
            "segment": "customer",
            "stage": "prospect",
        },
    )
    assert response.status_code == 409
    assert "already has an account for this company" in response.content.decode()
    assert not Account.objects.filter(name="Customer again").exists()


def test_an_editor_deletes_an_account(as_user, w):
    c = as_user(w.manager)
    response = c.post(url("crm-account-delete", w.ws, w.account2.pk))
    assert response.status_code == 302 and response["Location"] == url("crm-accounts", w.ws)
    assert not Account.objects.filter(pk=w.account2.pk).exists()
    assert c.get(url("crm-account-delete", w.ws, w.account.pk)).status_code == 405


# --- The account page ----------------------------------------------------------------------


def test_the_account_page_shows_contacts_opportunities_and_links_to_the_pipeline(as_user, w):
    html = as_user(w.bidder).get(url("crm-account", w.ws, w.account.pk)).content.decode()
    assert "Kovalenko" in html and url("crm-contact", w.ws, w.contact.pk) in html
    assert "Winter supply" in html
    assert f"/crm/{w.ws}/opportunities/{w.opportunity.pk}/" in html
    assert "On Tradefloor as Customer Corp" in html
    assert "Spring supply" not in html  # the other account's


def _entries(w, n: int, *, kind: str = "note", contact=None, after: int = 0) -> list:
    start = timezone.now() - timedelta(days=1) + timedelta(minutes=after)
    return [
        timeline_add(
            account=w.account,
            contact=contact,
            kind=kind,
            type=f"test.{kind}",
            title=f"{kind} entry {i:02d}",
            url="/tenders/1/",
            at=start + timedelta(minutes=i),
        )
        for i in range(n)
    ]


def test_the_timeline_newest_first_with_more_and_kinds(as_user, w):
    _entries(w, 25)
    _entries(w, 2, kind="event", after=30)
    c = as_user(w.officer)
    html = c.get(url("crm-account", w.ws, w.account.pk)).content.decode()
    timeline = html.split('id="timeline-list"')[1]
    assert timeline.index("event entry 01") < timeline.index("note entry 24")
    assert "note entry 05" not in timeline  # on the next page
    assert 'id="timeline-more"' in timeline
    more = timeline.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    older = c.get(more, **HTMX)
    assert older.status_code == 200
    page2 = older.content.decode()
    assert "note entry 05" in page2 and "note entry 24" not in page2
    assert "<section" not in page2  # only the entries: appended after those shown
    # A kind: the whole timeline section again, of that kind only.
    events = c.get(url("crm-account-timeline", w.ws, w.account.pk), {"kind": "event"}, **HTMX)
    body = events.content.decode()
    assert 'id="timeline"' in body and "event entry 00" in body and "note entry" not in body
    # Each entry links to its source.
    assert 'href="/tenders/1/"' in body
    # The page itself takes the kind (without htmx).
    plain = c.get(url("crm-account", w.ws, w.account.pk), {"kind": "event"}).content.decode()
    assert "note entry" not in plain.split('id="timeline-list"')[1]


def test_a_bad_cursor_answers_400(as_user, w):
    c = as_user(w.manager)
    response = c.get(url("crm-account-timeline", w.ws, w.account.pk), {"cursor": "nonsense"})
    assert response.status_code == 400


# --- Contacts ------------------------------------------------------------------------------


def test_an_editor_adds_a_contact_with_checked_phones_and_emails(as_user, w):
    Account.objects.filter(pk=w.account.pk).update(country="UA")  # phones read as Ukrainian
    c = as_user(w.manager)
    assert c.get(url("crm-contact-create", w.ws, w.account.pk)).status_code == 200
    response = c.post(
        url("crm-contact-create", w.ws, w.account.pk),
        {
            "first_name": "Петро",
            "last_name": "Бондар",
            "position": "buyer",
            "emails": "Petro@Customer.example\npetro2@customer.example",
            "phones": "067 123 45 67",
            "language": "uk",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(last_name="Бондар")
    assert contact.emails == ["petro@customer.example", "petro2@customer.example"]
    assert contact.phones == ["+380671234567"] and contact.consent and contact.consent_at
    page = c.get(url("crm-contact", w.ws, contact.pk)).content.decode()
    assert "petro2@customer.example" in page and "+380671234567" in page
    assert "Consents to be contacted" in page and "Українська" in page


def test_a_bad_email_is_shown_and_no_contact_is_written(as_user, w):
    c = as_user(w.admin)
    response = c.post(
        url("crm-contact-create", w.ws, w.account.pk),
        {"last_name": "Broken", "emails": "not-an-email"},
    )
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode().split('id="id_emails-errors"')[1]
    assert not Contact.objects.filter(last_name="Broken").exists()
    missing = c.post(url("crm-contact-create", w.ws, w.account.pk), {"first_name": "Only"})
    assert missing.status_code == 400 and not Contact.objects.filter(first_name="Only").exists()


def test_an_editor_changes_and_deletes_a_contact(as_user, w):
    c = as_user(w.manager)
    form = c.get(url("crm-contact-edit", w.ws, w.contact.pk)).content.decode()
    assert "olena@customer.example" in form
    response = c.post(
        url("crm-contact-edit", w.ws, w.contact.pk),
        {"first_name": "Olena", "last_name": "Kovalenko-Shevchuk", "consent": ""},
    )
    assert response.status_code == 302
    w.contact.refresh_from_db()
    assert w.contact.last_name == "Kovalenko-Shevchuk" and w.contact.emails == []
    gone = c.post(url("crm-contact-delete", w.ws, w.contact.pk))
    assert gone["Location"] == url("crm-account", w.ws, w.account.pk)
    assert not Contact.objects.filter(pk=w.contact.pk).exists()


def test_the_contact_list_searches_and_the_contact_page_shows_its_timeline(as_user, w):
    _entries(w, 2, contact=w.contact)
    _entries(w, 1, kind="event")
    c = as_user(w.bidder)
    found = c.get(url("crm-contacts", w.ws), {"q": "kovalenko"}).content.decode()
    assert "Kovalenko" in found and "Shevchenko" not in found
    page = c.get(url("crm-contact", w.ws, w.contact.pk)).content.decode()
    timeline = page.split('id="timeline-list"')[1]
    assert "note entry 01" in timeline and "event entry" not in timeline
    assert url("crm-contact-edit", w.ws, w.contact.pk) not in page  # a reader


def test_a_contact_of_another_company_is_404(as_user, w):
    c = as_user(w.manager)
    assert c.get(url("crm-contact", w.ws, w.outsider_contact.pk)).status_code == 404
    assert c.get(url("crm-contact-timeline", w.ws, w.outsider_contact.pk)).status_code == 404


def test_a_member_with_several_roles_is_an_editor(as_user):
    company = CompanyFactory()
    person = member(company, BIDDER)
    from marketplace.companies.models import Membership

    Membership.objects.create(user=person, company=company, role=MANAGER)
    page = as_user(person).get(url("crm-accounts", company.pk)).content.decode()
    assert url("crm-account-create", company.pk) in page
