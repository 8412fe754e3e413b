"""Award scenarios over HTTP (``auctions.awarding.scenarios``): compare the ways to award a
tender's closed lots, then apply one (docs/api/auctions.md, "Award scenarios")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer

from ..awarding import scenarios
from .bidding_views import DealOutputSerializer

ERR = ErrorResponseSerializer
MONEY: dict[str, Any] = {"max_digits": 20, "decimal_places": 2, "coerce_to_string": True}


class ParamsSerializer(serializers.Serializer):
    max_suppliers = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1000,
        default=scenarios.DEFAULT_MAX_SUPPLIERS,
        help_text="At most this many suppliers (the `max_suppliers` scenario); default 2",
    )
    min_share = serializers.DecimalField(
        required=False,
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=Decimal("1"),
        default=scenarios.DEFAULT_MIN_SHARE,
        help_text="Each chosen supplier's least share of the total, 0.2 = 20% (`min_share`)",
    )


class ApplyInputSerializer(ParamsSerializer):
    scenario = serializers.ChoiceField(choices=scenarios.SCENARIOS)


class ScenarioAwardSerializer(serializers.Serializer):
    lot = serializers.IntegerField(source="lot.pk")
    lot_number = serializers.IntegerField(source="lot.number")
    lot_title = serializers.CharField(source="lot.title")
    application = serializers.IntegerField(source="offer.application")
    supplier = serializers.IntegerField(source="offer.supplier")
    supplier_name = serializers.CharField()
    amount = serializers.DecimalField(source="offer.amount", **MONEY)
    start_price = serializers.DecimalField(source="lot.start_price", **MONEY)
    best = serializers.BooleanField(help_text="The lot's best ranked offer")


class ScenarioSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    feasible = serializers.BooleanField()
    problem = serializers.CharField(help_text="Why the scenario has no answer")
    total = serializers.DecimalField(**MONEY)
    start_total = serializers.DecimalField(**MONEY)
    savings = serializers.DecimalField(**MONEY)
    savings_percent = serializers.DecimalField(max_digits=7, decimal_places=1)
    suppliers = serializers.IntegerField()
    awards = ScenarioAwardSerializer(many=True)


class LeftOutSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    lot_number = serializers.IntegerField()
    why = serializers.CharField()


class ComparisonSerializer(serializers.Serializer):
    tender = serializers.IntegerField(source="tender.pk")
    currency = serializers.CharField(source="tender.currency")
    max_suppliers = serializers.IntegerField()
    min_share = serializers.DecimalField(max_digits=4, decimal_places=3)
    scenarios = ScenarioSerializer(many=True)
    left_out = serializers.SerializerMethodField()

    def get_left_out(self, comparison) -> list[dict]:
        return LeftOutSerializer(  # type: ignore[return-value]
            [
                {"lot": lot.pk, "lot_number": lot.number, "why": why}
                for lot, why in comparison.left_out
            ],
            many=True,
        ).data


class AwardScenariosApi(PathIdsInRange, APIView):
    path_id_not_found = {"tender_id": ("tender_not_found", gettext_lazy("No such tender."))}

    @extend_schema(
        operation_id="tender_award_scenarios",
        parameters=[
            OpenApiParameter("max_suppliers", int, description="default 2"),
            OpenApiParameter("min_share", str, description="0.001-1, default 0.2"),
        ],
        responses={200: ComparisonSerializer, 400: ERR, 404: ERR},
        summary="Compare the ways to award the tender's closed lots (the buyer's side)",
    )
    def get(self, request, tender_id: int):
        params = ParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        tender = scenarios.tender_for_scenarios(user=request.user, tender_id=tender_id)
        comparison = scenarios.compare(tender, **params.validated_data)
        return Response(ComparisonSerializer(comparison).data)

    @extend_schema(
        operation_id="tender_award_scenario_apply",
        request=ApplyInputSerializer,
        responses={201: DealOutputSerializer(many=True), 400: ERR, 403: ERR, 404: ERR, 409: ERR},
        summary="Award every lot of one scenario (all of them or none)",
    )
    def post(self, request, tender_id: int):
        data = ApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        awards = scenarios.scenario_apply(
            user=request.user, tender_id=tender_id, key=params.pop("scenario"), **params
        )
        return Response(
            DealOutputSerializer([a.deal for a in awards], many=True).data,
            status=status.HTTP_201_CREATED,
        )
