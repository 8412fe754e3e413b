"""The CRM's import API: upload a file (its dry run starts in Celery), follow its progress, read
its row-by-row report, confirm it (its valid rows are written in Celery, in one transaction),
and the columns an import understands. Thin views over ``crm.imports``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from .. import imports
from ..accounts import custom_fields_of
from ..import_rows import COLUMNS, ENTITY_OF
from ..import_tasks import import_check_schedule, import_write_schedule
from ..models import ImportJob
from . import accounts_serializers as s
from .accounts_views import E400, E403, E404, E409, CrmApiView

IMPORT_TAGS = ["crm imports"]


def _job_out(job: ImportJob) -> dict:
    job.refresh_from_db()
    return s.ImportJobOutputSerializer(job).data


class ImportListCreateApi(CrmApiView):
    serializer_class = s.ImportJobOutputSerializer
    queryset = ImportJob.objects.none()
    pagination_class = GenericAPIView.pagination_class
    parser_classes = [MultiPartParser, FormParser]

    @property
    def throttle_scope(self) -> str | None:  # uploads are throttled, the list is not
        return "upload" if self.request.method == "POST" else None

    @extend_schema(
        tags=IMPORT_TAGS,
        operation_id="crm_imports_list",
        summary="The workspace's imports, newest first",
        responses={200: s.ImportJobOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        jobs = imports.import_job_list(user=request.user, workspace_id=workspace_id)
        page = self.paginate_queryset(jobs)
        return self.get_paginated_response(s.ImportJobOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=IMPORT_TAGS,
        operation_id="crm_imports_create",
        summary="Upload a file of accounts or contacts: its dry run starts (poll its progress)",
        request={"multipart/form-data": s.ImportInputSerializer},
        responses={202: s.ImportJobOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        data = self.input(s.ImportInputSerializer)
        upload = data["file"]
        if upload.size > imports.MAX_FILE_BYTES:  # refused before it is read
            message = _("The file is larger than %(mb)d MB.") % {
                "mb": imports.MAX_FILE_BYTES // 2**20
            }
            raise imports.file_refused(message)
        job = imports.import_start(
            actor=request.user,
            workspace_id=workspace_id,
            entity=data["entity"],
            file_name=upload.name,
            data=upload.read(imports.MAX_FILE_BYTES + 1),
            mapping=data.get("mapping"),
        )
        import_check_schedule(job.pk)
        return Response(_job_out(job), status=status.HTTP_202_ACCEPTED)


class ImportDetailApi(CrmApiView):
    serializer_class = s.ImportJobOutputSerializer
    queryset = ImportJob.objects.none()

    @extend_schema(
        tags=IMPORT_TAGS,
        operation_id="crm_imports_retrieve",
        summary="An import: its status, counts, mapping and error",
        responses={200: s.ImportJobOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, job_id: int):
        job = imports.import_job_get(user=request.user, workspace_id=workspace_id, job_id=job_id)
        return Response(s.ImportJobOutputSerializer(job).data)


class ImportProgressApi(CrmApiView):
    serializer_class = s.ImportProgressSerializer
    queryset = ImportJob.objects.none()

    @extend_schema(
        tags=IMPORT_TAGS,
        operation_id="crm_imports_progress",
        summary="An import's progress, for the page to poll",
        responses={200: s.ImportProgressSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, job_id: int):
        job = imports.import_job_get(user=request.user, workspace_id=workspace_id, job_id=job_id)
        out = s.ImportJobOutputSerializer(job).data
        return Response(
            {k: out[k] for k in ("status", "rows_done", "rows_total", "percent", "error")}
        )


class ImportReportApi(CrmApiView):
    serializer_class = s.ImportReportRowSerializer
    queryset = ImportJob.objects.none()
    pagination_class = GenericAPIView.pagination_class

    @extend_schema(
        tags=IMPORT_TAGS,
        operation_id="crm_imports_report",
        summary="An import's report: each row that has problems, and what they are",
        responses={200: s.ImportReportRowSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int, job_id: int):
        job = imports.import_job_get(user=request.user, workspace_id=workspace_id, job_id=job_id)
        report: list = list(job.report or [])
        page: list | None = self.paginate_queryset(report)  # type: ignore[arg-type]  # a list pages alike
        return self.get_paginated_response(page)


class ImportConfirmApi(CrmApiView):
    serializer_class = s.ImportJobOutputSerializer
    queryset = ImportJob.objects.none()

    @extend_schema(
        tags=IMPORT_TAGS,
        operation_id="crm_imports_confirm",
        summary="Import the valid rows of a checked file (in one transaction; poll its progress)",
        request=None,
        responses={202: s.ImportJobOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int, job_id: int):
        job = imports.import_confirm(actor=request.user, workspace_id=workspace_id, job_id=job_id)
        import_write_schedule(job.pk)
        return Response(_job_out(job), status=status.HTTP_202_ACCEPTED)


class ImportColumnSerializer(serializers.Serializer):
    field = serializers.CharField()
    headers = serializers.ListField(child=serializers.CharField())


class ImportColumnsApi(CrmApiView):
    serializer_class = ImportColumnSerializer
    queryset = ImportJob.objects.none()

    @extend_schema(
        tags=IMPORT_TAGS,
        operation_id="crm_imports_columns",
        summary="The fields an import fills, and the header names recognised for each",
        parameters=[
            OpenApiParameter("entity", str, enum=ImportJob.Entity.values, default="accounts")
        ],
        responses={200: ImportColumnSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        entity = request.query_params.get("entity", "accounts")
        if entity not in COLUMNS:
            entity = "accounts"
        rows = [{"field": f, "headers": list(h)} for f, h in COLUMNS[entity].items()]
        for key, definition in custom_fields_of(
            workspace_id=workspace_id, entity=ENTITY_OF[entity]
        ).items():
            rows.append({"field": f"custom.{key}", "headers": [f"custom.{key}", definition.label]})
        return Response(rows)
