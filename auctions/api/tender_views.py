"""The tenders API: list and create, read, change and delete a draft, publish, cancel. Thin,
one-operation views over ``auctions.tenders`` (``drafting``) and its selectors.

Scoping: a tender, lot, application or question the user may not see answers 404; one the user
sees but may not change answers 403 with the service's error code. Suppliers get the
supplier-facing serializers (no reserve prices, no other suppliers' names).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.categories.models import Category
from marketplace.categories.selectors import category_subtree
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import ApplicationError
from marketplace.core.ids import IdFilter
from marketplace.platforms.hosts import scope_filter
from marketplace.platforms.models import Platform

from ..models import Participation, Tender, TenderStatus
from ..tenders import drafting, selectors
from ._tender_common import E400, E403, E404, E409, TAGS, lookup
from .tender_serializers import (
    ReasonInputSerializer,
    TenderBuyerDetailOutputSerializer,
    TenderCreateInputSerializer,
    TenderDetailOutputSerializer,
    TenderListOutputSerializer,
    TenderUpdateInputSerializer,
)


def _tender_out(request, tender: Tender) -> dict:
    tender = (
        Tender.objects.select_related("buyer", "category")
        .prefetch_related("lots__criteria", "documents__translation")
        .get(pk=tender.pk)
    )
    context = {"request": request}
    if selectors.tender_is_buyer_side(user=request.user, tender=tender):
        return TenderBuyerDetailOutputSerializer(tender, context=context).data
    return TenderDetailOutputSerializer(tender, context=context).data


class TenderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TenderStatus.choices)
    participation = django_filters.ChoiceFilter(choices=Participation.choices)
    platform = IdFilter(field_name="platform_id")
    buyer = IdFilter(field_name="buyer_id")
    category = IdFilter(
        method="filter_category", help_text=gettext_lazy("A category id: tenders in its subtree")
    )

    class Meta:
        model = Tender
        fields = ["status", "participation", "platform", "buyer", "category"]

    def filter_category(self, queryset, name, value):
        category = Category.objects.filter(pk=value).first()
        if category is None:
            return queryset.none()
        return queryset.filter(category__in=category_subtree(category=category))


class TenderListCreateApi(GenericAPIView):
    """The tenders I may see; a buyer's procurement officer creates a draft."""

    serializer_class = TenderListOutputSerializer
    filterset_class = TenderFilter
    search_fields = ["title", "description"]
    ordering_fields = ["created_at", "applications_deadline", "auction_start"]

    def get_queryset(self):
        # On a brand's host, only its platform's tenders (docs/api/branding.md).
        tenders = selectors.tender_list_visible(user=self.request.user)
        return scope_filter(self.request, tenders).prefetch_related("lots")

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_list",
        summary="List the tenders I may see",
        responses={200: TenderListOutputSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TenderListOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_create",
        summary="Create a draft tender with its lots (the buyer's procurement officers)",
        request=TenderCreateInputSerializer,
        responses={201: TenderBuyerDetailOutputSerializer, 400: E400, 403: E403},
    )
    def post(self, request):
        data = TenderCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        platform = lookup(
            Platform,
            fields.pop("platform"),
            field="platform",
            code="platform_not_found",
            message=_("No platform has this id."),
        )
        buyer_id = fields.pop("buyer")
        if buyer_id not in user_company_ids(user=request.user):
            message = _("You are not a member of this company.")
            raise ApplicationError(message, code="not_company_member", fields={"buyer": [message]})
        buyer = Company.objects.get(pk=buyer_id)
        fields["category"] = lookup(
            Category,
            fields["category"],
            field="category",
            code="category_not_found",
            message=_("No category has this id."),
        )
        tender = drafting.tender_create(
            actor=request.user, platform=platform, buyer=buyer, **fields
        )
        return Response(_tender_out(request, tender), status=status.HTTP_201_CREATED)


class TenderDetailApi(GenericAPIView):
    serializer_class = TenderDetailOutputSerializer
    queryset = Tender.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_retrieve",
        summary="A tender with its lots and documents (reserve prices for the buyer's side only)",
        responses={200: TenderBuyerDetailOutputSerializer, 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        return Response(
            _tender_out(
                request,
                selectors.tender_get_visible(user=request.user, tender_id=tender_id, explain=True),
            )
        )

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_update",
        summary="Change a draft tender (the buyer's managers)",
        request=TenderUpdateInputSerializer,
        responses={
            200: TenderBuyerDetailOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def patch(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        data = TenderUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "category" in fields:
            fields["category"] = lookup(
                Category,
                fields["category"],
                field="category",
                code="category_not_found",
                message=_("No category has this id."),
            )
        tender = drafting.tender_update(actor=request.user, tender=tender, **fields)
        return Response(_tender_out(request, tender))

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_delete",
        summary="Delete a draft tender (the buyer's managers)",
        request=None,
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        drafting.tender_delete(actor=request.user, tender=tender)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TenderPublishApi(GenericAPIView):
    serializer_class = TenderBuyerDetailOutputSerializer
    queryset = Tender.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_publish",
        summary="Publish a draft tender: its lots start taking applications",
        request=None,
        responses={
            200: TenderBuyerDetailOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        tender = drafting.tender_publish(actor=request.user, tender=tender)
        return Response(_tender_out(request, tender))


class TenderCancelApi(GenericAPIView):
    serializer_class = TenderBuyerDetailOutputSerializer
    queryset = Tender.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_cancel",
        summary="Cancel a tender and its unfinished lots, with a reason",
        request=ReasonInputSerializer,
        responses={
            200: TenderBuyerDetailOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = drafting.tender_cancel(actor=request.user, tender=tender, **data.validated_data)
        return Response(_tender_out(request, tender))
