"""The applications API: apply to a lot, list and read applications (the buyer's side all of a
lot's, a supplier its own), admit, reject, withdraw."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.companies.selectors import user_company_ids

from ..models import Application, ApplicationStatus
from ..tenders import applications, selectors
from ._tender_common import E400, E403, E404, E409, TAGS, acting_company
from .tender_serializers import (
    ApplicationInputSerializer,
    ApplicationOutputSerializer,
    ReasonInputSerializer,
)


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)

    class Meta:
        model = Application
        fields = ["status"]


class LotApplicationListCreateApi(GenericAPIView):
    """The buyer's side lists every application to a lot, a supplier its own; a supplier applies."""

    serializer_class = ApplicationOutputSerializer
    filterset_class = ApplicationFilter
    search_fields: list[str] = []
    ordering_fields = ["created_at", "label"]

    def get_queryset(self):
        return Application.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_applications_list",
        summary="Applications to a lot (all for the buyer's side; my companies' own otherwise)",
        responses={200: ApplicationOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id, explain=True)
        qs = selectors.application_list_for_lot(lot=lot)
        if not selectors.tender_is_buyer_side(user=request.user, tender=lot.tender):
            qs = qs.filter(supplier_id__in=user_company_ids(user=request.user))
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(ApplicationOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="lots_applications_create",
        summary="Apply to a lot for my supplier company",
        request=ApplicationInputSerializer,
        responses={201: ApplicationOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id, explain=True)
        data = ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        supplier = acting_company(request, fields.pop("supplier", None), field="supplier")
        application = applications.application_submit(
            actor=request.user, lot=lot, supplier=supplier, **fields
        )
        return Response(
            ApplicationOutputSerializer(application).data, status=status.HTTP_201_CREATED
        )


class ApplicationListApi(GenericAPIView):
    serializer_class = ApplicationOutputSerializer
    filterset_class = ApplicationFilter
    search_fields = ["lot__title", "lot__tender__title"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.application_list_for_user(user=self.request.user)

    @extend_schema(
        tags=TAGS,
        operation_id="applications_list",
        summary="My companies' applications",
        responses={200: ApplicationOutputSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ApplicationOutputSerializer(page, many=True).data)


class ApplicationDetailApi(GenericAPIView):
    serializer_class = ApplicationOutputSerializer
    queryset = Application.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="applications_retrieve",
        summary="An application (its supplier, the buyer's side)",
        responses={200: ApplicationOutputSerializer, 404: E404},
    )
    def get(self, request, application_id: int):
        application = selectors.application_get_visible(
            user=request.user, application_id=application_id
        )
        return Response(ApplicationOutputSerializer(application).data)


class ApplicationAdmitApi(GenericAPIView):
    serializer_class = ApplicationOutputSerializer
    queryset = Application.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="applications_admit",
        summary="Admit an application (the buyer's managers)",
        request=None,
        responses={200: ApplicationOutputSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, application_id: int):
        application = selectors.application_get_visible(
            user=request.user, application_id=application_id
        )
        application = applications.application_admit(actor=request.user, application=application)
        return Response(ApplicationOutputSerializer(application).data)


class ApplicationRejectApi(GenericAPIView):
    serializer_class = ApplicationOutputSerializer
    queryset = Application.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="applications_reject",
        summary="Reject an application with a reason the supplier sees",
        request=ReasonInputSerializer,
        responses={200: ApplicationOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, application_id: int):
        application = selectors.application_get_visible(
            user=request.user, application_id=application_id
        )
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = applications.application_reject(
            actor=request.user, application=application, **data.validated_data
        )
        return Response(ApplicationOutputSerializer(application).data)


class ApplicationWithdrawApi(GenericAPIView):
    serializer_class = ApplicationOutputSerializer
    queryset = Application.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="applications_withdraw",
        summary="Withdraw my company's application before the deadline",
        request=None,
        responses={200: ApplicationOutputSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, application_id: int):
        application = selectors.application_get_visible(
            user=request.user, application_id=application_id
        )
        application = applications.application_withdraw(actor=request.user, application=application)
        return Response(ApplicationOutputSerializer(application).data)
