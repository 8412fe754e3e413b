from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.categories.models import Category
from marketplace.companies.api.profile_serializers import CompanyProfileOutputSerializer

from ..selectors import buyer_procurement_officers, buyer_profile_of


class ProcurementOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class BuyerProfileOutputSerializer(CompanyProfileOutputSerializer):
    procurement_officers = serializers.SerializerMethodField()

    profile_of = staticmethod(buyer_profile_of)

    @extend_schema_field(ProcurementOfficerSerializer(many=True))
    def get_procurement_officers(self, company):
        return ProcurementOfficerSerializer(
            buyer_procurement_officers(company=company), many=True
        ).data


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
    # A declared field: DRF's metaclass takes it out of the class, so Serializer.fields stays as
    # it is; the stubs see a class attribute overriding it.
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]


class BuyerErrorSerializer(serializers.Serializer):
    error = _BuyerErrorBodySerializer()
