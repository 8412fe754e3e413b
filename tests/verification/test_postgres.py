"""What only PostgreSQL can show: the append-only trigger and row locks under concurrency."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from marketplace.companies.models import VerificationStatus
from marketplace.core.exceptions import ConflictError
from marketplace.verification import services
from marketplace.verification.models import VerificationDecision
from tests.waiting import wait_until

from .factories import submit


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_to_update_or_delete_decisions(company, company_admin, staff):
    decision = services.submission_reject(
        submission=submit(company, company_admin), reviewer=staff, reason="Original"
    )

    for attempt in (
        lambda: VerificationDecision.objects.filter(pk=decision.pk).update(reason="Rewritten"),
        lambda: VerificationDecision.objects.filter(pk=decision.pk).delete(),
        lambda: connection.cursor().execute(
            "UPDATE verification_decision SET reason = 'x' WHERE id = %s", [decision.pk]
        ),
        lambda: connection.cursor().execute(
            "DELETE FROM verification_decision WHERE id = %s", [decision.pk]
        ),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()

    assert VerificationDecision.objects.get().reason == "Original"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_exactly_one_wins(company, company_admin, staff):
    submission = submit(company, company_admin)
    first_holds_lock = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = services.submission_approve(
                    submission=submission, reviewer=staff
                )
                first_holds_lock.set()
                # The second reviewer arrives while this one holds the lock, and waits for it.
                wait_until(lambda: lock_waiters() > 0, what="the second reviewer to wait")
                outcome["second_done_before_commit"] = "second" in outcome
        finally:
            connections.close_all()

    def lock_waiters() -> int:
        """Locks other sessions wait for (the second reviewer's). pg_locks, not
        pg_stat_activity: that one is read once per transaction, and this runs in one."""
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            return cursor.fetchone()[0]

    def second():
        first_holds_lock.wait(60)
        try:
            outcome["second"] = services.submission_reject(
                submission=submission, reviewer=staff, reason="Too late"
            )
        except ConflictError as error:
            outcome["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not any(thread.is_alive() for thread in threads)
    assert outcome["second_done_before_commit"] is False  # it waited for the lock
    assert isinstance(outcome["second"], ConflictError)
    assert outcome["second"].code == "submission_already_decided"
    assert VerificationDecision.objects.count() == 1
    company.refresh_from_db()
    assert company.verification_status == VerificationStatus.VERIFIED
