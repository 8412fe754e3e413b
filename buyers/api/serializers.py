from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.categories.models import Category

from ..selectors import buyer_procurement_officers, buyer_profile_of


class BuyerCategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]


class ProcurementOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class BuyerProfileOutputSerializer(serializers.Serializer):
    company_id = serializers.IntegerField(source="pk")
    legal_name = serializers.CharField()
    country = serializers.CharField()
    city = serializers.CharField()
    website = serializers.CharField()
    verification_status = serializers.CharField()
    description = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    procurement_officers = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()

    def get_description(self, company) -> str:
        profile = buyer_profile_of(company=company)
        return profile.description if profile else ""

    @extend_schema_field(BuyerCategoryBriefSerializer(many=True))
    def get_categories(self, company):
        profile = buyer_profile_of(company=company)
        return BuyerCategoryBriefSerializer(
            profile.categories.all() if profile else [], many=True
        ).data

    @extend_schema_field(ProcurementOfficerSerializer(many=True))
    def get_procurement_officers(self, company):
        return ProcurementOfficerSerializer(
            buyer_procurement_officers(company=company), many=True
        ).data

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, company):
        profile = buyer_profile_of(company=company)
        return (
            serializers.DateTimeField().to_representation(profile.updated_at) if profile else None
        )


class BuyerProfileInputSerializer(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    categories = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.all(),
        many=True,
        required=False,
        help_text=_("Category codes"),
    )


class _BuyerErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class BuyerErrorSerializer(serializers.Serializer):
    error = _BuyerErrorBodySerializer()
