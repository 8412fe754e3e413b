"""The review queue in the Django admin."""

import pytest
from django.urls import reverse

from marketplace.companies.models import VerificationStatus
from marketplace.verification import services
from marketplace.verification.models import DecisionKind, VerificationDecision

from .factories import submit

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:verification_verificationsubmission_changelist"


@pytest.fixture
def admin_client_staff(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def pending(company, company_admin):
    return submit(company, company_admin)


def test_staff_without_model_permissions_see_the_queue(admin_client_staff, pending):
    response = admin_client_staff.get(reverse(CHANGELIST), {"status__exact": "pending"})

    assert response.status_code == 200
    assert "Applicant LLC" in response.content.decode()
    response = admin_client_staff.get(reverse(CHANGELIST), {"q": "Nobody"})
    assert "Applicant LLC" not in response.content.decode()


def test_the_submission_page_links_documents_to_the_authorised_view(admin_client_staff, pending):
    response = admin_client_staff.get(
        reverse("admin:verification_verificationsubmission_change", args=[pending.pk])
    )

    assert response.status_code == 200
    document = pending.documents.get()
    download = reverse("api:verification-document-download", kwargs={"document_id": document.pk})
    assert download in response.content.decode()
    assert "/media/" not in response.content.decode()
    assert admin_client_staff.get(download).status_code == 200


def test_a_non_staff_user_is_sent_to_the_login(client, company_admin, pending):
    client.force_login(company_admin)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_approve_action(admin_client_staff, pending, company):
    response = admin_client_staff.post(
        reverse(CHANGELIST), {"action": "approve", "_selected_action": [pending.pk]}, follow=True
    )

    assert response.status_code == 200
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.VERIFIED
    assert VerificationDecision.objects.get().kind == DecisionKind.APPROVED


def test_reject_action_asks_for_a_reason_first(admin_client_staff, pending, company, staff):
    response = admin_client_staff.post(
        reverse(CHANGELIST), {"action": "reject", "_selected_action": [pending.pk]}
    )
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert not VerificationDecision.objects.exists()

    # Confirming without a reason shows the form again.
    response = admin_client_staff.post(
        reverse(CHANGELIST),
        {"action": "reject", "_selected_action": [pending.pk], "apply": "1", "reason": ""},
    )
    assert response.status_code == 200
    assert not VerificationDecision.objects.exists()

    response = admin_client_staff.post(
        reverse(CHANGELIST),
        {
            "action": "reject",
            "_selected_action": [pending.pk],
            "apply": "1",
            "reason": "Unreadable scan",
        },
        follow=True,
    )
    assert response.status_code == 200
    decision = VerificationDecision.objects.get()
    assert (decision.kind, decision.reason, decision.decided_by) == (
        DecisionKind.REJECTED,
        "Unreadable scan",
        staff,
    )
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.REJECTED


def test_request_info_action(admin_client_staff, pending, company):
    admin_client_staff.post(
        reverse(CHANGELIST),
        {
            "action": "request_info",
            "_selected_action": [pending.pk],
            "apply": "1",
            "reason": "Add the bank letter",
        },
    )

    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.INFO_REQUESTED
    assert VerificationDecision.objects.get().kind == DecisionKind.INFO_REQUESTED


def test_an_action_on_a_decided_submission_reports_the_error(admin_client_staff, pending):
    admin_client_staff.post(
        reverse(CHANGELIST), {"action": "approve", "_selected_action": [pending.pk]}
    )
    response = admin_client_staff.post(
        reverse(CHANGELIST),
        {"action": "approve", "_selected_action": [pending.pk]},
        follow=True,
    )

    assert "already been decided" in response.content.decode()
    assert VerificationDecision.objects.count() == 1


def test_decisions_are_read_only_in_the_admin(admin_client_staff, pending, staff):

    decision = services.submission_reject(submission=pending, reviewer=staff, reason="No")
    change = reverse("admin:verification_verificationdecision_change", args=[decision.pk])
    delete = reverse("admin:verification_verificationdecision_delete", args=[decision.pk])

    response = admin_client_staff.get(change)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    admin_client_staff.post(change, {"reason": "Rewritten"})
    assert admin_client_staff.post(delete, {"post": "yes"}).status_code == 403
    assert (
        admin_client_staff.get(reverse("admin:verification_verificationdecision_add")).status_code
        == 403
    )
    decision.refresh_from_db()
    assert decision.reason == "No"
