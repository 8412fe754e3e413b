"""Accounts through the REST API: identifiers checked per country as registration does, the
link to a marketplace company (one account per company: 409 naming it), the domain, phones in
E.164, e-mails, owners, tags, custom fields by type, the list's filters, change and delete."""

from __future__ import annotations

import pytest

from crm.models import Account, CustomField, Tag
from tests.crm.accounts_factories import api, client, edrpou, make_world
from tests.factories import valid_ru_inn

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def create(world, user=None, **data):
    return client(user or world.manager).post(
        api("crm-accounts", workspace_id=world.ws), data, format="json"
    )


def test_an_account_is_created_with_its_values_checked_and_kept_in_their_stored_form(world):
    code = edrpou()
    response = create(
        world,
        name="  ТОВ «Світанок»  ",
        country="ua",
        registration_number=f" {code} ",
        website="WWW.Svitanok.UA/about",
        email="Office@Svitanok.ua",
        phone="044 123 45 67",
        owner=world.manager.pk,
        segment="supplier",
        stage="active",
        tags=["Key", "key", "Grain"],
        notes="met at the fair",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    account = body["account"]
    assert account["name"] == "ТОВ «Світанок»"
    assert account["country"] == "UA"
    assert account["registration_number"] == code
    assert account["website"] == "https://WWW.Svitanok.UA/about"
    assert account["domain"] == "svitanok.ua"
    assert account["email"] == "office@svitanok.ua"
    assert account["phone"] == "+380441234567"
    assert account["owner"]["id"] == world.manager.pk
    assert [t["name"] for t in account["tags"]] == ["Grain", "Key"]
    assert account["company"] is None  # no marketplace company has this code
    assert body["duplicates"] == []
    stored = Account.objects.get(pk=account["id"])
    assert stored.name_key == "світанок"
    assert stored.created_by == world.manager


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"country": "UA", "registration_number": "32855968"}, "registration_number", "check"),
        ({"country": "UA", "registration_number": "1234"}, "registration_number", "length"),
        ({"country": "UA", "tax_id": "123"}, "registration_number", "EDRPOU code is required"),
        ({"country": "RU", "tax_id": "7700000000"}, "tax_id", "INN"),
        ({"country": "DE", "tax_id": "FR40303265045"}, "tax_id", "(DE)"),
        ({"country": "Narnia"}, "country", "Unknown country"),
        ({"phone": "12"}, "phone", "country code"),
        ({"country": "UA", "phone": "044 12"}, "phone", "not a valid phone"),
        ({"email": "not-an-address"}, "email", "e-mail"),
        ({"website": "http://"}, "website", "web address"),
        ({"owner": 2**40}, "owner", "account manager"),
    ],
)
def test_invalid_values_are_refused_per_field_and_nothing_is_written(world, data, field, fragment):
    response = create(world, name="Acme", **data)
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert any(fragment in m for m in error["fields"][field]), error
    assert not Account.objects.exists()


def test_an_account_without_identifiers_is_allowed_and_a_russian_one_is_checked(world):
    assert create(world, name="A prospect").status_code == 201
    inn = valid_ru_inn()
    response = create(world, name="ООО Ромашка", country="RU", tax_id=inn)
    assert response.status_code == 201, response.json()
    assert response.json()["account"]["tax_id"] == inn


def test_an_owner_must_edit_the_workspace(world):
    response = create(world, name="Acme", owner=world.officer.pk)
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]
    assert create(world, name="Acme", owner=world.admin.pk).status_code == 201


def test_matching_identifiers_link_the_account_to_the_marketplace_company(world):
    market = world.market
    response = create(
        world, name="Romashka", country="UA", registration_number=market.registration_number
    )
    assert response.status_code == 201
    assert response.json()["account"]["company"] == {
        "id": market.pk,
        "legal_name": market.legal_name,
    }


