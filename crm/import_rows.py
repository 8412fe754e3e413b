"""The rows of an import file, checked: the columns (their names in en/uk/ru, the mapping from
the file's headers), then each row's values by the same checks as the API's
(``accounts.account_values_clean``, ``contact_values_clean``), duplicates within the file ("of
row N") and of what the workspace already has, and at last the writing of the valid rows.

Written for 50,000 rows: the values are checked with no database call per row; owners,
marketplace companies, existing accounts and contacts are read in batches. The job's flow (the
file, the progress, the report, Celery) is in ``imports``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.companies.models import Company
from marketplace.core.spreadsheets import cell_text, is_blank, normalize_header

from . import account_checks as checks
from .accounts import (
    account_values_clean,
    contact_values_clean,
    tags_get_or_create,
    workspace_editors,
)
from .models import Account, Contact, CustomField

BATCH = 500

ACCOUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "company",
        "company name",
        "account",
        "назва",
        "найменування",
        "компанія",
        "контрагент",
        "название",
        "наименование",
        "компания",
    ),
    "country": ("country", "країна", "страна"),
    "registration_number": (
        "registration_number",
        "registration number",
        "reg. number",
        "edrpou",
        "ogrn",
        "єдрпоу",
        "код єдрпоу",
        "реєстраційний номер",
        "огрн",
        "едрпоу",
        "регистрационный номер",
    ),
    "tax_id": (
        "tax_id",
        "tax id",
        "tax number",
        "vat",
        "vat number",
        "inn",
        "іпн",
        "податковий номер",
        "інн",
        "инн",
        "налоговый номер",
    ),
    "website": ("website", "web site", "site", "url", "сайт", "вебсайт", "веб-сайт"),
    "email": ("email", "e-mail", "mail", "ел. пошта", "електронна пошта", "пошта", "почта"),
    "phone": ("phone", "telephone", "tel", "телефон"),
    "address": ("address", "адреса", "адрес"),
    "city": ("city", "town", "місто", "город"),
    "owner": (
        "owner",
        "owner email",
        "owner e-mail",
        "manager",
        "відповідальний",
        "менеджер",
        "ответственный",
    ),
    "segment": ("segment", "сегмент"),
    "stage": ("stage", "lifecycle stage", "стадія", "етап", "стадия", "этап"),
    "tags": ("tags", "tag", "мітки", "теги", "метки"),
    "notes": ("notes", "note", "comment", "примітки", "коментар", "примечания", "комментарий"),
}
CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("account", "company", "account name", "компанія", "контрагент", "компания"),
    "account_registration_number": (
        "account_registration_number",
        "account registration number",
        "edrpou",
        "єдрпоу",
        "код єдрпоу",
        "едрпоу",
        "огрн",
    ),
    "account_tax_id": ("account_tax_id", "account tax id", "tax id", "inn", "інн", "инн"),
    "first_name": ("first_name", "first name", "given name", "ім'я", "ім’я", "имя"),
    "last_name": ("last_name", "last name", "surname", "family name", "прізвище", "фамилия"),
    "position": ("position", "job title", "title", "посада", "должность"),
    "emails": ("emails", "email", "e-mail", "ел. пошта", "електронна пошта", "почта"),
    "phones": ("phones", "phone", "telephone", "телефон", "телефони", "телефоны"),
    "language": ("language", "lang", "мова", "язык"),
    "consent": ("consent", "consents", "згода", "согласие"),
    "notes": ("notes", "note", "comment", "примітки", "коментар", "примечания", "комментарий"),
}
_ACCOUNT_IDS = (
    ("tax_id", "account_tax_id"),
    ("registration_number", "account_registration_number"),
)
COLUMNS = {"accounts": ACCOUNT_COLUMNS, "contacts": CONTACT_COLUMNS}
ENTITY_OF = {"accounts": CustomField.Entity.ACCOUNT, "contacts": CustomField.Entity.CONTACT}


class MappingProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def known_fields(entity: str, custom_fields: Iterable[CustomField]) -> list[str]:
    return [*COLUMNS[entity], *(f"custom.{f.key}" for f in custom_fields)]


def header_aliases(*, entity: str, custom_fields: Iterable[CustomField]) -> dict[str, str]:
    """A column's name as written in a file's header (normalised) -> the field it fills: the
    en/uk/ru spellings, and a custom field by ``custom.<key>`` or its label."""
    aliases: dict[str, str] = {}
    for name, spellings in COLUMNS[entity].items():
        for spelling in spellings:
            aliases.setdefault(spelling, name)
    for definition in custom_fields:
        aliases.setdefault(f"custom.{definition.key}", f"custom.{definition.key}")
        aliases.setdefault(normalize_header(definition.label), f"custom.{definition.key}")
    return aliases


def mapping_resolve(
    *, entity: str, header: list, custom_fields: dict[str, CustomField], given: dict | None
) -> dict[str, str]:
    """The file's header -> field (``""``: not imported): the person's mapping where given,
    else recognised from the header's name (``header_aliases``). Raises MappingProblem naming
    what is missing or doubled."""
    aliases = header_aliases(entity=entity, custom_fields=custom_fields.values())
    given = {normalize_header(k): v for k, v in (given or {}).items()}
    names = [cell_text(h) for h in header]
    unknown = set(given) - {normalize_header(n) for n in names}
    if unknown:
        raise MappingProblem(
            _("The mapping names columns the file does not have: %(names)s.")
            % {"names": ", ".join(sorted(unknown))}
        )
    mapping: dict[str, str] = {}
    used: dict[str, str] = {}
    for name in names:
        if not name:
            continue
        key = normalize_header(name)
        target = given[key] if key in given else aliases.get(key, "")
        if target and target in used:
            raise MappingProblem(
                _("The columns “%(a)s” and “%(b)s” are both “%(field)s”: map one of them only.")
                % {"a": used[target], "b": name, "field": target}
            )
        if target:
            used[target] = name
        mapping[name] = target or ""
    required: list[tuple[str, ...]] = (
        [("name",)]
        if entity == "accounts"
        else [("last_name",), ("account", "account_tax_id", "account_registration_number")]
    )
    for options in required:
        if not any(o in used for o in options):
            raise MappingProblem(
                _("The file has no column for %(fields)s (map one of its columns to it).")
                % {"fields": _(" or ").join(options)}
            )
    return mapping


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    raw: dict[str, object]  # field -> cell value
    values: dict = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def text(self, name: str) -> str:
        return cell_text(self.raw.get(name))

    def report(self) -> dict:
        return {"row": self.number, "problems": self.problems}


def table_rows(table: list[list], mapping: dict[str, str]) -> list[Row]:
    """The data rows (blank ones left out), each as field -> cell value."""
    header = [cell_text(h) for h in table[0]]
    positions = [(i, mapping.get(name, "")) for i, name in enumerate(header)]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if is_blank(values):
            continue
        raw = {target: values[i] for i, target in positions if target and i < len(values)}
        rows.append(Row(number=number, raw=raw))
    return rows


class _Checker:
    """What the two kinds of rows share: the file's column names for the report, custom
    values, and the batched reads."""

    entity = ""

    def __init__(self, *, workspace: Company, mapping: dict[str, str]) -> None:
        self.workspace = workspace
        self.header_of = {target: name for name, target in mapping.items() if target}
        self.custom_fields = {
            f.key: f
            for f in CustomField.objects.filter(workspace=workspace, entity=ENTITY_OF[self.entity])
        }

    def problem(self, row: Row, name: str, message: str) -> None:
        column = self.header_of.get(name) or self.header_of.get(name.split(".")[0])
        row.problems.append({"column": column or "", "field": name, "problem": str(message)})

    def custom_data(self, row: Row) -> dict:
        return {
            name.removeprefix("custom."): value
            for name, value in row.raw.items()
            if name.startswith("custom.") and cell_text(value) != ""
        }

    def check(self, rows: list[Row], progress: Callable[[int], None]) -> None:
        raise NotImplementedError

    def recheck(self, rows: list[Row]) -> None:
        """The checks against the workspace's rows again (at writing: it may have changed)."""
        raise NotImplementedError

    def write(self, rows: list[Row], *, actor) -> int:
        raise NotImplementedError


