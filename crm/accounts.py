"""Accounts (counterparties), their tags and custom fields, and the contacts at them: the
writes. Reads are in ``account_selectors``, duplicates and merging in ``dedup``, files in
``imports``.

Rules held here:
- identifiers are checked per country as registration does (``account_checks``); an account
  whose identifiers (same country and tax identifier or registration number) are a marketplace
  company's is linked to it, and a workspace has one account per marketplace company at most
  (409 naming the account it already has);
- ``domain`` comes from the website, else from the e-mail unless at a public mail service;
- phones are kept in E.164 (the account's country is the region of a number written without
  its code), e-mails checked and lower-cased, a contact's language one of ru/uk/en, its consent
  recorded with the time it was given or withdrawn;
- a contact may be a marketplace user only when that user is a member of the account's company;
- custom field values are checked against their field's type.
Every function starts with the workspace check (``access.workspace_require``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.companies.identifiers import IdentifierError
from marketplace.companies.models import Company, Membership
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from marketplace.users.models import User

from . import account_checks as checks
from .access import EDIT_ROLES, workspace_require
from .models import (
    Account,
    Contact,
    CustomField,
    CustomFieldType,
    Lifecycle,
    Opportunity,
    Segment,
    Tag,
)

ACCOUNT_TEXT_FIELDS = {"address": None, "city": 120, "notes": None}
ACCOUNT_FIELDS = (
    "name",
    "country",
    "registration_number",
    "tax_id",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "owner_id",
    "segment",
    "stage",
    "tags",
    "notes",
    "custom",
)
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "position",
    "emails",
    "phones",
    "language",
    "consent",
    "user_id",
    "notes",
    "custom",
)
TAG_MAX = 60


def invalid(errors: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(_("Some fields are not valid."), code="invalid", fields=errors)


@dataclass
class Cleaned:
    """Values checked for storing, and what was wrong (field -> messages)."""

    values: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(str(message))

    def attempt(self, name: str, check, *args, **kwargs):
        try:
            value = check(*args, **kwargs)
        except ValueError as exc:
            self.add(name, str(exc))
            return None
        self.values[name] = value
        return value


# --- Custom fields -------------------------------------------------------------------------


def custom_fields_of(*, workspace_id: int, entity: str) -> dict[str, CustomField]:
    return {f.key: f for f in CustomField.objects.filter(workspace_id=workspace_id, entity=entity)}


def custom_values_clean(
    *, fields: dict[str, CustomField], values: dict, current: dict | None = None
) -> tuple[dict, dict[str, list[str]]]:
    """``current`` with ``values`` applied, each checked against its field's type; an empty
    value (None, "") removes the key. Errors are keyed ``custom.<key>``."""
    out = dict(current or {})
    errors: dict[str, list[str]] = {}
    if not isinstance(values, dict):
        return out, {"custom": [_("Custom fields are given as an object: {key: value}.")]}
    for key, value in values.items():
        definition = fields.get(key)
        if definition is None:
            errors[f"custom.{key}"] = [_("There is no custom field “%(key)s”.") % {"key": key}]
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            out.pop(key, None)
            continue
        try:
            out[key] = checks.custom_value_clean(
                type=definition.type, choices=definition.choices, value=value
            )
        except ValueError as exc:
            errors[f"custom.{key}"] = [str(exc)]
    return out, errors


def custom_field_create(
    *,
    actor,
    workspace_id: int,
    entity: str,
    key: str,
    label: str,
    type: str,
    choices: list[str] | None = None,
) -> CustomField:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    choices = _choices_clean(type, choices)
    try:
        with transaction.atomic():
            return CustomField.objects.create(
                workspace_id=workspace_id,
                entity=entity,
                key=key,
                label=label.strip(),
                type=type,
                choices=choices,
            )
    except IntegrityError:
        raise ConflictError(
            _("A custom field with the key “%(key)s” already exists.") % {"key": key},
            code="custom_field_exists",
        ) from None


def custom_field_update(
    *,
    actor,
    workspace_id: int,
    field_id: int,
    label: str | None = None,
    choices: list[str] | None = None,
) -> CustomField:
    """Change a field's label or choices; its key, entity and type stay (values are kept by
    key and checked by type)."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    definition = _custom_field(workspace_id, field_id)
    if label is not None:
        definition.label = label.strip()
    if choices is not None:
        definition.choices = _choices_clean(definition.type, choices)
    definition.save()
    return definition


