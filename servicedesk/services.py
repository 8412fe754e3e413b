"""Writes of the service desk: opening a case, its messages (the customer's, staff replies and
internal notes), its status, assignment and priority, and the survey after closing. Each is one
transaction and raises ``ApplicationError`` (or a subclass) with a stable code.

Who may act is checked by the caller (``access``: the CRM's rule for the workspace's staff, the
account's company for a customer; the inbound e-mail by its mailbox); these functions check that
what they are given belongs together (an account of the workspace, a contact of the account, an
order or shipment between the workspace and the account's company).

Statuses: ``TRANSITIONS`` lists where each may go. A staff reply to a new case opens it and
stamps the first response; a customer's message to a case waiting on them or resolved opens it
again; a closed case stays closed (the customer's next e-mail opens a new case). Resolving
stamps ``resolved_at``, closing ``closed_at`` (``case.closed``, then the survey e-mail).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import workspace_ids
from crm.models import Account, Contact, TimelineKind
from crm.timeline import timeline_add
from deals.models import Order
from logistics.shipment_models import Shipment
from marketplace.companies.models import Company
from marketplace.core.background import task_on_commit
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError

from . import outbox, policies, tasks
from .mail import new_message_id
from .models import (
    Case,
    CaseKind,
    CaseMessage,
    CaseStatus,
    Channel,
    MessageKind,
    Priority,
    Queue,
)

SUBJECT_MAX = 300
BODY_MAX = 20000
S = CaseStatus
TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.OPEN, S.WAITING, S.RESOLVED, S.CLOSED},
    S.OPEN: {S.WAITING, S.RESOLVED, S.CLOSED},
    S.WAITING: {S.OPEN, S.RESOLVED, S.CLOSED},
    S.RESOLVED: {S.OPEN, S.CLOSED},
    S.CLOSED: set(),
}
ACTIVE = (S.NEW, S.OPEN, S.WAITING)


def _pk(value) -> Any:
    return getattr(value, "pk", value)


def _invalid(fields: dict[str, list[str]]) -> ApplicationError:
    message = (
        next(iter(fields.values()))[0] if len(fields) == 1 else _("Some fields are not valid.")
    )
    return ApplicationError(message, code="invalid", fields=fields)


def _clean_text(value, *, field: str, limit: int, empty: str, errors: dict) -> str:
    text = str(value or "").strip()
    if field == "subject":
        text = " ".join(text.split())
    if not text:
        errors[field] = [empty]
    elif len(text) > limit:
        errors[field] = [_("At most %(n)s characters.") % {"n": limit}]
    return text


def _choice(value, choices, *, field: str, errors: dict) -> str:
    if value not in choices.values:
        errors[field] = [_("Choose one of: %(list)s.") % {"list": ", ".join(choices.values)}]
    return str(value)


def queue_default(*, workspace_id: int) -> Queue:
    """The workspace's default queue (a "Support" queue made the first time)."""
    queue = Queue.objects.filter(workspace_id=workspace_id, is_default=True).first()
    if queue is not None:
        return queue
    try:
        with transaction.atomic():
            return Queue.objects.create(
                workspace_id=workspace_id, name=str(_("Support")), is_default=True
            )
    except IntegrityError:  # made meanwhile
        return Queue.objects.get(workspace_id=workspace_id, is_default=True)


def _parties(*, workspace_id: int, account: Account | None, order_id, shipment_id, errors):
    """The order and shipment a dispute names, checked to be between the workspace and the
    account's company."""
    if order_id in (None, "") and shipment_id in (None, ""):
        return None, None
    shipment = None
    if shipment_id not in (None, ""):
        shipment = Shipment.objects.select_related("order").filter(pk=shipment_id).first()
        order = shipment.order if shipment else None
        if order is not None and order_id not in (None, "") and order.pk != int(order_id):
            errors["shipment"] = [_("The shipment is not one of the order's.")]
    else:
        order = Order.objects.filter(pk=order_id).first()
    counterparty = account.company_id if account is not None else None
    field = "shipment" if shipment_id not in (None, "") else "order"
    if (
        order is None
        or counterparty is None
        or {order.buyer_id, order.supplier_id} != {workspace_id, counterparty}
    ):
        errors[field] = [_("No such order or delivery between your company and this customer.")]
        return None, None
    return order, shipment


