"""The service desk's rules: opening a case (its SLA due times, what belongs together),
transitions, replies by e-mail with their threading headers, the timeline, breaches flagged
once and escalated, the survey once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from crm.models import Account, TimelineEntry
from marketplace.core.exceptions import ApplicationError, ConflictError
from marketplace.events.models import Event
from notifications.models import Notification
from servicedesk import breaches, services
from servicedesk.mail import case_token, split_address
from servicedesk.models import Case, CaseMessage, CaseStatus, MessageKind
from tests.servicedesk.factories import MONDAY_10, Desk, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk() -> Desk:
    return Desk()


def test_open_sets_the_due_times_in_working_hours(desk):
    friday_17 = datetime(2026, 12, 11, 15, 0, tzinfo=UTC)  # 17:00 in Kyiv
    case = desk.case(now=friday_17)
    assert case.number == 1 and case.status == CaseStatus.NEW and not case.unmatched
    assert case.account == desk.account and case.requester_email == "buyer@market.example"
    # 1 working hour: Friday 17:00-18:00; 8 hours: 1 on Friday and 7 on Monday (to 16:00).
    assert case.first_response_due == datetime(2026, 12, 11, 16, 0, tzinfo=UTC)
    assert case.resolution_due == datetime(2026, 12, 14, 14, 0, tzinfo=UTC)
    event = Event.objects.get(type="case.opened")
    assert event.company_id == desk.ws and event.payload["case"] == case.pk
    assert event.payload["first_response_due"] == "2026-12-11T16:00:00Z"
    entry = TimelineEntry.objects.get(account=desk.account)
    assert entry.type == "case.opened" and "#1" in entry.title


def test_open_across_a_polish_holiday(desk):
    case = desk.case(now=datetime(2026, 12, 23, 15, 30, tzinfo=UTC))  # Wed 17:30 Kyiv
    # 30 minutes on Wednesday, then Christmas Eve, Christmas and the weekend: Monday 09:30.
    assert case.first_response_due == datetime(2026, 12, 28, 7, 30, tzinfo=UTC)


def test_a_priority_policy_wins_and_no_policy_means_no_due_time(desk):
    desk.policy.priority = "urgent"
    desk.policy.save()
    assert desk.case(priority="urgent").first_response_due is not None
    assert desk.case(priority="low").first_response_due is None


def test_numbers_follow_each_other_per_workspace(desk):
    assert [desk.case().number for _ in range(3)] == [1, 2, 3]


def test_open_refuses_what_does_not_belong_and_writes_nothing(desk):
    other = Account.objects.create(workspace=desk.world.outsider, name="Elsewhere")
    before = counts()
    with pytest.raises(ApplicationError) as exc:
        desk.case(account=other, contact=None)
    assert exc.value.fields["account"]
    with pytest.raises(ApplicationError) as exc:
        desk.case(subject=" ", body="", kind="gossip")
    assert set(exc.value.fields) == {"subject", "body", "kind"}
    with pytest.raises(ApplicationError) as exc:
        desk.case(kind="dispute", order_id=999_999)
    assert exc.value.fields["order"]
    assert counts() == before
    assert not Event.objects.filter(type="case.opened").exists()


def test_an_unknown_sender_opens_an_unmatched_case(desk):
    case = services.case_open(
        workspace=desk.ws, subject="Hi", body="Who are you?", requester_email="x@y.example"
    )
    assert case.unmatched and case.account is None and case.channel == "api"


def test_transitions(desk):
    case = desk.case()
    assert services.TRANSITIONS[CaseStatus.CLOSED] == set()
    services.case_status_change(case_id=case.pk, status="waiting", actor=desk.manager)
    services.case_status_change(case_id=case.pk, status="resolved", actor=desk.manager)
    case.refresh_from_db()
    assert case.resolved_at is not None
    services.case_status_change(case_id=case.pk, status="open", actor=desk.manager)
    case.refresh_from_db()
    assert case.resolved_at is None
    services.case_status_change(case_id=case.pk, status="closed", actor=desk.manager)
    with pytest.raises(ConflictError) as exc:
        services.case_status_change(case_id=case.pk, status="open", actor=desk.manager)
    assert exc.value.code == "transition_not_allowed"
    changes = [
        (e.payload["old"], e.payload["new"])
        for e in Event.objects.filter(type="case.status_changed").order_by("pk")
    ]
    assert changes == [
        ("new", "waiting"),
        ("waiting", "resolved"),
        ("resolved", "open"),
        ("open", "closed"),
    ]
    assert Event.objects.filter(type="case.closed", payload__case=case.pk).count() == 1


def test_a_reply_is_mailed_with_its_threading_headers(desk, django_capture_on_commit_callbacks):
    case = desk.case(message_id="<first@mail.market.example>")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.case_reply(case_id=case.pk, body="We are on it.", author=desk.manager)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.first_responded_at is not None
    [sent] = mail.outbox
    assert sent.to == ["buyer@market.example"] and sent.from_email == "support@workspace.example"
    assert sent.extra_headers["Message-ID"] == reply.message_id
    assert sent.extra_headers["In-Reply-To"] == "<first@mail.market.example>"
    assert "<first@mail.market.example>" in sent.extra_headers["References"]
    assert sent.extra_headers["Reply-To"] == f"support+{case_token(case.pk)}@workspace.example"
    assert split_address(sent.extra_headers["Reply-To"])[1].startswith(f"c{case.pk}.")
    assert "We are on it." in sent.body
    assert TimelineEntry.objects.filter(account=desk.account, type="case.reply").exists()


def test_an_internal_note_is_never_mailed(desk, django_capture_on_commit_callbacks):
    case = desk.case()
    with django_capture_on_commit_callbacks(execute=True):
        note = services.case_reply(
            case_id=case.pk, body="Customer is grumpy", author=desk.manager, internal=True
        )
    assert note.kind == MessageKind.NOTE and mail.outbox == []
    case.refresh_from_db()
    assert case.first_responded_at is None and case.status == CaseStatus.NEW


def test_the_customer_answering_reopens(desk):
    case = desk.case()
    services.case_status_change(case_id=case.pk, status="waiting")
    services.case_customer_message(case_id=case.pk, body="Here is the photo.")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    services.case_status_change(case_id=case.pk, status="closed")
    with pytest.raises(ConflictError):
        services.case_customer_message(case_id=case.pk, body="One more thing")
    assert CaseMessage.objects.filter(case=case).count() == 2


def test_breaches_are_flagged_once_and_escalated(desk, django_capture_on_commit_callbacks):
    case = desk.case()  # Monday 10:00 Kyiv: first response due 11:00, resolution 18:00
    answered = desk.case()
    services.case_reply(case_id=answered.pk, body="Hello", author=desk.manager)
    assert breaches.breaches_flag(now=MONDAY_10 + timedelta(minutes=59)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert breaches.breaches_flag(now=MONDAY_10 + timedelta(minutes=61)) == 1
    case.refresh_from_db()
    assert case.first_response_breached_at is not None and case.resolution_breached_at is None
    assert case.priority == "high"  # raised from normal
    event = Event.objects.get(type="case.sla_breached")
    assert event.payload["target"] == "first_response"
    assert event.payload["escalation_to"] == desk.admin.pk
    note = Notification.objects.get(user=desk.admin)
    assert "#1" in note.title and note.url.endswith(f"/cases/{case.pk}/")
    # Again at the same moment: nothing more.
    assert breaches.breaches_flag(now=MONDAY_10 + timedelta(minutes=62)) == 0
    # The resolution target (8 working hours: Monday 18:00) passes for both.
    assert breaches.breaches_flag(now=MONDAY_10 + timedelta(hours=9)) == 2
    case.refresh_from_db()
    assert case.priority == "urgent" and case.is_breached
    assert Event.objects.filter(type="case.sla_breached").count() == 3


def test_a_resolved_case_is_not_flagged(desk):
    case = desk.case()
    services.case_status_change(case_id=case.pk, status="resolved")
    assert breaches.breaches_flag(now=MONDAY_10 + timedelta(days=5)) == 0


def test_the_survey_once_after_closing(desk, django_capture_on_commit_callbacks):
    case = desk.case()
    with pytest.raises(ConflictError) as exc:
        services.case_survey_answer(case_id=case.pk, rating=5)
    assert exc.value.code == "case_not_closed"
    with django_capture_on_commit_callbacks(execute=True):
        services.case_status_change(case_id=case.pk, status="closed")
    [closing] = mail.outbox
    assert "/support/survey/" in closing.body
    with pytest.raises(ApplicationError):
        services.case_survey_answer(case_id=case.pk, rating=6)
    services.case_survey_answer(case_id=case.pk, rating=4, comment="Quick")
    with pytest.raises(ConflictError) as exc:
        services.case_survey_answer(case_id=case.pk, rating=1, comment="Changed my mind")
    assert exc.value.code == "survey_answered"
    case = Case.objects.get(pk=case.pk)
    assert (case.survey_rating, case.survey_comment) == (4, "Quick")
