"""The supplier's stock API: warehouses, the counts per product and warehouse, set in bulk
(idempotent upsert) or from a CSV/XLSX file. Any member of the supplier reads; the members who
may change its catalogue write (``stock``). Another company's stock is not found (404)."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.exceptions import error_body

from .. import selectors, stock, stock_io
from ..models import StockLevel, Warehouse
from . import stock_serializers as s
from .serializers import SupplierErrorSerializer

TAG = ["supplier stock"]
ERRORS = {
    400: OpenApiResponse(SupplierErrorSerializer, description="Invalid input"),
    403: OpenApiResponse(SupplierErrorSerializer, description="Your role does not allow this"),
    404: OpenApiResponse(SupplierErrorSerializer, description="Not found or not yours"),
}


def _report(exc: stock.StockImportError) -> Response:
    body = error_body(exc.code, exc.message)
    body["error"]["report"] = [p.as_dict() for p in exc.report]
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _result(result: stock.StockWriteResult) -> dict:
    return s.StockWriteResultSerializer(result).data


class _SupplierMixin:
    kwargs: dict[str, Any]

    def supplier(self):
        return selectors.supplier_get_for_member(
            user=self.request.user, company_id=self.kwargs["company_id"]
        )


@extend_schema(tags=TAG)
class WarehouseListApi(_SupplierMixin, generics.ListAPIView):
    serializer_class = s.WarehouseOutputSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Warehouse.objects.none()
        return stock.warehouse_list(supplier=self.supplier())

    @extend_schema(
        operation_id="supplier_warehouse_create",
        request=s.WarehouseInputSerializer,
        responses={201: s.WarehouseOutputSerializer, **ERRORS},
    )
    def post(self, request, company_id: int):
        data = s.WarehouseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        warehouse = stock.warehouse_create(
            actor=request.user, supplier=self.supplier(), **data.validated_data
        )
        return Response(s.WarehouseOutputSerializer(warehouse).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAG)
class WarehouseDetailApi(_SupplierMixin, APIView):
    parser_classes = [JSONParser]

    def warehouse(self) -> Warehouse:
        return stock.warehouse_get(
            supplier=self.supplier(), warehouse_id=self.kwargs["warehouse_id"]
        )

    @extend_schema(
        operation_id="supplier_warehouse_retrieve",
        responses={200: s.WarehouseOutputSerializer, 404: ERRORS[404]},
    )
    def get(self, request, company_id: int, warehouse_id: int):
        return Response(s.WarehouseOutputSerializer(self.warehouse()).data)

    @extend_schema(
        operation_id="supplier_warehouse_update",
        request=s.WarehouseUpdateSerializer,
        responses={200: s.WarehouseOutputSerializer, **ERRORS},
    )
    def patch(self, request, company_id: int, warehouse_id: int):
        warehouse = self.warehouse()
        data = s.WarehouseUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        warehouse = stock.warehouse_update(
            actor=request.user, warehouse=warehouse, changes=dict(data.validated_data)
        )
        return Response(s.WarehouseOutputSerializer(warehouse).data)

    @extend_schema(
        operation_id="supplier_warehouse_delete",
        responses={204: None, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def delete(self, request, company_id: int, warehouse_id: int):
        stock.warehouse_delete(actor=request.user, warehouse=self.warehouse())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAG)
class StockListApi(_SupplierMixin, generics.ListAPIView):
    """The counts; PUT sets many at once (keyed by SKU and warehouse: the same rows again
    change nothing)."""

    serializer_class = s.StockLevelOutputSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StockLevel.objects.none()
        return stock.stock_levels(supplier=self.supplier())

    @extend_schema(
        operation_id="supplier_stock_upsert",
        request=s.StockUpsertInputSerializer,
        responses={200: s.StockWriteResultSerializer, **ERRORS},
    )
    def put(self, request, company_id: int):
        supplier = self.supplier()
        data = s.StockUpsertInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [stock_io.StockRow(None, **row) for row in data.validated_data["rows"]]
        try:
            result = stock.stock_upsert(actor=request.user, supplier=supplier, rows=rows)
        except stock.StockImportError as exc:
            return _report(exc)
        return Response(_result(result))


@extend_schema(tags=TAG)
class StockImportApi(_SupplierMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"

    @extend_schema(
        operation_id="supplier_stock_import",
        request={"multipart/form-data": s.StockImportInputSerializer},
        responses={200: s.StockWriteResultSerializer, **ERRORS},
    )
    def post(self, request, company_id: int):
        supplier = self.supplier()
        data = s.StockImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        content = upload.read(stock_io.MAX_FILE_BYTES + 1)
        try:
            result = stock.stock_import(
                actor=request.user,
                supplier=supplier,
                data=content,
                filename=upload.name,
                dry_run=data.validated_data["dry_run"],
                max_rows=getattr(settings, "STOCK_IMPORT_MAX_ROWS", stock_io.MAX_ROWS),
            )
        except stock.StockImportError as exc:
            return _report(exc)
        return Response(_result(result))
