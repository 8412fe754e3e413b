"""Leads (services): entered by hand, sent by a website's form, or made by the marketplace (an
invitation to a tender; for a supplier, a newly published tender in its categories: see
``pipeline_listeners``). A lead is qualified, disqualified with a reason, or converted into an
opportunity on an account (the lead's, or one made for it) in one transaction.

The website form posts to a public endpoint with a signed token (``django.core.signing``, salt
``LEAD_FORM_SALT``) naming the workspace, the person who issued it and its expiry. A token
stops working when it expires, or when its issuer no longer edits the workspace's CRM. Revoking
one token on purpose, or all of a workspace's at once, would need a per-workspace value to sign
with and rotate (a model field): there is none yet, so a leaked token lives until it expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.companies.models import Company
from marketplace.core.exceptions import ConflictError, NotFoundError
from marketplace.events.services import event_emit

from .access import may_edit, workspace_require
from .account_checks import email_clean, phone_clean
from .models import Lead, LeadSource, LeadStatus, Opportunity, PipelineKind
from .pipeline_opportunities import (
    account_for_lead,
    account_in,
    link_clean,
    opportunity_add,
)
from .pipelines import default_pipeline, field_error, member_clean, name_clean, pipeline_in

LEAD_FORM_SALT = "crm.lead-form"
LEAD_FORM_MAX_DAYS = 730
NOTES_MAX = 5000
# The statuses a lead may be in to be moved to each status.
_FROM: dict[str, tuple[str, ...]] = {
    LeadStatus.QUALIFIED: (LeadStatus.NEW, LeadStatus.DISQUALIFIED),
    LeadStatus.DISQUALIFIED: (LeadStatus.NEW, LeadStatus.QUALIFIED),
    LeadStatus.CONVERTED: (LeadStatus.NEW, LeadStatus.QUALIFIED),
}


def _text(value, field: str, limit: int) -> str:
    text = " ".join(str(value or "").split()) if limit <= 300 else str(value or "").strip()
    if len(text) > limit:
        raise field_error(field, _("At most %(n)d characters.") % {"n": limit})
    return text


def _contact_values(*, workspace_id: int, values: dict) -> dict:
    """The lead's person and company, checked: names, an e-mail, a phone (E.164; one without
    its country code is read as the workspace's country's)."""
    out = {}
    limits = {"company_name": 300, "person_name": 200, "notes": NOTES_MAX}
    for field, limit in limits.items():
        if field in values:
            out[field] = _text(values[field], field, limit)
    if "email" in values:
        try:
            out["email"] = email_clean(values["email"] or "")
        except ValueError as exc:
            raise field_error("email", str(exc)) from None
    if "phone" in values:
        region = Company.objects.filter(pk=workspace_id).values_list("country", flat=True).first()
        try:
            out["phone"] = phone_clean(values["phone"] or "", region=region or "")
        except ValueError as exc:
            raise field_error("phone", str(exc)) from None
    return out


def _locked_lead(*, workspace_id: int, lead_id: int) -> Lead:
    lead = Lead.objects.select_for_update().filter(workspace_id=workspace_id, pk=lead_id).first()
    if lead is None:
        raise NotFoundError(_("No such lead."), code="lead_not_found")
    return lead


def _status_to(lead: Lead, status: str) -> None:
    if lead.status not in _FROM[status]:
        raise ConflictError(
            _("A %(now)s lead cannot become %(to)s.")
            % {"now": LeadStatus(lead.status).label, "to": LeadStatus(status).label},
            code="lead_status",
        )
    lead.status = status


def _lead_created_emit(lead: Lead, *, actor=None) -> None:
    """``crm.lead_created``, in the transaction that wrote the lead (its listeners, e.g. the
    automation rules, hear of it after the commit)."""
    event_emit(
        "crm.lead_created",
        company=lead.workspace_id,
        actor=actor,
        payload={
            "lead": lead.pk,
            "workspace": lead.workspace_id,
            "title": lead.title,
            "source": lead.source,
            "owner": lead.owner_id,
            "account": lead.account_id,
            "company_name": lead.company_name,
        },
    )


def lead_create(
    *,
    user,
    workspace_id: int,
    title: str,
    owner_id: int | None = None,
    account_id: int | None = None,
    **values,
) -> Lead:
    """A lead entered by hand (``values``: company_name, person_name, email, phone, notes)."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    lead = Lead(
        workspace_id=workspace_id,
        title=name_clean(title, "title", 300),
        source=LeadSource.MANUAL,
        owner=member_clean(workspace_id=workspace_id, user_id=owner_id),
        account=account_in(workspace_id=workspace_id, account_id=account_id)
        if account_id
        else None,
        created_by=user,
        **_contact_values(workspace_id=workspace_id, values=values),
    )
    with transaction.atomic():
        lead.save(force_insert=True)
        _lead_created_emit(lead, actor=user)
    return lead