def _batches(values: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class AccountChecker(_Checker):
    entity = "accounts"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.owners = {
            u.email.lower(): u for u in workspace_editors(workspace_id=self.workspace.pk)
        }

    def check(self, rows: list[Row], progress: Callable[[int], None]) -> None:
        for done, row in enumerate(rows, start=1):
            self.check_values(row)
            if done % BATCH == 0:
                progress(done)
        self.check_in_file(rows)
        self.recheck(rows)
        progress(len(rows))

    def check_values(self, row: Row) -> None:
        registration_number = row.text("registration_number")
        country = row.text("country") or self.workspace.country
        if isinstance(row.raw.get("registration_number"), int | float) and country == "UA":
            registration_number = registration_number.zfill(8)  # a number cell lost its zeros
        data = {
            "name": row.text("name"),
            "country": country,
            "registration_number": registration_number,
            "tax_id": row.text("tax_id"),
            "website": row.text("website"),
            "email": row.text("email"),
            "phone": _phone_text(row.raw.get("phone")),
            "address": row.text("address"),
            "city": row.text("city"),
            "segment": row.text("segment"),
            "stage": row.text("stage"),
            "notes": row.text("notes"),
            "custom": self.custom_data(row),
        }
        cleaned = account_values_clean(data=data, custom_fields=self.custom_fields)
        for name, messages in cleaned.errors.items():
            for message in messages:
                self.problem(row, name, message)
        owner_email = row.text("owner").lower()
        if owner_email:
            owner = self.owners.get(owner_email)
            if owner is None:
                self.problem(
                    row,
                    "owner",
                    _("No account manager or admin of your company has the e-mail %(email)s.")
                    % {"email": owner_email},
                )
            row.extra["owner"] = owner
        tags = checks.split_list(row.text("tags"))
        if any(len(t) > 60 for t in tags):
            self.problem(row, "tags", _("A tag has 1 to %(n)d characters.") % {"n": 60})
        row.extra["tags"] = tags
        row.values = cleaned.values

    @staticmethod
    def keys(row: Row) -> list[tuple]:
        values = row.values
        country = values.get("country", "")
        keys: list[tuple] = []
        if values.get("tax_id"):
            keys.append(("tax_id", country, values["tax_id"]))
        if values.get("registration_number"):
            keys.append(("registration_number", country, values["registration_number"]))
        if not keys and values.get("name_key"):
            keys.append(("name", values["name_key"]))
        return keys

    def check_in_file(self, rows: list[Row]) -> None:
        seen: dict[tuple, int] = {}
        for row in rows:
            first = next((seen[k] for k in self.keys(row) if k in seen), None)
            if first is not None:
                self.problem(
                    row, "name", _("A duplicate of row %(row)d of the file.") % {"row": first}
                )
            for key in self.keys(row):
                seen.setdefault(key, row.number)

    def recheck(self, rows: list[Row]) -> None:
        """Marketplace companies matched, and duplicates of the workspace's accounts."""
        live = [r for r in rows if not r.problems]
        companies = self._companies(live)
        existing = self._existing(live, companies)
        for row in live:
            values = row.values
            company = companies.get(
                ("registration_number", values["country"], values["registration_number"])
            ) or companies.get(("tax_id", values["country"], values["tax_id"]))
            row.extra["company_id"] = company.pk if company else None
            clash = existing.get(("company", company.pk)) if company else None
            reason = _("the same marketplace company")
            if clash is None:
                for key in self.keys(row):
                    clash = existing.get(key)
                    if clash is not None:
                        reason = {
                            "tax_id": _("the same tax identifier"),
                            "registration_number": _("the same registration number"),
                            "name": _("the same name"),
                        }[key[0]]
                        break
            if clash is not None:
                self.problem(
                    row,
                    "name",
                    _("A duplicate of the existing account “%(name)s” (#%(id)d): %(why)s.")
                    % {"name": clash.name, "id": clash.pk, "why": reason},
                )

    def _companies(self, rows: list[Row]) -> dict[tuple, Company]:
        found: dict[tuple, Company] = {}
        for name in ("registration_number", "tax_id"):
            wanted = sorted({r.values[name] for r in rows if r.values.get(name)})
            for batch in _batches(wanted):
                for company in Company.objects.filter(**{f"{name}__in": batch}):
                    found.setdefault((name, company.country, getattr(company, name)), company)
        return found

    def _existing(self, rows: list[Row], companies: dict[tuple, Company]) -> dict[tuple, Account]:
        accounts = Account.objects.filter(workspace=self.workspace).only(
            "pk", "name", "name_key", "country", "tax_id", "registration_number", "company_id"
        )
        found: dict[tuple, Account] = {}
        company_ids = sorted({c.pk for c in companies.values()})
        for batch in _batches(company_ids):
            for account in accounts.filter(company_id__in=batch):
                found[("company", account.company_id)] = account
        for name in ("registration_number", "tax_id"):
            wanted = sorted({r.values[name] for r in rows if r.values.get(name)})
            for batch in _batches(wanted):
                for account in accounts.filter(**{f"{name}__in": batch}):
                    found.setdefault((name, account.country, getattr(account, name)), account)
        names = sorted({k[1] for r in rows for k in self.keys(r) if k[0] == "name"})
        for batch in _batches(names):
            for account in accounts.filter(name_key__in=batch):
                found.setdefault(("name", account.name_key), account)
        return found

    def write(self, rows: list[Row], *, actor) -> int:
        accounts = [
            Account(
                workspace=self.workspace,
                created_by=actor,
                owner=row.extra.get("owner"),
                company_id=row.extra.get("company_id"),
                **row.values,
            )
            for row in rows
        ]
        Account.objects.bulk_create(accounts, batch_size=BATCH)
        names = sorted({t for row in rows for t in row.extra.get("tags", [])}, key=str.lower)
        if names:
            tags = {
                t.name.lower(): t
                for t in tags_get_or_create(workspace_id=self.workspace.pk, names=names)
            }
            through = Account.tags.through
            links = {
                (account.pk, tags[name.lower()].pk)
                for account, row in zip(accounts, rows, strict=True)
                for name in row.extra.get("tags", [])
            }
            through.objects.bulk_create(
                [through(account_id=a, tag_id=t) for a, t in sorted(links)], batch_size=BATCH
            )
        return len(accounts)


class ContactChecker(_Checker):
    entity = "contacts"

    def check(self, rows: list[Row], progress: Callable[[int], None]) -> None:
        self.resolve_accounts(rows)
        for done, row in enumerate(rows, start=1):
            self.check_values(row)
            if done % BATCH == 0:
                progress(done)
        self.check_in_file(rows)
        self.recheck(rows)
        progress(len(rows))

    def resolve_accounts(self, rows: list[Row]) -> None:
        """Each row's account: by its tax identifier or registration number, else by its name
        (which must name one account only)."""
        accounts = Account.objects.filter(workspace=self.workspace).only(
            "pk", "name", "name_key", "country", "tax_id", "registration_number"
        )
        by: dict[str, dict[str, list[Account]]] = {"tax_id": {}, "registration_number": {}}
        by_name: dict[str, list[Account]] = {}
        for name, column in _ACCOUNT_IDS:
            wanted = sorted({_compact(r.text(column)) for r in rows if r.text(column)})
            for batch in _batches(wanted):
                for account in accounts.filter(**{f"{name}__in": batch}):
                    by[name].setdefault(getattr(account, name), []).append(account)
        wanted = sorted({checks.name_fold(r.text("account")) for r in rows if r.text("account")})
        for batch in _batches([w for w in wanted if w]):
            for account in accounts.filter(name_key__in=batch):
                by_name.setdefault(account.name_key, []).append(account)
        for row in rows:
            found = self._account_of(row, by, by_name)
            if found is not None:
                row.extra["account"] = found

    def _account_of(self, row: Row, by: dict, by_name: dict) -> Account | None:
        for name, column in _ACCOUNT_IDS:
            if row.text(column):
                found = by[name].get(_compact(row.text(column)), [])
                if not found:
                    message = _("No account has the identifier %(value)s.")
                    self.problem(row, column, message % {"value": row.text(column)})
                    return None
                break
        else:
            if not row.text("account"):
                self.problem(row, "account", _("The row names no account."))
                return None
            found = by_name.get(checks.name_fold(row.text("account")), [])
            if not found:
                message = _("No account is named “%(name)s”.")
                self.problem(row, "account", message % {"name": row.text("account")})
                return None
        if len(found) > 1:
            message = _("Several accounts match “%(name)s”: give its tax identifier.")
            self.problem(row, "account", message % {"name": row.text("account") or found[0].name})
            return None
        return found[0]

    def check_values(self, row: Row) -> None:
        account = row.extra.get("account")
        data = {
            "first_name": row.text("first_name"),
            "last_name": row.text("last_name"),
            "position": row.text("position"),
            "emails": row.text("emails"),
            "phones": _phone_text(row.raw.get("phones")),
            "language": row.text("language"),
            "consent": row.raw.get("consent") if row.text("consent") else False,
            "notes": row.text("notes"),
            "custom": self.custom_data(row),
        }
        region = (account.country if account else "") or self.workspace.country
        cleaned = contact_values_clean(data=data, region=region, custom_fields=self.custom_fields)
        for name, messages in cleaned.errors.items():
            for message in messages:
                self.problem(row, name, message)
        row.values = cleaned.values

    @staticmethod
    def keys(row: Row) -> list[tuple]:
        account = row.extra.get("account")
        if account is None or not row.values:
            return []
        name = checks.name_fold(f"{row.values['first_name']} {row.values['last_name']}")
        return [("email", account.pk, e) for e in row.values.get("emails", [])] + [
            ("name", account.pk, name)
        ]

    def check_in_file(self, rows: list[Row]) -> None:
        seen: dict[tuple, int] = {}
        for row in rows:
            first = next((seen[k] for k in self.keys(row) if k in seen), None)
            if first is not None:
                self.problem(
                    row, "last_name", _("A duplicate of row %(row)d of the file.") % {"row": first}
                )
            for key in self.keys(row):
                seen.setdefault(key, row.number)

    def recheck(self, rows: list[Row]) -> None:
        live = [r for r in rows if not r.problems]
        account_ids = sorted({r.extra["account"].pk for r in live})
        existing: dict[tuple, Contact] = {}
        for batch in _batches(account_ids):
            for contact in Contact.objects.filter(workspace=self.workspace, account_id__in=batch):
                name = checks.name_fold(f"{contact.first_name} {contact.last_name}")
                existing.setdefault(("name", contact.account_id, name), contact)
                for email in contact.emails or []:
                    existing.setdefault(("email", contact.account_id, email), contact)
        for row in live:
            clash = next((existing[k] for k in self.keys(row) if k in existing), None)
            if clash is not None:
                self.problem(
                    row,
                    "last_name",
                    _("A duplicate of the existing contact “%(name)s” (#%(id)d) of the account.")
                    % {"name": str(clash), "id": clash.pk},
                )

    def write(self, rows: list[Row], *, actor) -> int:
        now = timezone.now()
        contacts = []
        for row in rows:
            values = dict(row.values)
            contacts.append(
                Contact(
                    workspace=self.workspace,
                    account=row.extra["account"],
                    created_by=actor,
                    consent_at=now if values.get("consent") else None,
                    **values,
                )
            )
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        return len(contacts)


def _phone_text(value) -> str:
    """A phone cell's text; a number cell lost the ``+`` of an international number
    (``380441234567``): it is given back."""
    text = cell_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and len(text) >= 11:
        return "+" + text
    return text


def _compact(value: str) -> str:
    return "".join(ch for ch in value if ch not in " -./").upper()


CHECKERS: dict[str, type[_Checker]] = {"accounts": AccountChecker, "contacts": ContactChecker}
