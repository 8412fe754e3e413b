"""The checks of an account's and a contact's values, as pure functions (no database): the form,
the REST API and the import all check through these, so a value is judged the same way wherever
it comes from.

Each check returns the value as it is stored, or raises ``ValueError`` with a message a person
can act on (already translated). Identifiers are checked by the marketplace's own rules
(``marketplace.companies.identifiers.normalise``): the same as at registration.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.companies.identifiers import Identifiers, normalise
from marketplace.core.spreadsheets import parse_decimal

from .models import CustomFieldType

LANGUAGES = ("ru", "uk", "en")
TEXT_MAX = 1000

# Mail services anyone can have an address at: an address there says nothing of the company.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "ukr.net",
        "i.ua",
        "meta.ua",
        "email.ua",
        "bigmir.net",
        "mail.ru",
        "bk.ru",
        "inbox.ru",
        "list.ru",
        "internet.ru",
        "rambler.ru",
        "yandex.ru",
        "yandex.ua",
        "yandex.com",
        "ya.ru",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
    }
)

# Legal forms dropped from a name before names are compared (lower case, punctuation gone).
_LEGAL_PHRASES = (
    "товариство з обмеженою відповідальністю",
    "товариство з додатковою відповідальністю",
    "общество с ограниченной ответственностью",
    "публічне акціонерне товариство",
    "приватне акціонерне товариство",
    "акціонерне товариство",
    "публичное акционерное общество",
    "закрытое акционерное общество",
    "открытое акционерное общество",
    "акционерное общество",
    "фізична особа підприємець",
    "индивидуальный предприниматель",
    "приватне підприємство",
    "частное предприятие",
    "limited liability company",
    "public limited company",
    "sp z o o",
    "s r o",
    "s a",
)
_LEGAL_WORDS = frozenset(
    [
        "тов",
        "тзов",
        "тдв",
        "пп",
        "прат",
        "пат",
        "ат",
        "зат",
        "ват",
        "фоп",
        "спд",
        "ооо",
        "оао",
        "зао",
        "пао",
        "ао",
        "ип",
        "чп",
        "llc",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "llp",
        "gmbh",
        "ag",
        "kg",
        "ug",
        "sa",
        "srl",
        "sro",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
    ]
)
_PUNCTUATION_RE = re.compile(r"[^\w\s]+|_")
_SPACES_RE = re.compile(r"\s+")
_LEGAL_PHRASES_RE = re.compile(
    r"(?:^|\s)(?:" + "|".join(re.escape(p) for p in _LEGAL_PHRASES) + r")(?=\s|$)"
)

_TRUE = {"1", "true", "yes", "y", "так", "да", "+", "x", "✓"}
_FALSE = {"0", "false", "no", "n", "ні", "нет", "-", ""}


# --- Names and domains -------------------------------------------------------------------------


def name_fold(name: str) -> str:
    """A name as duplicates are compared: lower case, quotes and punctuation and legal forms
    ("ТОВ", "ООО", "LLC", "GmbH"...) dropped, spaces collapsed. ``ТОВ «Ромашка»`` and
    ``Ромашка, ТОВ`` both fold to ``ромашка``."""
    text = _PUNCTUATION_RE.sub(" ", (name or "").lower().replace("ё", "е"))
    text = _SPACES_RE.sub(" ", text).strip()
    text = _LEGAL_PHRASES_RE.sub(" ", text)
    words = [w for w in text.split() if w not in _LEGAL_WORDS]
    return " ".join(words)[:300]


def domain_of(*, website: str = "", email: str = "") -> str:
    """The company's web domain, lower case, without ``www.``: from its website, else from its
    e-mail address unless that is at a public mail service (gmail.com, ukr.net...)."""
    if website:
        host = (urlsplit(website).hostname or "").lower().rstrip(".")
        return host.removeprefix("www.")
    if email and "@" in email:
        domain = email.rsplit("@", 1)[1].lower().rstrip(".")
        if domain not in PUBLIC_MAIL_DOMAINS:
            return domain
    return ""


# --- Single values -----------------------------------------------------------------------------


def country_clean(value: str) -> str:
    """An ISO 3166 country as its two-letter code (``UA``); the code, the three-letter code or
    the English name are understood."""
    text = (value or "").strip()
    if not text:
        return ""
    code = _country_code(text.lower())
    if code is None:
        raise ValueError(
            _("Unknown country “%(value)s”: give its two-letter code (UA, PL, DE...).")
            % {"value": text}
        )
    return code


@functools.cache
def _country_code(text: str) -> str | None:
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def identifiers_clean(*, country: str, registration_number: str, tax_id: str) -> Identifiers:
    """The identifiers, checked and compacted as registration does for ``country``; none at
    all is allowed (an account whose identifiers are not known yet). Raises
    ``IdentifierError`` with per-field messages."""
    registration_number = (registration_number or "").strip()
    tax_id = (tax_id or "").strip()
    if not registration_number and not tax_id:
        return Identifiers(registration_number="", tax_id="")
    return normalise(country, registration_number, tax_id)


def email_clean(value: str) -> str:
    text = (value or "").strip().lower()
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise ValueError(
            _("“%(value)s” is not a valid e-mail address.") % {"value": text}
        ) from None
    return text


def emails_clean(values) -> list[str]:
    """Several e-mail addresses (a list, or text separated by commas or semicolons), each
    once."""
    out: list[str] = []
    for text in split_list(values):
        email = email_clean(text)
        if email and email not in out:
            out.append(email)
    return out


def phone_clean(value: str, *, region: str = "") -> str:
    """A phone number in E.164 (``+380441234567``); one written without its country code is
    read as a number of ``region`` (the account's country)."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        if not text.startswith("+") and not region:
            raise ValueError(
                _("Write the phone “%(value)s” with its country code (+380...).") % {"value": text}
            ) from None
        raise ValueError(_("“%(value)s” is not a phone number.") % {"value": text}) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            _("“%(value)s” is not a valid phone number%(where)s.")
            % {"value": text, "where": f" ({region})" if region and text[:1] != "+" else ""}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phones_clean(values, *, region: str = "") -> list[str]:
    out: list[str] = []
    for text in split_list(values):
        phone = phone_clean(text, region=region)
        if phone and phone not in out:
            out.append(phone)
    return out


def website_clean(value: str) -> str:
    """A web address; ``example.com`` is read as ``https://example.com``."""
    text = (value or "").strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not a web address.") % {"value": value}) from None
    if len(text) > 200:
        raise ValueError(_("The web address is longer than 200 characters."))
    return text


def language_clean(value: str) -> str:
    text = (value or "").strip().lower()
    if text and text not in LANGUAGES:
        raise ValueError(_("The language must be one of ru, uk, en."))
    return text


def boolean_clean(value) -> bool:
    """Yes or no, as people write it (yes/no, так/ні, да/нет, 1/0, true/false)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": value})


def choice_clean(choices: type[models.TextChoices], value: str) -> str:
    """A choice given by its code or its label in English, Ukrainian or Russian."""
    text = " ".join(str(value or "").strip().lower().split())
    if text in choices.values:
        return text
    code = _choice_labels(choices).get(text)
    if code is not None:
        return code
    raise ValueError(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": value, "choices": ", ".join(choices.values)}
    )


@functools.cache
def _choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Each choice's label, lower case, in every language of the site -> its code."""
    labels: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in choices.choices:
                labels.setdefault(" ".join(str(label).lower().split()), code)
    return labels


def split_list(values) -> list[str]:
    """A list given as a list, or as text separated by commas, semicolons or new lines."""
    if values is None:
        return []
    if isinstance(values, list | tuple):
        items = [str(v) for v in values if v is not None]
    else:
        items = re.split(r"[,;\n]", str(values))
    return [item.strip() for item in items if item.strip()]


# --- Custom fields -----------------------------------------------------------------------------


def custom_value_clean(*, type: str, choices: list, value):
    """A custom field's value as it is kept in JSON: text, a number as a decimal string, a
    date as ``YYYY-MM-DD``, one of the choices, or true/false."""
    if type == CustomFieldType.TEXT:
        text = str(value).strip()
        if len(text) > TEXT_MAX:
            raise ValueError(_("The text is longer than %(n)d characters.") % {"n": TEXT_MAX})
        return text
    if type == CustomFieldType.NUMBER:
        try:
            number = parse_decimal(value)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
        return format(number, "f")
    if type == CustomFieldType.DATE:
        return date_clean(value).isoformat()
    if type == CustomFieldType.CHOICE:
        text = str(value).strip()
        for choice in choices:
            if text.lower() == str(choice).lower():
                return choice
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(map(str, choices))}
        )
    if type == CustomFieldType.BOOLEAN:
        return boolean_clean(value)
    raise ValueError(_("Unknown field type."))  # pragma: no cover - the model's choices


def date_clean(value) -> date:
    """A date: a date cell, ``2025-03-01``, ``01.03.2025`` or ``01/03/2025`` (day first)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (2025-03-01).") % {"value": value})
