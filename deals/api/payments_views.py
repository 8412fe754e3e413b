"""The payments API (``/api/payments/...``): a company's invoices, paying one (the card's
client secret, or the bank details), a platform admin recording a transfer, a company's ledger.
Thin views over ``deals.payments``."""

from __future__ import annotations

from dataclasses import asdict

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from marketplace.companies.selectors import company_get_for_member
from marketplace.core.files import private_file_response
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from ..models import BidSecurity, Invoice
from ..payments import invoices, security, selectors
from . import payments_serializers as s

TAGS = ["payments"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not yours to pay, or not a platform admin"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not your company's"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Already paid or cancelled"))
E503 = OpenApiResponse(ERR, description=gettext_lazy("The payment provider cannot be reached"))


class InvoiceListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.InvoiceSerializer
    queryset = Invoice.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="payments_invoices_list",
        summary="Your companies' invoices (every company's for platform admins), newest first",
        parameters=[s.InvoiceQuerySerializer],
        responses={200: s.InvoiceSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.InvoiceQuerySerializer, request.query_params)
        page = self.paginate_queryset(selectors.invoice_list(user=request.user, **query))
        return self.get_paginated_response(s.InvoiceSerializer(page, many=True).data)


class InvoiceDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.InvoiceSerializer
    queryset = Invoice.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_invoices_get",
        summary="An invoice",
        responses={200: s.InvoiceSerializer, 404: E404},
    )
    def get(self, request, invoice_id: int):
        invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
        return Response(s.InvoiceSerializer(invoice).data)


class InvoicePayApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.PaymentStartSerializer
    queryset = Invoice.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_invoices_pay",
        summary="Start paying an invoice: a card payment's client secret, or the bank details",
        request=None,
        responses={200: s.PaymentStartSerializer, 403: E403, 404: E404, 409: E409, 503: E503},
    )
    def post(self, request, invoice_id: int):
        started = invoices.invoice_pay_start(user=request.user, invoice_id=invoice_id)
        return Response(s.PaymentStartSerializer(asdict(started)).data)


class InvoiceMarkPaidApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.MarkPaidSerializer
    queryset = Invoice.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_invoices_mark_paid",
        summary="A platform admin records the bank transfer that paid an invoice",
        request=s.MarkPaidSerializer,
        responses={200: s.InvoiceSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, invoice_id: int):
        selectors.invoice_get(user=request.user, invoice_id=invoice_id)
        data = input_valid(s.MarkPaidSerializer, request.data)
        invoice = invoices.invoice_mark_paid(
            user=request.user, invoice_id=invoice_id, reference=data["reference"]
        )
        return Response(s.InvoiceSerializer(invoice).data)


class InvoiceRefundApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.RefundSerializer
    queryset = Invoice.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_invoices_refund",
        summary="A platform admin refunds a paid invoice in full (a card payment through Stripe)",
        request=s.RefundSerializer,
        responses={200: s.InvoiceSerializer, 400: E400, 403: E403, 404: E404, 409: E409, 503: E503},
    )
    def post(self, request, invoice_id: int):
        selectors.invoice_get(user=request.user, invoice_id=invoice_id)
        data = input_valid(s.RefundSerializer, request.data)
        invoice = invoices.invoice_refund(user=request.user, invoice_id=invoice_id, **data)
        return Response(s.InvoiceSerializer(invoice).data)


class LedgerApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.LedgerSerializer
    queryset = Invoice.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_ledger",
        summary="A company's ledger with the platform: entries and balances per currency",
        responses={200: s.LedgerSerializer, 404: E404},
    )
    def get(self, request, company_id: int):
        if not request.user.is_staff:
            company_get_for_member(user=request.user, company_id=company_id)
        ledger = selectors.ledger_of(company_id=company_id)
        balances = [{"currency": c, **values} for c, values in ledger["balances"].items()]
        return Response(
            {
                "balances": s.BalanceSerializer(balances, many=True).data,
                "entries": s.LedgerEntrySerializer(ledger["entries"], many=True).data,
            }
        )


# --- Bid security ------------------------------------------------------------------------------


class SecurityListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.SecuritySerializer
    queryset = BidSecurity.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="payments_securities_list",
        summary="Bid securities: your company's as supplier, and those given to it as buyer",
        parameters=[s.SecurityQuerySerializer],
        responses={200: s.SecuritySerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.SecurityQuerySerializer, request.query_params)
        rows = selectors.security_list(
            user=request.user, application_id=query.get("application"), lot_id=query.get("lot")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.SecuritySerializer(page, many=True).data)


class SecurityCardApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.SecurityCardSerializer
    queryset = BidSecurity.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_securities_card",
        summary="Save a card as an application's bid security: the SetupIntent's client secret",
        request=s.SecurityCardSerializer,
        responses={200: s.PaymentStartSerializer, 404: E404, 409: E409, 503: E503},
    )
    def post(self, request):
        data = input_valid(s.SecurityCardSerializer, request.data)
        started = security.security_card_start(
            user=request.user, application_id=data["application"]
        )
        return Response(s.PaymentStartSerializer(asdict(started)).data)


class SecurityGuaranteeApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.SecurityGuaranteeSerializer
    queryset = BidSecurity.objects.none()
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="payments_securities_guarantee",
        summary="Upload a bank guarantee as an application's bid security, for the buyer to check",
        request={"multipart/form-data": s.SecurityGuaranteeSerializer},
        responses={201: s.SecuritySerializer, 400: E400, 404: E404, 409: E409},
    )
    def post(self, request):
        data = input_valid(s.SecurityGuaranteeSerializer, request.data)
        made = security.security_guarantee_upload(
            user=request.user, application_id=data["application"], upload=data["file"]
        )
        return Response(s.SecuritySerializer(made).data, status=status.HTTP_201_CREATED)


class SecurityDecisionApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.SecurityDecisionSerializer
    queryset = BidSecurity.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_securities_decide",
        summary="The buyer accepts a bank guarantee, or rejects it with a reason",
        request=s.SecurityDecisionSerializer,
        responses={200: s.SecuritySerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, security_id: int):
        selectors.security_get(user=request.user, security_id=security_id)
        data = input_valid(s.SecurityDecisionSerializer, request.data)
        decided = security.security_guarantee_decide(
            user=request.user, security_id=security_id, **data
        )
        return Response(s.SecuritySerializer(decided).data)


class SecurityDocumentApi(PathIdsInRange, GenericAPIView):
    queryset = BidSecurity.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="payments_securities_document",
        summary="A bank guarantee's file (the supplier's and the buyer's)",
        responses={(200, "application/octet-stream"): bytes, 404: E404},
    )
    def get(self, request, security_id: int):
        found = selectors.security_get(user=request.user, security_id=security_id)
        content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
        extension = found.document_name.rsplit(".", 1)[-1] if found.document_name else ""
        return private_file_response(
            name=found.document_name,
            filename=f"guarantee-{found.pk}.{extension}",
            content_type=content_type.get(extension, "application/octet-stream"),
        )
