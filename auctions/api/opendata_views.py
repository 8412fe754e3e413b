"""Open data over HTTP (``auctions.opendata``): a tender's OCDS release package and a finished
lot's public results, readable by anyone where the tender is public and its platform publishes
open data (docs/api/auctions.md, "Open data")."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer

from .. import opendata

ERR = ErrorResponseSerializer
MONEY: dict[str, Any] = {"max_digits": 20, "decimal_places": 2, "coerce_to_string": True}


class ReleasePackageApi(PathIdsInRange, APIView):
    permission_classes = [AllowAny]
    path_id_not_found = {"tender_id": ("tender_not_found", gettext_lazy("No such tender."))}

    @extend_schema(
        operation_id="tender_ocds",
        parameters=[
            OpenApiParameter("download", bool, description="answer as a file (Content-Disposition)")
        ],
        responses={200: OpenApiTypes.OBJECT, 404: ERR},
        summary="The tender as an OCDS 1.1 release package (lots and bid extensions)",
        auth=[],
    )
    def get(self, request, tender_id: int):
        tender = opendata.published_tender(user=request.user, tender_id=tender_id)
        package = opendata.release_package(tender, uri=request.build_absolute_uri(request.path))
        response = Response(package)
        if request.query_params.get("download") in ("1", "true"):
            name = f"{package['releases'][0]['ocid']}.json"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class PublicOfferSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    bidder = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    won = serializers.BooleanField()


class PublicAwardSerializer(serializers.Serializer):
    bidder = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    at = serializers.DateTimeField()
    savings = serializers.DecimalField(**MONEY)


class PublicBidSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    bidder = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    withdrawn = serializers.BooleanField()


class LotResultsSerializer(serializers.Serializer):
    lot = serializers.IntegerField(source="lot.pk")
    number = serializers.IntegerField(source="lot.number")
    title = serializers.CharField(source="lot.title")
    tender = serializers.IntegerField(source="tender.pk")
    status = serializers.CharField(source="lot.status")
    live = serializers.BooleanField(help_text="the auction runs (the tender lets anyone watch)")
    ends_at = serializers.DateTimeField(allow_null=True)
    currency = serializers.CharField()
    start_price = serializers.DecimalField(source="lot.start_price", **MONEY)
    visibility = serializers.CharField(
        help_text="what the public sees while the auction runs, as the lot's bidders do: "
        "`ladder` (every offer), `rank_and_best` (the best price only), `rank_only` (neither); "
        "`ladder` once it is over"
    )
    bid_count = serializers.IntegerField()
    best = serializers.DecimalField(allow_null=True, **MONEY)
    offers = PublicOfferSerializer(many=True)
    award = PublicAwardSerializer(allow_null=True)
    bids = PublicBidSerializer(many=True)


class LotResultsApi(PathIdsInRange, APIView):
    permission_classes = [AllowAny]
    path_id_not_found = {"lot_id": ("lot_not_found", gettext_lazy("No such lot."))}

    @extend_schema(
        operation_id="lot_public_results",
        responses={200: LotResultsSerializer, 404: ERR},
        summary="A finished lot's public results, bidders anonymised",
        auth=[],
    )
    def get(self, request, lot_id: int):
        lot = opendata.published_lot(user=request.user, lot_id=lot_id)
        return Response(LotResultsSerializer(opendata.lot_results(lot)).data)