def lead_update(*, user, workspace_id: int, lead_id: int, **changes) -> Lead:
    """Change a lead that is not converted yet."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        lead = _locked_lead(workspace_id=workspace_id, lead_id=lead_id)
        if lead.status == LeadStatus.CONVERTED:
            raise ConflictError(
                _("The lead is converted: change its opportunity instead."), code="lead_status"
            )
        if "title" in changes:
            lead.title = name_clean(changes.pop("title"), "title", 300)
        if "owner_id" in changes:
            lead.owner = member_clean(workspace_id=workspace_id, user_id=changes.pop("owner_id"))
        if "account_id" in changes:
            account_id = changes.pop("account_id")
            lead.account = (
                account_in(workspace_id=workspace_id, account_id=account_id) if account_id else None
            )
        for field, value in _contact_values(workspace_id=workspace_id, values=changes).items():
            setattr(lead, field, value)
        lead.save()
    return lead


def lead_delete(*, user, workspace_id: int, lead_id: int) -> None:
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        _locked_lead(workspace_id=workspace_id, lead_id=lead_id).delete()


def lead_qualify(*, user, workspace_id: int, lead_id: int) -> Lead:
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        lead = _locked_lead(workspace_id=workspace_id, lead_id=lead_id)
        _status_to(lead, LeadStatus.QUALIFIED)
        lead.disqualified_reason = ""
        lead.save(update_fields=["status", "disqualified_reason", "updated_at"])
    return lead


def lead_disqualify(*, user, workspace_id: int, lead_id: int, reason: str) -> Lead:
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    reason = _text(reason, "reason", 300)
    if not reason:
        raise field_error("reason", _("Say why the lead is disqualified."), code="reason_required")
    with transaction.atomic():
        lead = _locked_lead(workspace_id=workspace_id, lead_id=lead_id)
        _status_to(lead, LeadStatus.DISQUALIFIED)
        lead.disqualified_reason = reason
        lead.save(update_fields=["status", "disqualified_reason", "updated_at"])
    return lead


def lead_convert(
    *,
    user,
    workspace_id: int,
    lead_id: int,
    account_id: int | None = None,
    pipeline_id: int | None = None,
    stage_id: int | None = None,
    title: str | None = None,
    amount: Decimal | None = None,
    currency: str | None = None,
    expected_close=None,
    owner_id: int | None = None,
    lot_id: int | None = None,
) -> Opportunity:
    """Convert a lead into an opportunity, in one transaction: on ``account_id``, else the
    lead's account, else one made for it (the buyer's of its tender, or from the company the
    lead names). The opportunity points at the lead's lot when its tender has that one lot,
    or at ``lot_id``."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        lead = _locked_lead(workspace_id=workspace_id, lead_id=lead_id)
        _status_to(lead, LeadStatus.CONVERTED)
        if lot_id is None and lead.lot is not None and lead.lot.tender.lots.count() == 1:
            lot_id = lead.lot_id
        lot, _tender = link_clean(workspace_id=workspace_id, lot_id=lot_id, tender_id=None)
        if pipeline_id is None:
            pipeline = default_pipeline(workspace_id=workspace_id, kind=PipelineKind.SALES)
        else:
            pipeline = pipeline_in(workspace_id=workspace_id, pipeline_id=pipeline_id)
        owner = member_clean(workspace_id=workspace_id, user_id=owner_id) or lead.owner
        if account_id:
            account = account_in(workspace_id=workspace_id, account_id=account_id)
        else:
            account = account_for_lead(lead=lead, by=user)
        opportunity = opportunity_add(
            workspace_id=workspace_id,
            account=account,
            pipeline=pipeline,
            stage_id=stage_id,
            by=user,
            title=name_clean(title or lead.title, "title", 300),
            amount=amount,
            currency=currency or (lot.tender.currency if lot else "UAH"),
            expected_close=expected_close,
            owner=owner,
            lot=lot,
        )
        lead.account, lead.opportunity = account, opportunity
        lead.save(update_fields=["status", "account", "opportunity", "updated_at"])
    return opportunity