def _timeline(case: Case, *, title: str, body: str, actor, at: datetime, type: str) -> None:
    account = case.account
    if account is None:
        return
    timeline_add(
        account=account,
        contact=case.contact,
        kind=TimelineKind.NOTE,
        type=type,
        title=title,
        body=body[:2000],
        url=reverse("frontend:servicedesk-case", args=[case.workspace_id, case.pk]),
        payload={"case": case.pk, "number": case.number, "status": case.status},
        at=at,
        actor=actor,
    )


def _next_number(workspace_id: int) -> int:
    return (Case.objects.filter(workspace_id=workspace_id).aggregate(n=Max("number"))["n"] or 0) + 1


def case_open(
    *,
    workspace,
    subject: str,
    body: str,
    account=None,
    contact=None,
    kind: str = "request",
    priority: str = "normal",
    channel: str = "api",
    opened_by=None,
    now=None,
    queue=None,
    assignee=None,
    order_id=None,
    shipment_id=None,
    requester_email: str = "",
    requester_name: str = "",
    message_id: str = "",
) -> Case:
    """Open a case in ``workspace`` (a company or its id) for ``account`` (or the account of
    ``contact``), with the customer's first message ``body``. The SLA policy for ``priority``
    sets its due times, counted in working time from ``now``. The caller has checked who may
    open it; ``opened_by`` is who did (a staff member, the customer's person, or None for an
    e-mail or an automation rule). A case without an account is kept with
    ``requester_email`` and marked unmatched."""
    now = now or timezone.now()
    workspace_id = int(_pk(workspace))
    company = Company.objects.filter(pk=workspace_id).first()
    if company is None:
        raise NotFoundError(_("No such CRM workspace."), code="workspace_not_found")
    errors: dict[str, list[str]] = {}
    subject = _clean_text(
        subject,
        field="subject",
        limit=SUBJECT_MAX,
        empty=_("Give the case a subject."),
        errors=errors,
    )
    body = _clean_text(
        body, field="body", limit=BODY_MAX, empty=_("Say what the case is about."), errors=errors
    )
    kind = _choice(kind, CaseKind, field="kind", errors=errors)
    priority = _choice(priority, Priority, field="priority", errors=errors)
    channel = _choice(channel, Channel, field="channel", errors=errors)
    contact_row = None
    if contact is not None:
        contact_row = Contact.objects.filter(pk=_pk(contact), workspace_id=workspace_id).first()
        if contact_row is None:
            errors["contact"] = [_("No such contact in this CRM.")]
    account_row = None
    if account is not None:
        account_row = Account.objects.filter(pk=_pk(account), workspace_id=workspace_id).first()
        if account_row is None:
            errors["account"] = [_("No such account in this CRM.")]
        elif contact_row is not None and contact_row.account_id != account_row.pk:
            errors["contact"] = [_("The contact is not one of the account's people.")]
    elif contact_row is not None:
        account_row = contact_row.account
    queue_row = None
    if queue is not None:
        queue_row = Queue.objects.filter(pk=_pk(queue), workspace_id=workspace_id).first()
        if queue_row is None:
            errors["queue"] = [_("No such queue.")]
    if assignee is not None and not _is_staff(user=assignee, workspace_id=workspace_id):
        errors["assignee"] = [_("Cases are assigned to the workspace's own people.")]
    order, shipment = _parties(
        workspace_id=workspace_id,
        account=account_row,
        order_id=order_id,
        shipment_id=shipment_id,
        errors=errors,
    )
    if errors:
        raise _invalid(errors)
    if not requester_email and contact_row is not None and contact_row.emails:
        requester_email = str(contact_row.emails[0])
    if not requester_name and contact_row is not None:
        requester_name = str(contact_row)
    with transaction.atomic():
        queue_row = queue_row or queue_default(workspace_id=workspace_id)
        policy = policies.policy_for(workspace_id=workspace_id, priority=priority)
        first_due = resolution_due = None
        if policy is not None:
            first_due, resolution_due = policies.due_times(
                policy=policy, start=now, company_country=company.country
            )
        case = None
        for _attempt in range(5):  # two cases opened at once take numbers in turn
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        workspace_id=workspace_id,
                        number=_next_number(workspace_id),
                        queue=queue_row,
                        kind=kind,
                        subject=subject,
                        priority=priority,
                        channel=channel,
                        account=account_row,
                        contact=contact_row,
                        requester_email=requester_email[:254],
                        requester_name=requester_name[:200],
                        unmatched=account_row is None,
                        order=order,
                        shipment=shipment,
                        assignee=assignee,
                        opened_by=opened_by,
                        policy=policy,
                        opened_at=now,
                        first_response_due=first_due,
                        resolution_due=resolution_due,
                    )
                break
            except IntegrityError:
                continue
        if case is None:
            raise ConflictError(_("Try again: the desk is busy."), code="busy")
        CaseMessage.objects.create(
            case=case,
            kind=MessageKind.CUSTOMER,
            channel=channel,
            author=opened_by,
            from_email=requester_email[:254],
            body=body,
            message_id=message_id[:300],
            created_at=now,
        )
        _timeline(
            case,
            title=_("Case #%(number)s opened: %(subject)s")
            % {"number": case.number, "subject": subject},
            body=body,
            actor=opened_by,
            at=now,
            type="case.opened",
        )
        outbox.case_opened(case=case, actor=opened_by)
    return case


