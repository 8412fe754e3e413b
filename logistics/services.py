"""Writes of places, carriers and rate cards. Every function checks who is acting
(``logistics/access.py``): another company's row is not found (404), a row the user may only
read is forbidden (403); input errors are 400 naming their fields.

A rate card's bands are always written whole, under the card's row lock, after
``bands.card_errors`` found nothing wrong: overlapping, inverted or negative bands never reach
the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.companies.selectors import company_get_for_member, user_has_company_role
from marketplace.core.countries import country_code
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.models import CURRENCIES
from marketplace.platforms.selectors import platform_get_visible, user_is_platform_admin

from . import gazetteer
from .access import CARRIER_EDIT_ROLES, PLACE_EDIT_ROLES, carrier_may_edit, place_may_edit
from .bands import Band, card_errors
from .models import (
    COORDINATE_PLACES,
    LATITUDE_LIMIT,
    LONGITUDE_LIMIT,
    Carrier,
    Place,
    PlaceKind,
    RateBand,
    RateBasis,
    RateCard,
)
from .selectors import carrier_get, place_get, rate_card_get

MAX_BANDS = 1000
_COORDINATE = Decimal(1).scaleb(-COORDINATE_PLACES)
PLACE_FIELDS = (
    "kind",
    "name",
    "address",
    "country",
    "region",
    "city",
    "latitude",
    "longitude",
    "gazetteer_id",
)


def _invalid(fields: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(_("Some fields are not valid."), fields=fields)


# --- Places ------------------------------------------------------------------------------------


def coordinate(value: Any, *, limit: Decimal) -> Decimal:
    """A latitude (``limit`` 90) or longitude (180) as typed, to 6 decimal places (about 11 cm).
    Raises ValueError with the reason."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(_("Enter a number.")) from exc
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    if not -limit <= number <= limit:
        raise ValueError(_("Must be from %(low)s to %(high)s.") % {"low": -limit, "high": limit})
    return number.quantize(_COORDINATE, ROUND_HALF_UP)


def _place_values(values: dict[str, Any], typed: set[str]) -> dict[str, Any]:
    """Check a place's values; a picked gazetteer city fills the city, country, region and
    coordinates that were not typed in the same request."""
    out = dict(values)
    errors: dict[str, list[str]] = {}
    if "gazetteer_id" in typed and out.get("gazetteer_id") is not None:
        city = gazetteer.city_get(out["gazetteer_id"])
        if city is None:
            errors["gazetteer_id"] = [_("The gazetteer has no city with this id.")]
        else:
            picked = {
                "city": city.name,
                "country": city.country,
                "region": city.region,
                "latitude": city.latitude,
                "longitude": city.longitude,
            }
            for field, value in picked.items():
                if field not in typed or (field in ("city", "region") and not out.get(field)):
                    out[field] = value
    for field in ("name", "address", "region", "city"):
        out[field] = (out.get(field) or "").strip()
    if not out["name"]:
        errors["name"] = [_("A place needs a name.")]
    if out.get("kind") not in PlaceKind.values:
        errors["kind"] = [_("Choose a warehouse or a delivery place.")]
    try:
        out["country"] = country_code(out.get("country") or "")
    except ValueError as exc:
        errors["country"] = [str(exc)]
    for field, limit in (("latitude", LATITUDE_LIMIT), ("longitude", LONGITUDE_LIMIT)):
        try:
            out[field] = coordinate(out.get(field), limit=limit)
        except ValueError as exc:
            message = str(exc)
            if out.get(field) in (None, ""):
                message = _("Type the coordinates or pick a city from the gazetteer.")
            errors[field] = [message]
    if errors:
        raise _invalid(errors)
    return out


def _place_owner_check(*, user, company_id: int | None) -> None:
    if company_id is None:
        if not user.is_staff:
            raise PermissionDeniedError(
                _("Only the operator's staff may manage platform-wide places."), code="not_staff"
            )
        return
    company_get_for_member(user=user, company_id=company_id)
    if not user_has_company_role(user=user, company=company_id, roles=PLACE_EDIT_ROLES):
        raise PermissionDeniedError(
            _("Only the company's admins, procurement officers and bidders may manage its places."),
            code="not_place_editor",
        )


