"""The bank reconciliation API (``/api/payments/bank/...``): a platform admin uploads the
platform's bank statement, reads its lines with the open invoices each may pay, confirms a
line as an invoice's payment or sets it aside. Thin views over ``deals.banking``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from ..banking import selectors, services
from ..models import BankLine, BankStatement
from . import banking_serializers as s

TAGS = ["payments"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(
    ERR, description=gettext_lazy("Invalid input, or a statement that cannot be read")
)
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not a platform admin"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found"))
E409 = OpenApiResponse(
    ERR,
    description=gettext_lazy(
        "The line was decided, the invoice is paid or cancelled, or the amounts differ"
    ),
)


class StatementListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.StatementSerializer
    queryset = BankStatement.objects.none()
    filter_backends: list = []
    parser_classes = [MultiPartParser, FormParser]

    @property
    def throttle_scope(self) -> str | None:  # uploads are throttled, the list is not
        return "upload" if self.request.method == "POST" else None

    @extend_schema(
        tags=TAGS,
        operation_id="payments_bank_statements_list",
        summary="The platforms' bank statements, newest first (none but to platform admins)",
        parameters=[s.StatementQuerySerializer],
        responses={200: s.StatementSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.StatementQuerySerializer, request.query_params)
        rows = selectors.statement_list(user=request.user, platform_id=query.get("platform"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.StatementSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="payments_bank_statements_upload",
        summary="Upload a bank statement (camt.053, MT940, 1CClientBankExchange): stored once",
        request={"multipart/form-data": s.StatementUploadSerializer},
        responses={
            201: s.ImportedSerializer,
            200: OpenApiResponse(
                s.ImportedSerializer, description=gettext_lazy("Already imported: nothing changed")
            ),
            400: E400,
            403: E403,
            404: E404,
        },
    )
    def post(self, request):
        services.require_reconciler(request.user)  # before the file is read
        data = input_valid(s.StatementUploadSerializer, request.data)
        result = services.statement_import(
            actor=request.user, platform=data["platform"], file=data["file"]
        )
        body = {
            "already_imported": not result.created,
            "lines_new": result.lines_new,
            "statement": result.statement,
        }
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(s.ImportedSerializer(body).data, status=code)


class StatementDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.StatementDetailSerializer
    queryset = BankStatement.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_bank_statements_get",
        summary="A statement with its lines and, for each waiting line, the invoices it may pay",
        responses={200: s.StatementDetailSerializer, 404: E404},
    )
    def get(self, request, statement_id: int):
        statement = selectors.statement_get(user=request.user, statement_id=statement_id)
        lines = selectors.statement_lines(statement=statement)
        body = {"statement": statement, "lines": lines}
        return Response(s.StatementDetailSerializer(body).data)


class LineConfirmApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ConfirmSerializer
    queryset = BankLine.objects.none()
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=TAGS,
        operation_id="payments_bank_lines_confirm",
        summary="Confirm an incoming line as the payment of an open invoice: the invoice is paid",
        request=s.ConfirmSerializer,
        responses={200: s.LineSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, line_id: int):
        selectors.line_get(user=request.user, line_id=line_id)
        data = input_valid(s.ConfirmSerializer, request.data)
        line = services.line_confirm(
            actor=request.user, line_id=line_id, invoice_id=data["invoice"]
        )
        return Response(s.LineSerializer(line).data)


class LineIgnoreApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.IgnoreSerializer
    queryset = BankLine.objects.none()
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        tags=TAGS,
        operation_id="payments_bank_lines_ignore",
        summary="Set an incoming line aside as not ours, with a reason",
        request=s.IgnoreSerializer,
        responses={200: s.LineSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, line_id: int):
        selectors.line_get(user=request.user, line_id=line_id)
        data = input_valid(s.IgnoreSerializer, request.data)
        line = services.line_ignore(actor=request.user, line_id=line_id, reason=data["reason"])
        return Response(s.LineSerializer(line).data)
