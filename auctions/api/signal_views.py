"""Collusion signals over HTTP (``auctions.integrity``): a lot's, and across lots, for the
buyer's side and the platform's admins only (docs/api/auctions.md, "Collusion signals").
Reads only."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.ids import IdField, PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from ..integrity import selectors, signals

ERR = ErrorResponseSerializer


class QuerySerializer(serializers.Serializer):
    platform = IdField(required=False, help_text="Only this platform's lots")
    buyer = IdField(required=False, help_text="Only this buyer company's tenders")
    since = serializers.DateTimeField(
        required=False,
        help_text="Lots finished since (ISO 8601 date or time, UTC); default 180 days ago",
    )

    def validate_since(self, value):
        if value > timezone.now():
            raise serializers.ValidationError(_("Must not be in the future."))
        return value


class LotBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField()
    tender_title = serializers.CharField()
    number = serializers.IntegerField()
    title = serializers.CharField()


class SupplierBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EvidenceSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    supplier = serializers.IntegerField(allow_null=True)
    supplier_name = serializers.SerializerMethodField()
    bid = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(
        max_digits=20, decimal_places=2, coerce_to_string=True, allow_null=True
    )
    placed_at = serializers.DateTimeField(allow_null=True)
    seconds_before_end = serializers.IntegerField(
        allow_null=True,
        help_text="Before the lot's scheduled end; negative: in a soft-close extension",
    )
    note = serializers.CharField(help_text="What this fact shows, in the reader's language")

    def get_supplier_name(self, evidence) -> str:
        return "" if evidence.supplier is None else self.context["market"].name(evidence.supplier)


class FlagSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=signals.KINDS)
    title = serializers.CharField()
    severity = serializers.ChoiceField(choices=signals.SEVERITIES)
    explanation = serializers.CharField(help_text="In the reader's language")
    lots = serializers.SerializerMethodField()
    suppliers = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    @extend_schema_field(LotBriefSerializer(many=True))
    def get_lots(self, flag) -> list:
        market = self.context["market"]
        return [
            {
                "id": lot,
                "tender": market.lot[lot].tender,
                "tender_title": market.lot[lot].tender_title,
                "number": market.lot[lot].number,
                "title": market.lot[lot].title,
            }
            for lot in flag.lots
        ]

    @extend_schema_field(SupplierBriefSerializer(many=True))
    def get_suppliers(self, flag) -> list:
        market = self.context["market"]
        return [{"id": s, "name": market.name(s)} for s in flag.suppliers]

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, flag) -> list:
        return list(EvidenceSerializer(flag.evidence, many=True, context=self.context).data)


class AnalysisSerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="The earliest end of a lot read")
    lots_analysed = serializers.IntegerField()
    truncated = serializers.BooleanField(
        help_text=f"More lots were in scope than the {selectors.MAX_LOTS:,} last finished read"
    )
    flags = serializers.SerializerMethodField()

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, analysis) -> list:
        context = {"market": analysis.market}
        return list(FlagSerializer(analysis.flags, many=True, context=context).data)


class LotAnalysisSerializer(AnalysisSerializer):
    lot = serializers.IntegerField(source="lot.pk")


class AcrossAnalysisSerializer(AnalysisSerializer):
    platform = serializers.IntegerField(allow_null=True)
    buyer = serializers.IntegerField(allow_null=True)


class LotSignalsApi(PathIdsInRange, APIView):
    path_id_not_found = {"lot_id": ("lot_not_found", gettext_lazy("No such lot."))}

    @extend_schema(
        operation_id="lot_signals",
        responses={200: LotAnalysisSerializer, 404: ERR},
        summary="A lot's collusion signals (the buyer's side and the platform's admins)",
    )
    def get(self, request, lot_id: int):
        analysis = selectors.lot_signals(user=request.user, lot_id=lot_id)
        return Response(LotAnalysisSerializer(analysis).data)


class SignalsApi(APIView):
    @extend_schema(
        operation_id="signals_across_lots",
        parameters=[
            OpenApiParameter("platform", int, description="a platform's id"),
            OpenApiParameter("buyer", int, description="a buyer company's id"),
            OpenApiParameter("since", str, description="ISO 8601; default 180 days ago"),
        ],
        responses={200: AcrossAnalysisSerializer, 400: ERR, 404: ERR},
        summary="Collusion signals across the lots in the reader's scope",
    )
    def get(self, request):
        given = {k: v for k, v in request.query_params.items() if v != ""}  # empty: not given
        params = input_valid(QuerySerializer, given)
        analysis = selectors.signals_across(user=request.user, **params)
        return Response(AcrossAnalysisSerializer(analysis).data)
