"""The brand API (docs/api/branding.md): a dedicated platform's brand for its admins and
staff (anyone else: 404), its logo, and the brand of the host a request came to (public)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from marketplace.core.exceptions import NotFoundError
from marketplace.core.serializers import ErrorResponseSerializer

from .. import branding, selectors
from ..models import Platform, PlatformBrand
from .brand_serializers import (
    BrandLogoInputSerializer,
    BrandOutputSerializer,
    BrandPublicOutputSerializer,
    BrandUpdateInputSerializer,
)

ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not allowed for your role"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found or not yours to administer"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Conflicts with the current state"))
TAGS = ["platforms"]


def _administered(request, platform_id: int) -> Platform:
    platform = selectors.platform_get_administered(user=request.user, platform_id=platform_id)
    if platform is None:
        raise NotFoundError(_("No such platform."), code="platform_not_found")
    return platform


def _brand_or_404(platform: Platform) -> PlatformBrand:
    brand = selectors.brand_get(platform=platform)
    if brand is None:
        raise NotFoundError(_("This platform has no brand yet."), code="brand_not_found")
    return brand


def _out(platform: Platform) -> dict:
    return BrandOutputSerializer(_brand_or_404(platform)).data


class PlatformBrandApi(GenericAPIView):
    serializer_class = BrandOutputSerializer
    queryset = PlatformBrand.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="platforms_brand_retrieve",
        summary="A dedicated platform's brand (its admins and staff)",
        responses={200: BrandOutputSerializer, 404: E404},
    )
    def get(self, request, platform_id: int):
        return Response(_out(_administered(request, platform_id)))

    @extend_schema(
        tags=TAGS,
        operation_id="platforms_brand_update",
        summary="Create or change a dedicated platform's brand; host names: staff only",
        request=BrandUpdateInputSerializer,
        responses={200: BrandOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, platform_id: int):
        platform = _administered(request, platform_id)
        data = BrandUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        hosts = fields.pop("hosts", None)
        branding.brand_save(actor=request.user, platform=platform, hosts=hosts, **fields)
        return Response(_out(platform))


class PlatformBrandLogoApi(GenericAPIView):
    serializer_class = BrandOutputSerializer
    queryset = PlatformBrand.objects.none()
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"

    @extend_schema(
        tags=TAGS,
        operation_id="platforms_brand_logo_upload",
        summary="Upload the brand's logo (PNG, JPEG or WebP; checked; SVG refused)",
        request={"multipart/form-data": BrandLogoInputSerializer},
        responses={200: BrandOutputSerializer, 400: E400, 404: E404},
    )
    def post(self, request, platform_id: int):
        platform = _administered(request, platform_id)
        brand = _brand_or_404(platform)
        data = BrandLogoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        branding.brand_logo_set(actor=request.user, brand=brand, file=data.validated_data["logo"])
        return Response(_out(platform))

    @extend_schema(
        tags=TAGS,
        operation_id="platforms_brand_logo_remove",
        summary="Remove the brand's logo",
        request=None,
        responses={200: BrandOutputSerializer, 404: E404},
    )
    def delete(self, request, platform_id: int):
        platform = _administered(request, platform_id)
        branding.brand_logo_remove(actor=request.user, brand=_brand_or_404(platform))
        return Response(_out(platform))


class HostBrandApi(GenericAPIView):
    """The brand of the host the request came to, for apps that style themselves."""

    serializer_class = BrandPublicOutputSerializer
    queryset = PlatformBrand.objects.none()
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="brand_of_host",
        summary="The brand of this host name (404 on Tradefloor's own hosts)",
        responses={200: BrandPublicOutputSerializer, 404: E404},
    )
    def get(self, request):
        brand = getattr(request, "brand", None)
        if brand is None:
            raise NotFoundError(_("This site has no brand."), code="no_brand")
        return Response(BrandPublicOutputSerializer(brand).data)
