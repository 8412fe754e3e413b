"""Buyer profiles: who edits, who reads, procurement officers listed."""

import pytest

from buyers import services
from buyers.models import BuyerProfile
from marketplace.companies.models import MembershipRole, VerificationStatus
from marketplace.core.exceptions import PermissionDeniedError
from tests.buyers.factories import BuyerProfileFactory
from tests.factories import CategoryFactory, CompanyFactory, member

pytestmark = pytest.mark.django_db


def url(company):
    return f"/api/buyers/{company.pk}/"


@pytest.fixture
def unverified_supplier(db):
    return CompanyFactory(
        is_buyer=False, is_supplier=True, verification_status=VerificationStatus.PENDING
    )


@pytest.fixture
def other_buyer(db):
    return CompanyFactory(legal_name="Other Buyer", is_buyer=True, is_supplier=False)


class TestEdit:
    @pytest.mark.parametrize(
        "role", [MembershipRole.COMPANY_ADMIN, MembershipRole.PROCUREMENT_OFFICER]
    )
    def test_editors_set_description_and_categories(self, client_for, buyer_company, role):
        cat = CategoryFactory(code="B100")
        person = member(buyer_company, role)
        response = client_for(person).patch(
            url(buyer_company),
            {"description": "We buy paper", "categories": ["B100"]},
            format="json",
        )
        assert response.status_code == 200, response.data
        profile = BuyerProfile.objects.get(company=buyer_company)
        assert profile.description == "We buy paper"
        assert list(profile.categories.all()) == [cat]

    @pytest.mark.parametrize("role", [MembershipRole.BIDDER, MembershipRole.ACCOUNT_MANAGER])
    def test_other_roles_may_not_edit(self, client_for, buyer_company, role):
        person = member(buyer_company, role)
        response = client_for(person).patch(url(buyer_company), {"description": "x"}, format="json")
        assert response.status_code == 403
        assert response.data["error"]["code"] == "role_required"
        assert not BuyerProfile.objects.exists()

    def test_foreign_buyer_is_404(self, client_for, buyer_admin, other_buyer):
        response = client_for(buyer_admin).patch(
            url(other_buyer), {"description": "x"}, format="json"
        )
        assert response.status_code == 404
        assert not BuyerProfile.objects.exists()

    def test_unknown_category_is_400_and_nothing_changes(
        self, client_for, buyer_company, buyer_admin
    ):
        BuyerProfileFactory(company=buyer_company, description="before")
        response = client_for(buyer_admin).patch(
            url(buyer_company), {"description": "after", "categories": ["NOPE"]}, format="json"
        )
        assert response.status_code == 400
        assert "categories" in response.data["error"]["fields"]
        assert BuyerProfile.objects.get(company=buyer_company).description == "before"

    def test_service_refuses_bidder(self, buyer_company):
        bidder = member(buyer_company, MembershipRole.BIDDER)
        with pytest.raises(PermissionDeniedError):
            services.buyer_profile_update(actor=bidder, company=buyer_company, description="x")
        assert not BuyerProfile.objects.exists()


class TestRead:
    def test_verified_supplier_reads_profile_with_officers(
        self, client_for, buyer_company, supplier_admin
    ):
        BuyerProfileFactory(company=buyer_company, description="Paper")
        officer = member(buyer_company, MembershipRole.PROCUREMENT_OFFICER, full_name="Olena K")
        member(buyer_company, MembershipRole.BIDDER, full_name="Not An Officer")
        response = client_for(supplier_admin).get(url(buyer_company))
        assert response.status_code == 200
        assert response.data["description"] == "Paper"
        assert [o["email"] for o in response.data["procurement_officers"]] == [officer.email]

    def test_member_reads_own(self, client_for, buyer_company):
        bidder = member(buyer_company, MembershipRole.BIDDER)
        assert client_for(bidder).get(url(buyer_company)).status_code == 200

    def test_unverified_supplier_cannot_read(self, client_for, buyer_company, unverified_supplier):
        person = member(unverified_supplier)
        assert client_for(person).get(url(buyer_company)).status_code == 404

    def test_other_buyer_cannot_read(self, client_for, buyer_company, other_buyer):
        person = member(other_buyer)
        assert client_for(person).get(url(buyer_company)).status_code == 404

    def test_unverified_buyer_hidden_from_suppliers(self, client_for, supplier_admin):
        hidden = CompanyFactory(
            is_buyer=True, is_supplier=False, verification_status=VerificationStatus.PENDING
        )
        assert client_for(supplier_admin).get(url(hidden)).status_code == 404

    def test_list_for_supplier_and_category_filter(
        self, client_for, supplier_admin, buyer_company, other_buyer
    ):
        root = CategoryFactory(code="B200")
        leaf = CategoryFactory(code="B210", parent=root)
        BuyerProfileFactory(company=buyer_company).categories.set([leaf])
        BuyerProfileFactory(company=other_buyer)
        client = client_for(supplier_admin)
        names = {r["legal_name"] for r in client.get("/api/buyers/").data["results"]}
        assert {"Buyer Ltd", "Other Buyer"} <= names
        filtered = client.get("/api/buyers/?category=B200").data["results"]
        assert [r["legal_name"] for r in filtered] == ["Buyer Ltd"]

    def test_list_for_a_buyer_shows_only_its_own(self, client_for, buyer_admin, other_buyer):
        names = [
            r["legal_name"] for r in client_for(buyer_admin).get("/api/buyers/").data["results"]
        ]
        assert names == ["Buyer Ltd"]

    def test_anonymous(self, api_client, buyer_company):
        assert api_client.get(url(buyer_company)).status_code in (401, 403)
