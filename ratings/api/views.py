"""The ratings API (``/api/ratings/...``): the scorecards the reader may see, a buyer's weights
and bands, the reviews of orders. Thin views over ``ratings.selectors`` and
``ratings.services``."""

from __future__ import annotations

from dataclasses import asdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.core.exceptions import NotFoundError
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import scoring, selectors, services
from ..models import Review, Scorecard
from . import serializers as s

TAGS = ["ratings"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not the buyer's admins or officers"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not yours to read"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Not reviewable (yet, or any more)"))


def scorecard_data(row: Scorecard) -> dict:
    data = dict(s.ScorecardSerializer(row).data)
    data["criteria"] = s.CriterionSerializer(selectors.criteria_rows(row), many=True).data
    data["lowered_by"] = s.LoweredSerializer(selectors.lowered_by(row), many=True).data
    data["counts"] = row.counts
    return data


def review_data(review: Review) -> dict:
    review.editable_until = services.review_editable_until(review)  # type: ignore[attr-defined]
    return dict(s.ReviewSerializer(review).data)


class ScorecardListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ScorecardSerializer
    queryset = Scorecard.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="ratings_scorecards_list",
        summary="The scorecards you may read: your company's own as a supplier, your suppliers' "
        "as a buyer (and their platform-wide ones), your platforms' as a platform admin",
        parameters=[s.ScorecardQuerySerializer],
        responses={200: s.ScorecardSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.ScorecardQuerySerializer, request.query_params)
        rows = selectors.scorecard_list(
            user=request.user,
            supplier_id=query.get("supplier"),
            buyer_id=query.get("buyer"),
            platform_wide=query.get("platform_wide"),
            period_kind=query.get("period_kind", ""),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ScorecardSerializer(page, many=True).data)


class ScorecardDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ScorecardDetailSerializer
    queryset = Scorecard.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="ratings_scorecards_get",
        summary="A scorecard: each criterion's figure, score and weight, and what lowered it",
        responses={200: s.ScorecardDetailSerializer, 404: E404},
    )
    def get(self, request, scorecard_id: int):
        row = selectors.scorecard_get(user=request.user, scorecard_id=scorecard_id)
        return Response(scorecard_data(row))


class WeightsApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.WeightsSerializer
    queryset = Scorecard.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="ratings_weights_get",
        summary="The buyer's weights (per cent per criterion)",
        responses={200: s.WeightsSerializer, 404: E404},
    )
    def get(self, request, company_id: int):
        selectors.buyer_company_for_settings(user=request.user, buyer_id=company_id)
        weights, _bands = selectors.settings_of(buyer_id=company_id)
        return Response(weights)

    @extend_schema(
        tags=TAGS,
        operation_id="ratings_weights_set",
        summary="Set the buyer's weights: whole per cent 0-100, summing to 100",
        request=s.WeightsSerializer,
        responses={200: s.WeightsSerializer, 400: E400, 403: E403, 404: E404},
    )
    def put(self, request, company_id: int):
        data = input_valid(s.WeightsSerializer, request.data)
        row = services.weights_set(user=request.user, buyer_id=company_id, weights=data)
        return Response(row.weights)


class BandsApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.BandsSerializer
    queryset = Scorecard.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="ratings_bands_get",
        summary="The buyer's standing bands (thresholds of the score)",
        responses={200: s.BandsSerializer, 404: E404},
    )
    def get(self, request, company_id: int):
        selectors.buyer_company_for_settings(user=request.user, buyer_id=company_id)
        _weights, bands = selectors.settings_of(buyer_id=company_id)
        return Response(s.BandsSerializer(asdict(bands)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="ratings_bands_set",
        summary="Set the buyer's bands: 0 ≤ blocked below < warning below < excellent from ≤ 100",
        request=s.BandsSerializer,
        responses={200: s.BandsSerializer, 400: E400, 403: E403, 404: E404},
    )
    def put(self, request, company_id: int):
        data = input_valid(s.BandsSerializer, request.data)
        row = services.bands_set(
            user=request.user, buyer_id=company_id, bands=scoring.Bands(**data)
        )
        return Response(s.BandsSerializer(asdict(row.bands)).data)


class ReviewApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ReviewSerializer
    queryset = Review.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="ratings_review_get",
        summary="The buyer's review of an order (both sides read it)",
        responses={200: s.ReviewSerializer, 404: E404},
    )
    def get(self, request, order_id: int):
        review = selectors.review_of(user=request.user, order_id=order_id)
        if review is None:
            raise NotFoundError(_("This order has no review."), code="review_not_found")
        return Response(review_data(review))

    @extend_schema(
        tags=TAGS,
        operation_id="ratings_review_save",
        summary="Review the order (after a delivery was accepted), or change the review within "
        "14 days: 1-5 per criterion and a comment",
        request=s.ReviewInputSerializer,
        responses={200: s.ReviewSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def put(self, request, order_id: int):
        data = input_valid(s.ReviewInputSerializer, request.data)
        comment = data.pop("comment", "")
        review = services.review_save(
            user=request.user, order_id=order_id, marks=data, comment=comment
        )
        return Response(review_data(review))
