"""The translation orders API (``/api/translation-orders/...``, ``/api/translation-platforms/
...``): orders and their steps, their documents and delivered files (private downloads), and a
platform's translators and rates. Thin views over ``translation_orders.selectors`` (reads, who
may read), ``services`` and ``platform_settings`` (writes, who may write)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from marketplace.core.exceptions import NotFoundError
from marketplace.core.files import private_file_response
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid
from marketplace.platforms.selectors import platforms_where_company_trades

from .. import platform_settings, selectors, services
from ..models import TranslationOrder
from . import serializers as s

TAGS = ["translation orders"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Your role does not allow this"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("The order's status does not allow it"))


class _Base(PathIdsInRange, GenericAPIView):
    queryset = TranslationOrder.objects.none()
    serializer_class = s.TranslationOrderSerializer
    path_id_not_found = {
        "order_id": ("order_not_found", gettext_lazy("Translation order not found.")),
        "document_id": ("document_not_found", gettext_lazy("No such document in the order.")),
        "file_id": ("file_not_found", gettext_lazy("No such file in the order.")),
        "platform_id": ("platform_not_found", gettext_lazy("Platform not found.")),
        "rate_id": ("rate_not_found", gettext_lazy("No such rate.")),
        "user_id": ("not_a_translator", gettext_lazy("This person does not translate for it.")),
    }


def _fresh(request, order_id: int) -> Response:
    order = selectors.order_get(user=request.user, order_id=order_id)
    return Response(s.order_data(user=request.user, order=order))


class OrderListApi(_Base):
    @extend_schema(
        tags=TAGS,
        operation_id="translation_orders_list",
        summary="Your companies' orders, your queue as a translator, or a platform's orders",
        parameters=[s.TranslationOrderQuerySerializer],
        responses={200: s.TranslationOrderBriefSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.TranslationOrderQuerySerializer, request.query_params)
        orders = selectors.order_list(
            user=request.user,
            scope=query["scope"],
            platform_id=query.get("platform"),
            status=query.get("status", ""),
        )
        page = self.paginate_queryset(orders)
        return self.get_paginated_response([s.order_brief(o) for o in page])

    @extend_schema(
        tags=TAGS,
        operation_id="translation_orders_create",
        summary="Order documents translated (a buyer's tender documents, a supplier's "
        "certificates)",
        request=s.TranslationOrderCreateSerializer,
        responses={201: s.TranslationOrderSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request):
        data = input_valid(s.TranslationOrderCreateSerializer, request.data)
        order = services.order_place(
            actor=request.user,
            company_id=data["company"],
            side=data["side"],
            source_language=data["source_language"],
            target_language=data["target_language"],
            tender_document_ids=data["tender_documents"],
            certificate_ids=data["certificates"],
            platform_id=data.get("platform"),
            instructions=data.get("instructions", ""),
        )
        response = _fresh(request, order.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class SourcesApi(_Base):
    @extend_schema(
        tags=TAGS,
        operation_id="translation_orders_sources",
        summary="What a company of yours may order translated",
        parameters=[s.TranslationSourcesQuerySerializer],
        responses={200: s.TranslationSourcesSerializer, 400: E400, 404: E404},
    )
    def get(self, request):
        query = input_valid(s.TranslationSourcesQuerySerializer, request.query_params)
        company = (
            selectors.companies_ordering(user=request.user).filter(pk=query["company"]).first()
        )
        if company is None:
            raise NotFoundError(_("Company not found."), code="company_not_found")
        sides = selectors.sides_for(user=request.user, company=company)
        documents = (
            selectors.tender_documents_orderable(company_id=company.pk) if "buyer" in sides else []
        )
        certificates = (
            selectors.certificates_orderable(company_id=company.pk) if "supplier" in sides else []
        )
        platforms = platforms_where_company_trades(company=company) if "supplier" in sides else []
        data = {
            "sides": sides,
            "tender_documents": [
                {
                    "kind": "tender_document",
                    "id": d.pk,
                    "title": d.title,
                    "tender": {"id": d.tender_id, "name": d.tender.title},
                }
                for d in documents
            ],
            "certificates": [
                {"kind": "certificate", "id": c.pk, "title": c.name, "tender": None}
                for c in certificates
            ],
            "platforms": [{"id": p.pk, "name": p.name} for p in platforms],
        }
        return Response(s.TranslationSourcesSerializer(data).data)


class OrderDetailApi(_Base):
    @extend_schema(
        tags=TAGS,
        operation_id="translation_orders_get",
        summary="An order with its documents, delivered files and steps",
        responses={200: s.TranslationOrderSerializer, 404: E404},
    )
    def get(self, request, order_id: int):
        return _fresh(request, order_id)


def _step_view(name: str, summary: str, call, request_serializer=None):
    """A POST view running one step of the flow, answering the order as it is now."""

    class StepApi(_Base):
        @extend_schema(
            tags=TAGS,
            operation_id=f"translation_orders_{name}",
            summary=summary,
            request=request_serializer,
            responses={
                200: s.TranslationOrderSerializer,
                400: E400,
                403: E403,
                404: E404,
                409: E409,
            },
        )
        def post(self, request, order_id: int):
            data = input_valid(request_serializer, request.data) if request_serializer else {}
            call(actor=request.user, order_id=order_id, **data)
            return _fresh(request, order_id)

    StepApi.__name__ = StepApi.__qualname__ = f"{name.title().replace('_', '')}Api"
    return StepApi


TakeApi = _step_view("take", "Take an order of your platform's queue", services.order_take)
QuoteApi = _step_view(
    "quote",
    "Quote the order: the words and the fee",
    services.order_quote,
    s.TranslationQuoteSerializer,
)
AcceptQuoteApi = _step_view(
    "accept_quote", "Accept the quote: the translation starts", services.order_quote_accept
)
DeclineQuoteApi = _step_view(
    "decline_quote",
    "Decline the quote",
    services.order_quote_decline,
    s.TranslationReasonSerializer,
)
CancelApi = _step_view(
    "cancel", "Cancel an order not yet quoted", services.order_cancel, s.TranslationReasonSerializer
)
SendBackApi = _step_view(
    "send_back",
    "Send the delivery back with comments",
    services.order_send_back,
    s.TranslationCommentsSerializer,
)
AcceptDeliveryApi = _step_view(
    "accept_delivery",
    "Accept the delivery: the order is done and its fee invoiced",
    services.order_delivery_accept,
)


class DeliverApi(_Base):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS,
        operation_id="translation_orders_deliver",
        summary="Deliver the translated files (PDF, DOCX, XLSX, TXT; multipart, field files)",
        request={"multipart/form-data": s.TranslationDeliverSerializer},
        responses={200: s.TranslationOrderSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, order_id: int):
        uploads = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        note = str(request.data.get("note", "") or "") if hasattr(request.data, "get") else ""
        services.order_deliver(
            actor=request.user, order_id=order_id, uploads=list(uploads), note=note
        )
        return _fresh(request, order_id)


class DocumentFileApi(_Base):
    @extend_schema(
        tags=TAGS,
        operation_id="translation_orders_document_file",
        summary="Download a document to translate (the orderer, the order's translator)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 403: E403, 404: E404},
    )
    def get(self, request, order_id: int, document_id: int):
        document = selectors.document_get(
            user=request.user, order_id=order_id, document_id=document_id
        )
        return private_file_response(
            name=document.storage_name,
            filename=document.original_name,
            content_type=document.content_type,
        )


class DeliveredFileApi(_Base):
    @extend_schema(
        tags=TAGS,
        operation_id="translation_orders_delivered_file",
        summary="Download a translated file (the orderer, the order's translator)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 403: E403, 404: E404},
    )
    def get(self, request, order_id: int, file_id: int):
        found = selectors.delivered_file_get(user=request.user, order_id=order_id, file_id=file_id)
        return private_file_response(
            name=found.storage_name, filename=found.original_name, content_type=found.content_type
        )


# --- A platform's translators and rates ----------------------------------------------------------


def _translators(platform_id: int) -> list[dict]:
    return [
        {
            "user": s.person(grant.user),
            "email": grant.user.email,
            "granted_at": grant.granted_at,
            "granted_by": s.person(grant.granted_by),
        }
        for grant in selectors.translator_list(platform_id=platform_id)
    ]


class TranslatorListApi(_Base):
    serializer_class = s.TranslationTranslatorSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="translation_platform_translators",
        summary="The platform's translators (its admins)",
        responses={200: s.TranslationTranslatorSerializer(many=True), 404: E404},
    )
    def get(self, request, platform_id: int):
        selectors.platform_get_administered(user=request.user, platform_id=platform_id)
        return Response(
            s.TranslationTranslatorSerializer(_translators(platform_id), many=True).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="translation_platform_translator_grant",
        summary="Name a registered person a translator of the platform",
        request=s.TranslationGrantSerializer,
        responses={
            201: s.TranslationTranslatorSerializer(many=True),
            400: E400,
            404: E404,
            409: E409,
        },
    )
    def post(self, request, platform_id: int):
        data = input_valid(s.TranslationGrantSerializer, request.data)
        platform_settings.translator_grant(
            actor=request.user, platform_id=platform_id, email=data["email"]
        )
        return Response(
            s.TranslationTranslatorSerializer(_translators(platform_id), many=True).data,
            status=status.HTTP_201_CREATED,
        )


class TranslatorApi(_Base):
    serializer_class = s.TranslationTranslatorSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="translation_platform_translator_revoke",
        summary="Revoke a translator: it no longer sees the platform's orders",
        responses={204: None, 404: E404},
    )
    def delete(self, request, platform_id: int, user_id: int):
        platform_settings.translator_revoke(
            actor=request.user, platform_id=platform_id, user_id=user_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RateListApi(_Base):
    serializer_class = s.TranslationRateSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="translation_platform_rates",
        summary="The platform's rates per language pair (its admins)",
        responses={200: s.TranslationRateSerializer(many=True), 404: E404},
    )
    def get(self, request, platform_id: int):
        selectors.platform_get_administered(user=request.user, platform_id=platform_id)
        rates = selectors.rate_list(platform_id=platform_id)
        return Response(s.TranslationRateSerializer(rates, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="translation_platform_rate_set",
        summary="Set the rate of a language pair (made or changed)",
        request=s.TranslationRateInputSerializer,
        responses={200: s.TranslationRateSerializer, 400: E400, 404: E404},
    )
    def post(self, request, platform_id: int):
        data = input_valid(s.TranslationRateInputSerializer, request.data)
        rate = platform_settings.rate_set(actor=request.user, platform_id=platform_id, **data)
        return Response(s.TranslationRateSerializer(rate).data)


class RateApi(_Base):
    serializer_class = s.TranslationRateSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="translation_platform_rate_delete",
        summary="Remove a language pair's rate (no new order for it)",
        responses={204: None, 404: E404},
    )
    def delete(self, request, platform_id: int, rate_id: int):
        platform_settings.rate_delete(actor=request.user, platform_id=platform_id, rate_id=rate_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
