"""The onboarding pages: register a company, my companies, people and invitations, and the
company's verification (documents, submission, the reviewer's decision and reason).

Who may see and do what, that bad input says what is wrong and writes nothing, and the happy
paths. (The whole flow in a browser is tests/browser/test_verification.py.)"""

from __future__ import annotations

import pytest
from django.core import mail

from marketplace.companies.models import (
    Company,
    Invitation,
    Membership,
    MembershipRole,
    VerificationStatus,
)
from marketplace.verification import services as verification_services
from marketplace.verification.models import (
    DocumentType,
    SubmissionStatus,
    VerificationDocument,
    VerificationSubmission,
)
from tests.factories import PASSWORD, CompanyFactory, UserFactory, member, valid_edrpou
from tests.verification.factories import PDF_BYTES, add_document, submit, unverified_company, upload

pytestmark = pytest.mark.django_db


def log_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)


@pytest.fixture
def company():
    return unverified_company(legal_name="Canary Grain LLC")


@pytest.fixture
def admin(company):
    return member(company, MembershipRole.COMPANY_ADMIN, email="admin@canary.example")


@pytest.fixture
def bidder(company):
    return member(company, MembershipRole.BIDDER, email="bidder@canary.example")


@pytest.fixture
def stranger():
    return member(CompanyFactory(legal_name="Stranger Steel"), MembershipRole.COMPANY_ADMIN)


def registration(**overrides) -> dict:
    data = {
        "legal_name": "TOV Canary Registration",
        "country": "UA",
        "registration_number": valid_edrpou(),
        "tax_id": "",
        "city": "Kyiv",
        "is_supplier": "on",
    }
    data.update(overrides)
    return data


# --- My companies and registration --------------------------------------------------------------


