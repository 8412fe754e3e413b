import pytest
from django.urls import reverse

from marketplace.companies.models import Membership, MembershipRole
from tests.factories import member

pytestmark = pytest.mark.django_db


def members_url(company):
    return reverse("api:company-member-list", args=[company.pk])


def member_url(company, user):
    return reverse("api:company-member-detail", args=[company.pk, user.pk])


def leave_url(company):
    return reverse("api:company-leave", args=[company.pk])


def roles_of(company, user):
    return sorted(
        Membership.objects.filter(company=company, user=user).values_list("role", flat=True)
    )


def snapshot():
    return sorted(Membership.objects.values_list("company_id", "user_id", "role"))


@pytest.mark.parametrize("role", MembershipRole.values)
def test_any_member_lists_members(client_for, buyer_company, buyer_admin, role):
    reader = member(buyer_company, role) if role != "company_admin" else buyer_admin
    other = member(buyer_company, MembershipRole.BIDDER)
    Membership.objects.create(company=buyer_company, user=other, role="account_manager")
    res = client_for(reader).get(members_url(buyer_company))
    assert res.status_code == 200
    by_id = {m["user"]["id"]: m for m in res.json()["results"]}
    assert by_id[other.pk]["roles"] == ["account_manager", "bidder"]
    assert by_id[other.pk]["user"]["email"] == other.email
    assert by_id[buyer_admin.pk]["roles"] == ["company_admin"]


def test_stranger_cannot_list_members(client_for, buyer_company, supplier_admin):
    res = client_for(supplier_admin).get(members_url(buyer_company))
    assert res.status_code == 404


def test_admin_replaces_roles(client_for, buyer_company, buyer_admin):
    person = member(buyer_company, MembershipRole.BIDDER)
    res = client_for(buyer_admin).patch(
        member_url(buyer_company, person), {"roles": ["procurement_officer", "company_admin"]}
    )
    assert res.status_code == 200, res.content
    assert res.json()["roles"] == ["company_admin", "procurement_officer"]
    assert roles_of(buyer_company, person) == ["company_admin", "procurement_officer"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [({"roles": []}, "invalid"), ({"roles": ["king"]}, "invalid"), ({}, "invalid")],
)
def test_set_roles_bad_input(client_for, buyer_company, buyer_admin, payload, code):
    person = member(buyer_company, MembershipRole.BIDDER)
    before = snapshot()
    res = client_for(buyer_admin).patch(member_url(buyer_company, person), payload)
    assert res.status_code == 400
    assert res.json()["error"]["code"] == code
    assert any(key.startswith("roles") for key in res.json()["error"]["fields"])
    assert snapshot() == before


def test_last_admin_cannot_be_demoted(client_for, buyer_company, buyer_admin):
    before = snapshot()
    res = client_for(buyer_admin).patch(
        member_url(buyer_company, buyer_admin), {"roles": ["bidder"]}
    )
    assert res.status_code == 400
    error = res.json()["error"]
    assert error["code"] == "last_company_admin"
    assert "last admin" in error["message"]
    assert snapshot() == before


def test_admin_may_be_demoted_when_another_admin_remains(client_for, buyer_company, buyer_admin):
    second = member(buyer_company)
    res = client_for(second).patch(member_url(buyer_company, buyer_admin), {"roles": ["bidder"]})
    assert res.status_code == 200
    assert roles_of(buyer_company, buyer_admin) == ["bidder"]


def test_admin_removes_member(client_for, buyer_company, buyer_admin):
    person = member(buyer_company, MembershipRole.BIDDER)
    Membership.objects.create(company=buyer_company, user=person, role="account_manager")
    res = client_for(buyer_admin).delete(member_url(buyer_company, person))
    assert res.status_code == 204
    assert roles_of(buyer_company, person) == []


def test_last_admin_cannot_be_removed(client_for, buyer_company, buyer_admin):
    before = snapshot()
    res = client_for(buyer_admin).delete(member_url(buyer_company, buyer_admin))
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "last_company_admin"
    assert snapshot() == before


@pytest.mark.parametrize("role", ["procurement_officer", "bidder", "account_manager"])
def test_non_admin_cannot_change_or_remove(client_for, buyer_company, buyer_admin, role):
    actor = member(buyer_company, role)
    person = member(buyer_company, MembershipRole.BIDDER)
    before = snapshot()
    client = client_for(actor)
    res = client.patch(member_url(buyer_company, person), {"roles": ["company_admin"]})
    assert res.status_code == 403
    assert res.json()["error"]["code"] == "not_company_admin"
    assert client.delete(member_url(buyer_company, person)).status_code == 403
    assert snapshot() == before


def test_stranger_gets_404_on_member_endpoints(
    client_for, buyer_company, buyer_admin, supplier_admin
):
    before = snapshot()
    client = client_for(supplier_admin)
    assert (
        client.patch(member_url(buyer_company, buyer_admin), {"roles": ["bidder"]}).status_code
        == 404
    )
    assert client.delete(member_url(buyer_company, buyer_admin)).status_code == 404
    assert client.post(leave_url(buyer_company)).status_code == 404
    assert snapshot() == before


def test_admin_cannot_touch_a_person_of_another_company(
    client_for, buyer_company, buyer_admin, supplier_company, supplier_admin
):
    before = snapshot()
    client = client_for(buyer_admin)
    res = client.patch(member_url(buyer_company, supplier_admin), {"roles": ["bidder"]})
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "member_not_found"
    assert client.delete(member_url(supplier_company, supplier_admin)).status_code == 404
    assert snapshot() == before


def test_member_leaves(client_for, buyer_company):
    person = member(buyer_company, MembershipRole.BIDDER)
    Membership.objects.create(company=buyer_company, user=person, role="account_manager")
    assert client_for(person).post(leave_url(buyer_company)).status_code == 204
    assert roles_of(buyer_company, person) == []
    # Gone: the company is now a stranger's.
    assert (
        client_for(person).get(reverse("api:company-detail", args=[buyer_company.pk])).status_code
        == 404
    )


def test_last_admin_cannot_leave(client_for, buyer_company, buyer_admin):
    res = client_for(buyer_admin).post(leave_url(buyer_company))
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "last_company_admin"
    assert roles_of(buyer_company, buyer_admin) == ["company_admin"]


def test_anonymous_refused(api_client, buyer_company, buyer_admin):
    assert api_client.get(members_url(buyer_company)).status_code in (401, 403)
    assert api_client.delete(member_url(buyer_company, buyer_admin)).status_code in (401, 403)
    assert roles_of(buyer_company, buyer_admin) == ["company_admin"]
