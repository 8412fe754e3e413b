"""ISO 3166 region codes: a country (``UA``) or one of its subdivisions (``UA-30``)."""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_region_code(value: str) -> str:
    return (value or "").strip().upper()


def is_valid_region_code(code: str) -> bool:
    code = normalize_region_code(code)
    if not code:
        return False
    if "-" in code:
        return pycountry.subdivisions.get(code=code) is not None
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def validate_region_code(value: str) -> None:
    if not is_valid_region_code(value):
        # The value goes in as a parameter, formatted once by whoever renders the error (a
        # form, a model, django-filter): formatted here first, a "%s" in it was read as a
        # placeholder the second time.
        raise ValidationError(
            _("“%(code)s” is not an ISO 3166 country (UA) or subdivision (UA-30) code."),
            code="invalid_region",
            params={"code": value},
        )


def region_name(code: str) -> str:
    code = normalize_region_code(code)
    if "-" in code:
        sub = pycountry.subdivisions.get(code=code)
        return sub.name if sub else code
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code
