"""A prospect's identifier: the one a buyer knows of a company that is not registered yet, checked
as the company's registration will check it (``marketplace.companies.identifiers``):

* Ukraine: the EDRPOU code (the company's ``registration_number``, its tax code as a legal
  entity);
* Russia: the INN; the EU: the VAT number (with or without the country's prefix);
* elsewhere: as given (compacted).

A registered company has this identifier when its country is the prospect's and either of its
identifiers equals it (the formats cannot mix: an EDRPOU has 8 digits, the Ukrainian VAT
payer number 10 or 12; an INN 10 or 12, an OGRN 13 or 15; a VAT number starts with letters)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.companies import identifiers as ids
from marketplace.companies.models import Company
from marketplace.core.countries import country_code
from marketplace.core.exceptions import ApplicationError


def identifier_field(country: str) -> str:
    """The company field a prospect's identifier becomes at registration."""
    return "registration_number" if country == "UA" else "tax_id"


def country_clean(country: str) -> str:
    try:
        return country_code(country)
    except ValueError:
        message = _("Give the country as a two-letter ISO code, for example UA, PL or DE.")
        raise ApplicationError(message, code="invalid", fields={"country": [message]}) from None


def identifier_normalise(*, country: str, identifier: str) -> str:
    """The identifier in the compact form a registered company would store; raises
    ``invalid_identifier`` (400) with the registration's own messages."""
    value = (identifier or "").strip()
    if not value:
        message = _("Give the company's tax identifier.")
        raise ApplicationError(message, code="invalid_identifier", fields={"identifier": [message]})
    field = identifier_field(country)
    try:
        normalised = ids.normalise(
            country,
            value if field == "registration_number" else "",
            value if field == "tax_id" else "",
        )
    except ids.IdentifierError as exc:
        messages = [m for found in exc.errors.values() for m in found]
        raise ApplicationError(
            _("The tax identifier is not valid."),
            code="invalid_identifier",
            fields={"identifier": messages},
        ) from exc
    return str(getattr(normalised, field))


def companies_with_identifier(*, country: str, identifier: str) -> QuerySet[Company]:
    """The registered company (at most one: identifiers are unique per country) a prospect's
    identifier names."""
    if not identifier:
        return Company.objects.none()
    return Company.objects.filter(country=country).filter(
        Q(registration_number=identifier) | Q(tax_id=identifier)
    )


def identifiers_of(company: Company) -> list[str]:
    return [value for value in (company.registration_number, company.tax_id) if value]
