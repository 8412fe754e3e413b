"""Practice auctions over HTTP (``practice.services``; docs/api/practice.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer

from .. import services

ERR = ErrorResponseSerializer


class PracticeStartInputSerializer(serializers.Serializer):
    bots = serializers.IntegerField(min_value=1, max_value=5, default=2)
    speed = serializers.IntegerField(min_value=1, max_value=60, default=10)


class PracticeBidInputSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=40)
    confirm = serializers.BooleanField(default=False)


class PracticeStartApi(PathIdsInRange, APIView):
    path_id_not_found = {"lot_id": ("lot_not_found", gettext_lazy("No such lot."))}

    @extend_schema(
        operation_id="practice_start",
        request=PracticeStartInputSerializer,
        responses={201: OpenApiTypes.OBJECT, 400: ERR, 404: ERR},
        summary="Start a practice auction of the lot's rules against bots",
    )
    def post(self, request, lot_id: int):
        data = PracticeStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.practice_start(user=request.user, lot_id=lot_id, **data.validated_data)
        view = services.practice_view(user=request.user, session_id=session.pk)
        return Response(view, status=status.HTTP_201_CREATED)


class PracticeApi(PathIdsInRange, APIView):
    path_id_not_found = {
        "session_id": ("practice_not_found", gettext_lazy("No such practice auction."))
    }

    @extend_schema(
        operation_id="practice_view",
        responses={200: OpenApiTypes.OBJECT, 404: ERR},
        summary="The practice auction now (its clock runs as it is read)",
    )
    def get(self, request, session_id: int):
        return Response(services.practice_view(user=request.user, session_id=session_id))


class PracticeBidApi(PathIdsInRange, APIView):
    path_id_not_found = PracticeApi.path_id_not_found

    @extend_schema(
        operation_id="practice_bid",
        request=PracticeBidInputSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: ERR, 404: ERR, 409: ERR},
        summary="Bid in the practice auction (refused as the lot would refuse it)",
    )
    def post(self, request, session_id: int):
        data = PracticeBidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            services.practice_bid(user=request.user, session_id=session_id, **data.validated_data)
        )
