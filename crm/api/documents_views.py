"""Document templates and generated documents over HTTP (``/api/crm/<workspace>/...``): thin
views over ``crm.documents`` (writes) and ``crm.document_selectors`` (reads). The workspace's
account managers and admins edit; its procurement officers and bidders read; anyone else is
told the workspace does not exist (404)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.document_engine import CONTENT_TYPES
from marketplace.core.files import download_response
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer

from .. import document_selectors as selectors
from .. import documents as services
from ..access import workspace_require
from ..models import DocumentTemplateVersion, TemplateKind
from .documents_serializers import (
    CrmDocumentCreateInputSerializer,
    CrmDocumentOutputSerializer,
    CrmFileFormatQuerySerializer,
    CrmPlaceholderSourceSerializer,
    CrmTemplateCreateInputSerializer,
    CrmTemplateOutputSerializer,
    CrmTemplateUpdateInputSerializer,
    CrmVersionCreateInputSerializer,
    CrmVersionDetailOutputSerializer,
    CrmVersionOutputSerializer,
)

TAGS = ["crm documents"]
ERR = ErrorResponseSerializer
ERRORS = {
    400: OpenApiResponse(ERR, description="Invalid input (the message says what)."),
    403: OpenApiResponse(ERR, description="A reader of the workspace asked to change it."),
    404: OpenApiResponse(ERR, description="No such workspace or row (or not yours)."),
}
BINARY = {
    (200, CONTENT_TYPES["pdf"]): OpenApiTypes.BINARY,
    (200, CONTENT_TYPES["docx"]): OpenApiTypes.BINARY,
}


class AnyAccept(BaseContentNegotiation):
    """A file download answers whatever the client accepts (``Accept: application/pdf`` must
    not be refused by DRF's JSON renderer), and ``?format=`` names the file a view writes, not
    a renderer; errors are still JSON."""

    def select_parser(self, request, parsers):
        content_type = request.content_type.split(";")[0].strip().lower()
        return next((p for p in parsers if p.media_type == content_type), None)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class WorkspaceScoped(PathIdsInRange):
    """An ``APIView`` mixin: the workspace is checked before anything else is read, so an
    outsider learns nothing (404) and a reader asking to change something is refused (403)
    whatever the body holds. The services check it again: they are called from elsewhere too."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        workspace_require(
            user=request.user,
            workspace_id=kwargs["workspace_id"],
            edit=request.method not in SAFE_METHODS,
        )


def file_response(*, content: bytes, content_type: str, filename: str, sha256: str = ""):
    return download_response(
        content,
        filename=filename,
        content_type=content_type,
        headers={"X-Document-SHA256": sha256} if sha256 else None,
    )


def _with_versions(queryset):
    return queryset.prefetch_related(
        Prefetch("versions", queryset=DocumentTemplateVersion.objects.order_by("version"))
    )


