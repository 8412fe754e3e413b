"""Forms of the logistics pages (``logistics_views.py``, ``logistics_card_views.py``): they parse
what was typed (numbers as people write them, ``1 234,50`` or ``1234.50``; dates; a city picked
from the gazetteer) and nothing more. Every rule (a place's country and coordinates, a card's
terms, the bands' ranges and overlaps, a quote's weights and destination) is the services';
their ``ApplicationError`` goes on the form next to the fields it names (``add_service_error``;
a band's ``bands.<i>.<column>`` on the band's own row, ``band_errors_on_rows``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from logistics import gazetteer, rate_import
from logistics.bands import COLUMNS, Band
from logistics.gazetteer import City
from logistics.models import Place, PlaceKind, RateBasis
from logistics.services import CARD_FIELDS, MAX_BANDS, PLACE_FIELDS
from marketplace.core import spreadsheets
from marketplace.core.exceptions import ApplicationError
from marketplace.core.models import CURRENCIES

from .onboarding_forms import country_choices

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CITY_SEARCH_MIN = 2


def add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    """A service's refusal on ``form``: each field's messages next to it, the message above
    the form unless a field already says it."""
    shown: set[str] = set()
    for name, messages in (exc.fields or {}).items():
        for message in messages:
            form.add_error(name if name in form.fields else None, str(message))
            shown.add(str(message))
    if str(exc.message) not in shown:
        form.add_error(None, str(exc.message))


class NumberField(forms.Field):
    """A number as people type it, with at most ``places`` decimals and ``whole`` digits before
    the point (what the database keeps; None: any); None when empty. Its sign and its range are
    the service's to check, so the service's message is the one shown."""

    widget = forms.TextInput

    def __init__(self, *, places: int | None = None, whole: int | None = None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.places, self.whole = places, whole

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return value

    def to_python(self, value) -> Decimal | None:
        if value is None or str(value).strip() == "":
            return None
        try:
            number = spreadsheets.parse_decimal(str(value).strip())
        except ValueError as exc:
            raise ValidationError(gettext("Enter a number."), code="invalid") from exc
        exponent = number.normalize().as_tuple().exponent
        if self.places is not None and isinstance(exponent, int) and exponent < -self.places:
            raise ValidationError(
                gettext("At most %(n)d decimal places.") % {"n": self.places}, code="places"
            )
        if self.whole is not None and abs(number) >= Decimal(10) ** self.whole:
            raise ValidationError(gettext("Too large."), code="too_large")
        return number


def city_label(city: City) -> str:
    """How a gazetteer city is offered and typed back: ``Kyiv, UA``."""
    return f"{city.name}, {city.country}"


def city_find(text: str) -> City | None:
    """The city a typed name means when none was picked from the list (no JavaScript): the
    gazetteer's first answer for the name (``Lviv`` or ``Lviv, UA``: exact names first, then
    the most populous)."""
    name, country = (text or "").strip(), None
    head, _sep, tail = name.rpartition(",")
    if head and len(tail.strip()) == 2 and tail.strip().isalpha():
        name, country = head.strip(), tail.strip().upper()
    if len(name) < CITY_SEARCH_MIN:
        return None
    found = gazetteer.city_search(query=name, country=country, limit=1)
    return found[0] if found else None


def _city_attrs(prefix: str) -> dict[str, Any]:
    """The city box's data for ``static/frontend/logistics-pages.js``: its list of suggestions
    and the fields a picked city fills."""
    return {
        "list": f"{prefix}-city-options",
        "autocomplete": "off",
        "data-city-search": reverse_lazy("frontend:logistics-cities"),
        "data-fill-id": f"#id_{prefix}_city_id",
        "data-fill-latitude": f"#id_{prefix}_latitude",
        "data-fill-longitude": f"#id_{prefix}_longitude",
        "data-city-owns": "id latitude longitude",
    }


def _place_label(place: Place) -> str:
    where = ", ".join(part for part in (place.city, place.country) if part)
    label = f"{place.name} ({where})" if where else place.name
    if place.owner_id is None:
        return gettext("%(place)s, platform-wide") % {"place": label}
    return label


# --- The shipping calculator -------------------------------------------------------------------


class CalculatorForm(forms.Form):
    """A shipping quote's question: from a place (a warehouse), a gazetteer city or typed
    coordinates; to a place (a delivery place), a city or coordinates; the quantity and the
    weight of one unit; the delivery date, a currency, and the company (or platform) to quote
    for when the person could mean several."""

    SIDES = ("from", "to")

    quantity = NumberField(label=_("Quantity"), places=3, whole=12)
    unit_weight_kg = NumberField(label=_("Weight of one unit, kg"), places=3, whole=9)
    required_by = forms.DateField(label=_("Delivery date"), required=False, widget=DATE_WIDGET)
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=[("", _("Any")), *CURRENCIES],
        help_text=_("Costs in several currencies are not compared: name one to get the cheapest."),
    )

    def __init__(
        self,
        *args,
        warehouses,
        delivery_places,
        companies: list[tuple[int, str]],
        platforms: list[tuple[int, str]],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cities: dict[str, City] = {}
        places = {"from": warehouses, "to": delivery_places}
        place_labels = {"from": _("Warehouse"), "to": _("Delivery place")}
        for side in self.SIDES:
            # An id, not a choice: a place the person may not read is the service's 404.
            self.fields[f"{side}_place"] = forms.IntegerField(
                label=place_labels[side],
                required=False,
                min_value=1,
                widget=forms.Select(
                    choices=[
                        ("", _("— a city or coordinates below —")),
                        *((p.pk, _place_label(p)) for p in places[side]),
                    ]
                ),
            )
            self.fields[f"{side}_city"] = forms.CharField(
                label=_("or a city"),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs=_city_attrs(side)),
                help_text=_("Type a few letters and pick the city: its coordinates are filled."),
            )
            self.fields[f"{side}_city_id"] = forms.IntegerField(
                required=False, min_value=1, widget=forms.HiddenInput
            )
            self.fields[f"{side}_latitude"] = NumberField(label=_("or latitude"))
            self.fields[f"{side}_longitude"] = NumberField(label=_("longitude"))
        # Offered when the person could mean several; an id either way, for the service to
        # find among the person's own (404 otherwise).
        self.fields["company"] = forms.IntegerField(
            label=_("Quote for"),
            required=False,
            min_value=1,
            help_text=_("Shipping from a city or coordinates, choose the company."),
            widget=forms.Select(choices=[("", _("The warehouse's company")), *companies])
            if len(companies) > 1
            else forms.HiddenInput,
        )
        self.fields["platform"] = forms.IntegerField(
            label=_("Partners of the platform"),
            required=False,
            min_value=1,
            widget=forms.Select(choices=[("", _("Every platform I trade on")), *platforms])
            if platforms
            else forms.HiddenInput,
        )

    def side_fields(self, side: str) -> dict[str, forms.BoundField]:
        return {
            name: self[f"{side}_{name}"]
            for name in ("place", "city", "city_id", "latitude", "longitude")
        }

    def clean(self):
        data = super().clean()
        for side in self.SIDES:
            latitude, longitude = f"{side}_latitude", f"{side}_longitude"
            if self.has_error(latitude) or self.has_error(longitude):
                continue
            city_id, text = data.get(f"{side}_city_id"), data.get(f"{side}_city") or ""
            if data.get(latitude) is not None or data.get(longitude) is not None:
                # Typed, or filled by a city picked from the list (then it is named above the
                # quote, while the coordinates are still the city's).
                picked = gazetteer.city_get(city_id) if city_id else None
                if picked is not None and (picked.latitude, picked.longitude) == (
                    data.get(latitude),
                    data.get(longitude),
                ):
                    self.cities[side] = picked
                continue
            if self.has_error(f"{side}_city_id"):
                continue
            city = gazetteer.city_get(city_id) if city_id else city_find(text)
            if city is None and (city_id or text):
                self.add_error(
                    f"{side}_city",
                    gettext(
                        "The gazetteer has no such city: pick one from the list, or type the "
                        "coordinates."
                    ),
                )
            elif city is not None:
                self.cities[side] = city
                data[latitude], data[longitude] = city.latitude, city.longitude
        return data

    def quote_args(self) -> dict[str, Any]:
        """``logistics.quotes.shipping_quote``'s arguments."""
        data = self.cleaned_data
        return {
            "from_place_id": data.get("from_place"),
            "from_latitude": data.get("from_latitude"),
            "from_longitude": data.get("from_longitude"),
            "to_place_id": data.get("to_place"),
            "to_latitude": data.get("to_latitude"),
            "to_longitude": data.get("to_longitude"),
            "quantity": data.get("quantity"),
            "unit_weight_kg": data.get("unit_weight_kg"),
            "required_by": data.get("required_by"),
            "currency": data.get("currency") or None,
            "company_id": data.get("company"),
            "platform_id": data.get("platform"),
        }


