"""A shipping quote: from a place (or typed coordinates) to a place (or typed coordinates) for
a quantity of goods of a unit weight, priced by every rate card the caller may use.

The cards used: those of active carriers valid on the day of the quote, of the acting company
(its own carriers) and of the platforms it trades on (their logistics partners); never another
company's. The acting company is the one named, else the owner of the place shipped from when
the caller is one of its people, else the caller's only company.

For each card, the band covering the road distance (``logistics/distance.py``) and the
shipment's units (kg, or the pallets or trucks it fills) gives the price per unit and the
transit days; the cost is ``max(minimum, units × price) × (1 + fuel % / 100)``
(``logistics/bands.py``). A card with no such band is listed as unavailable, with the reason.
The answer names the cheapest option (when every option is in one currency: costs in different
currencies are not compared, no exchange rate is assumed) and the fastest, and each option's
arrival date (the day of the quote plus its transit days) against the required date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.companies.selectors import company_get_for_member, user_company_ids
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.platforms.selectors import administered_platform_ids

from .access import trading_platform_ids
from .bands import Band, band_for, price_of, units_of
from .distance import Distance, Point, road_distance
from .models import LATITUDE_LIMIT, LONGITUDE_LIMIT, RateBand, RateCard
from .selectors import place_get
from .services import coordinate

MAX_WEIGHT_KG = Decimal(10) ** 9
GRAM = Decimal("0.001")


@dataclass(frozen=True)
class CardTerms:
    """What a quote needs of a rate card, read once from the database."""

    card_id: int
    card_name: str
    carrier_id: int
    carrier_name: str
    owner: str  # "platform" or "company"
    currency: str
    basis: str
    unit_capacity_kg: Decimal | None
    minimum_charge: Decimal
    fuel_surcharge_percent: Decimal
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Option:
    terms: CardTerms
    units: Decimal
    unit_price: Decimal
    base: Decimal
    minimum_applied: bool
    cost: Decimal
    transit_days: int
    arrives_on: date
    on_time: bool | None


@dataclass(frozen=True)
class Unavailable:
    terms: CardTerms
    reason: str


@dataclass(frozen=True)
class Quote:
    distance: Distance
    weight_kg: Decimal
    ship_on: date
    required_by: date | None
    options: list[Option]
    unavailable: list[Unavailable]
    cheapest: Option | None
    fastest: Option | None
    notes: list[str] = field(default_factory=list)


def units_text(units: Decimal, basis: str) -> str:
    """What a card counts for a shipment, in words: "1000 kg", "1 pallet", "3 trucks" (the
    plural form the reader's language takes for the number)."""
    shown = f"{units.normalize():f}"
    if basis == "per_pallet":
        return ngettext("%(n)s pallet", "%(n)s pallets", int(units)) % {"n": shown}
    if basis == "per_truck":
        return ngettext("%(n)s truck", "%(n)s trucks", int(units)) % {"n": shown}
    return _("%(n)s kg") % {"n": shown}


def price_options(
    cards: Iterable[CardTerms],
    *,
    distance_km: Decimal,
    weight_kg: Decimal,
    ship_on: date,
    required_by: date | None = None,
) -> tuple[list[Option], list[Unavailable]]:
    """Every card's price for the shipment, or why it has none. Pure: no database."""
    options: list[Option] = []
    unavailable: list[Unavailable] = []
    for terms in cards:
        units = units_of(
            weight_kg=weight_kg, basis=terms.basis, unit_capacity_kg=terms.unit_capacity_kg
        )
        band = band_for(terms.bands, distance=distance_km, units=units)
        if band is None:
            unavailable.append(
                Unavailable(
                    terms=terms,
                    reason=_("No band covers %(km)s km and %(units)s.")
                    % {"km": distance_km, "units": units_text(units, terms.basis)},
                )
            )
            continue
        price = price_of(
            band=band,
            units=units,
            minimum_charge=terms.minimum_charge,
            fuel_surcharge_percent=terms.fuel_surcharge_percent,
        )
        arrives_on = ship_on + timedelta(days=band.transit_days)
        options.append(
            Option(
                terms=terms,
                units=units,
                unit_price=band.price,
                base=price.base,
                minimum_applied=price.minimum_applied,
                cost=price.cost,
                transit_days=band.transit_days,
                arrives_on=arrives_on,
                on_time=None if required_by is None else arrives_on <= required_by,
            )
        )
    options.sort(
        key=lambda o: (
            o.terms.currency,
            o.cost,
            o.transit_days,
            o.terms.carrier_name,
            o.terms.card_id,
        )
    )
    return options, unavailable


def cheapest_and_fastest(options: list[Option]) -> tuple[Option | None, Option | None, str]:
    """The cheapest option (None when the options are in several currencies, with a note) and
    the fastest (fewest transit days; then the cheaper, when comparable)."""
    if not options:
        return None, None, ""
    one_currency = len({o.terms.currency for o in options}) == 1
    fastest = min(
        options,
        key=lambda o: (
            o.transit_days,
            o.cost if one_currency else Decimal(0),
            o.terms.carrier_name,
            o.terms.card_id,
        ),
    )
    if not one_currency:
        note = _(
            "The options are in several currencies, which are not compared: name a currency "
            "to get the cheapest."
        )
        return None, fastest, note
    return options[0], fastest, ""


def _terms(card: RateCard) -> CardTerms:
    carrier = card.carrier
    return CardTerms(
        card_id=card.pk,
        card_name=card.name,
        carrier_id=carrier.pk,
        carrier_name=carrier.name,
        owner="platform" if carrier.platform_id is not None else "company",
        currency=card.currency,
        basis=card.basis,
        unit_capacity_kg=card.unit_capacity_kg,
        minimum_charge=card.minimum_charge,
        fuel_surcharge_percent=card.fuel_surcharge_percent,
        bands=tuple(
            Band(
                distance_from=b.distance_from_km,
                distance_to=b.distance_to_km,
                weight_from=b.weight_from,
                weight_to=b.weight_to,
                price=b.price,
                transit_days=b.transit_days,
            )
            for b in card.bands.all()
        ),
    )


def usable_cards(
    *,
    company_id: int | None,
    platform_ids: set[int],
    on: date,
    currency: str | None = None,
) -> list[CardTerms]:
    """The rate cards a quote for ``company_id`` may use on the day ``on``."""
    owners = Q(carrier__platform_id__in=platform_ids)
    if company_id is not None:
        owners |= Q(carrier__company_id=company_id)
    cards = (
        RateCard.objects.filter(owners, carrier__is_active=True, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("carrier")
        .prefetch_related(Prefetch("bands", queryset=RateBand.objects.order_by("pk")))
        .order_by("pk")
    )
    if currency:
        cards = cards.filter(currency=currency)
    return [_terms(card) for card in cards]


def _acting_company(*, user, company_id: int | None, from_owner: int | None) -> int | None:
    if company_id is not None:
        return company_get_for_member(user=user, company_id=company_id).pk
    mine = user_company_ids(user=user)
    if from_owner in mine:
        return from_owner
    return next(iter(mine)) if len(mine) == 1 else None


def _platforms(*, user, company_id: int | None, platform_id: int | None) -> set[int]:
    trading = trading_platform_ids(company_ids={company_id} if company_id else set())
    if platform_id is None:
        return trading
    administered = administered_platform_ids(user=user)
    if platform_id in trading or administered is None or platform_id in administered:
        return {platform_id}
    raise NotFoundError(_("Platform not found."), code="platform_not_found")


def _point(
    *, user, side: str, place_id: int | None, latitude, longitude
) -> tuple[Point, int | None]:
    """Where a shipment leaves from (``side`` "from") or goes to ("to"): a place the user may
    read (404 otherwise), or typed coordinates; with the owner of the place, if any."""
    if place_id is not None:
        if latitude is not None or longitude is not None:
            message = (
                _("Name the place to ship from or its coordinates, not both.")
                if side == "from"
                else _("Name the place to ship to or its coordinates, not both.")
            )
            raise ApplicationError(message, fields={f"{side}_place": [message]})
        place = place_get(user=user, place_id=place_id)
        return Point(place.latitude, place.longitude), place.owner_id
    errors: dict[str, list[str]] = {}
    point: dict[str, Decimal] = {}
    for name, value, limit in (
        (f"{side}_latitude", latitude, LATITUDE_LIMIT),
        (f"{side}_longitude", longitude, LONGITUDE_LIMIT),
    ):
        try:
            point[name] = coordinate(value, limit=limit)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        message = (
            _("Name the place to ship from, or its coordinates.")
            if side == "from"
            else _("Name the place to ship to, or its coordinates.")
        )
        errors.setdefault(f"{side}_place", [message])
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    return Point(point[f"{side}_latitude"], point[f"{side}_longitude"]), None


def shipping_quote(
    *,
    user,
    quantity: Decimal,
    unit_weight_kg: Decimal,
    from_place_id: int | None = None,
    from_latitude: Decimal | None = None,
    from_longitude: Decimal | None = None,
    to_place_id: int | None = None,
    to_latitude: Decimal | None = None,
    to_longitude: Decimal | None = None,
    required_by: date | None = None,
    company_id: int | None = None,
    platform_id: int | None = None,
    currency: str | None = None,
) -> Quote:
    """Price shipping ``quantity`` × ``unit_weight_kg`` from a place (or coordinates) to a
    place (or coordinates) with every rate card the caller may use."""
    errors: dict[str, list[str]] = {}
    if quantity is None or quantity <= 0:
        errors["quantity"] = [_("Must be greater than zero.")]
    if unit_weight_kg is None or unit_weight_kg <= 0:
        errors["unit_weight_kg"] = [_("Must be greater than zero.")]
    weight_kg = Decimal(0)
    if not errors:
        weight_kg = (quantity * unit_weight_kg).quantize(GRAM, ROUND_HALF_UP)
        if weight_kg > MAX_WEIGHT_KG:
            errors["quantity"] = [_("The shipment weighs more than %(max)s kg.") % {"max": "10⁹"}]
        elif weight_kg <= 0:
            errors["quantity"] = [_("The shipment weighs less than a gram.")]
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    origin, from_owner = _point(
        user=user,
        side="from",
        place_id=from_place_id,
        latitude=from_latitude,
        longitude=from_longitude,
    )
    destination, _owner = _point(
        user=user, side="to", place_id=to_place_id, latitude=to_latitude, longitude=to_longitude
    )
    acting = _acting_company(user=user, company_id=company_id, from_owner=from_owner)
    platforms = _platforms(user=user, company_id=acting, platform_id=platform_id)
    ship_on = timezone.localdate()
    cards = usable_cards(company_id=acting, platform_ids=platforms, on=ship_on, currency=currency)
    distance = road_distance(origin, destination)
    options, unavailable = price_options(
        cards,
        distance_km=distance.km,
        weight_kg=weight_kg,
        ship_on=ship_on,
        required_by=required_by,
    )
    cheapest, fastest, note = cheapest_and_fastest(options)
    notes = [text for text in (distance.note, note) if text]
    if not cards:
        notes.append(_("No rate card may be used for this quote."))
    return Quote(
        distance=distance,
        weight_kg=weight_kg,
        ship_on=ship_on,
        required_by=required_by,
        options=options,
        unavailable=unavailable,
        cheapest=cheapest,
        fastest=fastest,
        notes=notes,
    )
