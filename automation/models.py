"""The automation app's rows: a company's rules ("when <event> [if <conditions>] then
<actions>"), each run of a rule on an event with the outcome of each of its actions, and the
origin of the events a run's actions made (the loop guard: ``EventOrigin``).

A rule's ``conditions`` and ``actions`` are JSON lists checked by ``automation.conditions`` and
``automation.actions`` before they are stored (never code, never an expression string). A run
keeps a copy of the actions it ran, so a retry does what the run meant to do even after the rule
changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rule(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="automation_rules"
    )
    name = models.CharField(_("name"), max_length=200)
    enabled = models.BooleanField(_("enabled"), default=True)
    trigger = models.CharField(_("when"), max_length=64)
    conditions = models.JSONField(_("if"), default=list, blank=True)
    actions = models.JSONField(_("then"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The company admin who saved the rule last: its actions act as this person.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("automation rule")
        verbose_name_plural = _("automation rules")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["trigger", "enabled", "workspace"], name="automation_rule_trigger")
        ]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    OK = "ok", _("Done")
    FAILED = "failed", _("An action failed")
    STOPPED = "stopped", _("Stopped: loop limit")
    SKIPPED = "skipped", _("Skipped: its own action's event")


class Run(models.Model):
    """A rule fired on an event (its conditions held), once per rule and event. ``depth``: how
    many automatic runs led to the event (0: a person or the marketplace made it)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    workspace = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("outcome"), max_length=16, choices=RunStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("automation run")
        verbose_name_plural = _("automation runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "event"], name="automation_run_once"),
        ]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="automation_run_ws")]

    def __str__(self) -> str:
        return f"{self.rule} on {self.event_id}: {self.status}"


class ActionStatus(models.TextChoices):
    OK = "ok", _("Done")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class ActionRun(models.Model):
    """One action of a run: its copy of the action, its outcome, its error. A failed one is
    retried (``retry_event``: the ``automation.action_failed`` event whose delivery retries it
    with the outbox's backoff) and may be retried by a company admin."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="actions")
    index = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32)
    spec = models.JSONField(default=dict)
    status = models.CharField(_("outcome"), max_length=16, choices=ActionStatus.choices)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    retry_event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["run_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="automation_action_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.index} {self.kind}: {self.status}"


class EventOrigin(models.Model):
    """An event an automatic run's action made, with the chain's depth (the run's plus one):
    the listener never fires the run's own rule on it, and stops a chain at the loop limit."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="caused")
    depth = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"event {self.event_id} ← run {self.run_id} (depth {self.depth})"