def lead_add_for_event(
    *,
    workspace_id: int,
    source: str,
    title: str,
    event,
    lot=None,
    company_name: str = "",
    account=None,
    person_name: str = "",
    email: str = "",
    notes: str = "",
) -> Lead | None:
    """A lead the marketplace makes (a listener), once per workspace, event and lot: a
    redelivered event adds nothing (returns None)."""
    if Lead.objects.filter(workspace_id=workspace_id, event=event, lot=lot).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a racing delivery loses on the constraint
            lead = Lead.objects.create(
                workspace_id=workspace_id,
                title=title[:300],
                source=source,
                event=event,
                lot=lot,
                company_name=company_name[:300],
                account=account,
                person_name=person_name[:200],
                email=email,
                notes=notes,
            )
            _lead_created_emit(lead)
            return lead
    except IntegrityError:
        return None


# --- The website form --------------------------------------------------------------------------


def lead_form_token_issue(*, user, workspace_id: int, days: int = 365) -> tuple[str, datetime]:
    """A token for the workspace's website form, valid ``days`` days (at most two years) and
    while ``user`` edits the workspace's CRM."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= LEAD_FORM_MAX_DAYS:
        raise field_error("days", _("From 1 to %(n)d days.") % {"n": LEAD_FORM_MAX_DAYS})
    expires = timezone.now() + timedelta(days=days)
    payload = {"w": workspace_id, "u": user.pk, "e": int(expires.timestamp())}
    return signing.dumps(payload, salt=LEAD_FORM_SALT), expires


def lead_form_check(*, workspace_id: int, token: str) -> None:
    """Accept ``token`` for ``workspace_id``'s form, or answer "not found": a token that is
    forged, of another workspace, expired, or whose issuer no longer edits the CRM."""
    refused = NotFoundError(
        _("This form's link is not valid or has expired."), code="lead_form_invalid"
    )
    try:
        data = signing.loads(token, salt=LEAD_FORM_SALT)
    except signing.BadSignature:
        raise refused from None
    if not isinstance(data, dict) or data.get("w") != workspace_id:
        raise refused
    expires = data.get("e")
    if not isinstance(expires, int) or expires < timezone.now().timestamp():
        raise refused
    issuer_id = data.get("u")
    if not isinstance(issuer_id, int):
        raise refused
    issuer = get_user_model().objects.filter(pk=issuer_id, is_active=True).first()
    if issuer is None or not may_edit(user=issuer, workspace_id=workspace_id):
        raise refused


def lead_from_web_form(
    *,
    workspace_id: int,
    token: str,
    person_name: str = "",
    company_name: str = "",
    email: str = "",
    phone: str = "",
    message: str = "",
) -> Lead:
    """A lead a visitor of the workspace's website sent (no user: the token stands for the
    workspace). A name and a way to answer (an e-mail or a phone) are needed."""
    lead_form_check(workspace_id=workspace_id, token=token)
    values = _contact_values(
        workspace_id=workspace_id,
        values={
            "person_name": person_name,
            "company_name": company_name,
            "email": email,
            "phone": phone,
            "notes": message,
        },
    )
    if not values["person_name"] and not values["company_name"]:
        raise field_error("person_name", _("Give your name or your company's."))
    if not values["email"] and not values["phone"]:
        raise field_error("email", _("Give an e-mail address or a phone number to answer."))
    who = values["company_name"] or values["person_name"]
    with translation.override(settings.LANGUAGE_CODE):  # not the visitor's: the staff read it
        title = _("Website enquiry: %(who)s") % {"who": who}
    with transaction.atomic():
        lead = Lead.objects.create(
            workspace_id=workspace_id,
            title=title[:300],
            source=LeadSource.WEB_FORM,
            **values,
        )
        _lead_created_emit(lead)
    return lead