def test_a_second_account_for_the_same_company_is_a_conflict_naming_the_first(world):
    code = world.market.registration_number
    first = create(world, name="Romashka", country="UA", registration_number=code).json()
    response = create(world, name="Romashka again", country="UA", registration_number=code)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "account_exists_for_company"
    assert "Romashka" in error["message"] and f"#{first['account']['id']}" in error["message"]
    assert Account.objects.count() == 1
    # Linking an existing account by changing its identifiers is refused alike.
    other = create(world, name="Other").json()["account"]
    response = client(world.manager).patch(
        api("crm-account", workspace_id=world.ws, account_id=other["id"]),
        {"country": "UA", "registration_number": code},
        format="json",
    )
    assert response.status_code == 409
    assert Account.objects.get(pk=other["id"]).company_id is None


def test_another_workspace_may_have_its_own_account_for_the_same_company(world):
    code = world.market.registration_number
    assert create(world, name="R", country="UA", registration_number=code).status_code == 201
    response = client(world.outsider_admin).post(
        api("crm-accounts", workspace_id=world.outsider.pk),
        {"name": "R", "country": "UA", "registration_number": code},
        format="json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("website", "email", "domain"),
    [
        ("https://www.acme.com.ua/", "sales@other.ua", "acme.com.ua"),
        ("", "Sales@Acme.UA", "acme.ua"),
        ("", "acme@gmail.com", ""),
        ("", "acme@ukr.net", ""),
        ("", "acme@mail.ru", ""),
        ("", "acme@yandex.ru", ""),
        ("", "acme@outlook.com", ""),
    ],
)
def test_the_domain_comes_from_the_website_else_from_a_company_email(world, website, email, domain):
    response = create(world, name="Acme", website=website, email=email)
    assert response.json()["account"]["domain"] == domain


def test_the_list_filters_by_text_stage_segment_owner_tag_and_country(world):
    code = edrpou()
    create(
        world,
        name="ТОВ «Ромашка»",
        country="UA",
        registration_number=code,
        stage="active",
        segment="supplier",
        owner=world.manager.pk,
        tags=["vip"],
    )
    create(world, name="Acme GmbH", country="DE", website="acme.de", stage="prospect")
    create(world, name="Beta", email="x@beta.pl", segment="both", owner=world.admin.pk)
    vip = Tag.objects.get(name="vip")

    def names(**params):
        response = client(world.officer).get(api("crm-accounts", workspace_id=world.ws), params)
        assert response.status_code == 200, response.json()
        return [a["name"] for a in response.json()["results"]]

    assert names() == ["Acme GmbH", "Beta", "ТОВ «Ромашка»"]
    assert names(q="ромашка") == ["ТОВ «Ромашка»"]
    assert names(q=code[:5]) == ["ТОВ «Ромашка»"]
    assert names(q="acme.de") == ["Acme GmbH"]
    assert names(q="beta.pl") == ["Beta"]
    assert names(stage="active") == ["ТОВ «Ромашка»"]
    assert names(segment="both") == ["Beta"]
    assert names(owner=world.admin.pk) == ["Beta"]
    assert names(tag=vip.pk) == ["ТОВ «Ромашка»"]
    assert names(country="de") == ["Acme GmbH"]
    response = client(world.officer).get(
        api("crm-accounts", workspace_id=world.ws), {"stage": "nonsense"}
    )
    assert response.status_code == 400


