"""The service desk's listeners of its own domain events: an SLA breach tells the queue's
escalation person (and the case's assignee) through ``notifications``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.events.registry import listener
from notifications.models import Kind
from notifications.services import notify

from .models import Case

# Escalations have a kind of their own: a person may turn them off apart from CRM reminders.
ESCALATION_KIND = Kind.CASE_ESCALATED


@listener("case.sla_breached", name="servicedesk.escalate")
def escalate(event) -> None:
    case = Case.objects.select_related("queue").filter(pk=event.payload["case"]).first()
    if case is None:
        return
    ids = {i for i in (event.payload["escalation_to"], case.assignee_id) if i}
    people = list(get_user_model().objects.filter(pk__in=ids))
    target = event.payload["target"]

    def build():
        what = _("first response") if target == "first_response" else _("resolution")
        title = _("SLA breached on case #%(number)s: %(subject)s") % {
            "number": case.number,
            "subject": case.subject,
        }
        body = _(
            "The case's %(what)s was due and is late. Its priority is now %(priority)s "
            "(queue %(queue)s)."
        ) % {"what": what, "priority": case.get_priority_display(), "queue": case.queue.name}
        return title, body

    notify(
        users=people,
        kind=ESCALATION_KIND,
        key=f"servicedesk.breach.{case.pk}.{target}",
        build=build,
        url=reverse("frontend:servicedesk-case", args=[case.workspace_id, case.pk]),
        event=event,
    )
