"""The rules on real events: the CRM's two new events fire rules, each action kind does what it
says through the owning app's services, a failing action is kept, retried and retryable, and
rules cannot loop (a rule's own event, a ping-pong stopped at the depth limit)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from automation import engine, services
from automation.models import ActionRun, ActionStatus, EventOrigin, Run, RunStatus
from crm.models import Activity, DocumentTemplate, DocumentTemplateVersion, Lead, Opportunity
from crm.pipeline_leads import lead_create
from crm.pipeline_opportunities import opportunity_move
from marketplace.events.models import DeliveryStatus, Event, EventDelivery
from marketplace.events.services import delivery_run
from notifications.models import Notification

from .factories import deliver_pending, world_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world_make()


def test_the_crm_emits_its_two_events_in_the_transaction_of_the_change(w):
    lead = lead_create(
        user=w.manager, workspace_id=w.ws.pk, title="New lead", owner_id=w.manager.pk
    )
    event = Event.objects.get(type="crm.lead_created")
    assert event.company_id == w.ws.pk and event.payload["lead"] == lead.pk
    assert event.payload["owner"] == w.manager.pk and event.payload["source"] == "manual"
    opportunity_move(
        user=w.manager,
        workspace_id=w.ws.pk,
        opportunity_id=w.opportunity.pk,
        stage_id=w.stage("Qualified").pk,
    )
    moved = Event.objects.get(type="crm.opportunity_stage_changed")
    assert moved.payload["from_stage"] == w.stage("New").pk
    assert (
        moved.payload["to_stage"] == w.stage("Qualified").pk and moved.payload["to_kind"] == "open"
    )


def test_a_lead_with_an_account_gets_a_follow_up_task_for_its_owner(w):
    w.rule(
        "crm.lead_created",
        [
            {
                "kind": "create_task",
                "subject": "Call the new lead",
                "due_in_days": 2,
                "assignee": "owner",
            }
        ],
        conditions=[{"field": "source", "operator": "eq", "value": "manual"}],
    )
    lead = lead_create(
        user=w.manager,
        workspace_id=w.ws.pk,
        title="From the fair",
        owner_id=w.manager.pk,
        account_id=w.account.pk,
    )
    deliver_pending()
    task = Activity.objects.get(kind="task")
    assert task.subject == "Call the new lead" and task.assignee == w.manager
    assert task.account == w.account and task.created_by == w.admin  # acts as the rule's author
    assert (
        timedelta(days=2) - timedelta(minutes=1)
        < task.due_at - task.created_at
        < timedelta(days=2, minutes=1)
    )
    run = Run.objects.get()
    assert run.status == RunStatus.OK and run.event.payload["lead"] == lead.pk
    [action] = run.actions.all()
    assert action.status == ActionStatus.OK and action.result == {"activity": task.pk}


def test_a_lead_without_an_account_skips_the_task_and_says_why(w):
    w.rule("crm.lead_created", [{"kind": "create_task", "subject": "Call", "assignee": "author"}])
    lead_create(user=w.manager, workspace_id=w.ws.pk, title="Bare lead")
    deliver_pending()
    [action] = ActionRun.objects.all()
    assert action.status == ActionStatus.SKIPPED and "no account" in action.error
    assert not Activity.objects.exists()
    assert Run.objects.get().status == RunStatus.OK


def test_conditions_that_do_not_hold_run_nothing(w):
    w.rule(
        "crm.lead_created",
        [{"kind": "notify", "to": w.admin.pk, "title": "x"}],
        conditions=[{"field": "source", "operator": "eq", "value": "web_form"}],
    )
    lead_create(user=w.manager, workspace_id=w.ws.pk, title="Manual lead")
    deliver_pending()
    assert not Run.objects.exists() and not Notification.objects.exists()


def test_a_won_opportunity_notifies_its_owner(w):
    w.rule(
        "crm.opportunity_stage_changed",
        [{"kind": "notify", "to": "owner", "title": "We won it", "body": "Well done."}],
        conditions=[
            {"field": "to_kind", "operator": "eq", "value": "won"},
            {"field": "account_stage", "operator": "in", "value": ["prospect", "active"]},
        ],
    )
    for stage in ("Qualified", "Won"):
        opportunity_move(
            user=w.manager,
            workspace_id=w.ws.pk,
            opportunity_id=w.opportunity.pk,
            stage_id=w.stage(stage).pk,
        )
    deliver_pending()
    [note] = Notification.objects.filter(user=w.manager)
    assert note.title == "We won it" and "/automation/" in note.url
    assert Run.objects.count() == 1  # the move to "Qualified" did not match


def test_move_stage_and_assign_owner_act_on_the_events_opportunity(w):
    w.rule(
        "crm.opportunity_stage_changed",
        [
            {"kind": "move_stage", "stage": w.stage("Applied").pk},
            {"kind": "assign_owner", "target": "opportunity", "user": w.admin.pk},
            {"kind": "assign_owner", "target": "account", "user": w.admin.pk},
        ],
        conditions=[{"field": "to_stage", "operator": "eq", "value": w.stage("Qualified").pk}],
    )
    opportunity_move(
        user=w.manager,
        workspace_id=w.ws.pk,
        opportunity_id=w.opportunity.pk,
        stage_id=w.stage("Qualified").pk,
    )
    deliver_pending()
    w.opportunity.refresh_from_db()
    w.account.refresh_from_db()
    assert w.opportunity.stage == w.stage("Applied") and w.opportunity.owner == w.admin
    assert w.account.owner == w.admin
    assert [a.status for a in ActionRun.objects.all()] == ["ok", "ok", "ok"]
    # The move the rule made is an event of its run, one deeper.
    moved = Event.objects.filter(type="crm.opportunity_stage_changed").order_by("pk").last()
    origin = EventOrigin.objects.get(event=moved)
    assert origin.depth == 1 and origin.run.rule.name.startswith("When")
    assert not Run.objects.filter(event=moved).exists()  # its conditions do not hold


def test_a_rule_never_fires_on_its_own_actions_event(w):
    w.rule(
        "crm.opportunity_stage_changed", [{"kind": "move_stage", "stage": w.stage("Applied").pk}]
    )
    opportunity_move(
        user=w.manager,
        workspace_id=w.ws.pk,
        opportunity_id=w.opportunity.pk,
        stage_id=w.stage("Qualified").pk,
    )
    deliver_pending()
    first, own = Run.objects.order_by("pk")
    assert first.status == RunStatus.OK and first.depth == 0
    assert own.status == RunStatus.SKIPPED and own.note == engine.OWN_NOTE and own.depth == 1
    assert not own.actions.exists()
    w.opportunity.refresh_from_db()
    assert w.opportunity.stage == w.stage("Applied")


def test_assign_owner_of_a_lead(w):
    w.rule("crm.lead_created", [{"kind": "assign_owner", "target": "lead", "user": w.manager.pk}])
    lead = lead_create(user=w.admin, workspace_id=w.ws.pk, title="Unowned")
    deliver_pending()
    lead.refresh_from_db()
    assert lead.owner == w.manager


def test_send_email_fills_the_template_for_the_consenting_contact(w):
    w.account.name = "Client <Co>"
    w.account.save()
    template = DocumentTemplate.objects.create(
        workspace=w.ws, name="Welcome", kind="letter", language="en"
    )
    DocumentTemplateVersion.objects.create(
        template=template, version=1, body="<p>Dear {{ account.name }}, welcome.</p>"
    )
    w.rule(
        "crm.lead_created",
        [{"kind": "send_email", "template": template.pk, "subject": "Welcome", "to": "contact"}],
    )
    lead_create(user=w.manager, workspace_id=w.ws.pk, title="Lead", account_id=w.account.pk)
    deliver_pending()
    [message] = mail.outbox
    assert message.to == ["client@client.example"] and message.subject == "Welcome"
    assert "Dear Client <Co>, welcome" in message.body
    assert "Dear Client &lt;Co&gt;, welcome" in message.alternatives[0][0]  # the sandbox escapes


def test_send_email_skips_a_contact_without_consent(w):
    w.contact.consent = False
    w.contact.save()
    template = DocumentTemplate.objects.create(workspace=w.ws, name="Welcome", kind="letter")
    DocumentTemplateVersion.objects.create(template=template, version=1, body="<p>Hi</p>")
    w.rule(
        "crm.lead_created",
        [{"kind": "send_email", "template": template.pk, "subject": "Hi", "to": "contact"}],
    )
    lead_create(user=w.manager, workspace_id=w.ws.pk, title="Lead", account_id=w.account.pk)
    deliver_pending()
    assert not mail.outbox
    assert ActionRun.objects.get().status == ActionStatus.SKIPPED


def test_open_case_uses_the_service_desk(w):
    servicedesk = pytest.importorskip("servicedesk.services")
    if not hasattr(servicedesk, "case_open"):
        pytest.skip("servicedesk.services.case_open is not there yet")
    w.rule(
        "crm.lead_created",
        [
            {
                "kind": "open_case",
                "subject": "Check the lead",
                "case_kind": "request",
                "priority": "high",
            }
        ],
    )
    lead_create(user=w.manager, workspace_id=w.ws.pk, title="Lead", account_id=w.account.pk)
    deliver_pending()
    action = ActionRun.objects.get()
    assert action.status == ActionStatus.OK, action.error
    assert action.result["case"]


def test_a_failing_action_is_kept_retried_by_the_outbox_and_retried_by_hand(w):
    w.rule(
        "crm.lead_created",
        [
            {"kind": "notify", "to": w.manager.pk, "title": "First"},
            {"kind": "create_task", "subject": "Call", "assignee": "owner"},
        ],
    )
    with mock.patch(
        "automation.executors.activity_create", side_effect=RuntimeError("calendar away")
    ):
        lead_create(user=w.manager, workspace_id=w.ws.pk, title="Lead", account_id=w.account.pk)
        deliver_pending()  # the run, then the first automatic retry (after the commit)
    notify_run, task_run = ActionRun.objects.order_by("index")
    assert notify_run.status == ActionStatus.OK  # the other action is not undone
    assert task_run.status == ActionStatus.FAILED and "calendar away" in task_run.error
    assert Run.objects.get().status == RunStatus.FAILED
    delivery = EventDelivery.objects.get(
        event=task_run.retry_event, listener="automation.action_retry"
    )
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now()  # the outbox's backoff
    assert "calendar away" in delivery.last_error
    assert not Activity.objects.exists()

    # The cause is gone: the outbox's next attempt succeeds.
    assert (
        delivery_run(delivery_id=delivery.pk, now=timezone.now() + timedelta(seconds=30)) == "done"
    )
    task_run.refresh_from_db()
    assert task_run.status == ActionStatus.OK and task_run.attempts == 2
    assert Activity.objects.get().subject == "Call"
    assert Run.objects.get().status == RunStatus.OK


def test_a_person_retries_a_failed_action(w):
    w.rule("crm.lead_created", [{"kind": "create_task", "subject": "Call", "assignee": "owner"}])
    with mock.patch("automation.executors.activity_create", side_effect=RuntimeError("down")):
        lead_create(user=w.manager, workspace_id=w.ws.pk, title="Lead", account_id=w.account.pk)
        deliver_pending()
        action = ActionRun.objects.get()
        again = services.action_run_retry(user=w.admin, workspace_id=w.ws.pk, action_id=action.pk)
        assert again.status == ActionStatus.FAILED and again.attempts == 2
    again = services.action_run_retry(user=w.admin, workspace_id=w.ws.pk, action_id=action.pk)
    assert again.status == ActionStatus.OK and Activity.objects.count() == 1
    # The outbox's pending retry then finds it done and does nothing.
    delivery = EventDelivery.objects.get(
        event=again.retry_event, listener="automation.action_retry"
    )
    assert (
        delivery_run(delivery_id=delivery.pk, now=timezone.now() + timedelta(minutes=5)) == "done"
    )
    assert Activity.objects.count() == 1


def test_an_author_no_longer_admin_fails_the_actions_with_a_clear_error(w):
    w.rule("crm.lead_created", [{"kind": "create_task", "subject": "Call", "assignee": "owner"}])
    w.admin.memberships.all().delete()
    lead_create(user=w.manager, workspace_id=w.ws.pk, title="Lead", account_id=w.account.pk)
    deliver_pending()
    action = ActionRun.objects.get()
    assert action.status == ActionStatus.FAILED and "no longer a company admin" in action.error


def test_two_rules_playing_ping_pong_stop_at_the_loop_limit(w):
    qualified, applied = w.stage("Qualified"), w.stage("Applied")
    w.rule(
        "crm.opportunity_stage_changed",
        [{"kind": "move_stage", "stage": applied.pk}],
        conditions=[{"field": "to_stage", "operator": "eq", "value": qualified.pk}],
        name="A",
    )
    w.rule(
        "crm.opportunity_stage_changed",
        [{"kind": "move_stage", "stage": qualified.pk}],
        conditions=[{"field": "to_stage", "operator": "eq", "value": applied.pk}],
        name="B",
    )
    opportunity_move(
        user=w.manager, workspace_id=w.ws.pk, opportunity_id=w.opportunity.pk, stage_id=qualified.pk
    )
    deliver_pending()
    runs = list(Run.objects.order_by("pk").values_list("rule__name", "depth", "status"))
    assert runs == [
        ("A", 0, "ok"),
        ("B", 1, "ok"),
        ("A", 2, "ok"),
        ("B", 3, "stopped"),
    ]
    stopped = Run.objects.get(status=RunStatus.STOPPED)
    assert stopped.note == engine.LOOP_NOTE
    assert [(a.status, a.error) for a in stopped.actions.all()] == [("skipped", engine.LOOP_NOTE)]
    w.opportunity.refresh_from_db()
    assert w.opportunity.stage == applied  # A's last move; B's was stopped
    assert not EventDelivery.objects.filter(status=DeliveryStatus.PENDING, attempts=0).exists()


def test_a_redelivered_event_runs_nothing_twice(w):
    w.rule("crm.lead_created", [{"kind": "notify", "to": w.admin.pk, "title": "Lead!"}])
    with transaction.atomic():
        lead_create(user=w.manager, workspace_id=w.ws.pk, title="Lead")
    deliver_pending()
    event = Event.objects.get(type="crm.lead_created")
    assert engine.rules_fire(event=event) == []
    assert Run.objects.count() == 1 and Notification.objects.count() == 1
    assert Lead.objects.count() == 1 and Opportunity.objects.count() == 1
