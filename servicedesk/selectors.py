"""Reads of the service desk, each with its access rule.

* The workspace's staff: the CRM's rule (``crm.access.workspace_require``): its account
  managers and admins read and write, its procurement officers and bidders read, anyone else
  is told the workspace does not exist (404).
* A customer: a signed-in person of a company that is the CRM account (``Account.company``) of
  a case; they read their company's cases and the public messages only (never an internal
  note), and nothing else: another case is "not found".
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from crm.access import READ_ROLES, workspace_require
from crm.models import Account, Contact
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError

from .models import Case, CaseMessage, MessageKind, Queue, SlaPolicy, SupportMailbox


def _not_found() -> NotFoundError:
    return NotFoundError(_("Case not found."), code="case_not_found")


# --- The workspace's staff ------------------------------------------------------------------


def case_list(
    *,
    user,
    workspace_id: int,
    status: str = "",
    queue: int | None = None,
    assignee: int | None = None,
    breached: bool | None = None,
    account: int | None = None,
) -> QuerySet[Case]:
    workspace_require(user=user, workspace_id=workspace_id)
    qs = Case.objects.filter(workspace_id=workspace_id).select_related(
        "queue", "account", "assignee"
    )
    if status:
        qs = qs.filter(status=status)
    if queue:
        qs = qs.filter(queue_id=queue)
    if assignee:
        qs = qs.filter(assignee_id=assignee)
    if account:
        qs = qs.filter(account_id=account)
    if breached is True:
        qs = qs.filter(first_response_breached_at__isnull=False) | qs.filter(
            resolution_breached_at__isnull=False
        )
    return qs.order_by("-opened_at", "-pk")


def case_get(*, user, workspace_id: int, case_id: int, edit: bool = False) -> Case:
    workspace_require(user=user, workspace_id=workspace_id, edit=edit)
    case = (
        Case.objects.select_related("queue", "account", "contact", "assignee", "policy")
        .filter(pk=case_id, workspace_id=workspace_id)
        .first()
    )
    if case is None:
        raise _not_found()
    return case


def case_messages(*, case: Case, public_only: bool = False) -> QuerySet[CaseMessage]:
    qs = CaseMessage.objects.filter(case=case).select_related("author")
    if public_only:
        qs = qs.exclude(kind=MessageKind.NOTE)
    return qs.order_by("created_at", "pk")


def queues(*, user, workspace_id: int) -> QuerySet[Queue]:
    workspace_require(user=user, workspace_id=workspace_id)
    return Queue.objects.filter(workspace_id=workspace_id).select_related("escalation_to")


def policies(*, user, workspace_id: int) -> QuerySet[SlaPolicy]:
    workspace_require(user=user, workspace_id=workspace_id)
    return SlaPolicy.objects.filter(workspace_id=workspace_id)


def mailboxes(*, user, workspace_id: int) -> QuerySet[SupportMailbox]:
    workspace_require(user=user, workspace_id=workspace_id)
    return SupportMailbox.objects.filter(workspace_id=workspace_id)


def staff_people(*, workspace_id: int):
    """The workspace's people a case may be assigned to (the CRM's readers)."""
    return (
        get_user_model()
        .objects.filter(
            memberships__company_id=workspace_id, memberships__role__in=READ_ROLES, is_active=True
        )
        .distinct()
        .order_by("email")
    )


# --- The customer -----------------------------------------------------------------------------


def customer_company_ids(*, user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_company_ids(user=user)


def customer_cases(*, user) -> QuerySet[Case]:
    """The cases of every company ``user`` belongs to (as a customer: the account's company)."""
    return (
        Case.objects.filter(account__company_id__in=customer_company_ids(user=user))
        .select_related("workspace", "account")
        .order_by("-opened_at", "-pk")
    )


def customer_case_get(*, user, case_id: int) -> Case:
    case = customer_cases(user=user).filter(pk=case_id).first()
    if case is None:
        raise _not_found()
    return case


def customer_desks(*, user) -> list[tuple[Company, Account]]:
    """Where ``user`` may open a case: each workspace that has the user's company as a CRM
    account and a service desk (a queue); with that account."""
    companies = customer_company_ids(user=user)
    desks = set(Queue.objects.values_list("workspace_id", flat=True))
    accounts = (
        Account.objects.filter(company_id__in=companies, workspace_id__in=desks)
        .exclude(workspace_id__in=companies)
        .select_related("workspace")
        .order_by("workspace__legal_name", "pk")
    )
    return [(a.workspace, a) for a in accounts]


def customer_contact(*, user, account: Account) -> Contact | None:
    """The account's contact that is ``user`` (linked, else by e-mail)."""
    linked = Contact.objects.filter(account=account, user=user).first()
    if linked is not None or not user.email:
        return linked
    return contact_by_email(workspace_id=account.workspace_id, email=user.email, account=account)


def contact_by_email(
    *, workspace_id: int, email: str, account: Account | None = None
) -> Contact | None:
    """The workspace's contact with ``email`` among its e-mails (case-insensitive)."""
    wanted = email.strip().lower()
    if not wanted:
        return None
    qs = Contact.objects.filter(workspace_id=workspace_id, emails__icontains=wanted)
    if account is not None:
        qs = qs.filter(account=account)
    for contact in qs.select_related("account").order_by("pk"):
        if any(str(e).strip().lower() == wanted for e in contact.emails or []):
            return contact
    return None
