"""Leads through the API: entered by hand, qualified, disqualified with a reason, converted into
an opportunity on an account (made for it when it has none) in one transaction; and the
website's public form: a signed token that expires and dies with its issuer's rights, checked
input, throttled like the other anonymous endpoints."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone
from rest_framework.test import APIClient

from crm import pipeline_leads
from crm.models import Account, Lead, Opportunity, StageChange
from marketplace.companies.models import Membership
from tests.crm.pipeline_factories import ADMIN, Crm, api, snapshot

pytestmark = pytest.mark.django_db


def lead_make(crm: Crm, **values) -> dict:
    values.setdefault("title", "Fuel depot in Lviv")
    response = crm.as_().post(crm.api("crm-leads"), values, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_lead_entered_by_hand_keeps_checked_contacts():
    crm = Crm()
    lead = lead_make(
        crm,
        company_name="  Depot   Ltd ",
        person_name="Olena Kovalenko",
        email="Olena@Depot.example",
        phone="044 123 4567",
        owner=crm.people[ADMIN].pk,
    )
    assert (lead["source"], lead["status"]) == ("manual", "new")
    assert lead["company_name"] == "Depot Ltd" and lead["email"] == "olena@depot.example"
    assert lead["phone"] == "+380441234567"  # the workspace's country: UA
    assert lead["owner"]["id"] == crm.people[ADMIN].pk
    listed = crm.as_(crm.people["bidder"]).get(crm.api("crm-leads"), {"q": "depot"}).json()
    assert [row["id"] for row in listed["results"]] == [lead["id"]]
    assert crm.as_().get(crm.api("crm-leads"), {"status": "qualified"}).json()["results"] == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"owner": "outsider"}, "owner"),
        ({"account": "other"}, "account"),
        ({"notes": "x" * 5001}, "notes"),
    ],
)
def test_bad_leads_are_refused_and_nothing_is_written(values, field):
    crm = Crm()
    other = Crm()
    values = {"title": "Lead", **values}
    if values.get("owner") == "outsider":
        values["owner"] = crm.outsider_manager.pk
    if values.get("account") == "other":
        values["account"] = other.account.pk
    before = snapshot()
    response = crm.as_().post(crm.api("crm-leads"), values, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert snapshot() == before


def test_qualify_and_disqualify_with_a_reason():
    crm = Crm()
    lead = lead_make(crm)
    c = crm.as_()
    qualified = c.post(crm.api("crm-lead-qualify", lead_id=lead["id"]))
    assert qualified.status_code == 200 and qualified.json()["status"] == "qualified"
    again = c.post(crm.api("crm-lead-qualify", lead_id=lead["id"]))
    assert again.status_code == 409 and again.json()["error"]["code"] == "lead_status"
    before = snapshot()
    refused = c.post(crm.api("crm-lead-disqualify", lead_id=lead["id"]), {"reason": "   "})
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    assert snapshot() == before
    done = c.post(crm.api("crm-lead-disqualify", lead_id=lead["id"]), {"reason": "No budget"})
    assert done.json()["status"] == "disqualified"
    assert done.json()["disqualified_reason"] == "No budget"
    refused = c.post(crm.api("crm-lead-convert", lead_id=lead["id"]), {})
    assert refused.status_code == 409


def test_converting_a_lead_without_an_account_makes_one_and_the_opportunity_together():
    crm = Crm()
    lead = lead_make(
        crm, company_name="Depot Ltd", email="sales@depot.example", owner=crm.people[ADMIN].pk
    )
    response = crm.as_().post(
        crm.api("crm-lead-convert", lead_id=lead["id"]),
        {"amount": "50000", "currency": "USD", "expected_close": "2030-05-01"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    account = Account.objects.get(pk=body["account"]["id"])
    assert account.workspace == crm.ws and account.name == "Depot Ltd"
    assert account.email == "sales@depot.example" and account.domain == "depot.example"
    assert (body["title"], body["amount"], body["currency"]) == (
        "Fuel depot in Lviv",
        "50000.00",
        "USD",
    )
    assert body["owner"]["id"] == crm.people[ADMIN].pk
    assert body["stage"] == crm.stage("New").pk
    stored = Lead.objects.get(pk=lead["id"])
    assert stored.status == "converted" and stored.opportunity_id == body["id"]
    assert stored.account == account
    assert StageChange.objects.filter(opportunity_id=body["id"]).count() == 1
    again = crm.as_().post(crm.api("crm-lead-convert", lead_id=lead["id"]), {})
    assert again.status_code == 409
    changed = crm.as_().patch(crm.api("crm-lead", lead_id=lead["id"]), {"title": "x"})
    assert changed.status_code == 409


def test_converting_onto_an_account_in_a_chosen_stage():
    crm = Crm()
    lead = lead_make(crm, account=crm.account.pk)
    response = crm.as_().post(
        crm.api("crm-lead-convert", lead_id=lead["id"]),
        {"stage": crm.stage("Qualified").pk, "title": "Winter diesel"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["account"]["id"] == crm.account.pk
    assert response.json()["stage"] == crm.stage("Qualified").pk
    assert Account.objects.filter(workspace=crm.ws).count() == 1


def test_a_conversion_that_fails_writes_nothing_not_even_the_account():
    crm = Crm()
    other = Crm()
    lead = lead_make(crm, company_name="Depot Ltd")
    before = snapshot()
    response = crm.as_().post(
        crm.api("crm-lead-convert", lead_id=lead["id"]), {"stage": other.stage("New").pk}
    )
    assert response.status_code == 400, response.content
    assert Lead.objects.get(pk=lead["id"]).status == "new"
    after = snapshot()
    after.pop("Pipeline"), after.pop("Stage")  # the other CRM's pipeline came with ``other``
    assert {k: v for k, v in before.items() if k not in ("Pipeline", "Stage")} == after


def test_a_buyer_converting_a_lead_gets_a_sales_pipeline_for_it():
    crm = Crm(buyer=True, supplier=False)
    lead = lead_make(crm, person_name="A buyer's prospect")
    response = crm.as_().post(crm.api("crm-lead-convert", lead_id=lead["id"]), {})
    assert response.status_code == 201, response.content
    kinds = sorted(p["kind"] for p in crm.as_().get(crm.api("crm-pipelines")).json())
    assert kinds == ["purchase", "sales"]


# --- The website's form ------------------------------------------------------------------------


def issue(crm: Crm, user=None, days: int = 30) -> dict:
    response = crm.as_(user).post(crm.api("crm-lead-form-token"), {"days": days})
    assert response.status_code == 201, response.content
    return response.json()


def form_post(url: str, data: dict, **kwargs):
    return APIClient().post(url, data, **kwargs)


def test_a_website_visitor_leaves_a_lead_through_the_signed_form():
    crm = Crm()
    token = issue(crm)
    assert token["url"].endswith(crm.api("crm-lead-form", token=token["token"]))
    response = form_post(
        token["url"],
        {
            "person_name": "Petro",
            "company_name": "Depot Ltd",
            "email": "petro@depot.example",
            "message": "Need 20 t of diesel\nby March.",
        },
    )  # form-encoded, as an HTML form posts
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(workspace=crm.ws)
    assert (lead.source, lead.status, lead.created_by) == ("web_form", "new", None)
    assert lead.title == "Website enquiry: Depot Ltd"
    assert lead.notes == "Need 20 t of diesel\nby March."
    as_json = form_post(
        token["url"], {"person_name": "Ivan", "phone": "+380441234567"}, format="json"
    )
    assert as_json.status_code == 201


def test_a_form_token_is_refused_when_forged_foreign_expired_or_its_issuer_lost_the_right():
    crm = Crm()
    other = Crm()
    good = issue(crm)["token"]
    before = snapshot()
    data = {"person_name": "Petro", "email": "p@example.com"}

    def refused(workspace_id: int, token: str) -> None:
        url = api("crm-lead-form", workspace_id=workspace_id, token=token)
        response = form_post(url, data)
        assert response.status_code == 404, response.content
        assert response.json()["error"]["code"] == "lead_form_invalid"

    refused(crm.ws.pk, "garbage")
    refused(crm.ws.pk, good[:-2] + "xx")
    refused(other.ws.pk, good)  # another workspace's address
    foreign = signing.dumps({"w": crm.ws.pk, "u": crm.manager.pk, "e": 2**40}, salt="other")
    refused(crm.ws.pk, foreign)
    later = timezone.now() + timedelta(days=31)
    with mock.patch("crm.pipeline_leads.timezone.now", return_value=later):
        refused(crm.ws.pk, good)
    Membership.objects.filter(user=crm.manager, company=crm.ws).update(role="bidder")
    refused(crm.ws.pk, good)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "p@example.com"}, "person_name"),
        ({"person_name": "Petro"}, "email"),
        ({"person_name": "Petro", "email": "nope"}, "email"),
        ({"person_name": "Petro", "phone": "123"}, "phone"),
        ({"person_name": "P" * 201, "email": "p@example.com"}, "person_name"),
        ({"person_name": "Petro", "email": "p@example.com", "message": "m" * 5001}, "message"),
    ],
)
def test_the_form_checks_what_it_is_sent(data, field):
    crm = Crm()
    url = issue(crm)["url"]
    before = snapshot()
    response = form_post(url, data)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert snapshot() == before


def test_the_form_is_throttled_per_address(settings):
    crm = Crm()
    url = issue(crm)["url"]
    settings.CRM_LEAD_FORM_RATE = "3/minute"
    codes = [
        form_post(url, {"person_name": "P", "email": "p@example.com"}).status_code for _ in range(4)
    ]
    assert codes == [201, 201, 201, 429]
    assert Lead.objects.filter(workspace=crm.ws).count() == 3


def test_only_editors_issue_form_tokens_and_days_are_bounded():
    crm = Crm()
    for role in ("procurement_officer", "bidder"):
        response = crm.as_(crm.people[role]).post(crm.api("crm-lead-form-token"), {})
        assert response.status_code == 403
    for days in (0, 731):
        response = crm.as_().post(crm.api("crm-lead-form-token"), {"days": days})
        assert response.status_code == 400 and "days" in response.json()["error"]["fields"]
    assert issue(crm, crm.people[ADMIN])["token"]


def test_lead_form_check_is_the_same_rule_the_service_applies():
    crm = Crm()
    token, _expires = pipeline_leads.lead_form_token_issue(
        user=crm.manager, workspace_id=crm.ws.pk, days=1
    )
    pipeline_leads.lead_form_check(workspace_id=crm.ws.pk, token=token)
    lead = pipeline_leads.lead_from_web_form(
        workspace_id=crm.ws.pk, token=token, company_name="Depot", phone="+380441234567"
    )
    assert lead.source == "web_form" and not Opportunity.objects.exists()
