"""Supplier profiles: editing, the directory, visibility, certificates."""

import datetime
from urllib.parse import unquote

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.companies.models import MembershipRole
from suppliers.models import Certificate, SupplierProfile, SupplierRegion
from tests.factories import member
from tests.suppliers.factories import (
    CertificateFactory,
    SupplierProfileFactory,
    SupplierRegionFactory,
)

pytestmark = pytest.mark.django_db


def profile_url(company):
    return f"/api/suppliers/{company.pk}/"


class TestEditProfile:
    def test_admin_sets_description_categories_and_regions(
        self, client_for, supplier_company, supplier_admin, category_tree
    ):
        response = client_for(supplier_admin).patch(
            profile_url(supplier_company),
            {
                "description": "Paper and toner, next-day delivery",
                "categories": ["T110", "T200"],
                "regions": ["ua", "PL", "UA-30", "UA"],
            },
            format="json",
        )
        assert response.status_code == 200, response.data
        assert response.data["description"] == "Paper and toner, next-day delivery"
        assert {c["code"] for c in response.data["categories"]} == {"T110", "T200"}
        assert [r["code"] for r in response.data["regions"]] == ["PL", "UA", "UA-30"]
        profile = SupplierProfile.objects.get(company=supplier_company)
        assert set(profile.regions.values_list("code", flat=True)) == {"UA", "PL", "UA-30"}

    def test_regions_are_replaced_not_appended(self, client_for, supplier_company, supplier_admin):
        profile = SupplierProfileFactory(company=supplier_company)
        SupplierRegionFactory(profile=profile, code="DE")
        response = client_for(supplier_admin).patch(
            profile_url(supplier_company), {"regions": ["UA"]}, format="json"
        )
        assert response.status_code == 200
        assert list(profile.regions.values_list("code", flat=True)) == ["UA"]

    def test_account_manager_may_edit(self, client_for, supplier_company):
        manager = member(supplier_company, MembershipRole.ACCOUNT_MANAGER)
        response = client_for(manager).patch(
            profile_url(supplier_company), {"description": "hello"}, format="json"
        )
        assert response.status_code == 200
        assert SupplierProfile.objects.get(company=supplier_company).description == "hello"

    @pytest.mark.parametrize("role", [MembershipRole.BIDDER, MembershipRole.PROCUREMENT_OFFICER])
    def test_other_roles_may_not_edit(self, client_for, supplier_company, role):
        person = member(supplier_company, role)
        response = client_for(person).patch(
            profile_url(supplier_company), {"description": "hijack"}, format="json"
        )
        assert response.status_code == 403
        assert response.data["error"]["code"] == "role_required"
        assert not SupplierProfile.objects.filter(company=supplier_company).exists()

    def test_invalid_region_is_refused_and_nothing_changes(
        self, client_for, supplier_company, supplier_admin
    ):
        profile = SupplierProfileFactory(company=supplier_company, description="before")
        SupplierRegionFactory(profile=profile, code="UA")
        response = client_for(supplier_admin).patch(
            profile_url(supplier_company),
            {"description": "after", "regions": ["UA-99", "XX", "PL"]},
            format="json",
        )
        assert response.status_code == 400
        assert response.data["error"]["code"] == "invalid_region"
        assert "UA-99" in response.data["error"]["message"]
        assert "XX" in response.data["error"]["message"]
        assert "regions" in response.data["error"]["fields"]
        profile.refresh_from_db()
        assert profile.description == "before"
        assert list(profile.regions.values_list("code", flat=True)) == ["UA"]

    def test_unknown_category_code_is_refused(self, client_for, supplier_company, supplier_admin):
        response = client_for(supplier_admin).patch(
            profile_url(supplier_company), {"categories": ["NOPE-1"]}, format="json"
        )
        assert response.status_code == 400
        assert "categories" in response.data["error"]["fields"]
        assert not SupplierProfile.objects.filter(company=supplier_company).exists()

    def test_foreign_supplier_cannot_be_edited(self, client_for, supplier_admin, other_supplier):
        response = client_for(supplier_admin).patch(
            profile_url(other_supplier), {"description": "x"}, format="json"
        )
        assert response.status_code == 404
        assert not SupplierProfile.objects.filter(company=other_supplier).exists()

    def test_anonymous_is_refused(self, api_client, supplier_company):
        response = api_client.patch(profile_url(supplier_company), {"description": "x"})
        assert response.status_code in (401, 403)