def custom_field_delete(*, actor, workspace_id: int, field_id: int) -> None:
    """Delete a field and its values on every row of the workspace."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        definition = _custom_field(workspace_id, field_id)
        rows: QuerySet[Any] = {
            CustomField.Entity.ACCOUNT: Account.objects.all(),
            CustomField.Entity.CONTACT: Contact.objects.all(),
            CustomField.Entity.OPPORTUNITY: Opportunity.objects.all(),
        }[CustomField.Entity(definition.entity)]
        rows = rows.filter(
            workspace_id=workspace_id, custom__has_key=definition.key
        ).select_for_update()
        for row in rows:
            row.custom.pop(definition.key, None)
            row.save(update_fields=["custom"])
        definition.delete()


def _custom_field(workspace_id: int, field_id: int) -> CustomField:
    definition = CustomField.objects.filter(workspace_id=workspace_id, pk=field_id).first()
    if definition is None:
        raise NotFoundError(_("No such custom field."), code="custom_field_not_found")
    return definition


def _choices_clean(type: str, choices: list[str] | None) -> list[str]:
    if type != CustomFieldType.CHOICE:
        return []
    cleaned: list[str] = []
    for choice in choices or []:
        text = str(choice).strip()
        if text and text not in cleaned:
            cleaned.append(text[:100])
    if not cleaned:
        message = _("A choice field needs its choices.")
        raise ApplicationError(message, code="invalid", fields={"choices": [message]})
    return cleaned


# --- Tags ----------------------------------------------------------------------------------


def tag_create(*, actor, workspace_id: int, name: str) -> Tag:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    return tags_get_or_create(workspace_id=workspace_id, names=[name])[0]


def tag_rename(*, actor, workspace_id: int, tag_id: int, name: str) -> Tag:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    tag = Tag.objects.filter(workspace_id=workspace_id, pk=tag_id).first()
    if tag is None:
        raise NotFoundError(_("No such tag."), code="tag_not_found")
    name = _tag_name(name)
    clash = Tag.objects.filter(workspace_id=workspace_id, name__iexact=name).exclude(pk=tag.pk)
    if clash.exists():
        raise ConflictError(
            _("A tag named “%(name)s” already exists.") % {"name": name}, code="tag_exists"
        )
    tag.name = name
    tag.save(update_fields=["name"])
    return tag


def tag_delete(*, actor, workspace_id: int, tag_id: int) -> None:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    deleted, _rows = Tag.objects.filter(workspace_id=workspace_id, pk=tag_id).delete()
    if not deleted:
        raise NotFoundError(_("No such tag."), code="tag_not_found")


def tags_get_or_create(*, workspace_id: int, names: list[str]) -> list[Tag]:
    """The workspace's tags of these names (compared regardless of case), made when missing.
    The caller has checked that its actor may edit."""
    wanted: dict[str, str] = {}
    for name in names:
        cleaned = _tag_name(name)
        wanted.setdefault(cleaned.lower(), cleaned)
    if not wanted:
        return []
    found = {
        t.name.lower(): t
        for t in Tag.objects.filter(workspace_id=workspace_id).filter(
            _iexact_any("name", list(wanted.values()))
        )
    }
    for lower, name in wanted.items():
        if lower not in found:
            with transaction.atomic():
                found[lower], _made = Tag.objects.get_or_create(
                    workspace_id=workspace_id, name=name
                )
    return [found[lower] for lower in wanted]


def _tag_name(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not text or len(text) > TAG_MAX:
        message = _("A tag has 1 to %(n)d characters.") % {"n": TAG_MAX}
        raise ApplicationError(message, code="invalid", fields={"tags": [message]})
    return text


def _iexact_any(name: str, values: list[str]) -> Q:
    query = Q()
    for value in values:
        query |= Q(**{f"{name}__iexact": value})
    return query


# --- Accounts ------------------------------------------------------------------------------


def account_values_clean(
    *, data: dict, custom_fields: dict[str, CustomField], current: dict | None = None
) -> Cleaned:
    """An account's values checked (``data`` over ``current``: a partial change is checked
    with what it does not change). ``owner`` and ``tags`` are checked by the caller (they need
    the database). No database here: the import checks 50,000 rows with it."""
    merged = {**(current or {}), **data}
    out = Cleaned()
    name = " ".join(str(merged.get("name") or "").split())
    if not name:
        out.add("name", _("The name is required."))
    elif len(name) > 300:
        out.add("name", _("The name is longer than 300 characters."))
    else:
        out.values["name"] = name
        out.values["name_key"] = checks.name_fold(name)
    country = out.attempt("country", checks.country_clean, merged.get("country") or "") or ""
    try:
        identifiers = checks.identifiers_clean(
            country=country,
            registration_number=str(merged.get("registration_number") or ""),
            tax_id=str(merged.get("tax_id") or ""),
        )
        out.values["registration_number"] = identifiers.registration_number
        out.values["tax_id"] = identifiers.tax_id
    except IdentifierError as exc:
        for name_, messages in exc.errors.items():
            for message in messages:
                out.add(name_, message)
    website = out.attempt("website", checks.website_clean, merged.get("website") or "")
    email = out.attempt("email", checks.email_clean, merged.get("email") or "")
    out.attempt("phone", checks.phone_clean, str(merged.get("phone") or ""), region=country)
    out.values["domain"] = checks.domain_of(website=website or "", email=email or "")
    for name_, limit in ACCOUNT_TEXT_FIELDS.items():
        text = str(merged.get(name_) or "").strip()
        if limit and len(text) > limit:
            out.add(name_, _("Longer than %(n)d characters.") % {"n": limit})
        out.values[name_] = text
    for name_, choices, default in (
        ("segment", Segment, Segment.CUSTOMER),
        ("stage", Lifecycle, Lifecycle.PROSPECT),
    ):
        value = merged.get(name_)
        if value in (None, ""):
            out.values[name_] = default
        else:
            out.attempt(name_, checks.choice_clean, choices, value)
    custom, errors = custom_values_clean(
        fields=custom_fields,
        values=data.get("custom") or {},
        current=(current or {}).get("custom"),
    )
    out.values["custom"] = custom
    for name_, messages in errors.items():
        out.errors.setdefault(name_, []).extend(messages)
    return out


def workspace_editors(*, workspace_id: int):
    """The people who may own the workspace's accounts: its account managers and admins."""
    return User.objects.filter(
        memberships__company_id=workspace_id, memberships__role__in=EDIT_ROLES
    ).distinct()