def place_create(*, user, company_id: int | None, **values: Any) -> Place:
    """A company's place (``company_id``), or a platform-wide one (None: staff only)."""
    _place_owner_check(user=user, company_id=company_id)
    unknown = set(values) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown place fields: {sorted(unknown)}")
    checked = _place_values(values, typed=set(values))
    return Place.objects.create(owner_id=company_id, **checked)


def _place_for_edit(*, user, place_id: int) -> Place:
    place = place_get(user=user, place_id=place_id)
    if not place_may_edit(user=user, place=place):
        raise PermissionDeniedError(
            _("You may read this place but not change it."), code="not_place_editor"
        )
    return place


def place_update(*, user, place_id: int, **changes: Any) -> Place:
    place = _place_for_edit(user=user, place_id=place_id)
    unknown = set(changes) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown place fields: {sorted(unknown)}")
    current = {field: getattr(place, field) for field in PLACE_FIELDS}
    checked = _place_values({**current, **changes}, typed=set(changes))
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        for field, value in checked.items():
            setattr(place, field, value)
        place.save()
    return place


def place_delete(*, user, place_id: int) -> None:
    place = _place_for_edit(user=user, place_id=place_id)
    place.delete()


# --- Carriers ----------------------------------------------------------------------------------


def _carrier_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise _invalid({"name": [_("A carrier needs a name.")]})
    return name


def carrier_create(
    *,
    user,
    name: str,
    company_id: int | None = None,
    platform_id: int | None = None,
    is_active: bool = True,
) -> Carrier:
    """A company's own carrier (its company admins) or a platform's partner (its admins)."""
    if (company_id is None) == (platform_id is None):
        message = _("A carrier belongs to a platform or to a company: name exactly one.")
        raise _invalid({"company": [message], "platform": [message]})
    if platform_id is not None:
        if platform_get_visible(user=user, platform_id=platform_id) is None:
            raise NotFoundError(_("Platform not found."), code="platform_not_found")
        if not user_is_platform_admin(user=user, platform=platform_id):
            raise PermissionDeniedError(
                _("Only the platform's admins may manage its carriers."), code="not_platform_admin"
            )
    else:
        assert company_id is not None
        company_get_for_member(user=user, company_id=company_id)
        if not user_has_company_role(user=user, company=company_id, roles=CARRIER_EDIT_ROLES):
            raise PermissionDeniedError(
                _("Only the company's admins may manage its carriers."), code="not_company_admin"
            )
    return Carrier.objects.create(
        name=_carrier_name(name),
        company_id=company_id,
        platform_id=platform_id,
        is_active=bool(is_active),
    )


def _carrier_for_edit(*, user, carrier_id: int) -> Carrier:
    carrier = carrier_get(user=user, carrier_id=carrier_id)
    if not carrier_may_edit(user=user, carrier=carrier):
        raise PermissionDeniedError(
            _("You may read this carrier but not change it."), code="not_carrier_editor"
        )
    return carrier


def carrier_update(
    *, user, carrier_id: int, name: str | None = None, is_active: bool | None = None
) -> Carrier:
    carrier = _carrier_for_edit(user=user, carrier_id=carrier_id)
    if name is not None:
        carrier.name = _carrier_name(name)
    if is_active is not None:
        carrier.is_active = bool(is_active)
    carrier.save(update_fields=["name", "is_active", "updated_at"])
    return carrier


def carrier_delete(*, user, carrier_id: int) -> None:
    """The carrier and its rate cards."""
    _carrier_for_edit(user=user, carrier_id=carrier_id).delete()


# --- Rate cards --------------------------------------------------------------------------------

CARD_FIELDS = (
    "name",
    "currency",
    "basis",
    "unit_capacity_kg",
    "minimum_charge",
    "fuel_surcharge_percent",
    "valid_from",
    "valid_to",
)