class TestVisibility:
    def test_buyer_reads_verified_supplier(self, client_for, buyer_admin, supplier_company):
        SupplierProfileFactory(company=supplier_company, description="We sell paper")
        response = client_for(buyer_admin).get(profile_url(supplier_company))
        assert response.status_code == 200
        assert response.data["description"] == "We sell paper"
        assert response.data["legal_name"] == "Supplier Ltd"

    def test_supplier_without_profile_reads_empty(self, client_for, buyer_admin, supplier_company):
        response = client_for(buyer_admin).get(profile_url(supplier_company))
        assert response.status_code == 200
        assert response.data["description"] == ""
        assert response.data["categories"] == []
        assert response.data["certificates"] == []

    def test_unverified_supplier_hidden_from_outsiders(
        self, client_for, buyer_admin, unverified_supplier
    ):
        SupplierProfileFactory(company=unverified_supplier)
        assert client_for(buyer_admin).get(profile_url(unverified_supplier)).status_code == 404

    def test_unverified_supplier_visible_to_own_members(self, client_for, unverified_supplier):
        bidder = member(unverified_supplier, MembershipRole.BIDDER)
        response = client_for(bidder).get(profile_url(unverified_supplier))
        assert response.status_code == 200

    def test_buyer_only_company_is_not_a_supplier(self, client_for, supplier_admin, buyer_company):
        assert client_for(supplier_admin).get(profile_url(buyer_company)).status_code == 404

    def test_anonymous_cannot_read(self, api_client, supplier_company):
        assert api_client.get(profile_url(supplier_company)).status_code in (401, 403)


class TestDirectory:
    @pytest.fixture
    def directory(self, supplier_company, other_supplier, unverified_supplier, category_tree):
        paper = SupplierProfileFactory(company=supplier_company, description="Paper mill")
        paper.categories.set([category_tree["leaf"]])
        SupplierRegionFactory(profile=paper, code="UA-30")
        fuel = SupplierProfileFactory(company=other_supplier, description="Diesel")
        fuel.categories.set([category_tree["other"]])
        SupplierRegionFactory(profile=fuel, code="PL")
        hidden = SupplierProfileFactory(company=unverified_supplier, description="Paper too")
        hidden.categories.set([category_tree["leaf"]])
        SupplierRegionFactory(profile=hidden, code="UA")
        return {"paper": supplier_company, "fuel": other_supplier, "hidden": unverified_supplier}

    def names(self, response):
        assert response.status_code == 200, response.data
        return {row["legal_name"] for row in response.data["results"]}

    def test_lists_only_verified_suppliers(self, client_for, buyer_admin, directory):
        names = self.names(client_for(buyer_admin).get("/api/suppliers/"))
        assert "Supplier Ltd" in names
        assert "Rival Supply" in names
        assert "Newcomer Ltd" not in names
        assert "Buyer Ltd" not in names

    def test_category_filter_includes_subtree(self, client_for, buyer_admin, directory):
        client = client_for(buyer_admin)
        assert self.names(client.get("/api/suppliers/?category=T100")) == {"Supplier Ltd"}
        assert self.names(client.get("/api/suppliers/?category=T111")) == {"Supplier Ltd"}
        assert self.names(client.get("/api/suppliers/?category=T200")) == {"Rival Supply"}

    def test_unknown_category_is_a_clear_400(self, client_for, buyer_admin, directory):
        response = client_for(buyer_admin).get("/api/suppliers/?category=ZZZ")
        assert response.status_code == 400
        assert "category" in response.data["error"]["fields"]

    def test_region_filter(self, client_for, buyer_admin, directory):
        client = client_for(buyer_admin)
        assert self.names(client.get("/api/suppliers/?region=UA")) == {"Supplier Ltd"}
        assert self.names(client.get("/api/suppliers/?region=UA-30")) == {"Supplier Ltd"}
        assert self.names(client.get("/api/suppliers/?region=UA-46")) == set()
        assert self.names(client.get("/api/suppliers/?region=pl")) == {"Rival Supply"}

    def test_bad_region_is_a_clear_400(self, client_for, buyer_admin, directory):
        response = client_for(buyer_admin).get("/api/suppliers/?region=Narnia")
        assert response.status_code == 400
        assert "region" in response.data["error"]["fields"]

    @pytest.mark.parametrize("value", ["%25s", "%25(code)s", "%25%25s%25d", "UA-%25s", "%25"])
    def test_region_with_format_characters_is_a_clear_400(
        self, client_for, buyer_admin, directory, value
    ):
        """The value is quoted in the message as given, never read as a format string."""
        response = client_for(buyer_admin).get(f"/api/suppliers/?region={value}")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid"
        [message] = error["fields"]["region"]
        assert "ISO 3166" in message
        assert f"“{unquote(value)}”" in message

    def test_text_search(self, client_for, buyer_admin, directory):
        client = client_for(buyer_admin)
        assert self.names(client.get("/api/suppliers/?search=diesel")) == {"Rival Supply"}
        assert self.names(client.get("/api/suppliers/?search=copy paper")) == {"Supplier Ltd"}

    def test_subdivision_supplier_found_by_whole_country_supplier_region(
        self, client_for, buyer_admin, directory
    ):
        profile = SupplierProfile.objects.get(company=directory["fuel"])
        SupplierRegion.objects.create(profile=profile, code="UA")
        names = self.names(client_for(buyer_admin).get("/api/suppliers/?region=UA-30"))
        assert names == {"Supplier Ltd", "Rival Supply"}