# --- Places ------------------------------------------------------------------------------------


class PlaceForm(forms.Form):
    """A warehouse or a delivery place. A city picked from the gazetteer (``gazetteer_id``)
    fills the country, region and coordinates that are not typed (``services.place_create``
    and ``place_update`` do)."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *PlaceKind.choices]
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    city = forms.CharField(
        label=_("City"),
        required=False,
        max_length=200,
        help_text=_(
            "Type a few letters and pick the city: its country, region and coordinates are "
            "filled. A smaller town: type its name and the coordinates."
        ),
    )
    gazetteer_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=100,
        help_text=_("The gazetteer's region code, or the region's name"),
    )
    latitude = NumberField(label=_("Latitude"), help_text=_("From -90 to 90, e.g. 50.4501"))
    longitude = NumberField(label=_("Longitude"), help_text=_("From -180 to 180, e.g. 30.5234"))

    def __init__(self, *args, companies: list[tuple[Any, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("— from the city —")), *country_choices()]
        attrs = _city_attrs("place")
        attrs |= {
            "list": "place-city-options",
            "data-fill-id": "#id_gazetteer_id",
            "data-fill-latitude": "#id_latitude",
            "data-fill-longitude": "#id_longitude",
            "data-fill-country": "#id_country",
            "data-fill-region": "#id_region",
            "data-city-owns": "id",
        }
        self.fields["city"].widget.attrs.update(attrs)
        if companies is not None and len(companies) > 1:
            self.fields["company"] = forms.CharField(
                label=_("Company"),
                widget=forms.Select(choices=[("", "—"), *companies]),
                error_messages={"required": _("Choose the company whose place it is.")},
            )
            self.order_fields(["company"])

    def service_values(self, place: Place | None = None) -> dict[str, Any]:
        """The values to write: on a new place those typed; on a change those that differ from
        the place's. A city picked (or, without JavaScript, a city's name typed with no
        coordinates) is passed as ``gazetteer_id`` with the untyped fields left to it."""
        data = {field: self.cleaned_data.get(field) for field in PLACE_FIELDS}
        for field in ("kind", "name", "address", "country", "region", "city"):
            data[field] = (data[field] or "").strip()
        city = None
        if data["gazetteer_id"]:
            city = gazetteer.city_get(data["gazetteer_id"])
        elif data["city"] and data["latitude"] is None and data["longitude"] is None:
            city = city_find(data["city"])
            if city is not None:
                data["gazetteer_id"] = city.geonameid
        if city is not None and data["city"] in (city.name, city_label(city)):
            data["city"] = ""  # the gazetteer's name, in the gazetteer's spelling
        if place is None:
            return {field: value for field, value in data.items() if value not in (None, "")}
        current = {field: getattr(place, field) for field in PLACE_FIELDS}
        changes = {
            field: value
            for field, value in data.items()
            if value != current[field]
            and not (value in (None, "") and current[field] in (None, ""))
        }
        if city is not None and "gazetteer_id" in changes:
            for field in ("city", "country", "region", "latitude", "longitude"):
                if changes.get(field) in (None, ""):
                    changes.pop(field, None)  # the newly picked city's
        return changes


# --- Carriers and rate cards -------------------------------------------------------------------


class CarrierForm(forms.Form):
    """A carrier: its name and whether quotes use it; on a new one, whose it is (a company the
    person is an admin of, or a platform it administers) when it could be several."""

    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    is_active = forms.BooleanField(
        label=_("Active: quotes use its rate cards"), required=False, initial=True
    )

    def __init__(self, *args, owners: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.only_owner = owners[0][0] if owners is not None and len(owners) == 1 else ""
        if owners is not None:
            # Any owner is parsed: whether the person may keep its carriers is the service's.
            self.fields["owner"] = forms.CharField(
                label=_("Whose carrier"),
                max_length=40,
                required=not self.only_owner,
                widget=forms.Select(choices=owners if self.only_owner else [("", "—"), *owners]),
                error_messages={"required": _("Choose whose carrier it is.")},
            )
            self.order_fields(["owner", "name", "is_active"])

    def owner_ids(self) -> dict[str, int | None]:
        """``carrier_create``'s ``company_id`` and ``platform_id`` from the ``owner`` chosen
        (``company:3``, ``platform:1``)."""
        owner = self.cleaned_data.get("owner") or self.only_owner
        kind, _sep, number = owner.partition(":")
        owner_id = int(number) if number.isdigit() else None
        return {
            "company_id": owner_id if kind == "company" else None,
            "platform_id": owner_id if kind == "platform" else None,
        }


class RateCardForm(forms.Form):
    """A rate card's terms. An empty minimum charge or fuel surcharge is none (0)."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("Optional, e.g. “2027” or “Express”"),
    )
    currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=[("", "—"), *CURRENCIES]
    )
    basis = forms.ChoiceField(
        label=_("Priced"), required=False, choices=[("", "—"), *RateBasis.choices]
    )
    unit_capacity_kg = NumberField(
        label=_("What one pallet or truck carries, kg"),
        places=3,
        whole=9,
        help_text=_("For a card per pallet or per truck"),
    )
    minimum_charge = NumberField(label=_("Minimum charge"), places=2, whole=16)
    fuel_surcharge_percent = NumberField(
        # xgettext:no-python-format
        label=_("Fuel surcharge, %"),
        places=2,
        whole=3,
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE_WIDGET)
    valid_to = forms.DateField(
        label=_("Valid to"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Inclusive; empty: until further notice"),
    )

    def service_values(self) -> dict[str, Any]:
        values = {field: self.cleaned_data.get(field) for field in CARD_FIELDS}
        values["name"] = (values["name"] or "").strip()
        for field in ("minimum_charge", "fuel_surcharge_percent"):
            if values[field] is None:
                values[field] = Decimal(0)
        return values


class BandForm(forms.Form):
    """One band of a card, as typed: each cell read as the XLSX import reads it
    (``rate_import.read_number``). A row left empty is no band."""

    distance_from = forms.CharField(label=_("Distance from, km"), required=False, max_length=40)
    distance_to = forms.CharField(label=_("Distance to, km"), required=False, max_length=40)
    weight_from = forms.CharField(label=_("Weight (or units) from"), required=False, max_length=40)
    weight_to = forms.CharField(label=_("Weight (or units) to"), required=False, max_length=40)
    price = forms.CharField(label=_("Price per unit"), required=False, max_length=40)
    transit_days = forms.CharField(label=_("Transit days"), required=False, max_length=40)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update(
                {
                    "inputmode": "decimal",
                    "autocomplete": "off",
                    "size": 8,
                    "aria-label": field.label,
                }
            )

    def clean(self):
        data = super().clean()
        numbers: dict[str, Decimal | int | None] = {}
        for column in COLUMNS:
            if self.has_error(column):
                continue
            value, problem = rate_import.read_number(column, data.get(column))
            if problem:
                self.add_error(column, problem)
            else:
                numbers[column] = value
        if self.errors:
            return data
        if all(value is None for value in numbers.values()):
            data["band"] = None  # an empty row
            return data
        missing = [column for column, value in numbers.items() if value is None]
        for column in missing:
            self.add_error(column, gettext("Required."))
        if not missing:
            data["band"] = Band(
                distance_from=Decimal(numbers["distance_from"] or 0),
                distance_to=Decimal(numbers["distance_to"] or 0),
                weight_from=Decimal(numbers["weight_from"] or 0),
                weight_to=Decimal(numbers["weight_to"] or 0),
                price=Decimal(numbers["price"] or 0),
                transit_days=int(numbers["transit_days"] or 0),
            )
        return data


BandFormSet = forms.formset_factory(
    BandForm,
    extra=2,
    can_delete=True,
    max_num=MAX_BANDS,
    absolute_max=MAX_BANDS,
    validate_max=True,
)


def band_initial(bands) -> list[dict[str, str]]:
    """A card's bands as the rows' initial text (no trailing zeros)."""
    return [
        {
            "distance_from": f"{band.distance_from_km.normalize():f}",
            "distance_to": f"{band.distance_to_km.normalize():f}",
            "weight_from": f"{band.weight_from.normalize():f}",
            "weight_to": f"{band.weight_to.normalize():f}",
            "price": f"{band.price.normalize():f}",
            "transit_days": str(band.transit_days),
        }
        for band in bands
    ]


def bands_of(formset) -> tuple[list[Band], list[int]]:
    """The bands of a valid formset, in its order (rows left empty or marked to remove left
    out), and for each the index of its row."""
    bands: list[Band] = []
    rows: list[int] = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or data.get("band") is None:
            continue
        bands.append(data["band"])
        rows.append(index)
    return bands, rows


def band_numbers(formset) -> list[str]:
    """Each row's band number as the services count the bands in their messages ("Overlaps
    band 1"): the rows holding a band, from 1; none for a row left empty or marked to remove."""
    numbers: list[str] = []
    count = 0
    for form in formset.forms:
        if form.is_bound:
            typed = any(str(form[column].value() or "").strip() for column in COLUMNS)
            holds = typed and not form["DELETE"].value()
        else:
            holds = bool(form.initial)
        count += holds
        numbers.append(str(count) if holds else "")
    return numbers


def band_errors_on_rows(
    exc: ApplicationError, *, card_form: forms.Form, formset, rows: list[int]
) -> None:
    """A card service's refusal on the page: ``bands.<i>.<column>`` next to that cell of the
    ``i``-th band's row, ``bands.<i>`` (an overlap) on its row, the card's own fields next to
    them."""
    shown: set[str] = set()
    for name, messages in (exc.fields or {}).items():
        parts = name.split(".")
        for message in messages:
            text = str(message)
            shown.add(text)
            if parts[0] == "bands" and len(parts) > 1 and parts[1].isdigit():
                form = formset.forms[rows[int(parts[1])]]
                column = parts[2] if len(parts) > 2 and parts[2] in form.fields else None
                form.add_error(column, text)
            else:
                card_form.add_error(name if name in card_form.fields else None, text)
    if str(exc.message) not in shown:
        card_form.add_error(None, str(exc.message))


class RateFileForm(forms.Form):
    """A rate card's file (XLSX, or CSV)."""

    file = forms.FileField(
        label=_("The file (XLSX or CSV)"),
        error_messages={"required": _("Choose the file to import.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
