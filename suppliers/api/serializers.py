from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.categories.models import Category
from marketplace.companies.api.profile_serializers import (
    CategoryBriefSerializer,
    CompanyProfileOutputSerializer,
)
from marketplace.core.ids import IdField
from marketplace.core.models import CURRENCIES

from ..models import KIND_CODE_MAX, Certificate, PriceList, PriceListItem, Product
from ..pricelist_io import NAME_MAX, SKU_MAX, UNIT_MAX
from ..regions import region_name
from ..selectors import supplier_profile_of
from ..services import is_customer_kind


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CertificateOutputSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    file_name = serializers.CharField(source="original_file_name")

    class Meta:
        model = Certificate
        fields = [
            "id",
            "name",
            "issuer",
            "number",
            "valid_from",
            "valid_until",
            "has_file",
            "file_name",
            "file_url",
            "created_at",
        ]

    def get_has_file(self, obj) -> bool:
        return bool(obj.file_name)

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, obj) -> str | None:
        if not obj.file_name:
            return None
        return reverse(
            "api:supplier-certificate-file",
            kwargs={"company_id": obj.profile.company_id, "certificate_id": obj.pk},
        )


class SupplierProfileOutputSerializer(CompanyProfileOutputSerializer):
    """A supplier company with its profile (empty until the supplier fills it in)."""

    regions = serializers.SerializerMethodField()
    certificates = serializers.SerializerMethodField()

    profile_of = staticmethod(supplier_profile_of)

    @extend_schema_field(RegionSerializer(many=True))
    def get_regions(self, company):
        profile = supplier_profile_of(company=company)
        codes = [r.code for r in profile.regions.all()] if profile else []
        return [{"code": c, "name": region_name(c)} for c in sorted(codes)]

    @extend_schema_field(CertificateOutputSerializer(many=True))
    def get_certificates(self, company):
        profile = supplier_profile_of(company=company)
        certs = profile.certificates.all() if profile else []
        return CertificateOutputSerializer(certs, many=True).data


class SupplierProfileInputSerializer(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    categories = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.all(),
        many=True,
        required=False,
        help_text=_("Category codes"),
    )
    regions = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        max_length=500,
        help_text=_("ISO 3166 codes: countries (UA) or subdivisions (UA-30)"),
    )


class CertificateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    issuer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    file = serializers.FileField(required=False, help_text=_("PDF, JPEG or PNG, 10 MB at most"))


class CertificateUpdateSerializer(CertificateInputSerializer):
    name = serializers.CharField(max_length=200, required=False)


class ProductOutputSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(allow_null=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "category",
            "unit",
            "is_active",
            "created_at",
            "updated_at",
        ]


class ProductInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=SKU_MAX)
    name = serializers.CharField(max_length=NAME_MAX)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Category code"),
    )
    unit = serializers.CharField(max_length=UNIT_MAX)
    is_active = serializers.BooleanField(required=False, default=True)


class ProductUpdateSerializer(ProductInputSerializer):
    sku = serializers.CharField(max_length=SKU_MAX, required=False)
    name = serializers.CharField(max_length=NAME_MAX, required=False)
    unit = serializers.CharField(max_length=UNIT_MAX, required=False)
    is_active = serializers.BooleanField(required=False)


class PriceListOutputSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PriceList
        fields = [
            "id",
            "name",
            "kind",
            "currency",
            "valid_from",
            "valid_until",
            "item_count",
            "created_at",
            "updated_at",
        ]


class PriceListInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.SlugField(max_length=KIND_CODE_MAX)
    currency = serializers.ChoiceField(choices=CURRENCIES)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)

    def validate_kind(self, value: str) -> str:
        """One of the supplier's kinds of customer (the view gives ``supplier_id``), so an
        unknown kind is told together with the other fields' problems."""
        supplier_id = self.context.get("supplier_id")
        if supplier_id is not None and not is_customer_kind(supplier_id=supplier_id, code=value):
            raise serializers.ValidationError(_("Unknown kind of customer."))
        return value


class PriceListUpdateSerializer(PriceListInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.SlugField(max_length=KIND_CODE_MAX, required=False)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)
    valid_from = serializers.DateField(required=False)


class CatalogueProductBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "sku", "name", "unit"]


class PriceListItemOutputSerializer(serializers.ModelSerializer):
    product = CatalogueProductBriefSerializer()
    currency = serializers.CharField(source="price_list.currency")

    class Meta:
        model = PriceListItem
        fields = ["id", "product", "price", "currency", "min_quantity"]


class PriceListItemInputSerializer(serializers.Serializer):
    product_id = IdField()
    price = serializers.DecimalField(max_digits=18, decimal_places=2)
    # A Decimal: DRF hands a default over as it is, without converting it.
    min_quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, default=Decimal("1")
    )


class PriceListItemUpdateSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    min_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, required=False)


class PriceListImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV (UTF-8 or Windows-1251) or XLSX"))
    dry_run = serializers.BooleanField(required=False, default=False)


class PriceListImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    products_created = serializers.IntegerField()
    products_updated = serializers.IntegerField()
    items = serializers.IntegerField()


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    problem = serializers.CharField()


class _PriceListImportErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    report = ImportProblemSerializer(many=True)


class PriceListImportErrorSerializer(serializers.Serializer):
    error = _PriceListImportErrorBodySerializer()


class _SupplierErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    # A declared field: DRF's metaclass takes it out of the class, so Serializer.fields stays as
    # it is; the stubs see a class attribute overriding it.
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


class SupplierErrorSerializer(serializers.Serializer):
    error = _SupplierErrorBodySerializer()