class TemplateListApi(WorkspaceScoped, GenericAPIView):
    serializer_class = CrmTemplateOutputSerializer
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_templates_list",
        summary="The workspace's document templates",
        parameters=[
            OpenApiParameter("kind", str, enum=TemplateKind.values),
            OpenApiParameter("active", bool, description="Only active (true) or archived."),
        ],
        responses={200: CrmTemplateOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int):
        active = request.query_params.get("active")
        kind = request.query_params.get("kind")
        queryset = selectors.template_list(
            user=request.user,
            workspace_id=workspace_id,
            kind=kind if kind in TemplateKind.values else None,
            active=None if active is None else active in ("1", "true", "True"),
        )
        page = self.paginate_queryset(_with_versions(queryset))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_templates_create",
        summary="Create a template with its first version (account managers and admins)",
        description=(
            "JSON, or multipart/form-data to upload a DOCX too. A text that does not compile "
            "is refused (400 `template_syntax`, naming the line); a DOCX that is not a real, "
            "macro-free .docx of at most 5 MB, or whose placeholders do not compile, is "
            "refused (400 `docx_invalid`)."
        ),
        request={
            "application/json": CrmTemplateCreateInputSerializer,
            "multipart/form-data": CrmTemplateCreateInputSerializer,
        },
        responses={201: CrmTemplateOutputSerializer, **ERRORS},
    )
    def post(self, request, workspace_id: int):
        data = CrmTemplateCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = services.template_create(
            user=request.user, workspace_id=workspace_id, **data.validated_data
        )
        template = _with_versions(
            selectors.template_list(user=request.user, workspace_id=workspace_id)
        ).get(pk=template.pk)
        return Response(CrmTemplateOutputSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateApi(WorkspaceScoped, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_templates_get",
        summary="A document template",
        responses={200: CrmTemplateOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int, template_id: int):
        template = selectors.template_get(
            user=request.user, workspace_id=workspace_id, template_id=template_id
        )
        return Response(CrmTemplateOutputSerializer(template).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_templates_update",
        summary="Rename, archive or restore a template (account managers and admins)",
        description="Its kind never changes; its text changes by adding a version.",
        request=CrmTemplateUpdateInputSerializer,
        responses={200: CrmTemplateOutputSerializer, **ERRORS},
    )
    def patch(self, request, workspace_id: int, template_id: int):
        data = CrmTemplateUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = services.template_update(
            user=request.user,
            workspace_id=workspace_id,
            template_id=template_id,
            **data.validated_data,
        )
        return Response(CrmTemplateOutputSerializer(template).data)


class VersionListApi(WorkspaceScoped, GenericAPIView):
    serializer_class = CrmVersionOutputSerializer
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_template_versions_list",
        summary="A template's versions, the latest first",
        responses={200: CrmVersionOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int, template_id: int):
        queryset = selectors.version_list(
            user=request.user, workspace_id=workspace_id, template_id=template_id
        ).select_related("template")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_template_versions_create",
        summary="Add a version (account managers and admins); versions are never changed",
        request={
            "application/json": CrmVersionCreateInputSerializer,
            "multipart/form-data": CrmVersionCreateInputSerializer,
        },
        responses={201: CrmVersionDetailOutputSerializer, **ERRORS},
    )
    def post(self, request, workspace_id: int, template_id: int):
        data = CrmVersionCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.template_version_add(
            user=request.user,
            workspace_id=workspace_id,
            template_id=template_id,
            **data.validated_data,
        )
        return Response(
            CrmVersionDetailOutputSerializer(version).data, status=status.HTTP_201_CREATED
        )


class VersionApi(WorkspaceScoped, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_template_versions_get",
        summary="A template version, with the placeholders of its text that nothing fills",
        responses={200: CrmVersionDetailOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int, template_id: int, version_id: int):
        version = selectors.version_get(
            user=request.user,
            workspace_id=workspace_id,
            template_id=template_id,
            version_id=version_id,
        )
        return Response(CrmVersionDetailOutputSerializer(version).data)


class VersionDocxApi(WorkspaceScoped, APIView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_template_versions_docx",
        summary="Download a template version's DOCX (to edit it into the next version)",
        responses={(200, CONTENT_TYPES["docx"]): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int, template_id: int, version_id: int):
        stored = services.version_docx_file(
            user=request.user,
            workspace_id=workspace_id,
            template_id=template_id,
            version_id=version_id,
        )
        return file_response(
            content=stored.content, content_type=stored.content_type, filename=stored.filename
        )


class VersionPreviewApi(WorkspaceScoped, APIView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_template_versions_preview",
        summary="The version filled with example values, as PDF or DOCX (not stored)",
        parameters=[CrmFileFormatQuerySerializer],
        responses={**BINARY, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int, template_id: int, version_id: int):
        query = CrmFileFormatQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        file_format = query.validated_data["file_format"]
        content = services.version_preview(
            user=request.user,
            workspace_id=workspace_id,
            template_id=template_id,
            version_id=version_id,
            file_format=file_format,
        )
        return file_response(
            content=content,
            content_type=CONTENT_TYPES[file_format],
            filename=f"preview-{template_id}.{file_format}",
        )


class PlaceholderListApi(WorkspaceScoped, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_document_placeholders",
        summary="The placeholders a template may use, per source, with examples",
        responses={200: CrmPlaceholderSourceSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int):
        sources = selectors.placeholder_list(user=request.user, workspace_id=workspace_id)
        return Response(CrmPlaceholderSourceSerializer(sources, many=True).data)


class DocumentListApi(WorkspaceScoped, GenericAPIView):
    serializer_class = CrmDocumentOutputSerializer
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="crm_documents_list",
        summary="The workspace's generated documents, newest first",
        parameters=[
            OpenApiParameter("account", int),
            OpenApiParameter("opportunity", int),
            OpenApiParameter("kind", str, enum=TemplateKind.values),
        ],
        responses={200: CrmDocumentOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int):
        params = request.query_params
        queryset = selectors.document_list(
            user=request.user,
            workspace_id=workspace_id,
            account_id=_id_param(params.get("account")),
            opportunity_id=_id_param(params.get("opportunity")),
            kind=params.get("kind") if params.get("kind") in TemplateKind.values else None,
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_documents_create",
        summary="Make a document from a template (account managers and admins)",
        description=(
            "Filled from the account (or the opportunity's, contact's or deal's account), "
            "rendered to PDF (from the HTML) or DOCX (from the DOCX), stored privately with "
            "its SHA-256, numbered per workspace, kind and year (OFFER-2026-0001, without "
            "gaps) and put on the account's timeline."
        ),
        request=CrmDocumentCreateInputSerializer,
        responses={201: CrmDocumentOutputSerializer, **ERRORS, 409: ERR},
    )
    def post(self, request, workspace_id: int):
        data = CrmDocumentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        document = services.document_generate(
            user=request.user,
            workspace_id=workspace_id,
            template_id=given["template"],
            version=given.get("version"),
            file_format=given["file_format"],
            account_id=given.get("account"),
            contact_id=given.get("contact"),
            opportunity_id=given.get("opportunity"),
            deal_id=given.get("deal"),
        )
        document = selectors.document_get(
            user=request.user, workspace_id=workspace_id, document_id=document.pk
        )
        return Response(CrmDocumentOutputSerializer(document).data, status=status.HTTP_201_CREATED)


def _id_param(value: str | None) -> int | None:
    """A query-string id; anything that no row can have filters to nothing (-1)."""
    if value is None or value == "":
        return None
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else -1


class DocumentApi(WorkspaceScoped, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_documents_get",
        summary="A generated document",
        responses={200: CrmDocumentOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, workspace_id: int, document_id: int):
        document = selectors.document_get(
            user=request.user, workspace_id=workspace_id, document_id=document_id
        )
        return Response(CrmDocumentOutputSerializer(document).data)


class DocumentFileApi(WorkspaceScoped, APIView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        tags=TAGS,
        operation_id="crm_documents_file",
        summary="Download a generated document (its SHA-256 in X-Document-SHA256)",
        responses={**BINARY, 404: ERRORS[404], 409: ERR},
    )
    def get(self, request, workspace_id: int, document_id: int):
        stored = services.document_file(
            user=request.user, workspace_id=workspace_id, document_id=document_id
        )
        return file_response(
            content=stored.content,
            content_type=stored.content_type,
            filename=stored.filename,
            sha256=stored.sha256,
        )
