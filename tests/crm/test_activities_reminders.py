"""Reminders: the beat task tells each assignee once, by e-mail and in the app, through a domain
event the notifications app listens to; the event reaches nobody else (no change feed, no
webhook)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from crm import tasks as crm_tasks
from crm.models import Activity
from marketplace.celery import EmbeddedBeat, app
from marketplace.events.models import Event
from marketplace.webhooks.models import WebhookDelivery, WebhookEndpoint
from notifications.models import Kind, Notification
from tests.crm.activities_factories import CrmWorld, api, client, later

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def w() -> CrmWorld:
    return CrmWorld()


def due_activity(w: CrmWorld, *, assignee=None, minutes_ago: int = 1, **fields) -> Activity:
    return Activity.objects.create(
        workspace=w.company,
        kind=fields.pop("kind", "call"),
        subject=fields.pop("subject", "Call the customer back"),
        account=w.account,
        assignee=assignee or w.bidder,
        created_by=w.manager,
        due_at=later(hours=1),
        remind_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def reminders() -> list[Event]:
    return list(Event.objects.filter(type="crm.activity_reminder"))


def test_the_assignee_is_told_once_by_e_mail_and_in_the_app(w):
    activity = due_activity(w)
    assert crm_tasks.activity_reminders() == 1
    activity.refresh_from_db()
    assert activity.reminded_at is not None
    [event] = reminders()
    assert event.company_id is None and not event.public and not event.audience.exists()
    assert event.payload["user"] == w.bidder.pk and event.payload["activity"] == activity.pk
    [note] = Notification.objects.filter(user=w.bidder)
    assert note.kind == Kind.CRM_REMINDER
    assert note.title == "Reminder: Call the customer back"
    assert "Customer Corp" in note.body and note.in_app
    assert note.url == api("crm-activity", workspace_id=w.ws, activity_id=activity.pk)
    assert [m.to for m in mail.outbox] == [[w.bidder.email]]
    assert mail.outbox[0].subject == "Reminder: Call the customer back"
    assert not Notification.objects.exclude(user=w.bidder).exists()

    # The next run (and the one after): nothing more.
    assert crm_tasks.activity_reminders() == 0
    assert crm_tasks.activity_reminders() == 0
    assert len(reminders()) == 1 and Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_a_new_reminder_time_is_reminded_afresh(w):
    activity = due_activity(w)
    crm_tasks.activity_reminders()
    url = api("crm-activity", workspace_id=w.ws, activity_id=activity.pk)
    soon = timezone.now() + timedelta(seconds=30)
    response = client(w.bidder).patch(url, {"remind_at": soon.isoformat()}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["reminded_at"] is None
    assert crm_tasks.activity_reminders() == 0  # not yet
    Activity.objects.filter(pk=activity.pk).update(remind_at=timezone.now())
    assert crm_tasks.activity_reminders() == 1
    assert Notification.objects.filter(user=w.bidder).count() == 2


def test_done_future_and_unassigned_activities_are_not_reminded(w):
    due_activity(w, done_at=timezone.now())
    due_activity(w, minutes_ago=-30)  # in half an hour
    Activity.objects.create(
        workspace=w.company,
        kind="task",
        subject="nobody's",
        account=w.account,
        remind_at=timezone.now() - timedelta(minutes=1),
    )
    assert crm_tasks.activity_reminders() == 0
    assert not reminders() and not Notification.objects.exists()


def test_an_assignee_who_left_the_company_is_not_told(w):
    leaver = w.officer2
    activity = due_activity(w, assignee=leaver)
    leaver.memberships.all().delete()
    assert crm_tasks.activity_reminders() == 0
    activity.refresh_from_db()
    assert activity.reminded_at is not None  # done with: not tried again each minute
    assert not reminders() and not Notification.objects.exists()


def test_no_one_else_reads_the_reminder_in_the_change_feed_or_a_webhook(w):
    endpoint = WebhookEndpoint.objects.create(
        company=w.company, url="https://hooks.example.com/crm", created_by=w.admin
    )
    due_activity(w, subject="Private reminder text")
    crm_tasks.activity_reminders()
    [event] = reminders()
    for user in (w.bidder, w.manager, w.admin, w.officer, w.outsider_admin):
        response = client(user).get("/api/events/", {"limit": 500})
        assert response.status_code == 200
        assert "Private reminder text" not in response.content.decode()
        assert event.pk not in [e["id"] for e in response.json()["events"]]
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_beat_runs_the_task_every_minute_and_make_run_runs_it_too(w):
    entry = settings.CELERY_BEAT_SCHEDULE["crm-activity-reminders"]
    assert entry == {"task": "crm.activity_reminders", "schedule": 60}
    assert "crm.activity_reminders" in app.tasks
    # ``make run`` has no beat: the scheduler's loop runs the same schedule in-process.
    beat = EmbeddedBeat()
    assert "crm-activity-reminders" in beat.entries
    due_activity(w)
    beat.last_run = {name: app.now() - timedelta(days=2) for name in beat.entries}
    beat.entries = {"crm-activity-reminders": beat.entries["crm-activity-reminders"]}
    assert beat.run_due() == ["crm.activity_reminders"]
    assert len(reminders()) == 1
