"""Company identifiers validated per country with python-stdnum.

Each country decides which identifiers a company gives and how they are checked:

* Ukraine (UA): ``registration_number`` is the EDRPOU code (8 digits, checksum), required;
  ``tax_id`` (the 12-digit VAT payer number) is optional and checked for shape.
* Russia (RU): ``tax_id`` is the INN (10 digits for organisations, 12 for sole traders), required;
  ``registration_number`` is the OGRN/OGRNIP, optional, checksum-validated.
* EU member states: ``tax_id`` is the EU VAT number (with or without the country prefix), required.
* Everywhere else identifiers are free-form; at least one of them is required.

Values are stored in their compact form, so the same identifier cannot register twice in
different spellings ("UA 12345678", "12345678").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat
from stdnum.ru import inn as ru_inn
from stdnum.ru import ogrn as ru_ogrn
from stdnum.ua import edrpou as ua_edrpou

EU_COUNTRIES = {
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
}
# stdnum names Greece "EL" in VAT numbers.
_VAT_PREFIX = {"GR": "EL"}


@dataclass(frozen=True)
class Identifiers:
    registration_number: str
    tax_id: str


class IdentifierError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def _free_form(value: str) -> str:
    return re.sub(r"[\s\-./]", "", value or "").upper()


def normalise(country: str, registration_number: str, tax_id: str) -> Identifiers:
    """Validate and compact a company's identifiers for ``country``.

    Raises ``IdentifierError`` with per-field messages a person can act on.
    """
    country = (country or "").upper()
    registration_number = (registration_number or "").strip()
    tax_id = (tax_id or "").strip()
    errors: dict[str, list[str]] = {}

    def check(field: str, module, value: str, label: str) -> str:
        try:
            return module.validate(value)
        except stdnum_exceptions.InvalidLength:
            errors.setdefault(field, []).append(
                _("%(label)s has the wrong length.") % {"label": label}
            )
        except stdnum_exceptions.InvalidChecksum:
            errors.setdefault(field, []).append(
                _("%(label)s has a wrong check digit; please check for a typo.") % {"label": label}
            )
        except stdnum_exceptions.ValidationError:
            errors.setdefault(field, []).append(_("%(label)s is not valid.") % {"label": label})
        return value

    if country == "UA":
        if not registration_number:
            errors["registration_number"] = [
                _("The EDRPOU code is required for Ukrainian companies.")
            ]
        else:
            registration_number = check(
                "registration_number", ua_edrpou, registration_number, _("The EDRPOU code")
            )
        if tax_id:
            tax_id = _free_form(tax_id)
            if not re.fullmatch(r"\d{10}|\d{12}", tax_id):
                errors["tax_id"] = [_("The Ukrainian tax number must have 10 or 12 digits.")]
    elif country == "RU":
        if not tax_id:
            errors["tax_id"] = [_("The INN is required for Russian companies.")]
        else:
            tax_id = check("tax_id", ru_inn, tax_id, _("The INN"))
        if registration_number:
            registration_number = check(
                "registration_number", ru_ogrn, registration_number, _("The OGRN")
            )
    elif country in EU_COUNTRIES:
        if not tax_id:
            errors["tax_id"] = [_("The VAT number is required for companies in the EU.")]
        else:
            prefix = _VAT_PREFIX.get(country, country)
            compact = _free_form(tax_id)
            if not compact[:2].isalpha():
                compact = prefix + compact
            if compact[:2] != prefix:
                errors["tax_id"] = [
                    _("The VAT number must belong to the company's country (%(prefix)s).")
                    % {"prefix": prefix}
                ]
            else:
                tax_id = check("tax_id", eu_vat, compact, _("The VAT number"))
        registration_number = _free_form(registration_number)
    else:
        registration_number = _free_form(registration_number)
        tax_id = _free_form(tax_id)
        if not registration_number and not tax_id:
            errors["registration_number"] = [_("Give a registration number or a tax identifier.")]
    if errors:
        raise IdentifierError(errors)
    return Identifiers(registration_number=registration_number, tax_id=tax_id)
