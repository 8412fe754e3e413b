"""The hourly expiry check: warnings once per document, re-verification when one expired."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.companies.models import VerificationStatus
from marketplace.verification import services
from marketplace.verification.models import DecisionKind, VerificationDecision
from marketplace.verification.tasks import check_document_expiry
from tests.factories import member

from .factories import add_document, submit

pytestmark = pytest.mark.django_db


def today():
    return timezone.now().date()


@pytest.fixture
def verified(company, company_admin, staff):
    """The company, verified on a certificate valid for 100 days."""
    add_document(company, company_admin, expiry_date=today() + timedelta(days=100))
    submission = submit(company, company_admin, with_document=False)
    services.submission_approve(submission=submission, reviewer=staff)
    mail.outbox.clear()
    return submission


def set_expiry(submission, days: int):
    submission.documents.update(expiry_date=today() + timedelta(days=days))


def run(capture):
    with capture(execute=True):
        return check_document_expiry.delay().get()


def test_admins_are_warned_once_before_expiry(
    verified, company, company_admin, settings, django_capture_on_commit_callbacks
):
    settings.VERIFICATION_EXPIRY_WARNING_DAYS = 30
    member(company, "bidder")  # not an admin: not told
    set_expiry(verified, 31)
    assert run(django_capture_on_commit_callbacks) == {"warned": 0, "reverification_needed": 0}
    assert mail.outbox == []

    set_expiry(verified, 30)
    assert run(django_capture_on_commit_callbacks) == {"warned": 1, "reverification_needed": 0}
    assert [m.to for m in mail.outbox] == [[company_admin.email]]
    assert today() + timedelta(days=30) == verified.documents.get().expiry_date
    assert (today() + timedelta(days=30)).isoformat() in mail.outbox[0].subject

    assert run(django_capture_on_commit_callbacks) == {"warned": 0, "reverification_needed": 0}
    assert len(mail.outbox) == 1
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.VERIFIED


def test_an_expired_document_requires_reverification_once(
    verified, company, company_admin, django_capture_on_commit_callbacks
):
    set_expiry(verified, -1)

    assert run(django_capture_on_commit_callbacks)["reverification_needed"] == 1

    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.REVERIFICATION_NEEDED
    decision = VerificationDecision.objects.get(kind=DecisionKind.REVERIFICATION_NEEDED)
    assert decision.is_system
    assert decision.document == verified.documents.get()
    assert decision.submission == verified
    assert "expired on" in decision.reason
    assert (decision.status_before, decision.status_after) == (
        VerificationStatus.VERIFIED,
        VerificationStatus.REVERIFICATION_NEEDED,
    )
    assert [m.to for m in mail.outbox] == [[company_admin.email]]
    assert "again" in mail.outbox[0].subject

    # Safe to run twice: nothing more happens.
    assert run(django_capture_on_commit_callbacks) == {"warned": 0, "reverification_needed": 0}
    assert VerificationDecision.objects.filter(kind=DecisionKind.REVERIFICATION_NEEDED).count() == 1
    assert len(mail.outbox) == 1


def test_the_company_resubmits_with_a_current_document_and_is_verified_again(
    verified, company, company_admin, staff, django_capture_on_commit_callbacks
):
    set_expiry(verified, -1)
    run(django_capture_on_commit_callbacks)

    add_document(company, company_admin, expiry_date=today() + timedelta(days=365))
    resubmission = submit(company, company_admin, with_document=False)
    assert resubmission.documents.count() == 1  # the expired one is left out
    services.submission_approve(submission=resubmission, reviewer=staff)

    # The expired document of the earlier approval no longer counts.
    assert run(django_capture_on_commit_callbacks) == {"warned": 0, "reverification_needed": 0}
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.VERIFIED


def test_companies_that_are_not_verified_are_left_alone(
    company, company_admin, django_capture_on_commit_callbacks
):
    add_document(company, company_admin, expiry_date=today() + timedelta(days=1))
    submission = submit(company, company_admin, with_document=False)
    set_expiry(submission, -1)

    assert run(django_capture_on_commit_callbacks) == {"warned": 0, "reverification_needed": 0}
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.PENDING
    assert mail.outbox == []


def test_documents_without_an_expiry_date_never_expire(
    company, company_admin, staff, django_capture_on_commit_callbacks
):
    services.submission_approve(submission=submit(company, company_admin), reviewer=staff)

    assert run(django_capture_on_commit_callbacks) == {"warned": 0, "reverification_needed": 0}


def test_a_warning_is_not_sent_for_a_document_no_longer_due(verified, company):
    set_expiry(verified, 5)
    document = verified.documents.get()
    company.verification_status = VerificationStatus.REJECTED
    company.save()

    assert services.document_expiry_warning_send(document_id=document.pk) is False
    document.refresh_from_db()
    assert document.expiry_warning_sent_at is None


def test_the_trade_gates_expiry_answer_is_shared_with_other_processes(verified, company):
    """A restarted Daphne's memo is empty; the answer for (company, verified_at, day) is found
    in the shared cache instead of the documents query (it never changes for one key)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.companies.models import Company
    from marketplace.verification import selectors

    set_expiry(verified, -1)  # expired yesterday; the hourly task has not run
    selectors._EXPIRED_MEMO.clear()
    cache.clear()
    fresh = Company.objects.get(pk=company.pk)
    with CaptureQueriesContext(connection) as first:
        blocked = selectors.company_trade_block_reason(fresh, fresh=True)
    assert blocked[0] == VerificationStatus.REVERIFICATION_NEEDED and first.captured_queries

    selectors._EXPIRED_MEMO.clear()  # another process
    with CaptureQueriesContext(connection) as second:
        assert selectors.company_trade_block_reason(fresh, fresh=True) == blocked
    assert second.captured_queries == []
