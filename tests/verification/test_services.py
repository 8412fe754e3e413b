"""Unit tests of the verification services and selectors."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.companies.models import MembershipRole, VerificationStatus
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.verification import selectors, services
from marketplace.verification.models import DecisionKind, VerificationDecision
from tests.factories import member

from .factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES, add_document, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PDF_BYTES, "pdf"),
        (PNG_BYTES, "png"),
        (JPEG_BYTES, "jpeg"),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),
        (b"", None),
        (b"%PD", None),
    ],
)
def test_sniff_file_kind(head, kind):
    assert services.sniff_file_kind(head) == kind


@pytest.mark.parametrize(
    "status",
    [
        VerificationStatus.UNVERIFIED,
        VerificationStatus.PENDING,
        VerificationStatus.INFO_REQUESTED,
        VerificationStatus.REJECTED,
        VerificationStatus.REVERIFICATION_NEEDED,
    ],
)
def test_only_a_verified_company_may_trade(company, status):
    company.verification_status = status
    company.save()

    assert selectors.company_can_trade(company) is False
    with pytest.raises(ApplicationError) as caught:
        services.ensure_company_may_trade(company)
    assert caught.value.code == "company_not_verified"
    assert caught.value.status_code == 403
    assert "verif" in caught.value.message


def test_the_gate_messages_say_what_to_do(company):
    messages = {}
    for status in VerificationStatus.values:
        if status == VerificationStatus.VERIFIED:
            continue
        company.verification_status = status
        company.save()
        messages[status] = selectors.company_trade_block_reason(company)[1]
    assert len(set(messages.values())) == len(messages)
    assert "submit" in messages[VerificationStatus.UNVERIFIED]
    assert "reviewed" in messages[VerificationStatus.PENDING]


def test_a_verified_company_may_trade(company, company_admin, staff):
    services.submission_approve(submission=submit(company, company_admin), reviewer=staff)

    assert selectors.company_can_trade(company) is True
    services.ensure_company_may_trade(company)  # does not raise


def test_the_gate_reads_the_status_from_the_database(company, company_admin, staff):
    stale = type(company).objects.get(pk=company.pk)
    services.submission_approve(submission=submit(company, company_admin), reviewer=staff)

    assert stale.verification_status == VerificationStatus.UNVERIFIED
    assert selectors.company_can_trade(stale) is True


def test_an_expired_document_closes_the_gate_before_the_task_runs(company, company_admin, staff):
    add_document(company, company_admin, expiry_date=timezone.now().date() + timedelta(days=2))
    submission = submit(company, company_admin, with_document=False)
    services.submission_approve(submission=submission, reviewer=staff)
    submission.documents.update(expiry_date=timezone.now().date() - timedelta(days=1))

    assert selectors.company_can_trade(company) is False
    with pytest.raises(ApplicationError) as caught:
        services.ensure_company_may_trade(company)
    assert "expired" in caught.value.message


def test_a_document_expiring_today_is_still_valid(company, company_admin, staff):
    add_document(company, company_admin, expiry_date=timezone.now().date())
    services.submission_approve(
        submission=submit(company, company_admin, with_document=False), reviewer=staff
    )

    assert selectors.company_can_trade(company) is True


def test_approve_writes_one_decision_with_the_status_change(company, company_admin, staff):
    submission = submit(company, company_admin)

    decision = services.submission_approve(submission=submission, reviewer=staff)

    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.VERIFIED
    assert company.verified_at is not None
    assert (decision.kind, decision.status_before, decision.status_after) == (
        DecisionKind.APPROVED,
        VerificationStatus.PENDING,
        VerificationStatus.VERIFIED,
    )
    assert decision.decided_by == staff
    assert not decision.is_system


def test_only_staff_may_decide(company, company_admin):
    submission = submit(company, company_admin)
    for user in (company_admin, member(company, MembershipRole.BIDDER)):
        with pytest.raises(PermissionDeniedError):
            services.submission_approve(submission=submission, reviewer=user)
    assert not VerificationDecision.objects.exists()


def test_an_inactive_staff_member_may_not_decide(company, company_admin, staff):
    staff.is_active = False
    staff.save()
    with pytest.raises(PermissionDeniedError):
        services.submission_approve(submission=submit(company, company_admin), reviewer=staff)


def test_deciding_a_stale_instance_sees_the_current_status(company, company_admin, staff):
    submission = submit(company, company_admin)
    stale = type(submission).objects.get(pk=submission.pk)
    services.submission_reject(submission=submission, reviewer=staff, reason="No")

    with pytest.raises(ConflictError):
        services.submission_approve(submission=stale, reviewer=staff)
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.REJECTED


def test_only_company_admins_submit_and_upload(company, company_admin):
    bidder = member(company, MembershipRole.BIDDER)
    with pytest.raises(PermissionDeniedError):
        add_document(company, bidder)
    add_document(company, company_admin)
    with pytest.raises(PermissionDeniedError):
        submit(company, bidder, with_document=False)
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.UNVERIFIED


def test_the_submission_keeps_the_identifiers_as_they_were(company, company_admin):
    submission = submit(company, company_admin)
    original = company.registration_number
    company.registration_number = "99999999"
    company.save()

    submission.refresh_from_db()
    assert submission.registration_number == original


def test_decisions_cannot_be_changed_or_deleted_through_the_orm(company, company_admin, staff):
    decision = services.submission_reject(
        submission=submit(company, company_admin), reviewer=staff, reason="Original"
    )
    decision.reason = "Rewritten"
    with pytest.raises(ValidationError):
        decision.save()
    with pytest.raises(ValidationError):
        decision.delete()
    assert VerificationDecision.objects.get().reason == "Original"
