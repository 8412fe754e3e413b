"""The payments API's shapes: invoices, starting a payment, a transfer recorded, the ledger."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from ..models import BidSecurity, Invoice, InvoiceStatus, LedgerEntry


class InvoiceSerializer(serializers.ModelSerializer):
    company = serializers.SerializerMethodField()
    order_number = serializers.CharField(source="order.number", default=None)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "kind",
            "company",
            "order",
            "order_number",
            "amount",
            "currency",
            "status",
            "provider",
            "paid_at",
            "paid_reference",
            "created_at",
        ]

    def get_company(self, obj) -> dict:
        return {"id": obj.company_id, "name": obj.company.legal_name}


class InvoiceQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InvoiceStatus.choices, required=False)


class PaymentStartSerializer(serializers.Serializer):
    provider = serializers.CharField(help_text="stripe | offline")
    reference = serializers.CharField(
        help_text="the provider's payment id, or the reference to quote"
    )
    client_secret = serializers.CharField(help_text="stripe: for Stripe.js to confirm the card")
    publishable_key = serializers.CharField()
    instructions = serializers.DictField(help_text="offline: the bank details and the reference")


class MarkPaidSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=200, help_text="the transfer's bank reference")


class RefundSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    reference = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="a bank transfer's refund: the reference of the transfer back",
    )


class LedgerEntrySerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number")

    class Meta:
        model = LedgerEntry
        fields = ["kind", "amount", "currency", "invoice", "invoice_number", "reference", "at"]


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    owed = serializers.DecimalField(max_digits=24, decimal_places=2)
    paid = serializers.DecimalField(max_digits=24, decimal_places=2)
    refunded = serializers.DecimalField(max_digits=24, decimal_places=2)
    balance = serializers.DecimalField(max_digits=24, decimal_places=2)


class LedgerSerializer(serializers.Serializer):
    balances = BalanceSerializer(many=True)
    entries = LedgerEntrySerializer(many=True)


class SecuritySerializer(serializers.ModelSerializer):
    supplier = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = BidSecurity
        fields = [
            "id",
            "application",
            "lot",
            "supplier",
            "method",
            "amount",
            "currency",
            "state",
            "document_filename",
            "document_sha256",
            "document_url",
            "reason",
            "decided_at",
            "created_at",
        ]

    def get_supplier(self, obj) -> dict:
        return {"id": obj.supplier_id, "name": obj.supplier.legal_name}

    def get_document_url(self, obj) -> str | None:
        if not obj.document_name:
            return None
        return reverse("api:security-document", args=[obj.pk])


class SecurityQuerySerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1, required=False)
    lot = serializers.IntegerField(min_value=1, required=False)


class SecurityCardSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1)


class SecurityGuaranteeSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1)
    file = serializers.FileField(help_text="the bank's guarantee: PDF, JPEG or PNG, at most 10 MiB")


class SecurityDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
