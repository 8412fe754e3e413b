"""Shipments, their status events and acceptance, the carriers' pushes and API keys
(``/api/logistics/...``, docs/api/shipments.md): thin views over ``logistics.shipments``,
``logistics.carrier_keys`` and ``logistics.shipment_selectors``."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from marketplace.core.exceptions import ApplicationError
from marketplace.core.files import private_file_response
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import carrier_keys, shipment_selectors, shipments
from ..models import CarrierApiKey, Shipment
from ..selectors import carrier_get
from . import shipment_serializers as s
from .common import E400, E403, E404

TAGS = ["shipments"]
E401 = OpenApiResponse(
    ErrorResponseSerializer, description=gettext_lazy("No valid carrier's API key")
)
E409 = OpenApiResponse(
    ErrorResponseSerializer,
    description=gettext_lazy("The order or the shipment is not in a state that allows it"),
)


def _detail(user, shipment_id: int) -> dict:
    return s.ShipmentSerializer(
        shipment_selectors.shipment_get(user=user, shipment_id=shipment_id)
    ).data


class ShipmentListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ShipmentSerializer
    queryset = Shipment.objects.none()
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_shipments_list",
        summary="An order's shipments, by number (its buyer's and supplier's people)",
        parameters=[s.ShipmentQuerySerializer],
        responses={200: s.ShipmentSerializer(many=True), 400: E400, 404: E404},
    )
    def get(self, request):
        query = input_valid(s.ShipmentQuerySerializer, request.query_params)
        rows = shipment_selectors.shipment_list(user=request.user, order_id=query["order"])
        return Response(s.ShipmentSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_shipments_create",
        summary="A shipment of an order by its supplier: carrier, tracking number, planned "
        "dates and the quantity of each line it carries",
        request=s.ShipmentCreateSerializer,
        responses={201: s.ShipmentSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request):
        data = input_valid(s.ShipmentCreateSerializer, request.data)
        shipment = shipments.shipment_create(
            user=request.user,
            order_id=data["order"],
            lines=[dict(line) for line in data["lines"]],
            carrier_id=data.get("carrier"),
            carrier_name=data.get("carrier_name", ""),
            tracking_number=data.get("tracking_number", ""),
            planned_pickup=data.get("planned_pickup"),
            planned_arrival=data.get("planned_arrival"),
        )
        return Response(_detail(request.user, shipment.pk), status=status.HTTP_201_CREATED)


class ShipmentDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ShipmentSerializer
    queryset = Shipment.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_shipments_get",
        summary="A shipment with its lines, events and acceptance",
        responses={200: s.ShipmentSerializer, 404: E404},
    )
    def get(self, request, shipment_id: int):
        return Response(_detail(request.user, shipment_id))

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_shipments_update",
        summary="Change a shipment's carrier, tracking number or planned dates (its supplier)",
        request=s.ShipmentUpdateSerializer,
        responses={200: s.ShipmentSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, shipment_id: int):
        data = input_valid(s.ShipmentUpdateSerializer, request.data, partial=True)
        if "carrier" in data:
            data["carrier_id"] = data.pop("carrier")
        shipments.shipment_update(user=request.user, shipment_id=shipment_id, **data)
        return Response(_detail(request.user, shipment_id))


class ShipmentEventApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ShipmentEventInputSerializer
    queryset = Shipment.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_shipments_add_event",
        summary="A status event of the shipment, by its supplier: picked up, in transit, at "
        "customs, delivered, exception",
        request=s.ShipmentEventInputSerializer,
        responses={201: s.ShipmentSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, shipment_id: int):
        data = input_valid(s.ShipmentEventInputSerializer, request.data)
        shipments.shipment_event_add(user=request.user, shipment_id=shipment_id, **data)
        return Response(_detail(request.user, shipment_id), status=status.HTTP_201_CREATED)


class ShipmentAcceptApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.AcceptanceInputSerializer
    queryset = Shipment.objects.none()
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_scope = "upload"

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_shipments_accept",
        summary="The buyer accepts a delivered shipment, once: quantity and quality as ordered, "
        "or a claim with its reason and photos",
        request={
            "multipart/form-data": s.AcceptanceInputSerializer,
            "application/json": s.AcceptanceInputSerializer,
        },
        responses={201: s.ShipmentSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, shipment_id: int):
        shipment_selectors.shipment_get(user=request.user, shipment_id=shipment_id)
        data = input_valid(s.AcceptanceInputSerializer, request.data)
        shipments.delivery_accept(user=request.user, shipment_id=shipment_id, **data)
        return Response(_detail(request.user, shipment_id), status=status.HTTP_201_CREATED)


class ClaimPhotoApi(PathIdsInRange, GenericAPIView):
    queryset = Shipment.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_shipments_claim_photo",
        summary="A claim photo (the order's two sides only)",
        responses={(200, "application/octet-stream"): bytes, 404: E404},
    )
    def get(self, request, shipment_id: int, photo_id: int):
        photo = shipment_selectors.claim_photo_get(
            user=request.user, shipment_id=shipment_id, photo_id=photo_id
        )
        return private_file_response(
            name=photo.storage_name, filename=photo.filename, content_type=photo.content_type
        )


# --- The carriers' push, with their API keys ---------------------------------------------------


class CarrierKeyAuthentication(BaseAuthentication):
    """``Authorization: Carrier <key>``: the request is the key's carrier's."""

    def authenticate(self, request):
        try:
            key = carrier_keys.carrier_key_authenticate(
                authorization=request.META.get("HTTP_AUTHORIZATION", "")
            )
        except ApplicationError as exc:
            raise AuthenticationFailed(exc.message, code=exc.code) from exc
        return AnonymousUser(), key

    def authenticate_header(self, request) -> str:
        return "Carrier"


class CarrierKeyScheme(OpenApiAuthenticationExtension):
    target_class = CarrierKeyAuthentication
    name = "carrierKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Carrier <key>`: a carrier's API key (docs/api/shipments.md)",
        }


class HasCarrierKey(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, CarrierApiKey)


class CarrierPushApi(GenericAPIView):
    serializer_class = s.CarrierPushSerializer
    queryset = Shipment.objects.none()
    authentication_classes = [CarrierKeyAuthentication]
    permission_classes = [HasCarrierKey]
    throttle_classes = [UserRateThrottle]

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carrier_push_event",
        summary="A carrier pushes a status event of one of its shipments (by id or tracking "
        "number); an external_id pushed again is recorded once",
        request=s.CarrierPushSerializer,
        responses={
            201: s.CarrierPushResultSerializer,
            200: OpenApiResponse(
                s.CarrierPushResultSerializer, description="Already recorded (same external_id)"
            ),
            400: E400,
            401: E401,
            404: E404,
            409: E409,
        },
    )
    def post(self, request):
        data = input_valid(s.CarrierPushSerializer, request.data)
        event, new = carrier_keys.carrier_event_push(
            api_key=request.auth,
            status=data["status"],
            shipment_id=data.get("shipment"),
            tracking_number=data.get("tracking_number", ""),
            occurred_at=data.get("occurred_at"),
            location=data.get("location", ""),
            note=data.get("note", ""),
            internal=data["internal"],
            external_id=data.get("external_id", ""),
        )
        shipment = Shipment.objects.get(pk=event.shipment_id)
        body = {
            "shipment": shipment.pk,
            "status": shipment.status,
            "duplicate": not new,
            "event": s.ShipmentEventSerializer(event).data,
        }
        return Response(body, status=status.HTTP_201_CREATED if new else status.HTTP_200_OK)


class CarrierApiKeyListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.CarrierApiKeySerializer
    queryset = CarrierApiKey.objects.none()
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carrier_api_keys_list",
        summary="A carrier's API keys (their first characters, never the keys)",
        responses={200: s.CarrierApiKeySerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, carrier_id: int):
        carrier = carrier_keys.editable_carrier(user=request.user, carrier_id=carrier_id)
        rows = shipment_selectors.carrier_key_list(carrier=carrier)
        return Response(s.CarrierApiKeySerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carrier_api_keys_create",
        summary="A new API key of the carrier, shown this once",
        request=s.CarrierApiKeyInputSerializer,
        responses={201: s.CarrierApiKeyCreatedSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, carrier_id: int):
        carrier_get(user=request.user, carrier_id=carrier_id)
        data = input_valid(s.CarrierApiKeyInputSerializer, request.data)
        row, key = carrier_keys.carrier_key_create(
            user=request.user, carrier_id=carrier_id, name=data.get("name", "")
        )
        body = {**s.CarrierApiKeySerializer(row).data, "key": key}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class CarrierApiKeyRevokeApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.CarrierApiKeySerializer
    queryset = CarrierApiKey.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carrier_api_keys_revoke",
        summary="Revoke one of the carrier's API keys",
        request=None,
        responses={200: s.CarrierApiKeySerializer, 403: E403, 404: E404},
    )
    def post(self, request, carrier_id: int, key_id: int):
        row = carrier_keys.carrier_key_revoke(
            user=request.user, carrier_id=carrier_id, key_id=key_id
        )
        return Response(s.CarrierApiKeySerializer(row).data)
