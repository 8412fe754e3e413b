"""What each kind of action does, through the owning app's own services (the CRM's, the
notifications', the service desk's), acting as the company admin who saved the rule last.

An executor returns what it made (``{"activity": 12}``), raises ``Skip`` when the action does
not apply to this event (no opportunity to move, no contact who consents to e-mail), and lets
any other error through: the engine records it as a failure and retries it."""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from crm.accounts import account_update
from crm.activities import activity_create
from crm.document_selectors import document_context, template_latest_version
from crm.models import ActivityKind, DocumentTemplate, Stage
from crm.pipeline_leads import lead_update
from crm.pipeline_opportunities import opportunity_move, opportunity_update
from marketplace.companies.models import Company
from marketplace.core.document_engine import html_render
from marketplace.users.models import User
from notifications.models import Kind
from notifications.services import notify

from .subjects import Subject


class Skip(Exception):
    """The action does not apply to this event (its message says why)."""


@dataclass
class Context:
    rule_id: int
    rule_name: str
    workspace_id: int
    event_id: int
    key: str  # unique per action run: "automation:<run>:<index>"
    subject: Subject
    actor: User
    now: datetime


def _person(ctx: Context, who) -> User | None:
    if who == "owner":
        return ctx.subject.owner
    if who == "author":
        return ctx.actor
    return User.objects.filter(pk=who, is_active=True).first()


def _made_by(ctx: Context) -> str:
    return _("Made by the automation rule “%(rule)s” (event #%(event)d).") % {
        "rule": ctx.rule_name,
        "event": ctx.event_id,
    }


def create_task(ctx: Context, spec: dict) -> dict:
    s = ctx.subject
    if s.account is None:
        raise Skip(_("The event names no account to keep the task on."))
    assignee = _person(ctx, spec["assignee"]) or ctx.actor
    opportunity = (
        s.opportunity if s.opportunity and s.opportunity.account_id == s.account.pk else None
    )
    contact = s.contact if s.contact and s.contact.account_id == s.account.pk else None
    body = "\n\n".join(part for part in (spec.get("body", ""), _made_by(ctx)) if part)
    activity = activity_create(
        user=ctx.actor,
        workspace_id=ctx.workspace_id,
        kind=ActivityKind.TASK,
        subject=spec["subject"],
        body=body,
        account_id=s.account.pk,
        contact_id=contact.pk if contact else None,
        opportunity_id=opportunity.pk if opportunity else None,
        due_at=ctx.now + timedelta(days=spec["due_in_days"]),
        assignee_id=assignee.pk,
        now=ctx.now,
    )
    return {"activity": activity.pk}


def _recipient(ctx: Context, spec: dict) -> str:
    s = ctx.subject
    if spec["to"] == "address":
        return spec["address"]
    if spec["to"] == "owner":
        owner = s.owner
        if owner is None or not owner.email:
            raise Skip(_("The event's rows have no owner with an e-mail address."))
        return owner.email
    contacts = [s.contact] if s.contact is not None else []
    if s.account is not None:
        contacts += list(s.account.contacts.order_by("pk"))
    for contact in contacts:
        if contact.consent and contact.emails:
            return contact.emails[0]
    raise Skip(_("No contact of the account consents to e-mail and has an address."))


def send_email(ctx: Context, spec: dict) -> dict:
    s = ctx.subject
    if s.account is None:
        raise Skip(_("The event names no account to fill the template from."))
    template = DocumentTemplate.objects.get(workspace_id=ctx.workspace_id, pk=spec["template"])
    version = template_latest_version(template=template)
    if version is None:
        raise ValueError(_("The document template has no version."))
    to = _recipient(ctx, spec)
    context = document_context(
        workspace=Company.objects.get(pk=ctx.workspace_id),
        account=s.account,
        contact=s.contact,
        opportunity=s.opportunity,
        deal=None,
        number="",
        kind=template.kind,
        template_name=template.name,
        author=ctx.actor,
        language=template.language,
    )
    html = html_render(body=version.body, context=context)
    message = EmailMultiAlternatives(
        subject=spec["subject"],
        body=html_lib.unescape(strip_tags(html)),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return {"to": to, "template_version": version.pk}


def move_stage(ctx: Context, spec: dict) -> dict:
    opportunity = ctx.subject.opportunity
    if opportunity is None:
        raise Skip(_("The event names no opportunity."))
    stage = Stage.objects.filter(pk=spec["stage"]).first()
    if stage is None or stage.pipeline_id != opportunity.pipeline_id:
        raise Skip(_("The stage is not of the opportunity's pipeline."))
    if opportunity.stage_id == stage.pk:
        raise Skip(_("The opportunity is at that stage already."))
    opportunity_move(
        user=ctx.actor,
        workspace_id=ctx.workspace_id,
        opportunity_id=opportunity.pk,
        stage_id=stage.pk,
        lost_reason=spec.get("lost_reason", ""),
    )
    return {"opportunity": opportunity.pk, "stage": stage.pk}


def assign_owner(ctx: Context, spec: dict) -> dict:
    target, user_id = spec["target"], spec["user"]
    row = getattr(ctx.subject, target)
    if row is None:
        raise Skip(_("The event names no %(target)s.") % {"target": target})
    if row.owner_id == user_id:
        raise Skip(_("It is that person's already."))
    ws = ctx.workspace_id
    if target == "lead":
        lead_update(user=ctx.actor, workspace_id=ws, lead_id=row.pk, owner_id=user_id)
    elif target == "opportunity":
        opportunity_update(user=ctx.actor, workspace_id=ws, opportunity_id=row.pk, owner_id=user_id)
    else:
        account_update(
            actor=ctx.actor, workspace_id=ws, account_id=row.pk, changes={"owner_id": user_id}
        )
    return {target: row.pk, "owner": user_id}


def notify_person(ctx: Context, spec: dict) -> dict:
    person = _person(ctx, spec["to"])
    if person is None:
        raise Skip(_("The event's rows have no owner to notify."))
    title, body = spec["title"], spec.get("body", "")
    url = reverse("frontend:automation-rule", args=[ctx.workspace_id, ctx.rule_id])
    made = notify(
        users=[person],
        kind=Kind.AUTOMATION,
        key=ctx.key,
        build=lambda: (title, body),
        url=url,
    )
    return {"user": person.pk, "notifications": [n.pk for n in made]}


def open_case(ctx: Context, spec: dict) -> dict:
    # The service desk is another app, built beside this one: imported where it is used.
    from servicedesk.services import case_open

    s = ctx.subject
    case = case_open(
        workspace=Company.objects.get(pk=ctx.workspace_id),
        subject=spec["subject"],
        body=spec.get("body") or spec["subject"],
        account=s.account,
        contact=s.contact,
        kind=spec["case_kind"],
        priority=spec["priority"],
        channel="api",
        opened_by=ctx.actor,
        now=ctx.now,
    )
    return {"case": case.pk}


EXECUTORS: dict[str, Callable[[Context, dict], dict]] = {
    "create_task": create_task,
    "send_email": send_email,
    "move_stage": move_stage,
    "assign_owner": assign_owner,
    "notify": notify_person,
    "open_case": open_case,
}
