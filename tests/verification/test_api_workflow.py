"""The verification workflow through the API: submit, review, decide, resubmit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace.companies.models import MembershipRole, VerificationStatus
from marketplace.verification.models import (
    DecisionKind,
    SubmissionStatus,
    VerificationDecision,
    VerificationSubmission,
)
from tests.factories import member

from .factories import add_document, submit, unverified_company, upload

pytestmark = pytest.mark.django_db

SIGNATORY = {
    "signatory_name": "Olena Kovalenko",
    "signatory_position": "Director",
    "signatory_basis": "charter",
}


def submit_url(company):
    return reverse("api:verification-submit", kwargs={"company_id": company.pk})


def status_url(company):
    return reverse("api:verification-company", kwargs={"company_id": company.pk})


def decide_url(submission, action):
    return reverse(f"api:verification-review-{action}", kwargs={"submission_id": submission.pk})


def test_the_whole_workflow(
    client_for, company, company_admin, staff, django_capture_on_commit_callbacks
):
    colleague_admin = member(
        company, MembershipRole.COMPANY_ADMIN, email="second@applicant.example"
    )
    member(company, MembershipRole.BIDDER, email="bidder@applicant.example")
    applicant = client_for(company_admin)
    reviewer = client_for(staff)

    # 1. The company uploads its registration certificate and submits.
    response = applicant.post(
        reverse("api:verification-document-upload", kwargs={"company_id": company.pk}),
        {"file": upload(), "document_type": "registration_certificate"},
        format="multipart",
    )
    assert response.status_code == 201
    response = applicant.post(submit_url(company), SIGNATORY)
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["status"] == "pending"
    assert (first["country"], first["registration_number"], first["tax_id"]) == (
        company.country,
        company.registration_number,
        company.tax_id,
    )
    assert [d["document_type"] for d in first["documents"]] == ["registration_certificate"]
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.PENDING

    # 2. A platform admin sees it in the queue and asks for more information.
    queue = reviewer.get(reverse("api:verification-review-list")).json()["results"]
    assert [s["id"] for s in queue] == [first["id"]]
    detail = reviewer.get(
        reverse("api:verification-review-detail", kwargs={"submission_id": first["id"]})
    ).json()
    assert detail["company"]["legal_name"] == "Applicant LLC"
    assert len(detail["documents"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            decide_url(VerificationSubmission(pk=first["id"]), "request-info"),
            {"reason": "Please add the charter."},
        )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "info_requested"
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.INFO_REQUESTED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [company_admin.email, colleague_admin.email]
    )
    assert all("Please add the charter." in m.body for m in mail.outbox)

    # 3. The company sees the reason, but not who the reviewer was.
    status = applicant.get(status_url(company)).json()
    assert status["verification_status"] == "info_requested"
    assert status["can_trade"] is False
    assert "more information" in status["message"]
    assert status["latest_decision"]["reason"] == "Please add the charter."
    assert status["latest_decision"]["decided_by"] == "platform_admin"
    assert staff.email not in str(
        applicant.get(
            reverse("api:verification-submission-list", kwargs={"company_id": company.pk})
        ).content
    )

    # 4. It adds the charter and resubmits; the new submission carries both documents.
    applicant.post(
        reverse("api:verification-document-upload", kwargs={"company_id": company.pk}),
        {"file": upload("charter.pdf"), "document_type": "charter"},
        format="multipart",
    )
    response = applicant.post(submit_url(company), SIGNATORY)
    assert response.status_code == 201
    second = response.json()
    assert sorted(d["document_type"] for d in second["documents"]) == [
        "charter",
        "registration_certificate",
    ]

    # 5. Approved: the company is verified and may trade.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(decide_url(VerificationSubmission(pk=second["id"]), "approve"), {})
    assert response.status_code == 201
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.VERIFIED
    assert company.verified_at is not None
    assert len(mail.outbox) == 2
    status = applicant.get(status_url(company)).json()
    assert status["can_trade"] is True
    assert status["message"] is None

    history = applicant.get(
        reverse("api:verification-submission-list", kwargs={"company_id": company.pk})
    ).json()["results"]
    assert [s["status"] for s in history] == ["approved", "info_requested"]
    assert history[1]["decisions"][0]["reason"] == "Please add the charter."


def test_reject_with_a_reason(
    client_for, company, company_admin, staff, django_capture_on_commit_callbacks
):
    submission = submit(company, company_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            decide_url(submission, "reject"), {"reason": "The certificate is forged."}
        )

    assert response.status_code == 201
    company.refresh_from_db()
    submission.refresh_from_db()
    assert company.verification_status == VerificationStatus.REJECTED
    assert submission.status == SubmissionStatus.REJECTED
    decision = VerificationDecision.objects.get()
    assert (decision.kind, decision.reason, decision.decided_by) == (
        DecisionKind.REJECTED,
        "The certificate is forged.",
        staff,
    )
    assert [m.to for m in mail.outbox] == [[company_admin.email]]
    assert "rejected" in mail.outbox[0].subject


@pytest.mark.parametrize("action", ["reject", "request-info"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reject_and_request_info_need_a_reason(
    client_for, company, company_admin, staff, action, reason
):
    submission = submit(company, company_admin)
    data = {} if reason is None else {"reason": reason}

    response = client_for(staff).post(decide_url(submission, action), data)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "reason_required"
    assert "reason" in error["fields"]
    company.refresh_from_db()
    submission.refresh_from_db()
    assert company.verification_status == VerificationStatus.PENDING
    assert submission.status == SubmissionStatus.PENDING
    assert not VerificationDecision.objects.exists()


def test_a_too_long_reason_is_refused(client_for, company, company_admin, staff):
    submission = submit(company, company_admin)

    response = client_for(staff).post(decide_url(submission, "reject"), {"reason": "x" * 2001})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reason_too_long"
    assert not VerificationDecision.objects.exists()


@pytest.mark.parametrize("action", ["approve", "reject", "request-info"])
def test_only_a_pending_submission_can_be_decided(
    client_for, company, company_admin, staff, action
):
    submission = submit(company, company_admin)
    client_for(staff).post(decide_url(submission, "approve"), {})

    response = client_for(staff).post(decide_url(submission, action), {"reason": "Again"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "submission_already_decided"
    assert VerificationDecision.objects.count() == 1
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.VERIFIED


def test_approving_a_submission_whose_document_has_since_expired_is_refused(
    client_for, company, company_admin, staff
):
    add_document(company, company_admin, expiry_date=timezone.now().date())
    submission = submit(company, company_admin, with_document=False)
    submission.documents.update(expiry_date=timezone.now().date() - timedelta(days=1))

    response = client_for(staff).post(decide_url(submission, "approve"), {})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "document_expired"
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.PENDING
    assert not VerificationDecision.objects.exists()


def test_submitting_without_a_registration_certificate_is_refused(
    client_for, company, company_admin
):
    add_document(company, company_admin, document_type="charter")

    response = client_for(company_admin).post(submit_url(company), SIGNATORY)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "registration_certificate_required"
    assert "registration certificate" in error["message"]
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.UNVERIFIED
    assert not VerificationSubmission.objects.exists()


def test_an_expired_certificate_does_not_count(client_for, company, company_admin):
    document = add_document(company, company_admin, expiry_date=timezone.now().date())
    type(document).objects.filter(pk=document.pk).update(
        expiry_date=timezone.now().date() - timedelta(days=1)
    )

    response = client_for(company_admin).post(submit_url(company), SIGNATORY)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "registration_certificate_required"
    assert not VerificationSubmission.objects.exists()


def test_a_signatory_under_power_of_attorney_needs_the_power_of_attorney(
    client_for, company, company_admin
):
    add_document(company, company_admin)
    data = {**SIGNATORY, "signatory_basis": "power_of_attorney"}

    response = client_for(company_admin).post(submit_url(company), data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "power_of_attorney_required"
    assert not VerificationSubmission.objects.exists()

    add_document(company, company_admin, document_type="power_of_attorney")
    response = client_for(company_admin).post(submit_url(company), data)
    assert response.status_code == 201


def test_submitting_without_identifiers_is_refused(client_for, db):
    company = unverified_company(registration_number="", tax_id="", country="DE")
    admin = member(company)
    add_document(company, admin)

    response = client_for(admin).post(submit_url(company), SIGNATORY)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "identifiers_missing"
    assert not VerificationSubmission.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**SIGNATORY, "signatory_name": ""}, "signatory_name"),
        ({**SIGNATORY, "signatory_position": "   "}, "signatory_position"),
        ({**SIGNATORY, "signatory_basis": "friendship"}, "signatory_basis"),
        ({"signatory_name": "A", "signatory_position": "B"}, "signatory_basis"),
    ],
)
def test_submission_shape_errors_name_the_field(client_for, company, company_admin, data, field):
    add_document(company, company_admin)

    response = client_for(company_admin).post(submit_url(company), data)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not VerificationSubmission.objects.exists()


def test_a_second_submission_while_pending_is_refused(client_for, company, company_admin):
    first = submit(company, company_admin)

    response = client_for(company_admin).post(submit_url(company), SIGNATORY)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "submission_pending"
    assert list(VerificationSubmission.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_verified_company_cannot_submit_again(client_for, company, company_admin, staff):
    client_for(staff).post(decide_url(submit(company, company_admin), "approve"), {})

    response = client_for(company_admin).post(submit_url(company), SIGNATORY)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_verified"
    assert VerificationSubmission.objects.count() == 1


def test_a_rejected_company_may_submit_again(client_for, company, company_admin, staff):
    client_for(staff).post(decide_url(submit(company, company_admin), "reject"), {"reason": "No"})

    response = client_for(company_admin).post(submit_url(company), SIGNATORY)

    assert response.status_code == 201
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.PENDING


def test_the_queue_lists_pending_submissions_oldest_first_with_filters(client_for, staff, db):
    companies = [
        unverified_company(legal_name="Alpha LLC", country="UA"),
        unverified_company(legal_name="Beta GmbH", country="DE", tax_id="DE136695976"),
        unverified_company(legal_name="Gamma LLC", country="UA"),
    ]
    submissions = []
    for index, company in enumerate(companies):
        submission = submit(company, member(company))
        VerificationSubmission.objects.filter(pk=submission.pk).update(
            submitted_at=timezone.now() - timedelta(days=10 - index)
        )
        submissions.append(submission)
    # The newest one is decided and leaves the default queue.
    client_for(staff).post(decide_url(submissions[2], "reject"), {"reason": "No"})
    reviewer = client_for(staff)
    url = reverse("api:verification-review-list")

    def ids(params=None):
        response = reviewer.get(url, params or {})
        assert response.status_code == 200, response.content
        return [s["id"] for s in response.json()["results"]]

    assert ids() == [submissions[0].pk, submissions[1].pk]
    assert ids({"status": "all"}) == [s.pk for s in submissions]
    assert ids({"status": "rejected"}) == [submissions[2].pk]
    assert ids({"country": "de"}) == [submissions[1].pk]
    assert ids({"search": "Alpha"}) == [submissions[0].pk]
    assert ids({"company": companies[1].pk}) == [submissions[1].pk]
    assert ids({"ordering": "-submitted_at"}) == [submissions[1].pk, submissions[0].pk]
    since = (timezone.now() - timedelta(days=9, hours=12)).isoformat()
    assert ids({"submitted_after": since}) == [submissions[1].pk]
    response = reviewer.get(url, {"status": "bogus"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_review_detail_shows_documents_and_decisions_with_the_reviewer(
    client_for, company, company_admin, staff
):
    submission = submit(company, company_admin)
    client_for(staff).post(decide_url(submission, "request-info"), {"reason": "Bank letter?"})

    response = client_for(staff).get(
        reverse("api:verification-review-detail", kwargs={"submission_id": submission.pk})
    )

    assert response.status_code == 200
    body = response.json()
    assert body["signatory_name"] == "Olena Kovalenko"
    assert body["documents"][0]["download_url"].endswith(
        f"/api/verification/documents/{body['documents'][0]['id']}/download/"
    )
    assert body["decisions"][0]["reviewer_email"] == staff.email
    assert body["decisions"][0]["reason"] == "Bank letter?"


def test_review_detail_of_an_unknown_submission_is_404(client_for, staff, db):
    response = client_for(staff).get(
        reverse("api:verification-review-detail", kwargs={"submission_id": 999999})
    )
    assert response.status_code == 404