def test_an_account_is_changed_partly_and_deleted(world):
    account = create(world, name="Acme", country="UA", phone="0441234567").json()["account"]
    url = api("crm-account", workspace_id=world.ws, account_id=account["id"])
    response = client(world.admin).patch(url, {"stage": "dormant", "tags": ["a"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["stage"] == "dormant" and body["phone"] == "+380441234567"
    assert [t["name"] for t in body["tags"]] == ["a"]
    # A phone written without its code is read in the account's (new) country.
    response = client(world.admin).patch(
        url, {"country": "PL", "phone": "22 123 45 67"}, format="json"
    )
    assert response.json()["phone"] == "+48221234567"
    response = client(world.admin).patch(url, {"name": ""}, format="json")
    assert response.status_code == 400
    assert Account.objects.get(pk=account["id"]).name == "Acme"
    assert client(world.manager).delete(url).status_code == 204
    assert not Account.objects.exists()
    assert client(world.manager).get(url).status_code == 404


def test_an_account_linked_without_identifiers_keeps_its_company_on_other_changes(world):
    account = Account.objects.create(
        workspace=world.workspace, company=world.market, name="Romashka", name_key="romashka"
    )
    url = api("crm-account", workspace_id=world.ws, account_id=account.pk)
    response = client(world.manager).patch(url, {"notes": "called"}, format="json")
    assert response.status_code == 200
    assert response.json()["company"]["id"] == world.market.pk


# --- custom fields -------------------------------------------------------------------------


def define(world, key, type, **extra):
    response = client(world.admin).post(
        api("crm-custom-fields", workspace_id=world.ws),
        {"entity": "account", "key": key, "label": key.title(), "type": type, **extra},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_custom_values_are_checked_by_their_fields_type(world):
    define(world, "volume", "number")
    define(world, "since", "date")
    define(world, "tier", "choice", choices=["gold", "silver"])
    define(world, "vat_payer", "boolean")
    define(world, "remark", "text")
    response = create(
        world,
        name="Acme",
        custom={
            "volume": "1 234,50",
            "since": "01.03.2024",
            "tier": "Gold",
            "vat_payer": "так",
            "remark": " hi ",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["account"]["custom"] == {
        "volume": "1234.50",
        "since": "2024-03-01",
        "tier": "gold",
        "vat_payer": True,
        "remark": "hi",
    }
    response = create(
        world,
        name="Beta",
        custom={"volume": "lots", "since": "soon", "tier": "bronze", "vat_payer": "maybe", "x": 1},
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {
        "custom.volume",
        "custom.since",
        "custom.tier",
        "custom.vat_payer",
        "custom.x",
    }
    assert Account.objects.count() == 1


def test_custom_values_merge_on_change_and_go_with_their_field(world):
    field = define(world, "tier", "choice", choices=["gold", "silver"])
    define(world, "remark", "text")
    account = create(world, name="Acme", custom={"tier": "gold", "remark": "x"}).json()["account"]
    url = api("crm-account", workspace_id=world.ws, account_id=account["id"])
    body = client(world.admin).patch(url, {"custom": {"remark": None}}, format="json").json()
    assert body["custom"] == {"tier": "gold"}
    field_url = api("crm-custom-field", workspace_id=world.ws, field_id=field["id"])
    response = client(world.admin).patch(field_url, {"label": "Level"}, format="json")
    assert response.json()["label"] == "Level" and response.json()["key"] == "tier"
    assert client(world.admin).delete(field_url).status_code == 204
    assert Account.objects.get(pk=account["id"]).custom == {}
    assert not CustomField.objects.filter(key="tier").exists()


def test_custom_field_definitions_refuse_a_doubled_key_and_a_choice_field_without_choices(world):
    define(world, "tier", "text")
    response = client(world.admin).post(
        api("crm-custom-fields", workspace_id=world.ws),
        {"entity": "account", "key": "tier", "label": "T", "type": "text"},
        format="json",
    )
    assert response.status_code == 409
    response = client(world.admin).post(
        api("crm-custom-fields", workspace_id=world.ws),
        {"entity": "contact", "key": "level", "label": "L", "type": "choice"},
        format="json",
    )
    assert response.status_code == 400
    assert "choices" in response.json()["error"]["fields"]
    listed = client(world.bidder).get(
        api("crm-custom-fields", workspace_id=world.ws), {"entity": "account"}
    )
    assert [f["key"] for f in listed.json()] == ["tier"]


# --- tags ----------------------------------------------------------------------------------


def test_tags_are_made_renamed_and_deleted(world):
    url = api("crm-tags", workspace_id=world.ws)
    first = client(world.manager).post(url, {"name": "Grain"}, format="json").json()
    again = client(world.manager).post(url, {"name": "grain"}, format="json").json()
    assert again["id"] == first["id"]
    other = client(world.manager).post(url, {"name": "Oil"}, format="json").json()
    tag_url = api("crm-tag", workspace_id=world.ws, tag_id=other["id"])
    assert client(world.manager).patch(tag_url, {"name": "GRAIN"}, format="json").status_code == 409
    assert client(world.manager).patch(tag_url, {"name": "Seeds"}, format="json").json() == {
        "id": other["id"],
        "name": "Seeds",
    }
    assert [t["name"] for t in client(world.bidder).get(url).json()] == ["Grain", "Seeds"]
    assert client(world.manager).delete(tag_url).status_code == 204
    assert client(world.manager).delete(tag_url).status_code == 404