def pdf(name="cert.pdf", content=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class TestCertificates:
    def url(self, company, cert=None):
        base = f"/api/suppliers/{company.pk}/certificates/"
        return f"{base}{cert.pk}/" if cert else base

    def test_admin_adds_certificate_with_file_and_buyer_downloads_it(
        self, client_for, supplier_company, supplier_admin, buyer_admin
    ):
        response = client_for(supplier_admin).post(
            self.url(supplier_company),
            {
                "name": "ISO 9001",
                "issuer": "TÜV",
                "number": "Q-1",
                "valid_from": "2025-01-01",
                "valid_until": "2028-01-01",
                "file": pdf(),
            },
            format="multipart",
        )
        assert response.status_code == 201, response.data
        cert = Certificate.objects.get(pk=response.data["id"])
        assert cert.profile.company == supplier_company
        assert storages["private"].exists(cert.file_name)
        assert response.data["has_file"] is True

        download = client_for(buyer_admin).get(response.data["file_url"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 test"

    def test_wrong_file_type_is_refused_and_nothing_is_stored(
        self, client_for, supplier_company, supplier_admin
    ):
        response = client_for(supplier_admin).post(
            self.url(supplier_company),
            {"name": "ISO", "file": SimpleUploadedFile("virus.exe", b"MZ...")},
            format="multipart",
        )
        assert response.status_code == 400
        assert response.data["error"]["code"] == "unsupported_file_type"
        assert not Certificate.objects.exists()

    def test_end_before_start_is_refused(self, client_for, supplier_company, supplier_admin):
        response = client_for(supplier_admin).post(
            self.url(supplier_company),
            {"name": "ISO", "valid_from": "2026-01-01", "valid_until": "2025-01-01"},
            format="multipart",
        )
        assert response.status_code == 400
        assert response.data["error"]["code"] == "invalid_period"
        assert not Certificate.objects.exists()

    def test_update_and_delete(self, client_for, supplier_company, supplier_admin):
        cert = CertificateFactory(profile=SupplierProfileFactory(company=supplier_company))
        client = client_for(supplier_admin)
        response = client.patch(
            self.url(supplier_company, cert), {"number": "NEW-2"}, format="multipart"
        )
        assert response.status_code == 200
        cert.refresh_from_db()
        assert cert.number == "NEW-2"
        assert client.delete(self.url(supplier_company, cert)).status_code == 204
        assert not Certificate.objects.filter(pk=cert.pk).exists()

    def test_replacing_the_file_deletes_the_old_one(
        self, client_for, supplier_company, supplier_admin, django_capture_on_commit_callbacks
    ):
        client = client_for(supplier_admin)
        created = client.post(
            self.url(supplier_company), {"name": "ISO", "file": pdf()}, format="multipart"
        ).data
        cert = Certificate.objects.get(pk=created["id"])
        old = cert.file_name
        with django_capture_on_commit_callbacks(execute=True):
            response = client.patch(
                self.url(supplier_company, cert),
                {"file": pdf("new.png", b"\x89PNG")},
                format="multipart",
            )
        assert response.status_code == 200
        cert.refresh_from_db()
        assert cert.file_name != old
        assert not storages["private"].exists(old)
        assert storages["private"].exists(cert.file_name)

    def test_bidder_may_not_add_certificates(self, client_for, supplier_company):
        bidder = member(supplier_company, MembershipRole.BIDDER)
        response = client_for(bidder).post(
            self.url(supplier_company), {"name": "ISO"}, format="multipart"
        )
        assert response.status_code == 403
        assert not Certificate.objects.exists()

    def test_foreign_certificate_cannot_be_changed(
        self, client_for, supplier_admin, other_supplier
    ):
        cert = CertificateFactory(profile=SupplierProfileFactory(company=other_supplier))
        client = client_for(supplier_admin)
        assert (
            client.patch(
                self.url(other_supplier, cert), {"number": "X"}, format="multipart"
            ).status_code
            == 404
        )
        assert client.delete(self.url(other_supplier, cert)).status_code == 404
        cert.refresh_from_db()
        assert cert.number != "X"

    def test_certificate_of_unverified_supplier_hidden(
        self, client_for, buyer_admin, unverified_supplier
    ):
        cert = CertificateFactory(profile=SupplierProfileFactory(company=unverified_supplier))
        client = client_for(buyer_admin)
        assert client.get(self.url(unverified_supplier, cert)).status_code == 404
        assert client.get(f"{self.url(unverified_supplier, cert)}file/").status_code == 404

    def test_certificate_id_under_another_company_is_404(
        self, client_for, buyer_admin, supplier_company, other_supplier
    ):
        cert = CertificateFactory(profile=SupplierProfileFactory(company=other_supplier))
        response = client_for(buyer_admin).get(self.url(supplier_company, cert))
        assert response.status_code == 404

    def test_certificate_listed_on_profile(self, client_for, buyer_admin, supplier_company):
        CertificateFactory(
            profile=SupplierProfileFactory(company=supplier_company),
            name="EN 1090",
            valid_until=datetime.date(2030, 1, 1),
        )
        data = client_for(buyer_admin).get(profile_url(supplier_company)).data
        assert [c["name"] for c in data["certificates"]] == ["EN 1090"]
        assert data["certificates"][0]["file_url"] is None
