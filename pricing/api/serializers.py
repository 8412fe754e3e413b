"""The pricing API's shapes."""

from rest_framework import serializers

from marketplace.core.models import CURRENCIES
from suppliers.models import CustomerKind, PriceList

from ..models import PriceAssignment, Promotion, PromotionKind


class KindOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerKind
        fields = ["id", "code", "name", "is_default", "position"]


class KindInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    code = serializers.SlugField(max_length=50, required=False, allow_blank=True, default="")
    is_default = serializers.BooleanField(required=False, default=False)


class KindUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    is_default = serializers.BooleanField(required=False)


class PromotionOutputSerializer(serializers.ModelSerializer):
    products: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Promotion
        fields = [
            "id",
            "name",
            "kind",
            "percent",
            "price",
            "currency",
            "price_list",
            "customer_kind",
            "products",
            "valid_from",
            "valid_until",
        ]


class PromotionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=PromotionKind.choices)
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    price = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False, allow_blank=True)
    price_list = serializers.IntegerField(required=False, allow_null=True)
    customer_kind = serializers.IntegerField(required=False, allow_null=True)
    products = serializers.ListField(child=serializers.IntegerField(), max_length=1000)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


class AssignmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceAssignment
        fields = ["id", "account", "segment", "price_list", "customer_kind", "priority"]


class AssignmentInputSerializer(serializers.Serializer):
    account = serializers.IntegerField(required=False, allow_null=True)
    segment = serializers.IntegerField(required=False, allow_null=True)
    price_list = serializers.IntegerField(required=False, allow_null=True)
    customer_kind = serializers.IntegerField(required=False, allow_null=True)
    priority = serializers.IntegerField(required=False, default=100, min_value=0, max_value=32767)


class BuyerPriceItemSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")
    unit = serializers.CharField(source="product.unit")
    min_quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    price = serializers.DecimalField(max_digits=18, decimal_places=2)


class BuyerPriceListSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display")
    items = BuyerPriceItemSerializer(many=True)

    class Meta:
        model = PriceList
        fields = [
            "id",
            "name",
            "kind",
            "kind_name",
            "currency",
            "valid_from",
            "valid_until",
            "items",
        ]


class QuoteLineSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)


class PriceQuoteInputSerializer(serializers.Serializer):
    buyer = serializers.IntegerField(required=False, allow_null=True)
    on_date = serializers.DateField(required=False)
    lines = QuoteLineSerializer(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]


class OfferInputSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    template = serializers.IntegerField()
    file_format = serializers.ChoiceField(choices=["pdf", "docx"], default="pdf")
    on_date = serializers.DateField(required=False)
    lines = QuoteLineSerializer(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]


class BuyerPricesOutputSerializer(serializers.Serializer):
    """What ``MyPricesApi`` answers (documentation of the shape)."""

    buyer = serializers.IntegerField()
    on_date = serializers.DateField()
    price_lists = BuyerPriceListSerializer(many=True)
    promotions = PromotionOutputSerializer(many=True)


class PriceQuoteRowOutputSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3)
    price = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    currency = serializers.CharField(allow_null=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    list_price = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    promotion = serializers.CharField(allow_null=True)
    source = serializers.CharField()


class PriceQuoteTotalOutputSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class PriceQuoteOutputSerializer(serializers.Serializer):
    """What ``quote_data`` makes (documentation of the shape)."""

    on_date = serializers.DateField()
    rows = PriceQuoteRowOutputSerializer(many=True)
    totals = PriceQuoteTotalOutputSerializer(many=True)


def quote_data(quote) -> dict:
    return {
        "on_date": quote.on_date,
        "rows": [
            {
                "product": r.product.pk,
                "sku": r.product.sku,
                "name": r.product.name,
                "unit": r.product.unit,
                "quantity": str(r.quantity),
                "price": None if r.price is None else str(r.price),
                "currency": r.currency,
                "amount": None if r.amount is None else str(r.amount),
                "list_price": None if r.list_price is None else str(r.list_price),
                "promotion": r.promotion,
                "source": r.source,
            }
            for r in quote.rows
        ],
        "totals": [{"currency": c, "amount": str(a)} for c, a in quote.totals],
    }
