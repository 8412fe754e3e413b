"""Contacts through the REST API: phones validated and kept in E.164 (the account's country is
the region of a number written without its code), e-mails checked, the language one of
ru/uk/en, consent recorded with its time, and the link to a marketplace user only for a member
of the account's marketplace company."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Account, Contact
from tests.crm.accounts_factories import api, client, make_world
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def account(world):
    return Account.objects.create(
        workspace=world.workspace, name="Romashka", name_key="romashka", country="UA"
    )


def add(world, account, actor=None, **data):
    return client(actor or world.manager).post(
        api("crm-account-contacts", workspace_id=world.ws, account_id=account.pk),
        {"last_name": "Shevchenko", **data},
        format="json",
    )


def test_a_contact_is_added_with_its_phones_and_emails_in_their_stored_form(world, account):
    before = timezone.now()
    response = add(
        world,
        account,
        first_name=" Olena ",
        position="Procurement head",
        phones=["044 123 45 67", "+48 22 123 45 67", "(044) 123-45-67"],
        emails=["Olena@Romashka.UA", "olena@romashka.ua", "o.s@gmail.com"],
        language="uk",
        consent=True,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["first_name"] == "Olena"
    assert body["phones"] == ["+380441234567", "+48221234567"]
    assert body["emails"] == ["olena@romashka.ua", "o.s@gmail.com"]
    assert body["language"] == "uk"
    assert body["consent"] is True
    contact = Contact.objects.get(pk=body["id"])
    assert before <= contact.consent_at <= timezone.now()
    assert contact.account == account and contact.workspace == world.workspace
    listed = client(world.officer).get(
        api("crm-account-contacts", workspace_id=world.ws, account_id=account.pk)
    )
    assert [c["id"] for c in listed.json()] == [body["id"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phones": ["12345"]}, "phones"),
        ({"phones": ["not a phone"]}, "phones"),
        ({"emails": ["olena@"]}, "emails"),
        ({"language": "de"}, "language"),
        ({"last_name": "   "}, "last_name"),
        ({"custom": {"nope": 1}}, "custom.nope"),
    ],
)
def test_invalid_contact_values_are_refused_and_nothing_is_written(world, account, data, field):
    response = add(world, account, **data)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not Contact.objects.exists()


def test_a_number_without_its_code_is_read_in_the_accounts_country(world):
    polish = Account.objects.create(
        workspace=world.workspace, name="Polska", name_key="polska", country="PL"
    )
    response = add(world, polish, phones=["22 123 45 67"])
    assert response.json()["phones"] == ["+48221234567"]
    nowhere = Account.objects.create(workspace=world.workspace, name="X", name_key="x")
    response = add(world, nowhere, phones=["22 123 45 67"])
    assert response.status_code == 400
    assert "country code" in response.json()["error"]["fields"]["phones"][0]


def test_consent_is_recorded_with_the_time_it_was_given_or_withdrawn(world, account):
    body = add(world, account).json()
    contact = Contact.objects.get(pk=body["id"])
    assert contact.consent is False and contact.consent_at is None
    url = api("crm-contact", workspace_id=world.ws, contact_id=contact.pk)
    client(world.manager).patch(url, {"consent": True}, format="json")
    contact.refresh_from_db()
    given = contact.consent_at
    assert contact.consent is True and given is not None
    Contact.objects.filter(pk=contact.pk).update(consent_at=given - timedelta(days=1))
    client(world.manager).patch(url, {"position": "CEO"}, format="json")
    contact.refresh_from_db()
    assert contact.consent_at == given - timedelta(days=1)  # unchanged: not asked again
    client(world.manager).patch(url, {"consent": False}, format="json")
    contact.refresh_from_db()
    assert contact.consent is False and contact.consent_at > given


def test_a_contact_may_be_a_user_of_the_accounts_marketplace_company_only(world):
    linked = Account.objects.create(
        workspace=world.workspace,
        company=world.market,
        name="Romashka",
        name_key="romashka",
        country="UA",
    )
    stranger = member(world.outsider)
    response = add(world, linked, user=stranger.pk)
    assert response.status_code == 400
    assert "member of the account" in response.json()["error"]["fields"]["user"][0]
    response = add(world, linked, user=world.market_person.pk)
    assert response.status_code == 201
    assert response.json()["user"]["id"] == world.market_person.pk
    external = Account.objects.create(workspace=world.workspace, name="Ext", name_key="ext")
    response = add(world, external, user=world.market_person.pk)
    assert response.status_code == 400
    assert "not a marketplace company" in response.json()["error"]["fields"]["user"][0]


def test_a_contact_is_changed_listed_and_deleted(world, account):
    body = add(world, account, emails=["a@romashka.ua"]).json()
    url = api("crm-contact", workspace_id=world.ws, contact_id=body["id"])
    response = client(world.admin).patch(url, {"phones": ["0501234567"]}, format="json")
    assert response.status_code == 200
    assert response.json()["phones"] == ["+380501234567"]
    assert response.json()["emails"] == ["a@romashka.ua"]
    found = client(world.bidder).get(api("crm-contacts", workspace_id=world.ws), {"q": "shev"})
    assert [c["id"] for c in found.json()["results"]] == [body["id"]]
    assert client(world.admin).delete(url).status_code == 204
    assert client(world.admin).get(url).status_code == 404
    # A contact of another workspace is not found, through any path.
    theirs = Account.objects.create(workspace=world.outsider, name="T", name_key="t")
    other = Contact.objects.create(workspace=world.outsider, account=theirs, last_name="T")
    response = client(world.admin).get(
        api("crm-contact", workspace_id=world.ws, contact_id=other.pk)
    )
    assert response.status_code == 404
    response = client(world.admin).post(
        api("crm-account-contacts", workspace_id=world.ws, account_id=theirs.pk),
        {"last_name": "X"},
        format="json",
    )
    assert response.status_code == 404
    assert Contact.objects.filter(account=theirs).count() == 1
