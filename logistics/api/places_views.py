"""The places, the gazetteer and the quotes (``/api/logistics/...``): thin views over
``logistics.services``, ``logistics.selectors``, ``logistics.gazetteer`` and
``logistics.quotes``."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.core.exceptions import ApplicationError
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import input_valid

from .. import gazetteer, quotes, selectors, services
from ..access import default_company_id
from ..models import Place
from . import serializers as s
from .common import E400, E403, E404, TAGS


class PlaceListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.PlaceSerializer
    queryset = Place.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_places_list",
        summary="Your companies' places and the platform-wide ones",
        parameters=[s.PlaceQuerySerializer],
        responses={200: s.PlaceSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.PlaceQuerySerializer, request.query_params)
        page = self.paginate_queryset(selectors.place_list(user=request.user, **query))
        return self.get_paginated_response(s.PlaceSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_places_create",
        summary="A warehouse or a delivery place: typed coordinates, or a gazetteer city's",
        request=s.PlaceCreateSerializer,
        responses={201: s.PlaceSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request):
        data = input_valid(s.PlaceCreateSerializer, request.data)
        if "company" in data:
            company_id = data.pop("company")
        else:
            company_id = default_company_id(user=request.user)
        place = services.place_create(user=request.user, company_id=company_id, **data)
        return Response(s.PlaceSerializer(place).data, status=status.HTTP_201_CREATED)


class PlaceDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.PlaceSerializer
    queryset = Place.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_places_get",
        summary="A place",
        responses={200: s.PlaceSerializer, 404: E404},
    )
    def get(self, request, place_id: int):
        return Response(
            s.PlaceSerializer(selectors.place_get(user=request.user, place_id=place_id)).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_places_update",
        summary="Change a place (a gazetteer city fills what is not typed)",
        request=s.PlaceUpdateSerializer,
        responses={200: s.PlaceSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, place_id: int):
        selectors.place_get(user=request.user, place_id=place_id)
        data = input_valid(s.PlaceUpdateSerializer, request.data, partial=True)
        place = services.place_update(user=request.user, place_id=place_id, **data)
        return Response(s.PlaceSerializer(place).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_places_delete",
        summary="Remove a place",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, place_id: int):
        services.place_delete(user=request.user, place_id=place_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GazetteerApi(GenericAPIView):
    serializer_class = s.CitySerializer
    queryset = Place.objects.none()
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_gazetteer_search",
        summary="Cities by the start of a name (any script, any case), with their coordinates",
        parameters=[s.GazetteerQuerySerializer],
        responses={200: s.CitySerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.GazetteerQuerySerializer, request.query_params)
        country = None
        if query.get("country"):
            try:
                country = services.country_code(query["country"])
            except ValueError as exc:
                raise ApplicationError(str(exc), fields={"country": [str(exc)]}) from exc
        cities = gazetteer.city_search(query=query["q"], country=country, limit=query["limit"])
        return Response(s.CitySerializer([asdict(c) for c in cities], many=True).data)


class QuoteApi(GenericAPIView):
    serializer_class = s.QuoteSerializer
    queryset = Place.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_quotes_create",
        summary="A shipping quote: every usable rate card's cost and transit, the cheapest and "
        "the fastest",
        request=s.QuoteInputSerializer,
        responses={200: s.QuoteSerializer, 400: E400, 404: E404},
    )
    def post(self, request):
        data = input_valid(s.QuoteInputSerializer, request.data)
        quote = quotes.shipping_quote(
            user=request.user,
            from_place_id=data["from_place"],
            to_place_id=data.get("to_place"),
            to_latitude=data.get("to_latitude"),
            to_longitude=data.get("to_longitude"),
            quantity=data["quantity"],
            unit_weight_kg=data["unit_weight_kg"],
            required_by=data.get("required_by"),
            company_id=data.get("company"),
            platform_id=data.get("platform"),
            currency=data.get("currency"),
        )
        return Response(s.QuoteSerializer(quote).data)
