"""Tender lifecycle API: thin, one-operation views over ``tender_services`` and
``tender_selectors``.

Scoping: a tender, lot, application or question the user may not see answers 404; one the user
sees but may not change answers 403 with the service's error code. Suppliers get the
supplier-facing serializers (no reserve prices, no other suppliers' names).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from marketplace.categories.models import Category
from marketplace.categories.selectors import category_subtree
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.files import private_file_response
from marketplace.core.ids import IdFilter
from marketplace.core.serializers import ErrorResponseSerializer
from marketplace.platforms.models import Platform

from .. import tender_selectors as selectors
from .. import tender_services as services
from ..models import (
    Application,
    ApplicationStatus,
    Lot,
    Participation,
    Question,
    Tender,
    TenderDocument,
    TenderInvitation,
    TenderStatus,
)
from .tender_serializers import (
    AnswerInputSerializer,
    ApplicationInputSerializer,
    ApplicationOutputSerializer,
    LotBuyerOutputSerializer,
    LotInputSerializer,
    LotOutputSerializer,
    QuestionInputSerializer,
    QuestionOutputSerializer,
    ReasonInputSerializer,
    ScheduleOutputSerializer,
    TenderBuyerDetailOutputSerializer,
    TenderCreateInputSerializer,
    TenderDetailOutputSerializer,
    TenderDocumentOutputSerializer,
    TenderDocumentUploadInputSerializer,
    TenderInvitationInputSerializer,
    TenderInvitationOutputSerializer,
    TenderListOutputSerializer,
    TenderUpdateInputSerializer,
)

TAGS = ["tenders"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not allowed for your role"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Conflicts with the current state"))


# --- Helpers ---------------------------------------------------------------------------------


def _tender_out(request, tender: Tender) -> dict:
    tender = (
        Tender.objects.select_related("buyer", "category")
        .prefetch_related("lots__criteria", "documents")
        .get(pk=tender.pk)
    )
    if selectors.tender_is_buyer_side(user=request.user, tender=tender):
        return TenderBuyerDetailOutputSerializer(tender).data
    return TenderDetailOutputSerializer(tender).data


def _lot_out(request, lot: Lot) -> dict:
    lot = Lot.objects.select_related("tender").prefetch_related("criteria").get(pk=lot.pk)
    if selectors.tender_is_buyer_side(user=request.user, tender=lot.tender):
        return LotBuyerOutputSerializer(lot).data
    return LotOutputSerializer(lot).data


def _lookup(model, pk, *, field: str, code: str, message: str):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ApplicationError(message, code=code, fields={field: [message]})
    return obj


def _acting_company(request, company_id: int | None, *, field: str) -> Company:
    """The supplier company the user acts for: the one named, or the only one the user may
    act for as a supplier."""
    roles = selectors.SUPPLIER_ACTOR_ROLES
    if company_id is not None:
        if company_id not in user_company_ids(user=request.user):
            message = _("You are not a member of this company.")
            raise PermissionDeniedError(message, code="not_company_member")
        return Company.objects.get(pk=company_id)
    candidates = Company.objects.filter(
        pk__in=user_company_ids(user=request.user, roles=roles), is_supplier=True
    )
    if candidates.count() != 1:
        if not candidates:
            raise PermissionDeniedError(
                _("Only a supplier's company admins and bidders may do this."),
                code="not_supplier_bidder",
            )
        message = _("You act for several suppliers: name the company.")
        raise ApplicationError(message, code="company_required", fields={field: [message]})
    return candidates.get()


# --- Tenders ---------------------------------------------------------------------------------


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
        return selectors.tender_list_visible(user=self.request.user).prefetch_related("lots")

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
        platform = _lookup(
            Platform, fields.pop("platform"), field="platform", code="platform_not_found",
            message=_("No platform has this id."),
        )  # fmt: skip
        buyer_id = fields.pop("buyer")
        if buyer_id not in user_company_ids(user=request.user):
            message = _("You are not a member of this company.")
            raise ApplicationError(message, code="not_company_member", fields={"buyer": [message]})
        buyer = Company.objects.get(pk=buyer_id)
        fields["category"] = _lookup(
            Category, fields["category"], field="category", code="category_not_found",
            message=_("No category has this id."),
        )  # fmt: skip
        tender = services.tender_create(
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
        responses={200: TenderBuyerDetailOutputSerializer, 404: E404},
    )
    def get(self, request, tender_id: int):
        return Response(
            _tender_out(
                request, selectors.tender_get_visible(user=request.user, tender_id=tender_id)
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
            fields["category"] = _lookup(
                Category, fields["category"], field="category", code="category_not_found",
                message=_("No category has this id."),
            )  # fmt: skip
        tender = services.tender_update(actor=request.user, tender=tender, **fields)
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
        services.tender_delete(actor=request.user, tender=tender)
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
        tender = services.tender_publish(actor=request.user, tender=tender)
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
        tender = services.tender_cancel(actor=request.user, tender=tender, **data.validated_data)
        return Response(_tender_out(request, tender))


# --- Lots ------------------------------------------------------------------------------------


class TenderLotListCreateApi(GenericAPIView):
    serializer_class = LotOutputSerializer
    queryset = Lot.objects.none()
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_lots_list",
        summary="A tender's lots",
        responses={200: LotBuyerOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        lots = selectors.lot_list_for_tender(tender=tender)
        serializer = (
            LotBuyerOutputSerializer
            if selectors.tender_is_buyer_side(user=request.user, tender=tender)
            else LotOutputSerializer
        )
        return Response(serializer(lots, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_lots_create",
        summary="Add a lot to a draft tender (its rules start from the platform's defaults)",
        request=LotInputSerializer,
        responses={201: LotBuyerOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        data = LotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = services.lot_create(actor=request.user, tender=tender, **data.validated_data)
        return Response(_lot_out(request, lot), status=status.HTTP_201_CREATED)


class LotDetailApi(GenericAPIView):
    serializer_class = LotOutputSerializer
    queryset = Lot.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_retrieve",
        summary="A lot (the reserve price for the buyer's side only)",
        responses={200: LotBuyerOutputSerializer, 404: E404},
    )
    def get(self, request, lot_id: int):
        return Response(
            _lot_out(request, selectors.lot_get_visible(user=request.user, lot_id=lot_id))
        )

    @extend_schema(
        tags=TAGS,
        operation_id="lots_update",
        summary="Change a lot of a draft tender",
        request=LotInputSerializer,
        responses={200: LotBuyerOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        data = LotInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        lot = services.lot_update(actor=request.user, lot=lot, **data.validated_data)
        return Response(_lot_out(request, lot))

    @extend_schema(
        tags=TAGS,
        operation_id="lots_delete",
        summary="Delete a lot of a draft tender",
        request=None,
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        services.lot_delete(actor=request.user, lot=lot)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LotCancelApi(GenericAPIView):
    serializer_class = LotBuyerOutputSerializer
    queryset = Lot.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_cancel",
        summary="Cancel one lot with a reason",
        request=ReasonInputSerializer,
        responses={200: LotBuyerOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = services.lot_cancel(actor=request.user, lot=lot, **data.validated_data)
        return Response(_lot_out(request, lot))


class LotCloseApplicationsApi(GenericAPIView):
    serializer_class = LotBuyerOutputSerializer
    queryset = Lot.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_close_applications",
        summary="Close a lot's applications once the deadline has passed",
        request=None,
        responses={200: LotBuyerOutputSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        lot = services.lot_applications_close(lot_id=lot.pk, actor=request.user)
        return Response(_lot_out(request, lot))


class LotScheduleApi(GenericAPIView):
    serializer_class = ScheduleOutputSerializer
    queryset = Lot.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_schedule",
        summary="Schedule a lot's auction, or fail it when too few suppliers were admitted",
        request=None,
        responses={200: ScheduleOutputSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        lot, outcome = services.lot_schedule(lot_id=lot.pk, actor=request.user)
        return Response({"outcome": outcome, "lot": _lot_out(request, lot)})


# --- Documents -------------------------------------------------------------------------------


class TenderDocumentListUploadApi(GenericAPIView):
    serializer_class = TenderDocumentOutputSerializer
    queryset = TenderDocument.objects.none()
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_documents_list",
        summary="A tender's documents",
        responses={200: TenderDocumentOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        return Response(
            TenderDocumentOutputSerializer(selectors.document_list(tender=tender), many=True).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_documents_upload",
        summary="Upload a document (PDF, PNG, JPEG, XLSX, DOCX) to a tender",
        request={"multipart/form-data": TenderDocumentUploadInputSerializer},
        responses={201: TenderDocumentOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        data = TenderDocumentUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.tender_document_upload(
            actor=request.user, tender=tender, **data.validated_data
        )
        return Response(
            TenderDocumentOutputSerializer(document).data, status=status.HTTP_201_CREATED
        )


class TenderDocumentDetailApi(GenericAPIView):
    serializer_class = TenderDocumentOutputSerializer
    queryset = TenderDocument.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_documents_download",
        summary="Download a tender document (whoever may see the tender)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: E404},
    )
    def get(self, request, tender_id: int, document_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        document = selectors.document_get(tender=tender, document_id=document_id)
        return private_file_response(
            name=document.storage_name, filename=document.original_name,
            content_type=document.content_type,
            missing_message=_("The file of this document is missing."),
        )  # fmt: skip

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_documents_delete",
        summary="Delete a document of a draft tender",
        request=None,
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, tender_id: int, document_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        document = selectors.document_get(tender=tender, document_id=document_id)
        services.tender_document_delete(actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Invitations -----------------------------------------------------------------------------


def _buyer_side_tender(request, tender_id: int) -> Tender:
    """A visible tender whose buyer side the user is on; suppliers get 403."""
    tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
    if not selectors.tender_is_buyer_side(user=request.user, tender=tender):
        raise PermissionDeniedError(
            _("Only the buyer and the platform's admins may see this."), code="not_tender_buyer"
        )
    return tender


class TenderInvitationListCreateApi(GenericAPIView):
    serializer_class = TenderInvitationOutputSerializer
    queryset = TenderInvitation.objects.none()
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_invitations_list",
        summary="The suppliers invited to a tender (the buyer's side)",
        responses={200: TenderInvitationOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = _buyer_side_tender(request, tender_id)
        return Response(
            TenderInvitationOutputSerializer(
                selectors.invitation_list(tender=tender), many=True
            ).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_invitations_create",
        summary="Invite a supplier to an invitation-only tender",
        request=TenderInvitationInputSerializer,
        responses={
            201: TenderInvitationOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        data = TenderInvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        supplier = _lookup(
            Company, data.validated_data["supplier"], field="supplier", code="supplier_not_found",
            message=_("No company has this id."),
        )  # fmt: skip
        invitation = services.tender_invitation_create(
            actor=request.user, tender=tender, supplier=supplier
        )
        return Response(
            TenderInvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED
        )


class TenderInvitationRemoveApi(GenericAPIView):
    serializer_class = TenderInvitationOutputSerializer
    queryset = TenderInvitation.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_invitations_remove",
        summary="Take an invitation back",
        request=None,
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, tender_id: int, invitation_id: int):
        tender = _buyer_side_tender(request, tender_id)
        invitation = selectors.invitation_list(tender=tender).filter(pk=invitation_id).first()
        if invitation is None:
            raise NotFoundError(_("No such invitation."), code="invitation_not_found")
        services.tender_invitation_remove(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Applications ----------------------------------------------------------------------------


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
        responses={200: ApplicationOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
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
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        data = ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        supplier = _acting_company(request, fields.pop("supplier", None), field="supplier")
        application = services.application_submit(
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
        application = services.application_admit(actor=request.user, application=application)
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
        application = services.application_reject(
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
        application = services.application_withdraw(actor=request.user, application=application)
        return Response(ApplicationOutputSerializer(application).data)


# --- Questions -------------------------------------------------------------------------------


class TenderQuestionListAskApi(GenericAPIView):
    serializer_class = QuestionOutputSerializer
    queryset = Question.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_questions_list",
        summary="Answered questions (plus my companies' own); all of them for the buyer's side",
        responses={200: QuestionOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        page = self.paginate_queryset(
            selectors.question_list_visible(user=request.user, tender=tender)
        )
        context = {"company_ids": user_company_ids(user=request.user)}
        return self.get_paginated_response(
            QuestionOutputSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_questions_ask",
        summary="Ask a question before the questions deadline (suppliers who see the tender)",
        request=QuestionInputSerializer,
        responses={201: QuestionOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        company = _acting_company(request, fields.pop("company", None), field="company")
        lot = None
        if fields.get("lot") is not None:
            lot = tender.lots.filter(pk=fields["lot"]).first()
            if lot is None:
                message = _("This tender has no such lot.")
                raise ApplicationError(message, code="lot_not_found", fields={"lot": [message]})
        question = services.question_ask(
            actor=request.user, tender=tender, company=company, lot=lot, text=fields["text"]
        )
        context = {"company_ids": {company.pk}}
        return Response(
            QuestionOutputSerializer(question, context=context).data, status=status.HTTP_201_CREATED
        )


class QuestionAnswerApi(GenericAPIView):
    serializer_class = QuestionOutputSerializer
    queryset = Question.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="questions_answer",
        summary="Answer a question (the buyer's managers); the answer is published to all",
        request=AnswerInputSerializer,
        responses={200: QuestionOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, question_id: int):
        question = selectors.question_get_visible(user=request.user, question_id=question_id)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_answer(
            actor=request.user, question=question, answer=data.validated_data["answer"]
        )
        context = {"company_ids": user_company_ids(user=request.user)}
        return Response(QuestionOutputSerializer(question, context=context).data)
