"""The stock API's input and output shapes (``stock_views``)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import StockLevel, Warehouse
from ..stock_io import MAX_QUANTITY, QUANTITY_PLACES


class WarehouseOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "name", "city", "country", "created_at"]


class WarehouseInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")


class WarehouseUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)


class StockLevelOutputSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="product.sku")
    product = serializers.IntegerField(source="product_id")
    unit = serializers.CharField(source="product.unit")
    warehouse = serializers.IntegerField(source="warehouse_id")
    warehouse_name = serializers.CharField(source="warehouse.name")

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "product",
            "sku",
            "unit",
            "warehouse",
            "warehouse_name",
            "quantity",
            "counted_on",
            "updated_at",
        ]


class StockRowInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    warehouse = serializers.CharField(
        max_length=200, help_text=_("The warehouse's name, or its id written as #12")
    )
    quantity = serializers.DecimalField(
        max_digits=len(str(MAX_QUANTITY)) + QUANTITY_PLACES,
        decimal_places=QUANTITY_PLACES,
        min_value=0,
        max_value=MAX_QUANTITY - 1,
    )
    counted_on = serializers.DateField()


class StockUpsertInputSerializer(serializers.Serializer):
    rows = StockRowInputSerializer(many=True, allow_empty=False, max_length=5000)  # type: ignore[call-arg]


class StockWriteResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class StockImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV (UTF-8 or Windows-1251) or XLSX"))
    dry_run = serializers.BooleanField(required=False, default=False)
