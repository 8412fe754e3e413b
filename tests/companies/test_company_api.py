import pytest
from django.urls import reverse

from marketplace.companies.models import Company, Membership, MembershipRole, VerificationStatus
from tests.companies.factories import UnverifiedCompanyFactory, valid_edrpou, valid_ru_inn
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

LIST = reverse("api:company-list")


def detail(company_id):
    return reverse("api:company-detail", args=[company_id])


def ua_payload(**overrides):
    data = {
        "legal_name": "TOV Zerno",
        "country": "UA",
        "registration_number": valid_edrpou(),
        "address": "5 Sadova St",
        "city": "Poltava",
        "postal_code": "36000",
        "website": "https://zerno.example.com",
        "email": "Office@Zerno.example.com",
        "phone": "+380 532 000000",
        "is_buyer": True,
        "is_supplier": False,
    }
    data.update(overrides)
    return data


# --- registration --------------------------------------------------------------------------


def test_register_makes_creator_admin_and_starts_unverified(client_for):
    user = UserFactory()
    payload = ua_payload()
    res = client_for(user).post(LIST, payload)
    assert res.status_code == 201, res.content
    body = res.json()
    company = Company.objects.get(pk=body["id"])
    assert company.registration_number == payload["registration_number"]
    assert company.verification_status == VerificationStatus.UNVERIFIED
    assert company.created_by == user
    assert company.email == "office@zerno.example.com"
    assert body["my_roles"] == [MembershipRole.COMPANY_ADMIN]
    assert list(Membership.objects.filter(company=company).values_list("user", "role")) == [
        (user.pk, MembershipRole.COMPANY_ADMIN)
    ]


def test_register_eu_company_stores_compact_vat(client_for):
    res = client_for(UserFactory()).post(
        LIST,
        ua_payload(country="de", registration_number="HRB 1", tax_id="136 695 976"),
    )
    assert res.status_code == 201, res.content
    assert res.json()["country"] == "DE"
    assert res.json()["tax_id"] == "DE136695976"


def test_register_same_identifier_twice_is_a_conflict_naming_it(client_for):
    code = valid_edrpou()
    assert (
        client_for(UserFactory()).post(LIST, ua_payload(registration_number=code)).status_code
        == 201
    )
    before = (Company.objects.count(), Membership.objects.count())
    # Same code spelled differently.
    spaced = f"{code[:2]} {code[2:]}"
    res = client_for(UserFactory()).post(
        LIST, ua_payload(registration_number=spaced, legal_name="Other")
    )
    assert res.status_code == 409
    error = res.json()["error"]
    assert error["code"] == "identifier_taken"
    assert code in error["message"]
    assert "registration_number" in error["fields"]
    assert (Company.objects.count(), Membership.objects.count()) == before


def test_register_same_tax_id_twice_is_a_conflict(client_for):
    inn = valid_ru_inn()
    payload = ua_payload(country="RU", registration_number="", tax_id=inn)
    assert client_for(UserFactory()).post(LIST, payload).status_code == 201
    res = client_for(UserFactory()).post(LIST, payload)
    assert res.status_code == 409
    assert inn in res.json()["error"]["message"]
    assert Company.objects.filter(tax_id=inn).count() == 1


def test_same_free_form_number_in_two_countries_is_allowed(client_for):
    client = client_for(UserFactory())
    assert client.post(LIST, ua_payload(country="US", registration_number="X1")).status_code == 201
    assert client.post(LIST, ua_payload(country="CA", registration_number="X1")).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"registration_number": "12345670"}, "registration_number", "invalid_identifier"),
        ({"registration_number": ""}, "registration_number", "invalid_identifier"),
        ({"country": "Ukraine"}, "country", "invalid"),
        ({"legal_name": "   "}, "legal_name", "invalid"),
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"website": "zerno"}, "website", "invalid"),
        ({"is_buyer": False, "is_supplier": False}, "is_buyer", "no_company_role"),
    ],
)
def test_register_bad_input_is_refused_and_writes_nothing(client_for, overrides, field, code):
    res = client_for(UserFactory()).post(LIST, ua_payload(**overrides))
    assert res.status_code == 400, res.content
    error = res.json()["error"]
    assert error["code"] == code
    assert field in error["fields"]
    assert error["message"]
    assert Company.objects.count() == 0
    assert Membership.objects.count() == 0


def test_register_wrong_check_digit_message_is_helpful(client_for):
    code = valid_edrpou()
    bad = code[:-1] + str((int(code[-1]) + 1) % 10)
    res = client_for(UserFactory()).post(LIST, ua_payload(registration_number=bad))
    assert res.status_code == 400
    assert "check digit" in res.json()["error"]["fields"]["registration_number"][0]


def test_register_needs_login(api_client):
    res = api_client.post(LIST, ua_payload())
    assert res.status_code in (401, 403)
    assert Company.objects.count() == 0


# --- list and detail -----------------------------------------------------------------------


def test_list_shows_only_my_companies_with_my_roles(client_for, buyer_company, supplier_company):
    user = member(buyer_company, MembershipRole.PROCUREMENT_OFFICER)
    Membership.objects.create(user=user, company=buyer_company, role=MembershipRole.BIDDER)
    res = client_for(user).get(LIST)
    assert res.status_code == 200
    body = res.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == buyer_company.pk
    assert body["results"][0]["my_roles"] == ["bidder", "procurement_officer"]