def company_matching(*, country: str, registration_number: str, tax_id: str) -> Company | None:
    """The marketplace company with these identifiers (same country and registration number,
    else same country and tax identifier), if there is one."""
    if not country or not (registration_number or tax_id):
        return None
    companies = Company.objects.filter(country=country)
    if registration_number:
        found = companies.filter(registration_number=registration_number).first()
        if found is not None:
            return found
    if tax_id:
        return companies.filter(tax_id=tax_id).first()
    return None


def account_for_company_conflict(account: Account) -> ConflictError:
    return ConflictError(
        _(
            "This CRM already has an account for this company: “%(name)s” (#%(id)d). "
            "Open it, or merge the two."
        )
        % {"name": account.name, "id": account.pk},
        code="account_exists_for_company",
    )


def account_create(
    *,
    actor,
    workspace_id: int,
    name: str,
    country: str = "",
    registration_number: str = "",
    tax_id: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    city: str = "",
    owner_id: int | None = None,
    segment: str = "",
    stage: str = "",
    tags: list[str] | None = None,
    notes: str = "",
    custom: dict | None = None,
) -> Account:
    """A new account (duplicates are not refused: ``dedup.account_duplicates`` names them for
    the person to merge). 400 for invalid values, 409 when the workspace already has an account
    for the same marketplace company."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    data = {
        "name": name,
        "country": country,
        "registration_number": registration_number,
        "tax_id": tax_id,
        "website": website,
        "email": email,
        "phone": phone,
        "address": address,
        "city": city,
        "segment": segment,
        "stage": stage,
        "notes": notes,
        "custom": custom or {},
    }
    account = Account(workspace_id=workspace_id, created_by=actor)
    return _account_save(account=account, data=data, owner_id=owner_id, tags=tags, creating=True)


def account_update(*, actor, workspace_id: int, account_id: int, changes: dict) -> Account:
    """Change an account: ``changes`` names the fields to change (``ACCOUNT_FIELDS``; the owner
    as ``owner_id``, ``custom`` keys merged, a None value removing one)."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise invalid({k: [_("Not a field of an account.")] for k in sorted(unknown)})
    with transaction.atomic():
        account = _account_locked(workspace_id, account_id)
        data = {k: v for k, v in changes.items() if k not in ("owner_id", "tags")}
        owner_id = changes.get("owner_id", account.owner_id)
        return _account_save(
            account=account,
            data=data,
            owner_id=owner_id,
            tags=changes.get("tags"),
            creating=False,
        )


