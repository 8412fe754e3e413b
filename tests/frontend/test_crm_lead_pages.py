"""The CRM's lead pages through the test client: the leads by status, a new lead, a lead's
qualify / disqualify (with its reason) / convert / change / delete, and the website form's token
with its snippet (whose address really takes an enquiry). Every page renders for each role;
readers are offered no action and their posts are refused; another company gets 404; bad input
shows a message and writes nothing."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from crm.models import Account, Lead, LeadSource, LeadStatus, Opportunity
from tests.crm.pipeline_factories import ADMIN, BIDDER, MANAGER, OFFICER, Crm, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm():
    c = Crm()
    c.pipeline()  # the defaults a first page view makes
    return c


def as_(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def lead(crm, title="Grain buyer from Lviv", **values) -> Lead:
    return Lead.objects.create(workspace=crm.ws, title=title, **values)


def base(crm) -> str:
    return f"/crm/{crm.ws.pk}/leads/"


@pytest.mark.parametrize("role", [MANAGER, ADMIN, OFFICER, BIDDER])
def test_the_lead_pages_render_for_each_role_and_readers_are_offered_no_action(client, crm, role):
    row = lead(crm, company_name="Lviv Grain", email="buy@lviv.example")
    editor = role in (MANAGER, ADMIN)
    as_(client, crm.people[role])
    listing = html(client.get(base(crm)))
    assert "Grain buyer from Lviv" in listing and "Lviv Grain" in listing
    assert ('id="new-lead"' in listing) is editor
    detail = html(client.get(f"{base(crm)}{row.pk}/"))
    assert "buy@lviv.example" in detail
    for marker in ('id="lead-qualify"', 'id="lead-convert"', 'id="disqualify-form"'):
        assert (marker in detail) is editor, marker
    form_page = html(client.get(f"{base(crm)}website-form/"))
    assert ('id="token-form"' in form_page) is editor
    for url in (f"{base(crm)}new/", f"{base(crm)}{row.pk}/edit/", f"{base(crm)}{row.pk}/convert/"):
        assert client.get(url).status_code == (200 if editor else 403), url


def test_readers_posts_are_refused_and_another_company_gets_404(client, crm):
    row = lead(crm)
    before = snapshot()
    posts = {
        f"{base(crm)}new/": {"title": "X"},
        f"{base(crm)}{row.pk}/edit/": {"title": "Y"},
        f"{base(crm)}{row.pk}/qualify/": {},
        f"{base(crm)}{row.pk}/disqualify/": {"reason": "No budget"},
        f"{base(crm)}{row.pk}/convert/": {},
        f"{base(crm)}{row.pk}/delete/": {},
        f"{base(crm)}website-form/": {"days": 30},
    }
    for role in (OFFICER, BIDDER):
        as_(client, crm.people[role])
        for url, data in posts.items():
            response = client.post(url, data)
            assert response.status_code == 403, url
            assert "/lead-form/" not in html(response)
    as_(client, crm.outsider_manager)
    for url in (base(crm), f"{base(crm)}{row.pk}/", f"{base(crm)}website-form/"):
        assert client.get(url).status_code == 404, url
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    own = f"/crm/{crm.outsider.pk}/leads/{row.pk}/"
    assert client.get(own).status_code == 404
    assert client.post(own + "qualify/").status_code == 404
    assert snapshot() == before


def test_the_list_has_a_tab_per_status_with_its_count_and_searches(client, crm):
    lead(crm, "New one")
    lead(crm, "Good one", status=LeadStatus.QUALIFIED)
    lead(crm, "Bad one", status=LeadStatus.DISQUALIFIED, disqualified_reason="Spam")
    as_(client, crm.manager)
    body = html(client.get(base(crm)))
    tabs = body.split('id="lead-tabs"')[1].split("</nav>")[0]
    assert "All (3)" in tabs and "New (1)" in tabs and "Qualified (1)" in tabs
    assert "Disqualified (1)" in tabs and "Converted (0)" in tabs
    body = html(client.get(base(crm) + "?status=qualified"))
    assert "Good one" in body and "New one" not in body
    body = html(client.get(base(crm) + "?q=bad"))
    assert "Bad one" in body and "Good one" not in body
    assert "Bad one" in html(client.get(base(crm) + "?status=nonsense"))


def test_a_lead_is_entered_changed_and_deleted(client, crm):
    as_(client, crm.manager)
    response = client.post(
        f"{base(crm)}new/",
        {
            "title": "Fertiliser enquiry",
            "company_name": "Agro Star",
            "person_name": "Oksana",
            "email": "Oksana@AgroStar.example",
            "phone": "044 123 4567",
            "owner": crm.manager.pk,
            "account": crm.account.pk,
            "notes": "Wants 40 t in May",
        },
    )
    made = Lead.objects.get(title="Fertiliser enquiry")
    assert response.status_code == 302 and response["Location"] == f"{base(crm)}{made.pk}/"
    assert (made.email, made.phone, made.source) == (
        "oksana@agrostar.example",
        "+380441234567",
        LeadSource.MANUAL,
    )
    assert made.account == crm.account and made.created_by == crm.manager
    response = client.post(
        f"{base(crm)}{made.pk}/edit/", {"title": "Fertiliser, 40 t", "person_name": "Oksana P."}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.title, made.person_name, made.account, made.email) == (
        "Fertiliser, 40 t",
        "Oksana P.",
        None,
        "",
    )
    assert client.post(f"{base(crm)}{made.pk}/delete/").status_code == 302
    assert not Lead.objects.filter(pk=made.pk).exists()


def test_bad_lead_input_shows_messages_and_writes_nothing(client, crm):
    as_(client, crm.manager)
    before = snapshot()
    for data, message in (
        ({"title": ""}, "This field is required."),
        ({"title": "X", "email": "not-an-address"}, "e-mail"),
        ({"title": "X", "phone": "12"}, "phone"),
        ({"title": "X", "account": 10**9}, "No such account."),
    ):
        response = client.post(f"{base(crm)}new/", data)
        assert response.status_code == 400, data
        assert message.lower() in html(response).lower(), data
    assert snapshot() == before


def test_qualify_and_disqualify_with_a_reason(client, crm):
    row = lead(crm)
    as_(client, crm.manager)
    url = f"{base(crm)}{row.pk}/"
    assert client.post(url + "qualify/").status_code == 302
    row.refresh_from_db()
    assert row.status == LeadStatus.QUALIFIED
    before = snapshot()
    response = client.post(url + "qualify/")
    assert response.status_code == 409
    assert "A Qualified lead cannot become Qualified." in html(response)
    response = client.post(url + "disqualify/", {"reason": "   "})
    assert response.status_code == 400 and "This field is required." in html(response)
    assert snapshot() == before
    assert client.post(url + "disqualify/", {"reason": "No budget this year"}).status_code == 302
    row.refresh_from_db()
    assert (row.status, row.disqualified_reason) == (LeadStatus.DISQUALIFIED, "No budget this year")
    body = html(client.get(url))
    assert "No budget this year" in body and 'id="lead-qualify"' in body
    assert 'id="lead-convert"' not in body


def test_a_lead_converts_into_an_opportunity_on_a_new_account(client, crm):
    row = lead(crm, company_name="Steppe Farms", email="info@steppe.example")
    as_(client, crm.manager)
    page = html(client.get(f"{base(crm)}{row.pk}/convert/"))
    assert 'value="Grain buyer from Lviv"' in page
    response = client.post(
        f"{base(crm)}{row.pk}/convert/",
        {"title": "Steppe Farms, spring", "amount": "90000", "currency": "USD"},
    )
    made = Opportunity.objects.get(title="Steppe Farms, spring")
    assert response["Location"] == f"/crm/{crm.ws.pk}/opportunities/{made.pk}/"
    assert made.account.name == "Steppe Farms" and made.currency == "USD"
    assert made.stage == crm.stage("New")
    row.refresh_from_db()
    assert (row.status, row.opportunity, row.account) == (LeadStatus.CONVERTED, made, made.account)
    # A converted lead is not converted or changed again.
    before = snapshot()
    response = client.post(f"{base(crm)}{row.pk}/convert/", {})
    assert response.status_code == 400 and "cannot become Converted" in html(response)
    response = client.get(f"{base(crm)}{row.pk}/edit/")
    assert response.status_code == 302
    assert snapshot() == before
    assert Account.objects.filter(workspace=crm.ws, name="Steppe Farms").count() == 1


def test_the_website_form_token_and_its_snippet_take_an_enquiry(client, crm):
    as_(client, crm.manager)
    url = f"{base(crm)}website-form/"
    response = client.post(url, {"days": 0})
    assert response.status_code == 400
    assert "/lead-form/" not in html(response)
    body = html(client.post(url, {"days": 30}))
    address = re.search(r'id="form-url" class="snippet" readonly value="([^"]+)"', body).group(1)
    assert re.match(rf"http://testserver/api/crm/{crm.ws.pk}/lead-form/[^/]+/$", address)
    snippet = html_lib.unescape(body.split('id="form-snippet"')[1].split("</textarea>")[0])
    assert f'<form method="post" action="{address}"' in snippet
    for name in ("person_name", "company_name", "email", "phone", "message"):
        assert f'name="{name}"' in snippet
    # The address takes what a visitor posts, with no sign-in, as the snippet's form sends it.
    client.logout()
    response = client.post(
        address.removeprefix("http://testserver"),
        {"person_name": "Visitor", "email": "visitor@example.com", "message": "Call me"},
    )
    assert response.status_code == 201
    made = Lead.objects.get(source=LeadSource.WEB_FORM)
    assert (made.person_name, made.notes) == ("Visitor", "Call me")
