"""A country as the platform keeps it: its ISO 3166-1 alpha-2 code."""

from __future__ import annotations

import pycountry
from django.utils.translation import gettext as _


def country_code(value: str) -> str:
    """``value`` as a known two-letter code, upper case; ``ValueError`` otherwise."""
    code = (value or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(_("Not an ISO 3166-1 alpha-2 country code."))
    return code