def test_pages_need_a_log_in(client, company):
    for path in (
        "/companies/",
        "/companies/new/",
        f"/companies/{company.pk}/",
        f"/companies/{company.pk}/verification/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_my_companies_lists_mine_with_my_roles_and_nobody_elses(client, admin, company, stranger):
    Membership.objects.create(user=admin, company=company, role=MembershipRole.BIDDER)
    log_in(client, admin)
    html = client.get("/companies/").content.decode()
    assert "Canary Grain LLC" in html
    assert "Company admin" in html and "Bidder (sales)" in html
    assert "Not verified" in html
    assert "Stranger Steel" not in html
    assert 'href="/companies/"' in html  # "My companies" in the top bar


def test_register_a_company_makes_me_its_admin(client):
    user = UserFactory()
    log_in(client, user)
    page = client.get("/companies/new/").content.decode()
    assert 'value="UA"' in page and "Ukraine" in page  # countries named in the reader's language
    data = registration()
    response = client.post("/companies/new/", data)
    company = Company.objects.get(registration_number=data["registration_number"])
    assert response.status_code == 302
    assert response["Location"] == f"/companies/{company.pk}/verification/"
    assert company.verification_status == VerificationStatus.UNVERIFIED
    assert company.is_supplier and not company.is_buyer
    assert list(company.memberships.values_list("user", "role")) == [
        (user.pk, MembershipRole.COMPANY_ADMIN)
    ]


def test_a_wrong_check_digit_is_shown_next_to_the_field_and_nothing_is_written(client):
    log_in(client, UserFactory())
    code = valid_edrpou()
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    response = client.post("/companies/new/", registration(registration_number=wrong))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "check digit" in errors["registration_number"][0]
    html = response.content.decode()
    box = html.index('id="id_registration_number-errors"')
    assert "check digit" in html[box : box + 300]
    assert "The company identifiers are not valid." in html
    assert not Company.objects.exists() and not Membership.objects.exists()


def test_a_missing_identifier_and_role_and_a_taken_identifier_are_refused(client):
    user = UserFactory()
    log_in(client, user)
    response = client.post("/companies/new/", registration(registration_number=""))
    assert response.status_code == 400
    assert (
        "The EDRPOU code is required" in response.context["form"].errors["registration_number"][0]
    )

    response = client.post("/companies/new/", registration(is_supplier=""))
    assert response.status_code == 400
    assert "choose at least one" in response.content.decode()

    taken = CompanyFactory(legal_name="Already Here")
    response = client.post(
        "/companies/new/", registration(registration_number=taken.registration_number)
    )
    assert response.status_code == 409
    assert taken.registration_number in response.context["form"].errors["registration_number"][0]
    assert Company.objects.count() == 1 and not Membership.objects.filter(user=user).exists()


def test_the_form_checks_field_by_field_as_you_type(client):
    """htmx posts the form when a field changes; the answer is that field's error boxes
    (out of band), identifiers checked together with the country; nothing is written."""
    log_in(client, UserFactory())
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER_NAME": "registration_number"}
    response = client.post("/companies/new/", registration(registration_number="1234567"), **htmx)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_registration_number-errors" hx-swap-oob="true"' in html
    assert "wrong length" in html
    assert 'id="id_legal_name-errors"' not in html  # only the fields the change concerns

    taken = CompanyFactory()
    html = client.post(
        "/companies/new/",
        registration(registration_number=taken.registration_number),
        **htmx,
    ).content.decode()
    assert "is already registered" in html

    html = client.post("/companies/new/", registration(), **htmx).content.decode()
    assert '<p class="error">' not in html  # a valid, free identifier: the boxes are emptied

    html = client.post(
        "/companies/new/",
        registration(email="not-an-address"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME="email",
    ).content.decode()
    assert 'id="id_email-errors"' in html and "valid email" in html
    assert Company.objects.count() == 1  # only the one made above


def company_details(company, **overrides) -> dict:
    data = {
        "legal_name": company.legal_name,
        "country": company.country,
        "registration_number": company.registration_number,
        "tax_id": company.tax_id,
        "address": company.address,
        "city": company.city,
        "is_buyer": "on" if company.is_buyer else "",
        "is_supplier": "on" if company.is_supplier else "",
    }
    data.update(overrides)
    return data


def test_an_admin_changes_the_details_the_identifiers_only_before_verification(
    client, company, admin, bidder
):
    log_in(client, bidder)
    assert client.get(f"/companies/{company.pk}/edit/").status_code == 403
    client.logout()
    log_in(client, admin)
    page = client.get(f"/companies/{company.pk}/edit/")
    assert page.context["form"]["registration_number"].value() == company.registration_number
    new_code = valid_edrpou()
    response = client.post(
        f"/companies/{company.pk}/edit/",
        company_details(company, city="Lviv", registration_number=new_code),
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.city, company.registration_number) == ("Lviv", new_code)

    submit(company, admin)  # under review: the identifiers are what is being checked
    response = client.post(
        f"/companies/{company.pk}/edit/",
        company_details(company, registration_number=valid_edrpou(), city="Odesa"),
    )
    assert response.status_code == 400
    assert (
        "cannot be changed once verification has started"
        in (response.context["form"].errors["registration_number"][0])
    )
    company.refresh_from_db()
    assert (company.city, company.registration_number) == ("Lviv", new_code)
    response = client.post(f"/companies/{company.pk}/edit/", company_details(company, city="Odesa"))
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.city == "Odesa"


# --- A company's people and invitations ---------------------------------------------------------


def test_the_company_page_shows_its_people_and_roles_to_members_only(
    client, company, admin, bidder, stranger
):
    log_in(client, bidder)
    response = client.get(f"/companies/{company.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "admin@canary.example" in html and "bidder@canary.example" in html
    assert "Bidder (sales)" in html and "Company admin" in html
    assert 'id="invite-form"' not in html  # a bidder does not invite
    client.logout()
    log_in(client, stranger)
    assert client.get(f"/companies/{company.pk}/").status_code == 404
    assert client.get(f"/companies/{company.pk}/verification/").status_code == 404
    assert client.get("/companies/999999/").status_code == 404


def test_an_admin_invites_a_colleague_and_revokes_the_invitation(
    client, company, admin, django_capture_on_commit_callbacks
):
    log_in(client, admin)
    assert 'id="invite-form"' in client.get(f"/companies/{company.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/companies/{company.pk}/invitations/",
            {"email": "New.Colleague@Example.com", "role": MembershipRole.BIDDER},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(company=company)
    assert (invitation.email, invitation.role) == ("new.colleague@example.com", "bidder")
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    assert "/invitations/accept/?token=" in mail.outbox[0].body
    html = client.get(f"/companies/{company.pk}/").content.decode()
    assert "new.colleague@example.com" in html and "Revoke" in html

    response = client.post(f"/companies/{company.pk}/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.revoked_by == admin
    html = client.get(f"/companies/{company.pk}/").content.decode()
    assert "Revoked" in html

    # Revoking again says why and changes nothing.
    response = client.post(f"/companies/{company.pk}/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 409
    assert "already been revoked" in response.content.decode()


def test_inviting_twice_or_a_bad_address_is_refused_with_a_message(client, company, admin, bidder):
    log_in(client, admin)
    client.post(
        f"/companies/{company.pk}/invitations/", {"email": "x@example.com", "role": "bidder"}
    )
    response = client.post(
        f"/companies/{company.pk}/invitations/", {"email": "x@example.com", "role": "bidder"}
    )
    assert response.status_code == 409
    assert "already has an open invitation" in response.content.decode()
    response = client.post(
        f"/companies/{company.pk}/invitations/",
        {"email": "bidder@canary.example", "role": "company_admin"},
    )
    assert response.status_code == 409
    assert "already a member" in response.content.decode()
    response = client.post(
        f"/companies/{company.pk}/invitations/", {"email": "nope", "role": "bidder"}
    )
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert Invitation.objects.filter(company=company).count() == 1


def test_only_the_companys_admins_invite_or_revoke(client, company, admin, bidder, stranger):
    invitation = Invitation.objects.create(
        company=company, email="someone@example.com", role="bidder", invited_by=admin
    )
    log_in(client, bidder)
    response = client.post(
        f"/companies/{company.pk}/invitations/", {"email": "y@example.com", "role": "bidder"}
    )
    assert response.status_code == 403
    assert "Only a company admin" in response.content.decode()
    response = client.post(f"/companies/{company.pk}/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 403
    client.logout()
    log_in(client, stranger)
    own = stranger.memberships.get().company
    assert (
        client.post(
            f"/companies/{company.pk}/invitations/", {"email": "z@example.com", "role": "bidder"}
        ).status_code
        == 404
    )
    # Another company's invitation under my own company's address: not found either.
    assert (
        client.post(f"/companies/{own.pk}/invitations/{invitation.pk}/revoke/").status_code == 404
    )
    assert Invitation.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Verification -------------------------------------------------------------------------------


def submission_data(**overrides) -> dict:
    data = {
        "signatory_name": "Olena Kovalenko",
        "signatory_position": "Director",
        "signatory_basis": "charter",
    }
    data.update(overrides)
    return data


def test_upload_then_submit_for_verification(client, company, admin):
    log_in(client, admin)
    html = client.get(f"/companies/{company.pk}/verification/").content.decode()
    assert "Not verified" in html and 'id="upload-form"' in html and 'id="submit-form"' in html

    # Submitting without the registration certificate says what is missing.
    response = client.post(f"/companies/{company.pk}/verification/submit/", submission_data())
    assert response.status_code == 400
    assert "registration certificate" in response.content.decode()
    assert not VerificationSubmission.objects.exists()

    response = client.post(
        f"/companies/{company.pk}/verification/documents/",
        {"document_type": DocumentType.REGISTRATION_CERTIFICATE, "file": upload("extract.pdf")},
    )
    assert response.status_code == 302
    document = VerificationDocument.objects.get(company=company)
    assert document.original_name == "extract.pdf"
    html = client.get(f"/companies/{company.pk}/verification/").content.decode()
    assert f'href="/api/verification/documents/{document.pk}/download/"' in html
    download = client.get(f"/api/verification/documents/{document.pk}/download/")
    assert b"".join(download.streaming_content) == PDF_BYTES

    response = client.post(f"/companies/{company.pk}/verification/submit/", submission_data())
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.PENDING
    submission = VerificationSubmission.objects.get(company=company)
    assert list(submission.documents.all()) == [document]
    html = client.get(f"/companies/{company.pk}/verification/").content.decode()
    assert "Verification pending" in html and "being reviewed" in html
    assert 'id="submit-form"' not in html  # nothing to submit while under review


def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_stored(client, company, admin):
    log_in(client, admin)
    url = f"/companies/{company.pk}/verification/documents/"
    cases = [
        (upload("notes.txt", b"plain text"), "Only PDF, PNG and JPEG"),
        (upload("fake.pdf", b"plain text, not a PDF"), "not a PDF, PNG or JPEG"),
        (upload("scan.png", PDF_BYTES), "named as a PNG file but its content is PDF"),
    ]
    for file, message in cases:
        response = client.post(url, {"document_type": "registration_certificate", "file": file})
        assert response.status_code == 400
        assert message in response.context["upload_form"].errors["file"][0]
    response = client.post(url, {"document_type": "registration_certificate"})
    assert response.status_code == 400 and response.context["upload_form"].errors["file"]
    response = client.post(
        url,
        {"document_type": "charter", "file": upload(), "expiry_date": "2001-01-01"},
    )
    assert response.status_code == 400
    assert "already expired" in response.context["upload_form"].errors["expiry_date"][0]
    assert not VerificationDocument.objects.exists()


def test_a_power_of_attorney_is_needed_when_the_signatory_acts_under_one(client, company, admin):
    add_document(company, admin)
    log_in(client, admin)
    response = client.post(
        f"/companies/{company.pk}/verification/submit/",
        submission_data(signatory_basis="power_of_attorney"),
    )
    assert response.status_code == 400
    assert "upload the power of attorney" in response.content.decode()
    response = client.post(
        f"/companies/{company.pk}/verification/submit/", submission_data(signatory_name=" ")
    )
    assert response.status_code == 400
    assert response.context["submit_form"].errors["signatory_name"]
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.UNVERIFIED
    assert not VerificationSubmission.objects.exists()


def test_only_the_companys_admins_upload_submit_or_delete(client, company, admin, bidder, stranger):
    document = add_document(company, admin)
    url = f"/companies/{company.pk}/verification"
    log_in(client, bidder)
    html = client.get(f"{url}/").content.decode()
    assert 'id="upload-form"' not in html  # sees, does not act
    assert document.original_name in html
    assert (
        client.post(f"{url}/documents/", {"document_type": "charter", "file": upload()}).status_code
        == 403
    )
    assert client.post(f"{url}/submit/", submission_data()).status_code == 403
    assert client.post(f"{url}/documents/{document.pk}/delete/").status_code == 403
    client.logout()
    log_in(client, stranger)
    assert (
        client.post(f"{url}/documents/", {"document_type": "charter", "file": upload()}).status_code
        == 404
    )
    assert client.post(f"{url}/submit/", submission_data()).status_code == 404
    assert client.get(f"/api/verification/documents/{document.pk}/download/").status_code == 404
    own = stranger.memberships.get().company
    assert (
        client.post(f"/companies/{own.pk}/verification/documents/{document.pk}/delete/").status_code
        == 404
    )
    assert VerificationDocument.objects.count() == 1
    assert not VerificationSubmission.objects.exists()


def test_a_document_not_yet_submitted_can_be_deleted_a_submitted_one_is_kept(
    client, company, admin
):
    spare = add_document(company, admin, document_type=DocumentType.CHARTER, name="charter.pdf")
    log_in(client, admin)
    response = client.post(f"/companies/{company.pk}/verification/documents/{spare.pk}/delete/")
    assert response.status_code == 302
    assert not VerificationDocument.objects.filter(pk=spare.pk).exists()
    submission = submit(company, admin)
    kept = submission.documents.get()
    response = client.post(f"/companies/{company.pk}/verification/documents/{kept.pk}/delete/")
    assert response.status_code == 409
    assert "kept as evidence" in response.content.decode()
    assert VerificationDocument.objects.filter(pk=kept.pk).exists()


def test_the_company_follows_the_decision_and_reads_the_reason_but_not_the_reviewer(
    client, company, admin
):
    submission = submit(company, admin)
    reviewer = UserFactory(is_staff=True, email="reviewer@operator.example")
    verification_services.submission_reject(
        submission=submission, reviewer=reviewer, reason="The extract is older than 30 days."
    )
    log_in(client, admin)
    html = client.get(f"/companies/{company.pk}/verification/").content.decode()
    assert "Rejected" in html
    assert "The extract is older than 30 days." in html
    assert "by a platform admin" in html
    assert "reviewer@operator.example" not in html
    assert 'id="submit-form"' in html  # a rejected company may submit again

    response = client.post(f"/companies/{company.pk}/verification/submit/", submission_data())
    assert response.status_code == 302
    assert VerificationSubmission.objects.filter(status=SubmissionStatus.PENDING).count() == 1
    verification_services.submission_approve(
        submission=VerificationSubmission.objects.get(status=SubmissionStatus.PENDING),
        reviewer=reviewer,
    )
    html = client.get(f"/companies/{company.pk}/verification/").content.decode()
    assert "Your company is verified" in html


def test_the_pages_forms_post_where_they_should(client, company, admin):
    """URL names are shared with the other page modules in the frontend namespace: the forms
    of these pages must still point at these pages."""
    add_document(company, admin, document_type=DocumentType.CHARTER, name="charter.pdf")
    Invitation.objects.create(company=company, email="q@example.com", role="bidder")
    log_in(client, admin)
    html = client.get(f"/companies/{company.pk}/verification/").content.decode()
    base = f"/companies/{company.pk}/verification/"
    for action in (f"{base}documents/", f"{base}submit/", f"{base}documents/"):
        assert f'action="{action}' in html, action
    html = client.get(f"/companies/{company.pk}/").content.decode()
    assert f'action="/companies/{company.pk}/invitations/"' in html
    assert f'action="/companies/{company.pk}/invitations/' in html and '/revoke/"' in html


# --- Joining a platform -------------------------------------------------------------------------


def test_a_company_admin_applies_to_a_platform_and_follows_the_decision(client, company, admin):
    from marketplace.platforms.models import ParticipationStatus, PlatformKind, PlatformMembership
    from marketplace.platforms.services import membership_refuse
    from tests.factories import PlatformFactory

    platform = PlatformFactory(name="Canary Public", slug="canary-public")
    hidden = PlatformFactory(
        name="Someone's Own", slug="own", kind=PlatformKind.DEDICATED, owner=CompanyFactory()
    )
    log_in(client, admin)
    html = client.get(f"/companies/{company.pk}/").content.decode()
    assert "Canary Public" in html and "Someone's Own" not in html
    response = client.post(
        f"/companies/{company.pk}/platforms/apply/",
        {"platform": platform.pk, "message": "We supply grain."},
    )
    assert response.status_code == 302
    membership = PlatformMembership.objects.get(company=company)
    assert (membership.platform, membership.status) == (platform, ParticipationStatus.APPLIED)
    html = client.get(f"/companies/{company.pk}/").content.decode()
    assert "Applied" in html and 'id="apply-form"' not in html  # nothing else to apply to

    # A platform the person may not see is not offered and cannot be posted.
    response = client.post(f"/companies/{company.pk}/platforms/apply/", {"platform": hidden.pk})
    assert response.status_code == 400
    assert response.context["apply_form"].errors["platform"]

    membership_refuse(
        actor=UserFactory(is_staff=True), membership=membership, reason="Verify first, please."
    )
    html = client.get(f"/companies/{company.pk}/").content.decode()
    assert "Refused" in html and "Verify first, please." in html
    assert 'id="apply-form"' in html  # a refused company may apply again
    assert PlatformMembership.objects.count() == 1


def test_only_a_company_admin_applies_for_the_company(client, company, bidder, stranger):
    from marketplace.platforms.models import PlatformMembership
    from tests.factories import PlatformFactory

    platform = PlatformFactory(slug="canary-public")
    log_in(client, bidder)
    assert 'id="apply-form"' not in client.get(f"/companies/{company.pk}/").content.decode()
    response = client.post(f"/companies/{company.pk}/platforms/apply/", {"platform": platform.pk})
    assert response.status_code == 403
    assert "may apply for it to join a platform" in response.content.decode()
    client.logout()
    log_in(client, stranger)
    response = client.post(f"/companies/{company.pk}/platforms/apply/", {"platform": platform.pk})
    assert response.status_code == 404
    assert not PlatformMembership.objects.exists()


# --- A company's people: roles, removal, leaving ------------------------------------------------


def test_an_admin_changes_roles_and_removes_a_person(client, company, admin, bidder):
    log_in(client, admin)
    html = client.get(f"/companies/{company.pk}/").content.decode()
    assert f'action="/companies/{company.pk}/members/{bidder.pk}/roles/"' in html
    response = client.post(
        f"/companies/{company.pk}/members/{bidder.pk}/roles/",
        {"roles": ["bidder", "account_manager"]},
    )
    assert response.status_code == 302
    assert set(bidder.memberships.values_list("role", flat=True)) == {"bidder", "account_manager"}

    # No role at all, or an unknown one: said so, nothing changed.
    for data in ({}, {"roles": ["emperor"]}):
        response = client.post(f"/companies/{company.pk}/members/{bidder.pk}/roles/", data)
        assert response.status_code == 400
    assert set(bidder.memberships.values_list("role", flat=True)) == {"bidder", "account_manager"}

    # The last company admin cannot stop being one.
    response = client.post(
        f"/companies/{company.pk}/members/{admin.pk}/roles/", {"roles": ["bidder"]}
    )
    assert response.status_code == 400
    assert "last admin" in response.content.decode()
    assert admin.memberships.filter(role="company_admin").exists()

    response = client.post(f"/companies/{company.pk}/members/{bidder.pk}/remove/")
    assert response.status_code == 302
    assert not bidder.memberships.exists()


def test_people_are_managed_by_admins_only_and_the_last_admin_cannot_leave(
    client, company, admin, bidder, stranger
):
    log_in(client, bidder)
    html = client.get(f"/companies/{company.pk}/").content.decode()
    assert "/roles/" not in html and 'id="leave-company"' in html
    response = client.post(
        f"/companies/{company.pk}/members/{admin.pk}/roles/", {"roles": ["bidder"]}
    )
    assert response.status_code == 403
    assert client.post(f"/companies/{company.pk}/members/{admin.pk}/remove/").status_code == 403
    client.logout()
    log_in(client, stranger)
    assert client.post(f"/companies/{company.pk}/members/{bidder.pk}/remove/").status_code == 404
    assert client.post(f"/companies/{company.pk}/leave/").status_code == 404
    client.logout()
    log_in(client, admin)
    response = client.post(f"/companies/{company.pk}/leave/")
    assert response.status_code == 400 and "last admin" in response.content.decode()
    assert Membership.objects.filter(company=company).count() == 2
    client.logout()
    log_in(client, bidder)
    response = client.post(f"/companies/{company.pk}/leave/")
    assert response.status_code == 302 and response["Location"] == "/companies/"
    assert not bidder.memberships.exists()