def test_list_filters_and_search(client_for, buyer_company, supplier_company):
    user = member(buyer_company)
    Membership.objects.create(user=user, company=supplier_company, role="bidder")
    client = client_for(user)
    ids = lambda res: [c["id"] for c in res.json()["results"]]  # noqa: E731
    assert ids(client.get(LIST, {"is_supplier": "true"})) == [supplier_company.pk]
    assert ids(client.get(LIST, {"search": "buyer"})) == [buyer_company.pk]
    assert ids(client.get(LIST, {"country": "ua"})) == [buyer_company.pk, supplier_company.pk]
    assert ids(client.get(LIST, {"verification_status": "pending"})) == []


def test_detail_for_member_404_for_stranger(client_for, buyer_company, supplier_admin):
    reader = member(buyer_company, MembershipRole.BIDDER)
    assert client_for(reader).get(detail(buyer_company.pk)).json()["legal_name"] == "Buyer Ltd"
    res = client_for(supplier_admin).get(detail(buyer_company.pk))
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "company_not_found"
    assert client_for(reader).get(detail(999999)).status_code == 404


# --- update --------------------------------------------------------------------------------


def test_admin_updates_details(client_for, buyer_company, buyer_admin):
    res = client_for(buyer_admin).patch(
        detail(buyer_company.pk), {"city": "Lviv", "is_supplier": True, "email": "A@B.example"}
    )
    assert res.status_code == 200, res.content
    buyer_company.refresh_from_db()
    assert (buyer_company.city, buyer_company.is_supplier, buyer_company.email) == (
        "Lviv",
        True,
        "a@b.example",
    )


@pytest.mark.parametrize("role", ["procurement_officer", "bidder", "account_manager"])
def test_non_admin_member_cannot_update(client_for, buyer_company, role):
    res = client_for(member(buyer_company, role)).patch(detail(buyer_company.pk), {"city": "Lviv"})
    assert res.status_code == 403
    assert res.json()["error"]["code"] == "not_company_admin"
    buyer_company.refresh_from_db()
    assert buyer_company.city == "Kyiv"


def test_stranger_cannot_update(client_for, buyer_company, supplier_admin):
    res = client_for(supplier_admin).patch(detail(buyer_company.pk), {"city": "Lviv"})
    assert res.status_code == 404
    buyer_company.refresh_from_db()
    assert buyer_company.city == "Kyiv"


@pytest.mark.parametrize(
    "status", ["pending", "info_requested", "verified", "rejected", "reverification_needed"]
)
def test_identifiers_locked_once_verification_started(client_for, status):
    company = UnverifiedCompanyFactory(verification_status=status)
    admin = member(company)
    original = company.registration_number
    res = client_for(admin).patch(
        detail(company.pk), {"registration_number": valid_edrpou(), "city": "Odesa"}
    )
    assert res.status_code == 400
    error = res.json()["error"]
    assert error["code"] == "identifiers_locked"
    assert "verification" in error["message"]
    company.refresh_from_db()
    assert (company.registration_number, company.city) == (original, "Kyiv")


def test_identifiers_resent_unchanged_are_not_a_change(client_for, buyer_company, buyer_admin):
    res = client_for(buyer_admin).patch(
        detail(buyer_company.pk),
        {
            "country": "ua",
            "registration_number": buyer_company.registration_number,
            "city": "Dnipro",
        },
    )
    assert res.status_code == 200, res.content


def test_identifiers_editable_while_unverified(client_for):
    company = UnverifiedCompanyFactory()
    admin = member(company)
    new = valid_edrpou()
    res = client_for(admin).patch(detail(company.pk), {"registration_number": f" {new} "})
    assert res.status_code == 200, res.content
    company.refresh_from_db()
    assert company.registration_number == new


def test_identifier_change_to_a_taken_one_conflicts(client_for, buyer_company):
    company = UnverifiedCompanyFactory()
    admin = member(company)
    res = client_for(admin).patch(
        detail(company.pk), {"registration_number": buyer_company.registration_number}
    )
    assert res.status_code == 409
    assert buyer_company.registration_number in res.json()["error"]["message"]


def test_identifier_change_validated(client_for):
    company = UnverifiedCompanyFactory()
    original = company.registration_number
    res = client_for(member(company)).patch(detail(company.pk), {"registration_number": "1"})
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invalid_identifier"
    company.refresh_from_db()
    assert company.registration_number == original


def test_update_cannot_drop_both_roles(client_for, buyer_company, buyer_admin):
    res = client_for(buyer_admin).patch(detail(buyer_company.pk), {"is_buyer": False})
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "no_company_role"
    buyer_company.refresh_from_db()
    assert buyer_company.is_buyer


def test_update_ignores_read_only_status(client_for):
    company = UnverifiedCompanyFactory()
    res = client_for(member(company)).patch(detail(company.pk), {"verification_status": "verified"})
    assert res.status_code == 200
    company.refresh_from_db()
    assert company.verification_status == "unverified"
