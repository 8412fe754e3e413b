from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.serializers import ErrorResponseSerializer

from .. import services
from .serializers import (
    MeOutputSerializer,
    MeUpdateInputSerializer,
    TokenObtainInputSerializer,
    TokenOutputSerializer,
)

E400 = OpenApiResponse(ErrorResponseSerializer, description=_("Invalid input"))


class AuthTokenApi(APIView):
    """Token authentication for API clients: obtain (POST) and revoke (DELETE) a token."""

    throttle_scope = "auth"

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Exchange e-mail and password for an API token",
        request=TokenObtainInputSerializer,
        responses={200: TokenOutputSerializer, 400: E400},
        auth=[],
    )
    def post(self, request):
        serializer = TokenObtainInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.auth_token_obtain(request=request, **serializer.validated_data)
        return Response(TokenOutputSerializer({"token": token.key}).data)

    @extend_schema(
        operation_id="auth_token_revoke",
        summary="Revoke my API token",
        request=None,
        responses={204: None},
    )
    def delete(self, request):
        services.auth_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="My profile and the companies I belong to",
        responses={200: MeOutputSerializer},
    )
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)

    @extend_schema(
        operation_id="me_update",
        summary="Change my profile (full name, phone, language)",
        request=MeUpdateInputSerializer,
        responses={200: MeOutputSerializer, 400: E400},
    )
    def patch(self, request):
        serializer = MeUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, data=dict(serializer.validated_data))
        return Response(MeOutputSerializer(user).data)