def account_delete(*, actor, workspace_id: int, account_id: int) -> None:
    """Delete an account with its contacts, opportunities, activities, timeline and
    documents."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        _account_locked(workspace_id, account_id).delete()


def _account_locked(workspace_id: int, account_id: int) -> Account:
    account = (
        Account.objects.select_for_update(of=("self",))
        .filter(workspace_id=workspace_id, pk=account_id)
        .first()
    )
    if account is None:
        raise NotFoundError(_("No such account."), code="account_not_found")
    return account


def account_current_values(account: Account) -> dict:
    return {
        name: getattr(account, name) for name in ACCOUNT_FIELDS if name not in ("owner_id", "tags")
    }


def _account_save(
    *, account: Account, data: dict, owner_id, tags: list[str] | None, creating: bool
) -> Account:
    fields = custom_fields_of(workspace_id=account.workspace_id, entity="account")
    current = None if creating else account_current_values(account)
    cleaned = account_values_clean(data=data, custom_fields=fields, current=current)
    owner = account.owner if owner_id is not None and owner_id == account.owner_id else None
    if owner_id is not None and owner is None:  # a new owner (the current one is kept as is)
        owner = workspace_editors(workspace_id=account.workspace_id).filter(pk=owner_id).first()
        if owner is None:
            cleaned.add(
                "owner", _("The owner must be an account manager or admin of your company.")
            )
    if tags is not None and not isinstance(tags, list):
        cleaned.add("tags", _("Tags are given as a list of names."))
    if cleaned.errors:
        raise invalid(cleaned.errors)
    values = cleaned.values
    for name, value in values.items():
        setattr(account, name, value)
    account.owner = owner
    if creating or {"country", "registration_number", "tax_id"} & set(data):
        account.company = company_matching(
            country=values["country"],
            registration_number=values["registration_number"],
            tax_id=values["tax_id"],
        )
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the constraint decides, races included
                account.save()
        except IntegrityError:  # one account per marketplace company in a workspace
            existing = (
                Account.objects.filter(workspace_id=account.workspace_id, company=account.company)
                .exclude(pk=account.pk)
                .first()
            )
            if existing is None:
                raise
            raise account_for_company_conflict(existing) from None
        if tags is not None:
            account.tags.set(tags_get_or_create(workspace_id=account.workspace_id, names=tags))
    return account


# --- Contacts ------------------------------------------------------------------------------


def contact_values_clean(
    *, data: dict, region: str, custom_fields: dict[str, CustomField], current: dict | None = None
) -> Cleaned:
    """A contact's values checked, ``data`` over ``current``; phones read with ``region`` (the
    account's country). ``user`` is checked by the caller. No database here."""
    merged = {**(current or {}), **data}
    out = Cleaned()
    for name, limit, required in (
        ("first_name", 120, False),
        ("last_name", 120, True),
        ("position", 200, False),
    ):
        text = " ".join(str(merged.get(name) or "").split())
        if required and not text:
            out.add(name, _("The last name is required."))
        elif len(text) > limit:
            out.add(name, _("Longer than %(n)d characters.") % {"n": limit})
        out.values[name] = text
    out.attempt("emails", checks.emails_clean, merged.get("emails"))
    out.attempt("phones", checks.phones_clean, merged.get("phones"), region=region)
    out.attempt("language", checks.language_clean, merged.get("language") or "")
    out.attempt("consent", checks.boolean_clean, merged.get("consent") or False)
    out.values["notes"] = str(merged.get("notes") or "").strip()
    custom, errors = custom_values_clean(
        fields=custom_fields,
        values=data.get("custom") or {},
        current=(current or {}).get("custom"),
    )
    out.values["custom"] = custom
    for name, messages in errors.items():
        out.errors.setdefault(name, []).extend(messages)
    return out


