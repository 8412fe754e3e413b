"""Reading accounts, contacts, tags and custom fields of a workspace. Every read starts with
the workspace check: another company's workspace, or a row of another workspace, is "not
found"."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError

from .access import workspace_require
from .account_checks import name_fold
from .models import Account, Contact, CustomField, Tag

_COMPACT_RE = re.compile(r"[\s\-./]")


def account_list(
    *,
    user,
    workspace_id: int,
    q: str = "",
    stage: str = "",
    segment: str = "",
    owner_id: int | None = None,
    tag_id: int | None = None,
    country: str = "",
) -> QuerySet[Account]:
    """The workspace's accounts, by name, filtered: ``q`` matches the name (also folded, so
    "ромашка" finds "ТОВ «Ромашка»"), an identifier's start, the domain or the e-mail."""
    workspace_require(user=user, workspace_id=workspace_id)
    accounts = (
        Account.objects.filter(workspace_id=workspace_id)
        .select_related("owner", "company")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    text = (q or "").strip()
    if text:
        # The folded name covers the name (case, quotes, legal forms), so the plain name is
        # searched only when the text folds to nothing ("LLC"). Each branch has its index on
        # PostgreSQL (crm migrations 0002, 0003).
        folded = name_fold(text)
        query = Q(name_key__contains=folded) if folded else Q(name__icontains=text)
        query |= Q(email__icontains=text)
        compact = _COMPACT_RE.sub("", text).upper()
        if compact:
            query |= Q(tax_id__startswith=compact) | Q(registration_number__startswith=compact)
        query |= Q(domain__startswith=text.lower())
        accounts = accounts.filter(query)
    if stage:
        accounts = accounts.filter(stage=stage)
    if segment:
        accounts = accounts.filter(segment=segment)
    if owner_id is not None:
        accounts = accounts.filter(owner_id=owner_id)
    if tag_id is not None:
        accounts = accounts.filter(tags__id=tag_id)
    if country:
        accounts = accounts.filter(country=country.upper())
    if text:
        # Sorted by an expression no index provides, so PostgreSQL gathers the matches from
        # the text indexes and sorts those, instead of walking the name index in order and
        # filtering until a page is full: a rare word whose matches all sort late (Cyrillic
        # names after Latin ones) read nearly the whole workspace that way (docs/benchmarks.md).
        return accounts.order_by(Upper("name"), "name", "pk")
    return accounts.order_by("name", "pk")


def account_get(*, user, workspace_id: int, account_id: int) -> Account:
    workspace_require(user=user, workspace_id=workspace_id)
    account = (
        Account.objects.filter(workspace_id=workspace_id, pk=account_id)
        .select_related("owner", "company", "created_by")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .first()
    )
    if account is None:
        raise NotFoundError(_("No such account."), code="account_not_found")
    return account


def account_contact_list(*, user, workspace_id: int, account_id: int) -> QuerySet[Contact]:
    """The contacts of an account."""
    account = account_get(user=user, workspace_id=workspace_id, account_id=account_id)
    return Contact.objects.filter(workspace_id=workspace_id, account=account).select_related("user")


def contact_list(
    *, user, workspace_id: int, q: str = "", account_id: int | None = None
) -> QuerySet[Contact]:
    """The workspace's contacts, by name: ``q`` matches a name, the position or an e-mail."""
    workspace_require(user=user, workspace_id=workspace_id)
    contacts = Contact.objects.filter(workspace_id=workspace_id).select_related("account", "user")
    if account_id is not None:
        contacts = contacts.filter(account_id=account_id)
    text = (q or "").strip()
    if text:
        contacts = contacts.filter(
            Q(last_name__icontains=text)
            | Q(first_name__icontains=text)
            | Q(position__icontains=text)
            | Q(emails__icontains=text.lower())
        )
    return contacts.order_by("last_name", "first_name", "pk")


def contact_get(*, user, workspace_id: int, contact_id: int) -> Contact:
    workspace_require(user=user, workspace_id=workspace_id)
    contact = (
        Contact.objects.filter(workspace_id=workspace_id, pk=contact_id)
        .select_related("account", "user")
        .first()
    )
    if contact is None:
        raise NotFoundError(_("No such contact."), code="contact_not_found")
    return contact


def tag_list(*, user, workspace_id: int) -> QuerySet[Tag]:
    workspace_require(user=user, workspace_id=workspace_id)
    return Tag.objects.filter(workspace_id=workspace_id).order_by("name")


def custom_field_list(*, user, workspace_id: int, entity: str = "") -> QuerySet[CustomField]:
    workspace_require(user=user, workspace_id=workspace_id)
    fields = CustomField.objects.filter(workspace_id=workspace_id)
    if entity:
        fields = fields.filter(entity=entity)
    return fields.order_by("entity", "label", "pk")
