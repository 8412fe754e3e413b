"""The logistics API's shapes: places, the gazetteer's cities, carriers, rate cards and their
bands, a rate file's report, and a quote. Input serializers check types and ranges; the rules
(who may, overlapping bands, a city filling a place) are the services'."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.core.ids import IdField
from marketplace.core.models import CURRENCIES

from ..bands import Band
from ..models import Carrier, Place, PlaceKind, RateBasis, RateCard
from .schema import EnumField


def _number(**kwargs) -> serializers.DecimalField:
    """A decimal of any precision (the services round or refuse it)."""
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)


def _latitude(**kwargs) -> serializers.DecimalField:
    return _number(min_value=Decimal(-90), max_value=Decimal(90), **kwargs)


def _longitude(**kwargs) -> serializers.DecimalField:
    return _number(min_value=Decimal(-180), max_value=Decimal(180), **kwargs)


def _ref(obj, name_field: str) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": getattr(obj, name_field)}


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- Places --------------------------------------------------------------------------------


def _place_kind(**kwargs) -> EnumField:
    return EnumField(enum_name="PlaceKindEnum", choices=PlaceKind.choices, **kwargs)


class PlaceSerializer(serializers.ModelSerializer):
    kind = _place_kind()
    company = serializers.SerializerMethodField()
    platform_wide = serializers.SerializerMethodField()

    class Meta:
        model = Place
        fields = [
            "id",
            "company",
            "platform_wide",
            "kind",
            "name",
            "address",
            "country",
            "region",
            "city",
            "latitude",
            "longitude",
            "gazetteer_id",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_company(self, obj: Place) -> dict | None:
        return _ref(obj.owner, "legal_name")

    def get_platform_wide(self, obj: Place) -> bool:
        return obj.owner_id is None


class PlaceQuerySerializer(serializers.Serializer):
    kind = _place_kind(required=False)
    company = IdField(required=False)
    platform_wide = serializers.BooleanField(
        default=True, help_text="false: only your companies' places"
    )


class PlaceUpdateSerializer(serializers.Serializer):
    kind = _place_kind(required=False)
    name = serializers.CharField(max_length=200, required=False)
    address = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2"
    )
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    city = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = _latitude(required=False, help_text="-90 to 90, rounded to 6 decimals")
    longitude = _longitude(required=False, help_text="-180 to 180, rounded to 6 decimals")
    gazetteer_id = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text="a city from GET /api/logistics/gazetteer/: fills the city, country, region "
        "and coordinates not typed",
    )


class PlaceCreateSerializer(PlaceUpdateSerializer):
    company = IdField(
        required=False,
        allow_null=True,
        help_text="the owning company (default: your only one); null: platform-wide (staff)",
    )
    kind = _place_kind()
    name = serializers.CharField(max_length=200)


# --- The gazetteer ----------------------------------------------------------------------------


class GazetteerQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="the start of a city's name, any script")
    country = serializers.CharField(
        min_length=2, max_length=2, required=False, help_text="ISO 3166-1 alpha-2"
    )
    limit = serializers.IntegerField(min_value=1, max_value=50, default=20)


class CitySerializer(serializers.Serializer):
    geonameid = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()
    region = serializers.CharField(help_text="GeoNames' admin1 code")
    latitude = serializers.DecimalField(max_digits=8, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    population = serializers.IntegerField()


# --- Carriers and rate cards --------------------------------------------------------------------


class CarrierSerializer(serializers.ModelSerializer):
    company = serializers.SerializerMethodField()
    platform = serializers.SerializerMethodField()

    class Meta:
        model = Carrier
        fields = ["id", "name", "is_active", "company", "platform", "created_at", "updated_at"]

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_company(self, obj: Carrier) -> dict | None:
        return _ref(obj.company, "legal_name")

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_platform(self, obj: Carrier) -> dict | None:
        return _ref(obj.platform, "name")


class CarrierQuerySerializer(serializers.Serializer):
    company = IdField(required=False)
    platform = IdField(required=False)


class CarrierUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    is_active = serializers.BooleanField(required=False)


class CarrierCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    is_active = serializers.BooleanField(default=True)
    company = IdField(required=False, help_text="a company's own carrier (its admins)")
    platform = IdField(required=False, help_text="a platform's partner (its admins)")


class BandSerializer(serializers.Serializer):
    distance_from = serializers.DecimalField(max_digits=9, decimal_places=2, help_text="km")
    distance_to = serializers.DecimalField(max_digits=9, decimal_places=2, help_text="km")
    weight_from = serializers.DecimalField(
        max_digits=12, decimal_places=3, help_text="kg (per kg), or pallets or trucks"
    )
    weight_to = serializers.DecimalField(max_digits=12, decimal_places=3)
    price = serializers.DecimalField(max_digits=18, decimal_places=4, help_text="per unit")
    transit_days = serializers.IntegerField(min_value=0, max_value=32767)


def bands_in(rows: list[dict]) -> list[Band]:
    return [Band(**row) for row in rows]


class RateCardSerializer(serializers.ModelSerializer):
    carrier_name = serializers.CharField(source="carrier.name")
    bands = serializers.SerializerMethodField()

    class Meta:
        model = RateCard
        fields = [
            "id",
            "carrier",
            "carrier_name",
            "name",
            "currency",
            "basis",
            "unit_capacity_kg",
            "minimum_charge",
            "fuel_surcharge_percent",
            "valid_from",
            "valid_to",
            "bands",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(BandSerializer(many=True))
    def get_bands(self, obj: RateCard) -> list:
        bands = [
            Band(
                distance_from=b.distance_from_km,
                distance_to=b.distance_to_km,
                weight_from=b.weight_from,
                weight_to=b.weight_to,
                price=b.price,
                transit_days=b.transit_days,
            )
            for b in obj.bands.all()
        ]
        return list(BandSerializer(bands, many=True).data)


class RateCardUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)
    basis = serializers.ChoiceField(choices=RateBasis.choices, required=False)
    unit_capacity_kg = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        required=False,
        allow_null=True,
        help_text="what one pallet or truck carries (per pallet, per truck)",
    )
    minimum_charge = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    fuel_surcharge_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False
    )
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False, allow_null=True)
    bands = BandSerializer(many=True, required=False, help_text="replace all of the card's bands")


class RateCardCreateSerializer(RateCardUpdateSerializer):
    currency = serializers.ChoiceField(choices=CURRENCIES)
    basis = serializers.ChoiceField(choices=RateBasis.choices)
    valid_from = serializers.DateField()


class RateImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="XLSX (or CSV) with the columns of docs/api/logistics.md"
    )
    dry_run = serializers.BooleanField(
        default=True, help_text="true: only the report; false: import if every row is valid"
    )


class RowErrorSerializer(serializers.Serializer):
    column = serializers.CharField(allow_null=True)
    problem = serializers.CharField()


class ReportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="the spreadsheet's row number")
    valid = serializers.BooleanField()
    band = BandSerializer(allow_null=True)
    problems = RowErrorSerializer(many=True)


class FileProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    problem = serializers.CharField()


class RateImportReportSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    written = serializers.BooleanField()
    rows = ReportRowSerializer(many=True)
    problems = FileProblemSerializer(many=True)


class RateImportErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    report = RateImportReportSerializer()


class RateImportErrorSerializer(serializers.Serializer):
    error = RateImportErrorBodySerializer()


# --- Quotes ------------------------------------------------------------------------------------


class QuoteInputSerializer(serializers.Serializer):
    from_place = IdField(help_text="a place you may read: your warehouse, say")
    to_place = IdField(required=False, allow_null=True, help_text="or to_latitude, to_longitude")
    to_latitude = _latitude(required=False, allow_null=True)
    to_longitude = _longitude(required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3)
    unit_weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3)
    required_by = serializers.DateField(
        required=False, allow_null=True, help_text="e.g. the lot's delivery date"
    )
    company = IdField(required=False, help_text="the company quoting (default: see the docs)")
    platform = IdField(required=False, help_text="only this platform's partners' cards")
    currency = serializers.ChoiceField(
        choices=CURRENCIES, required=False, help_text="only cards in this currency"
    )


class OptionSerializer(serializers.Serializer):
    carrier_id = serializers.IntegerField(source="terms.carrier_id")
    carrier_name = serializers.CharField(source="terms.carrier_name")
    rate_card_id = serializers.IntegerField(source="terms.card_id")
    rate_card_name = serializers.CharField(source="terms.card_name")
    owner = serializers.CharField(source="terms.owner", help_text="platform | company")
    currency = serializers.CharField(source="terms.currency")
    basis = serializers.CharField(source="terms.basis")
    units = _number(help_text="kg, or pallets or trucks")
    unit_price = _number()
    base_cost = _number(source="base", help_text="units × unit price")
    minimum_charge = _number(source="terms.minimum_charge")
    minimum_applied = serializers.BooleanField()
    fuel_surcharge_percent = _number(source="terms.fuel_surcharge_percent")
    cost = _number()
    transit_days = serializers.IntegerField()
    arrives_on = serializers.DateField()
    on_time = serializers.BooleanField(allow_null=True, help_text="null without required_by")


class UnavailableSerializer(serializers.Serializer):
    carrier_id = serializers.IntegerField(source="terms.carrier_id")
    carrier_name = serializers.CharField(source="terms.carrier_name")
    rate_card_id = serializers.IntegerField(source="terms.card_id")
    reason = serializers.CharField()


class QuoteSerializer(serializers.Serializer):
    distance_km = _number(source="distance.km")
    distance_method = serializers.CharField(source="distance.method", help_text="estimate | osrm")
    great_circle_km = _number(source="distance.great_circle_km")
    weight_kg = _number()
    ship_on = serializers.DateField()
    required_by = serializers.DateField(allow_null=True)
    options = OptionSerializer(many=True)
    cheapest = OptionSerializer(allow_null=True)
    fastest = OptionSerializer(allow_null=True)
    unavailable = UnavailableSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