def contact_create(
    *,
    actor,
    workspace_id: int,
    account_id: int,
    last_name: str,
    first_name: str = "",
    position: str = "",
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    language: str = "",
    consent: bool = False,
    user_id: int | None = None,
    notes: str = "",
    custom: dict | None = None,
) -> Contact:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    account = Account.objects.filter(workspace_id=workspace_id, pk=account_id).first()
    if account is None:
        raise NotFoundError(_("No such account."), code="account_not_found")
    contact = Contact(workspace_id=workspace_id, account=account, created_by=actor)
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "position": position,
        "emails": emails or [],
        "phones": phones or [],
        "language": language,
        "consent": consent,
        "notes": notes,
        "custom": custom or {},
    }
    return _contact_save(contact=contact, data=data, user_id=user_id, creating=True)


def contact_update(*, actor, workspace_id: int, contact_id: int, changes: dict) -> Contact:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise invalid({k: [_("Not a field of a contact.")] for k in sorted(unknown)})
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("account")
            .filter(workspace_id=workspace_id, pk=contact_id)
            .first()
        )
        if contact is None:
            raise NotFoundError(_("No such contact."), code="contact_not_found")
        data = {k: v for k, v in changes.items() if k != "user_id"}
        user_id = changes.get("user_id", contact.user_id)
        return _contact_save(contact=contact, data=data, user_id=user_id, creating=False)


def contact_delete(*, actor, workspace_id: int, contact_id: int) -> None:
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    deleted, _rows = Contact.objects.filter(workspace_id=workspace_id, pk=contact_id).delete()
    if not deleted:
        raise NotFoundError(_("No such contact."), code="contact_not_found")


def _contact_save(*, contact: Contact, data: dict, user_id, creating: bool) -> Contact:
    account = contact.account
    fields = custom_fields_of(workspace_id=contact.workspace_id, entity="contact")
    current = None
    if not creating:
        current = {name: getattr(contact, name) for name in CONTACT_FIELDS if name != "user_id"}
    cleaned = contact_values_clean(
        data=data, region=account.country, custom_fields=fields, current=current
    )
    if user_id is not None and user_id != contact.user_id:
        is_member = (
            account.company_id is not None
            and Membership.objects.filter(user_id=user_id, company_id=account.company_id).exists()
        )
        if not is_member:
            cleaned.add(
                "user",
                _("Only a member of the account's marketplace company can be linked.")
                if account.company_id
                else _("The account is not a marketplace company: it has no users to link."),
            )
    if cleaned.errors:
        raise invalid(cleaned.errors)
    values = cleaned.values
    consent = values.pop("consent")
    if creating:
        contact.consent_at = timezone.now() if consent else None
    elif consent != contact.consent:  # given or withdrawn now
        contact.consent_at = timezone.now()
    contact.consent = consent
    for name, value in values.items():
        setattr(contact, name, value)
    contact.user_id = user_id
    contact.save()
    return contact
