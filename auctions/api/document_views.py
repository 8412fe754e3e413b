"""A tender's documents API: list, upload, download (whoever may see the tender), delete from a
draft."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from marketplace.core.files import private_file_response

from ..models import TenderDocument
from ..tenders import documents, selectors
from ._tender_common import E400, E403, E404, E409, TAGS
from .tender_serializers import TenderDocumentOutputSerializer, TenderDocumentUploadInputSerializer


class TenderDocumentListUploadApi(GenericAPIView):
    serializer_class = TenderDocumentOutputSerializer
    queryset = TenderDocument.objects.none()
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_documents_list",
        summary="A tender's documents",
        responses={200: TenderDocumentOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id, explain=True)
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
        document = documents.tender_document_upload(
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
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id, explain=True)
        document = selectors.document_get(tender=tender, document_id=document_id)
        return private_file_response(
            name=document.storage_name,
            filename=document.original_name,
            content_type=document.content_type,
            missing_message=_("The file of this document is missing."),
        )

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
        documents.tender_document_delete(actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)
