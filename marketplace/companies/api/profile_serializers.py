"""The part a supplier's and a buyer's public profile share: the company and its profile row."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.categories.models import Category


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]


class CompanyProfileOutputSerializer(serializers.Serializer):
    """A company with its (buyer's or supplier's) profile, empty until it is filled in.

    Subclasses say where the profile is: ``profile_of(company=...)`` returns it or None."""

    company_id = serializers.IntegerField(source="pk")
    legal_name = serializers.CharField()
    country = serializers.CharField()
    city = serializers.CharField()
    website = serializers.CharField()
    verification_status = serializers.CharField()
    description = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField()

    @staticmethod
    def profile_of(*, company):
        raise NotImplementedError

    def get_description(self, company) -> str:
        profile = self.profile_of(company=company)
        return profile.description if profile else ""

    @extend_schema_field(CategoryBriefSerializer(many=True))
    def get_categories(self, company):
        profile = self.profile_of(company=company)
        return CategoryBriefSerializer(profile.categories.all() if profile else [], many=True).data

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, company):
        profile = self.profile_of(company=company)
        return (
            serializers.DateTimeField().to_representation(profile.updated_at) if profile else None
        )
