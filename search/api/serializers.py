"""The search API's answers: the page of tenders with the facets."""

from __future__ import annotations

from rest_framework import serializers

from ..query import DEADLINE_RANGES, MAX_PAGE, MAX_PAGE_SIZE, Sort


class SearchQuerySerializer(serializers.Serializer):
    """The parameters (for the schema; ``search.query.tender_query`` reads them)."""

    q = serializers.CharField(required=False, help_text="words, in any language or in Latin")
    category = serializers.CharField(required=False, help_text="category ids, comma-separated")
    platform = serializers.CharField(required=False, help_text="platform ids, comma-separated")
    currency = serializers.CharField(required=False, help_text="e.g. UAH,EUR")
    status = serializers.CharField(required=False, help_text="tender statuses")
    region = serializers.CharField(required=False, help_text="the buyer's country, e.g. UA")
    price_min = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    price_max = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    deadline = serializers.ChoiceField(choices=DEADLINE_RANGES, required=False)
    deadline_from = serializers.DateField(required=False)
    deadline_to = serializers.DateField(required=False)
    sort = serializers.ChoiceField(choices=Sort.ALL, required=False)
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)


class BucketSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as Field's attribute
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as Field's attribute
    buckets = BucketSerializer(many=True)


class TenderHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    buyer = serializers.CharField(source="buyer.legal_name")
    platform = serializers.CharField(source="platform.name")
    category = serializers.CharField(source="category.name")
    currency = serializers.CharField()
    status = serializers.CharField()
    applications_deadline = serializers.DateTimeField()
    auction_start = serializers.DateTimeField()
    lots = serializers.IntegerField(source="lot_count")
    price_min = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)


class TenderSearchSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = TenderHitSerializer(many=True)
    facets = FacetSerializer(many=True)
    backend = serializers.CharField(help_text="database or elasticsearch")
    notice = serializers.CharField(help_text="said when the answer is not the usual one")


class SupplierHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="legal_name")
    country = serializers.CharField()
    city = serializers.CharField()
    description = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    regions = serializers.SerializerMethodField()

    def _profile(self, company):
        return getattr(company, "supplier_profile", None)

    def get_description(self, company) -> str:
        profile = self._profile(company)
        return profile.description[:300] if profile else ""

    def get_categories(self, company) -> list[str]:
        profile = self._profile(company)
        return [str(c.name) for c in profile.categories.all()] if profile else []

    def get_regions(self, company) -> list[str]:
        profile = self._profile(company)
        return [r.code for r in profile.regions.all()] if profile else []


class ProductHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    sku = serializers.CharField()
    unit = serializers.CharField()
    supplier = serializers.IntegerField(source="supplier_id")
    supplier_name = serializers.CharField(source="supplier.legal_name")
    category = serializers.CharField(source="category.name", allow_null=True, default=None)
    currency = serializers.CharField()
    price_min = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    price_max = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)


class SupplierSearchSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = SupplierHitSerializer(many=True)
    facets = FacetSerializer(many=True)
    backend = serializers.CharField()
    notice = serializers.CharField()


class ProductSearchSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = ProductHitSerializer(many=True)
    facets = FacetSerializer(many=True)
    backend = serializers.CharField()
    notice = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
