"""The bank reconciliation API's shapes: statements, their lines, what a line may pay."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.core.ids import IdField

from ..models import BankLine, BankStatement


class StatementSerializer(serializers.ModelSerializer):
    platform = serializers.SerializerMethodField()
    lines_waiting = serializers.SerializerMethodField(
        help_text="incoming lines not matched yet nor set aside"
    )

    class Meta:
        model = BankStatement
        fields = [
            "id",
            "platform",
            "format",
            "account",
            "currency",
            "period_start",
            "period_end",
            "sha256",
            "filename",
            "lines_total",
            "lines_known",
            "lines_waiting",
            "imported_at",
        ]

    def get_platform(self, obj) -> dict:
        return {"id": obj.platform_id, "name": obj.platform.name}

    def get_lines_waiting(self, obj) -> int:
        waiting = getattr(obj, "lines_waiting", None)
        if waiting is None:
            waiting = obj.lines.filter(status="unmatched").count()
        return int(waiting)


class ImportedSerializer(serializers.Serializer):
    already_imported = serializers.BooleanField(
        help_text="true: this statement (or every line of it) was imported before; nothing changed"
    )
    lines_new = serializers.IntegerField()
    statement = StatementSerializer()


class StatementUploadSerializer(serializers.Serializer):
    platform = IdField(help_text="the platform whose bank account the statement is of")
    file = serializers.FileField(
        help_text="camt.053 (XML), MT940, or 1CClientBankExchange (Windows-1251 or UTF-8)"
    )


class StatementQuerySerializer(serializers.Serializer):
    platform = IdField(required=False)


class ProposalSerializer(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice.pk")
    number = serializers.CharField(source="invoice.number")
    company = serializers.CharField(source="invoice.company.legal_name")
    amount = serializers.DecimalField(source="invoice.amount", max_digits=18, decimal_places=2)
    currency = serializers.CharField(source="invoice.currency")
    rule = serializers.ChoiceField(
        source="proposal.rule",
        choices=["number", "payer", "amount"],
        help_text="number: in the purpose; payer: amount and payer's identifier; amount: alone",
    )
    strength = serializers.ChoiceField(source="proposal.strength", choices=["strong", "weak"])
    amount_matches = serializers.BooleanField(source="proposal.amount_matches")


class LineSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", default=None)
    account_valid = serializers.SerializerMethodField(
        help_text="false: the counterparty's account looks like an IBAN but fails its checks"
    )

    class Meta:
        model = BankLine
        fields = [
            "id",
            "position",
            "booked_on",
            "direction",
            "amount",
            "currency",
            "counterparty_name",
            "counterparty_account",
            "account_check",
            "account_valid",
            "counterparty_identifier",
            "purpose",
            "reference",
            "status",
            "invoice",
            "invoice_number",
            "reason",
            "decided_at",
        ]

    def get_account_valid(self, obj) -> bool:
        return obj.account_check != "invalid_iban"


class LineWithProposalsSerializer(serializers.Serializer):
    line = LineSerializer()
    proposals = ProposalSerializer(many=True)


class StatementDetailSerializer(serializers.Serializer):
    statement = StatementSerializer()
    lines = LineWithProposalsSerializer(many=True)


class ConfirmSerializer(serializers.Serializer):
    invoice = IdField(help_text="an open invoice of the statement's platform, of the line's amount")


class IgnoreSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
