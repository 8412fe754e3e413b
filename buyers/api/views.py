import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.categories.models import Category
from marketplace.companies.models import Company

from .. import selectors, services
from . import serializers as s

ERRORS = {
    400: OpenApiResponse(s.BuyerErrorSerializer, description="Invalid input"),
    403: OpenApiResponse(s.BuyerErrorSerializer, description="Your role does not allow this"),
    404: OpenApiResponse(s.BuyerErrorSerializer, description="Not found or not visible to you"),
}


class BuyerFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="code",
        method="filter_category",
        label=_("Category code; buyers of any category below it match too"),
    )

    def filter_category(self, queryset, name, value: Category | None):
        return selectors.filter_buyers_by_category(queryset, value) if value else queryset


@extend_schema(tags=["buyers"])
class BuyerListApi(generics.ListAPIView):
    """Buyers visible to you: your own, and every verified buyer if you work for a verified
    supplier."""

    serializer_class = s.BuyerProfileOutputSerializer
    filterset_class = BuyerFilter
    search_fields = ["legal_name", "buyer_profile__description"]
    ordering_fields = ["legal_name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Company.objects.none()
        return selectors.buyer_companies_visible(user=self.request.user)


@extend_schema(tags=["buyers"])
class BuyerProfileApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="buyer_profile_retrieve",
        responses={200: s.BuyerProfileOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, company_id: int):
        company = selectors.buyer_get_visible(user=request.user, company_id=company_id)
        return Response(s.BuyerProfileOutputSerializer(company).data)

    @extend_schema(
        operation_id="buyer_profile_update",
        request=s.BuyerProfileInputSerializer,
        responses={200: s.BuyerProfileOutputSerializer, **ERRORS},
    )
    def patch(self, request, company_id: int):
        company = selectors.buyer_get_for_member(user=request.user, company_id=company_id)
        data = s.BuyerProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.buyer_profile_update(actor=request.user, company=company, **data.validated_data)
        company = selectors.buyer_get_visible(user=request.user, company_id=company_id)
        return Response(s.BuyerProfileOutputSerializer(company).data)