def _is_staff(*, user, workspace_id: int) -> bool:
    return workspace_id in workspace_ids(user=user)


def _lock(case_id: int) -> Case:
    return Case.objects.select_for_update().select_related("queue").get(pk=case_id)


def _set_status(case: Case, new: str, *, actor, now: datetime) -> None:
    """Move ``case`` (locked) to ``new`` if the table allows it; stamps and events."""
    old = case.status
    if new == old:
        return
    if new not in TRANSITIONS[old]:
        raise ConflictError(
            _("A case that is %(old)s cannot become %(new)s.")
            % {"old": S(old).label, "new": S(new).label},
            code="transition_not_allowed",
        )
    case.status = new
    if new == S.RESOLVED:
        case.resolved_at = now
    elif new in ACTIVE:
        case.resolved_at = None
    if new == S.CLOSED:
        case.closed_at = now
    case.save()
    outbox.status_changed(case=case, old=old, actor=actor, now=now)
    if new == S.CLOSED:
        outbox.case_closed(case=case, actor=actor)
        task_on_commit(tasks.send_closing, case.pk)


def case_status_change(*, case_id: int, status: str, actor=None, now=None) -> Case:
    now = now or timezone.now()
    if status not in S.values:
        raise _invalid({"status": [_("No such status.")]})
    with transaction.atomic():
        case = _lock(case_id)
        _set_status(case, status, actor=actor, now=now)
    return case


