"""Setting a workspace's desk up: its queues, SLA policies and support mailboxes. Only the
workspace's account managers and admins (``crm.access``, ``edit=True``)."""

from __future__ import annotations

from datetime import time

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.access import READ_ROLES, workspace_require
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from marketplace.core.times import zone

from .mail import split_address
from .models import Priority, Queue, SlaPolicy, SupportMailbox


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", fields={field: [message]})


def _staff(*, workspace_id: int, user_id: int | None):
    if user_id is None:
        return None
    person = (
        get_user_model()
        .objects.filter(
            pk=user_id,
            memberships__company_id=workspace_id,
            memberships__role__in=READ_ROLES,
            is_active=True,
        )
        .first()
    )
    if person is None:
        raise _invalid("escalation_to", _("Choose one of the workspace's own people."))
    return person


def queue_create(
    *,
    actor,
    workspace_id: int,
    name: str,
    escalation_to_id: int | None = None,
    is_default: bool = False,
) -> Queue:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    name = " ".join(str(name or "").split())[:100]
    if not name:
        raise _invalid("name", _("Give the queue a name."))
    person = _staff(workspace_id=workspace_id, user_id=escalation_to_id)
    try:
        with transaction.atomic():
            if is_default:
                Queue.objects.filter(workspace_id=workspace_id, is_default=True).update(
                    is_default=False
                )
            return Queue.objects.create(
                workspace_id=workspace_id, name=name, escalation_to=person, is_default=is_default
            )
    except IntegrityError as exc:
        message = _("The workspace has a queue of that name.")
        raise ConflictError(message, code="queue_exists", fields={"name": [message]}) from exc


def queue_update(*, actor, workspace_id: int, queue_id: int, escalation_to_id: int | None) -> Queue:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    queue = Queue.objects.filter(pk=queue_id, workspace_id=workspace_id).first()
    if queue is None:
        raise NotFoundError(_("Queue not found."), code="queue_not_found")
    queue.escalation_to = _staff(workspace_id=workspace_id, user_id=escalation_to_id)
    queue.save(update_fields=["escalation_to"])
    return queue


def policy_set(
    *,
    actor,
    workspace_id: int,
    name: str,
    first_response_minutes: int,
    resolution_minutes: int,
    priority: str = "",
    time_zone: str = "Europe/Kyiv",
    weekdays: list[int] | None = None,
    day_start: time = time(9, 0),
    day_end: time = time(18, 0),
    holiday_country: str = "",
) -> SlaPolicy:
    """Make or replace the workspace's policy for ``priority`` ("" for every other priority).
    It applies to cases opened from now on (an open case keeps its due times)."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    errors: dict[str, list[str]] = {}
    if priority and priority not in Priority.values:
        errors["priority"] = [_("No such priority.")]
    for field, value in (
        ("first_response_minutes", first_response_minutes),
        ("resolution_minutes", resolution_minutes),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10**6:
            errors[field] = [_("A number of working minutes from 1 to 1000000.")]
    days = sorted(set(weekdays if weekdays is not None else [0, 1, 2, 3, 4]))
    if not days or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        errors["weekdays"] = [_("Choose the working days (Monday is 0, Sunday 6).")]
    if not day_start < day_end:
        errors["day_end"] = [_("The working day ends after it starts.")]
    if zone(time_zone).key != time_zone:
        errors["time_zone"] = [_("Not a time zone (such as Europe/Kyiv).")]
    country = str(holiday_country or "").strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        errors["holiday_country"] = [_("A two-letter country code, such as UA or PL.")]
    if errors:
        message = (
            next(iter(errors.values()))[0] if len(errors) == 1 else _("Some fields are not valid.")
        )
        raise ApplicationError(message, code="invalid", fields=errors)
    values = {
        "name": " ".join(str(name or "").split())[:100] or str(_("SLA")),
        "first_response_minutes": first_response_minutes,
        "resolution_minutes": resolution_minutes,
        "time_zone": time_zone,
        "weekdays": days,
        "day_start": day_start,
        "day_end": day_end,
        "holiday_country": country,
    }
    with transaction.atomic():
        policy, _made = SlaPolicy.objects.update_or_create(
            workspace_id=workspace_id, priority=priority, defaults=values
        )
    return policy


def mailbox_add(
    *, actor, workspace_id: int, address: str, queue_id: int | None = None
) -> SupportMailbox:
    """A support address of the workspace: mail to it (and its plus-addresses) opens cases."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    base, tag, domain = split_address(address)
    if not base or not domain or tag or "." not in domain:
        raise _invalid(
            "address", _("An e-mail address without a plus part, such as support@acme.example.")
        )
    queue = None
    if queue_id is not None:
        queue = Queue.objects.filter(pk=queue_id, workspace_id=workspace_id).first()
        if queue is None:
            raise _invalid("queue", _("No such queue."))
    try:
        with transaction.atomic():
            return SupportMailbox.objects.create(
                workspace_id=workspace_id, address=f"{base}@{domain}", queue=queue
            )
    except IntegrityError as exc:
        message = _("That address is already a support mailbox.")
        raise ConflictError(message, code="mailbox_taken", fields={"address": [message]}) from exc
