"""The standing as an API field: the buyer's applications list shows it beside each supplier
(a warning band is shown at admission; a blocked one is refused)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .selectors import admission_standing


class SupplierStandingSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    band = serializers.CharField()
    band_label = serializers.CharField(source="get_band_display")
    platform_wide = serializers.BooleanField()
    reason = serializers.CharField()
    period = serializers.CharField(source="period_label")


@extend_schema_field(SupplierStandingSerializer(allow_null=True))
class StandingField(serializers.Field):
    """Read-only, on a row with ``supplier_id`` and ``buyer_id`` (or ``lot.tender.buyer_id``):
    the supplier's standing with that buyer, None when it has none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        buyer_id = getattr(value, "buyer_id", None)
        if buyer_id is None:
            buyer_id = value.lot.tender.buyer_id
        # A list of applications asks once per (buyer, supplier), not once per row.
        cache = self.context.setdefault("_standings", {})
        key = (buyer_id, value.supplier_id)
        if key not in cache:
            standing = admission_standing(buyer_id=buyer_id, supplier_id=value.supplier_id)
            cache[key] = SupplierStandingSerializer(standing).data if standing else None
        return cache[key]