def case_update(*, case_id: int, actor=None, **changes) -> Case:
    """Change a case's ``priority``, ``queue`` (an id), ``assignee`` (a user or None),
    ``kind`` or ``subject``."""
    unknown = set(changes) - {"priority", "queue", "assignee", "kind", "subject"}
    if unknown:
        raise ValueError(f"case_update: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        case = _lock(case_id)
        errors: dict[str, list[str]] = {}
        if "priority" in changes:
            case.priority = _choice(changes["priority"], Priority, field="priority", errors=errors)
        if "kind" in changes:
            case.kind = _choice(changes["kind"], CaseKind, field="kind", errors=errors)
        if "subject" in changes:
            case.subject = _clean_text(
                changes["subject"],
                field="subject",
                limit=SUBJECT_MAX,
                empty=_("Give the case a subject."),
                errors=errors,
            )
        if "queue" in changes:
            queue = Queue.objects.filter(
                pk=_pk(changes["queue"]), workspace_id=case.workspace_id
            ).first()
            if queue is None:
                errors["queue"] = [_("No such queue.")]
            else:
                case.queue = queue
        if "assignee" in changes:
            person = changes["assignee"]
            if person is not None and not _is_staff(user=person, workspace_id=case.workspace_id):
                errors["assignee"] = [_("Cases are assigned to the workspace's own people.")]
            case.assignee = person
        if errors:
            raise _invalid(errors)
        case.save()
    return case


def case_reply(
    *, case_id: int, body: str, author, internal: bool = False, status: str = "", now=None
) -> CaseMessage:
    """A staff member's reply to the customer (e-mailed, stamped as the first response) or,
    ``internal``, a note the customer never sees. A reply to a new case opens it (or moves it
    to ``status`` when given)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    body = _clean_text(
        body, field="body", limit=BODY_MAX, empty=_("Write the reply."), errors=errors
    )
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        case = _lock(case_id)
        if case.status == S.CLOSED:
            raise ConflictError(_("The case is closed."), code="case_closed")
        message = CaseMessage.objects.create(
            case=case,
            kind=MessageKind.NOTE if internal else MessageKind.REPLY,
            channel=Channel.WEB,
            author=author,
            body=body,
            created_at=now,
        )
        if internal:
            return message
        message.message_id = new_message_id(case)
        message.save(update_fields=["message_id"])
        if case.first_responded_at is None:
            case.first_responded_at = now
            case.save(update_fields=["first_responded_at", "updated_at"])
        target = status or (S.OPEN if case.status == S.NEW else "")
        if target:
            _set_status(case, target, actor=author, now=now)
        _timeline(
            case,
            title=_("Reply on case #%(number)s") % {"number": case.number},
            body=body,
            actor=author,
            at=now,
            type="case.reply",
        )
        task_on_commit(tasks.send_reply, message.pk)
    return message


def case_customer_message(
    *,
    case_id: int,
    body: str,
    author=None,
    channel: str = Channel.WEB,
    from_email: str = "",
    message_id: str = "",
    now=None,
) -> CaseMessage:
    """The customer's message on a case (from its page or threaded from an e-mail); a case
    waiting on the customer or resolved opens again. A closed case is refused."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    body = _clean_text(
        body, field="body", limit=BODY_MAX, empty=_("Write your message."), errors=errors
    )
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        case = _lock(case_id)
        if case.status == S.CLOSED:
            raise ConflictError(_("The case is closed: open a new one."), code="case_closed")
        message = CaseMessage.objects.create(
            case=case,
            kind=MessageKind.CUSTOMER,
            channel=channel,
            author=author,
            from_email=from_email[:254],
            body=body,
            message_id=message_id[:300],
            created_at=now,
        )
        if case.status in (S.WAITING, S.RESOLVED):
            _set_status(case, S.OPEN, actor=author, now=now)
        _timeline(
            case,
            title=_("Customer's message on case #%(number)s") % {"number": case.number},
            body=body,
            actor=author,
            at=now,
            type="case.message",
        )
    return message


def case_survey_answer(*, case_id: int, rating, comment: str = "", now=None) -> Case:
    """The customer's satisfaction (1-5 and a comment) on a closed case, once."""
    now = now or timezone.now()
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if isinstance(rating, bool) or not 1 <= value <= 5:
        raise _invalid({"rating": [_("Rate from 1 to 5.")]})
    comment = str(comment or "").strip()[:2000]
    with transaction.atomic():
        case = _lock(case_id)
        if case.status != S.CLOSED:
            raise ConflictError(
                _("The survey opens when the case is closed."), code="case_not_closed"
            )
        if case.surveyed_at is not None:
            raise ConflictError(
                _("Thank you: this case's survey was already answered."), code="survey_answered"
            )
        case.survey_rating, case.survey_comment, case.surveyed_at = value, comment, now
        case.save(update_fields=["survey_rating", "survey_comment", "surveyed_at", "updated_at"])
    return case