def _card_values(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    errors: dict[str, list[str]] = {}
    out["name"] = (out.get("name") or "").strip()
    if out.get("currency") not in {code for code, _label in CURRENCIES}:
        errors["currency"] = [_("Not a currency the platform trades in.")]
    if out.get("basis") not in RateBasis.values:
        errors["basis"] = [_("Choose per kg, per pallet or per truck.")]
    capacity = out.get("unit_capacity_kg")
    if out.get("basis") in (RateBasis.PER_PALLET, RateBasis.PER_TRUCK):
        if capacity is None or capacity <= 0:
            errors["unit_capacity_kg"] = [
                _("A card per pallet or per truck needs what one carries, in kg.")
            ]
    else:
        out["unit_capacity_kg"] = None
    if out.get("minimum_charge") is None or out["minimum_charge"] < 0:
        errors["minimum_charge"] = [_("The minimum charge must not be negative.")]
    fuel = out.get("fuel_surcharge_percent")
    if fuel is None or not 0 <= fuel <= 100:
        errors["fuel_surcharge_percent"] = [
            # xgettext:no-python-format
            _("The fuel surcharge must be between 0 and 100%.")
        ]
    valid_from, valid_to = out.get("valid_from"), out.get("valid_to")
    if not isinstance(valid_from, date):
        errors["valid_from"] = [_("A card needs the date it is valid from.")]
    elif valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [_("A card cannot end before it starts.")]
    if errors:
        raise _invalid(errors)
    return out


def band_problems_as_fields(bands: Sequence[Band]) -> dict[str, list[str]]:
    """``card_errors`` as the API's field errors: ``bands.<index>.<column>`` (the index from 0,
    as the list was sent); an overlap's message names the other band as people count, from 1
    ("Overlaps band 1 ...")."""
    if len(bands) > MAX_BANDS:
        return {"bands": [_("A card has at most %(max)d bands.") % {"max": MAX_BANDS}]}
    fields: dict[str, list[str]] = {}
    errors = card_errors(bands)
    for index, problems in errors.items():
        for column, problem in problems:
            key = f"bands.{index}.{column}" if column else f"bands.{index}"
            fields.setdefault(key, []).append(problem)
    return fields


def _write_bands(card: RateCard, bands: Sequence[Band]) -> None:
    """Replace the card's bands. Called inside a transaction holding the card's row lock."""
    RateBand.objects.filter(card=card).delete()
    RateBand.objects.bulk_create(
        RateBand(
            card=card,
            distance_from_km=band.distance_from,
            distance_to_km=band.distance_to,
            weight_from=band.weight_from,
            weight_to=band.weight_to,
            price=band.price,
            transit_days=band.transit_days,
        )
        for band in bands
    )


def rate_card_get_editable(*, user, card_id: int) -> RateCard:
    card = rate_card_get(user=user, card_id=card_id)
    if not carrier_may_edit(user=user, carrier=card.carrier):
        raise PermissionDeniedError(
            _("You may read this rate card but not change it."), code="not_carrier_editor"
        )
    return card


def rate_card_create(
    *, user, carrier_id: int, bands: Sequence[Band] = (), **values: Any
) -> RateCard:
    carrier = _carrier_for_edit(user=user, carrier_id=carrier_id)
    values.setdefault("minimum_charge", Decimal(0))
    values.setdefault("fuel_surcharge_percent", Decimal(0))
    checked = _card_values({field: values.get(field) for field in CARD_FIELDS})
    problems = band_problems_as_fields(bands)
    if problems:
        raise _invalid(problems)
    with transaction.atomic():
        card = RateCard.objects.create(carrier=carrier, **checked)
        _write_bands(card, bands)
    return card


def rate_card_update(
    *, user, card_id: int, bands: Sequence[Band] | None = None, **changes: Any
) -> RateCard:
    """Change a card's fields; ``bands``, when given, replace all of its bands."""
    card = rate_card_get_editable(user=user, card_id=card_id)
    unknown = set(changes) - set(CARD_FIELDS)
    if unknown:
        raise TypeError(f"unknown rate card fields: {sorted(unknown)}")
    current = {field: getattr(card, field) for field in CARD_FIELDS}
    checked = _card_values({**current, **changes})
    if bands is not None:
        problems = band_problems_as_fields(bands)
        if problems:
            raise _invalid(problems)
    with transaction.atomic():
        card = RateCard.objects.select_for_update().get(pk=card.pk)
        for field, value in checked.items():
            setattr(card, field, value)
        card.save()
        if bands is not None:
            _write_bands(card, bands)
    return rate_card_get(user=user, card_id=card.pk)


def rate_card_replace_bands(*, user, card_id: int, bands: Sequence[Band]) -> RateCard:
    """Replace every band of the card with ``bands`` (all checked first; nothing is written
    if any is wrong)."""
    return rate_card_update(user=user, card_id=card_id, bands=bands)


def rate_card_delete(*, user, card_id: int) -> None:
    rate_card_get_editable(user=user, card_id=card_id).delete()
