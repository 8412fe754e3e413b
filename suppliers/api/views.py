"""Supplier directory, profiles, certificates, catalogue and price lists.

Views are thin: the selector scopes the object to the user (404 when out of reach), the input
serializer checks the shape, the service enforces the rules.
"""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.exceptions import ApplicationError, error_body
from marketplace.core.files import private_file_response

from .. import selectors, services
from ..models import Certificate, PriceList, PriceListItem, Product
from . import serializers as s
from .filters import ProductFilter, SupplierDirectoryFilter

ERRORS = {
    400: OpenApiResponse(s.SupplierErrorSerializer, description="Invalid input"),
    403: OpenApiResponse(s.SupplierErrorSerializer, description="Your role does not allow this"),
    404: OpenApiResponse(s.SupplierErrorSerializer, description="Not found or not yours"),
}
COMPANY_TAG = ["suppliers"]
CATALOGUE_TAG = ["supplier catalogue"]


def _fake(view) -> bool:
    return getattr(view, "swagger_fake_view", False)


# --- Directory and profiles -------------------------------------------------------------------


@extend_schema(tags=COMPANY_TAG)
class SupplierDirectoryApi(generics.ListAPIView):
    """Verified suppliers, searchable by category (with its subtree), region and text."""

    serializer_class = s.SupplierProfileOutputSerializer
    filterset_class = SupplierDirectoryFilter
    search_fields = [
        "legal_name",
        "supplier_profile__description",
        "supplier_profile__categories__name_en",
        "supplier_profile__categories__name_ru",
        "supplier_profile__categories__name_uk",
    ]
    ordering_fields = ["legal_name", "supplier_profile__updated_at"]
    ordering = ["legal_name"]

    def get_queryset(self):
        return selectors.supplier_directory(user=self.request.user)


@extend_schema(tags=COMPANY_TAG)
class SupplierProfileApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="supplier_profile_retrieve",
        responses={200: s.SupplierProfileOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, company_id: int):
        company = selectors.supplier_get_visible(user=request.user, company_id=company_id)
        return Response(s.SupplierProfileOutputSerializer(company).data)

    @extend_schema(
        operation_id="supplier_profile_update",
        request=s.SupplierProfileInputSerializer,
        responses={200: s.SupplierProfileOutputSerializer, **ERRORS},
    )
    def patch(self, request, company_id: int):
        company = selectors.supplier_get_for_member(user=request.user, company_id=company_id)
        data = s.SupplierProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.supplier_profile_update(actor=request.user, company=company, **data.validated_data)
        company = selectors.supplier_get_visible(user=request.user, company_id=company_id)
        return Response(s.SupplierProfileOutputSerializer(company).data)


@extend_schema(tags=COMPANY_TAG)
class CertificateListApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="supplier_certificate_list",
        responses={200: s.CertificateOutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, company_id: int):
        company = selectors.supplier_get_visible(user=request.user, company_id=company_id)
        certs = Certificate.objects.filter(profile__company=company).order_by("name", "pk")
        return Response(s.CertificateOutputSerializer(certs, many=True).data)

    @extend_schema(
        operation_id="supplier_certificate_create",
        request={"multipart/form-data": s.CertificateInputSerializer},
        responses={201: s.CertificateOutputSerializer, **ERRORS},
    )
    def post(self, request, company_id: int):
        company = selectors.supplier_get_for_member(user=request.user, company_id=company_id)
        data = s.CertificateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cert = services.certificate_create(
            actor=request.user, company=company, **data.validated_data
        )
        return Response(s.CertificateOutputSerializer(cert).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=COMPANY_TAG)
class CertificateDetailApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def _own(self, request, company_id, certificate_id) -> Certificate:
        company = selectors.supplier_get_for_member(user=request.user, company_id=company_id)
        return selectors.certificate_get_visible(
            user=request.user, company_id=company.pk, certificate_id=certificate_id
        )

    @extend_schema(
        operation_id="supplier_certificate_retrieve",
        responses={200: s.CertificateOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, company_id: int, certificate_id: int):
        cert = selectors.certificate_get_visible(
            user=request.user, company_id=company_id, certificate_id=certificate_id
        )
        return Response(s.CertificateOutputSerializer(cert).data)

    @extend_schema(
        operation_id="supplier_certificate_update",
        request={"multipart/form-data": s.CertificateUpdateSerializer},
        responses={200: s.CertificateOutputSerializer, **ERRORS},
    )
    def patch(self, request, company_id: int, certificate_id: int):
        cert = self._own(request, company_id, certificate_id)
        data = s.CertificateUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        upload = changes.pop("file", None)
        cert = services.certificate_update(
            actor=request.user, certificate=cert, changes=changes, file=upload
        )
        return Response(s.CertificateOutputSerializer(cert).data)

    @extend_schema(
        operation_id="supplier_certificate_delete",
        responses={204: None, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def delete(self, request, company_id: int, certificate_id: int):
        cert = self._own(request, company_id, certificate_id)
        services.certificate_delete(actor=request.user, certificate=cert)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=COMPANY_TAG)
class CertificateFileApi(APIView):
    @extend_schema(
        operation_id="supplier_certificate_file",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: ERRORS[404],
        },
    )
    def get(self, request, company_id: int, certificate_id: int):
        cert = selectors.certificate_get_visible(
            user=request.user, company_id=company_id, certificate_id=certificate_id
        )
        return private_file_response(
            name=cert.file_name,
            filename=cert.original_file_name or "certificate",
            content_type=cert.content_type,
            missing_code="file_not_found",
            missing_message=_("This certificate has no file."),
        )


# --- Catalogue --------------------------------------------------------------------------------


class _CatalogueMixin:
    kwargs: dict[str, Any]  # mixed into DRF views, which set it (and ``request``)

    def supplier(self):
        return selectors.supplier_get_for_member(
            user=self.request.user, company_id=self.kwargs["company_id"]
        )

    def price_list(self) -> PriceList:
        return selectors.price_list_get(
            supplier=self.supplier(), price_list_id=self.kwargs["price_list_id"]
        )


@extend_schema(tags=CATALOGUE_TAG)
class ProductListApi(_CatalogueMixin, generics.ListAPIView):
    serializer_class = s.ProductOutputSerializer
    filterset_class = ProductFilter
    search_fields = ["sku", "name", "description"]
    ordering_fields = ["sku", "name", "updated_at"]
    ordering = ["sku"]
    parser_classes = [JSONParser]

    def get_queryset(self):
        if _fake(self):
            return Product.objects.none()
        return selectors.product_list(supplier=self.supplier())

    @extend_schema(
        operation_id="supplier_product_create",
        request=s.ProductInputSerializer,
        responses={201: s.ProductOutputSerializer, 409: ERRORS[400], **ERRORS},
    )
    def post(self, request, company_id: int):
        supplier = self.supplier()
        data = s.ProductInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_create(
            actor=request.user, supplier=supplier, **data.validated_data
        )
        return Response(s.ProductOutputSerializer(product).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=CATALOGUE_TAG)
class ProductDetailApi(_CatalogueMixin, APIView):
    parser_classes = [JSONParser]

    def product(self) -> Product:
        return selectors.product_get(supplier=self.supplier(), product_id=self.kwargs["product_id"])

    @extend_schema(
        operation_id="supplier_product_retrieve",
        responses={200: s.ProductOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, company_id: int, product_id: int):
        return Response(s.ProductOutputSerializer(self.product()).data)

    @extend_schema(
        operation_id="supplier_product_update",
        request=s.ProductUpdateSerializer,
        responses={200: s.ProductOutputSerializer, 409: ERRORS[400], **ERRORS},
    )
    def patch(self, request, company_id: int, product_id: int):
        product = self.product()
        data = s.ProductUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        product = services.product_update(
            actor=request.user, product=product, changes=dict(data.validated_data)
        )
        product = selectors.product_get(supplier=product.supplier, product_id=product.pk)
        return Response(s.ProductOutputSerializer(product).data)

    @extend_schema(
        operation_id="supplier_product_delete",
        responses={204: None, 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[400]},
    )
    def delete(self, request, company_id: int, product_id: int):
        services.product_delete(actor=request.user, product=self.product())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=CATALOGUE_TAG)
class PriceListListApi(_CatalogueMixin, generics.ListAPIView):
    serializer_class = s.PriceListOutputSerializer
    filterset_fields = ["kind", "currency"]
    search_fields = ["name"]
    ordering_fields = ["name", "valid_from", "updated_at"]
    parser_classes = [JSONParser]

    def get_queryset(self):
        if _fake(self):
            return PriceList.objects.none()
        return selectors.price_list_list(supplier=self.supplier())

    @extend_schema(
        operation_id="supplier_price_list_create",
        request=s.PriceListInputSerializer,
        responses={201: s.PriceListOutputSerializer, **ERRORS},
    )
    def post(self, request, company_id: int):
        supplier = self.supplier()
        data = s.PriceListInputSerializer(data=request.data, context={"supplier_id": supplier.pk})
        data.is_valid(raise_exception=True)
        price_list = services.price_list_create(
            actor=request.user, supplier=supplier, **data.validated_data
        )
        price_list = selectors.price_list_get(supplier=supplier, price_list_id=price_list.pk)
        return Response(
            s.PriceListOutputSerializer(price_list).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=CATALOGUE_TAG)
class PriceListDetailApi(_CatalogueMixin, APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="supplier_price_list_retrieve",
        responses={200: s.PriceListOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, company_id: int, price_list_id: int):
        return Response(s.PriceListOutputSerializer(self.price_list()).data)

    @extend_schema(
        operation_id="supplier_price_list_update",
        request=s.PriceListUpdateSerializer,
        responses={200: s.PriceListOutputSerializer, **ERRORS},
    )
    def patch(self, request, company_id: int, price_list_id: int):
        price_list = self.price_list()
        data = s.PriceListUpdateSerializer(
            data=request.data, partial=True, context={"supplier_id": price_list.supplier_id}
        )
        data.is_valid(raise_exception=True)
        services.price_list_update(
            actor=request.user, price_list=price_list, changes=dict(data.validated_data)
        )
        return Response(s.PriceListOutputSerializer(self.price_list()).data)

    @extend_schema(
        operation_id="supplier_price_list_delete",
        responses={204: None, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def delete(self, request, company_id: int, price_list_id: int):
        services.price_list_delete(actor=request.user, price_list=self.price_list())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=CATALOGUE_TAG)
class PriceListItemListApi(_CatalogueMixin, generics.ListAPIView):
    serializer_class = s.PriceListItemOutputSerializer
    parser_classes = [JSONParser]
    filter_backends: list = []

    def get_queryset(self):
        if _fake(self):
            return PriceListItem.objects.none()
        return selectors.price_list_items(price_list=self.price_list())

    @extend_schema(
        operation_id="supplier_price_list_item_create",
        request=s.PriceListItemInputSerializer,
        responses={201: s.PriceListItemOutputSerializer, 409: ERRORS[400], **ERRORS},
    )
    def post(self, request, company_id: int, price_list_id: int):
        price_list = self.price_list()
        data = s.PriceListItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        product = (
            selectors.product_list(supplier=price_list.supplier)
            .filter(pk=values.pop("product_id"))
            .first()
        )
        if product is None:
            message = _("No such product in your catalogue.")
            raise ApplicationError(
                message, code="product_not_found", fields={"product_id": [message]}
            )
        item = services.price_list_item_create(
            actor=request.user, price_list=price_list, product=product, **values
        )
        return Response(s.PriceListItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=CATALOGUE_TAG)
class PriceListItemDetailApi(_CatalogueMixin, APIView):
    parser_classes = [JSONParser]

    def item(self) -> PriceListItem:
        return selectors.price_list_item_get(
            price_list=self.price_list(), item_id=self.kwargs["item_id"]
        )

    @extend_schema(
        operation_id="supplier_price_list_item_update",
        request=s.PriceListItemUpdateSerializer,
        responses={200: s.PriceListItemOutputSerializer, 409: ERRORS[400], **ERRORS},
    )
    def patch(self, request, company_id: int, price_list_id: int, item_id: int):
        item = self.item()
        data = s.PriceListItemUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = services.price_list_item_update(actor=request.user, item=item, **data.validated_data)
        return Response(s.PriceListItemOutputSerializer(item).data)

    @extend_schema(
        operation_id="supplier_price_list_item_delete",
        responses={204: None, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def delete(self, request, company_id: int, price_list_id: int, item_id: int):
        services.price_list_item_delete(actor=request.user, item=self.item())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=CATALOGUE_TAG)
class PriceListImportApi(_CatalogueMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"

    @extend_schema(
        operation_id="supplier_price_list_import",
        request={"multipart/form-data": s.PriceListImportInputSerializer},
        responses={
            200: s.PriceListImportResultSerializer,
            400: OpenApiResponse(
                s.PriceListImportErrorSerializer,
                description="The file has problems (code import_invalid, with a report) or "
                "the request is malformed (code invalid)",
            ),
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    def post(self, request, company_id: int, price_list_id: int):
        price_list = self.price_list()
        data = s.PriceListImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        # One byte past the limit is enough to tell the file is too large.
        content = upload.read(services.pricelist_io.MAX_FILE_BYTES + 1)
        try:
            result = services.price_list_import(
                actor=request.user,
                price_list=price_list,
                data=content,
                filename=upload.name,
                dry_run=data.validated_data["dry_run"],
                max_rows=getattr(
                    settings, "PRICE_LIST_IMPORT_MAX_ROWS", services.pricelist_io.MAX_ROWS
                ),
            )
        except services.PriceListImportError as exc:
            body = error_body(exc.code, exc.message)
            body["error"]["report"] = [p.as_dict() for p in exc.report]
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            s.PriceListImportResultSerializer(
                {
                    "dry_run": result.dry_run,
                    "rows": result.rows,
                    "products_created": result.products_created,
                    "products_updated": result.products_updated,
                    "items": result.items,
                }
            ).data
        )


@extend_schema(tags=CATALOGUE_TAG)
class PriceListExportApi(_CatalogueMixin, APIView):
    @extend_schema(
        operation_id="supplier_price_list_export",
        parameters=[
            OpenApiParameter(
                "file_format",
                str,
                enum=["csv", "xlsx"],
                default="csv",
                description="csv (UTF-8 with BOM) or xlsx",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
            400: ERRORS[400],
            404: ERRORS[404],
        },
    )
    def get(self, request, company_id: int, price_list_id: int):
        price_list = self.price_list()
        file_format = request.query_params.get("file_format", "csv").lower()
        if file_format not in ("csv", "xlsx"):
            message = _("Choose csv or xlsx.")
            raise ApplicationError(
                message, code="unsupported_format", fields={"file_format": [message]}
            )
        content, content_type, filename = selectors.price_list_export(
            price_list=price_list, file_format=file_format
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
