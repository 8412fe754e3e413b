"""Forecast and analytics over HTTP (``/api/crm/<workspace>/analytics/...``): each answers a
table as JSON (``columns`` and ``rows``), or as a file with ``?format=csv`` or ``?format=xlsx``.
Reads only; every member of the workspace may read them, anyone else gets 404."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core import spreadsheets
from marketplace.core.ids import IdField
from marketplace.core.serializers import ErrorResponseSerializer

from ..analytics import (
    AUCTION_GROUPS,
    SAVINGS_GROUPS,
    WIN_RATE_GROUPS,
    Table,
    buyer_savings,
    plain_cell,
    supplier_auctions,
    win_rate,
)
from ..forecast import PIPELINE_GROUPS, pipeline_weighted, plan_fact
from .documents_views import AnyAccept, WorkspaceScoped, file_response

TAGS = ["crm analytics"]
ERR = ErrorResponseSerializer
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# --- Input and output ------------------------------------------------------------------------


class CrmPeriodQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="From this day (included).")
    date_to = serializers.DateField(required=False, help_text="To this day (included).")
    format = serializers.ChoiceField(
        choices=["json", "csv", "xlsx"], default="json", help_text="json, or a csv/xlsx file."
    )

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": _("The period ends before it starts.")})
        return attrs


class CrmPipelineQuerySerializer(CrmPeriodQuerySerializer):
    group = serializers.ChoiceField(choices=PIPELINE_GROUPS, default="month")
    pipeline = IdField(required=False)


class CrmPlanFactQuerySerializer(CrmPeriodQuerySerializer):
    owner = IdField(required=False, help_text="Only this manager's targets.")


class CrmWinRateQuerySerializer(CrmPeriodQuerySerializer):
    group = serializers.ChoiceField(choices=WIN_RATE_GROUPS, default="owner")


class CrmAuctionsQuerySerializer(CrmPeriodQuerySerializer):
    group = serializers.ChoiceField(choices=AUCTION_GROUPS, default="category")


class CrmSavingsQuerySerializer(CrmPeriodQuerySerializer):
    group = serializers.ChoiceField(choices=SAVINGS_GROUPS, default="category")


class CrmColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    heading = serializers.CharField()
    kind = serializers.CharField(
        help_text="text, int, money, percent, days, date (YYYY-MM-DD) or month (YYYY-MM)."
    )


class CrmTableOutputSerializer(serializers.Serializer):
    title = serializers.CharField()
    columns = CrmColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One object per row, keyed by the columns' keys; money as strings.",
    )


# --- Files -----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table_csv(table: Table) -> bytes:
    """The table as CSV (``spreadsheets.write_csv``: UTF-8 with a byte order mark, so
    spreadsheets read Cyrillic; text is never a formula); numbers as plain decimals."""
    return spreadsheets.write_csv(
        [c.heading for c in table.columns],
        (
            [
                "" if row.get(c.key) is None else str(plain_cell(row.get(c.key)))
                for c in table.columns
            ]
            for row in table.rows
        ),
    )


_XLSX_FORMATS = {
    "money": "#,##0.00",
    "percent": '0.00" %"',
    "days": "0.0",
    "int": "0",
    "date": "yyyy-mm-dd",
}


def table_xlsx(table: Table) -> bytes:
    """The table as a workbook of one sheet: numbers are numbers, text is never a formula."""
    # openpyxl is heavy; loaded only when a workbook is made
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or "table"
    sheet.append([c.heading for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(table.rows, start=2):
        for c, column in enumerate(table.columns, start=1):
            value = row.get(column.key)
            if value is None:
                continue
            target = sheet.cell(row=r, column=c)
            if column.kind in _XLSX_FORMATS and not isinstance(value, str):
                target.value = value
                target.number_format = _XLSX_FORMATS[column.kind]
            else:
                target.value = str(value)
                target.data_type = "s"  # never a formula, whatever the text starts with
    for column_cells in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column_cells)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(table: Table, file_format: str, workspace_id: int):
    if file_format == "json":
        return Response(
            {
                "title": table.title,
                "columns": [
                    {"key": c.key, "heading": c.heading, "kind": c.kind} for c in table.columns
                ],
                "rows": [{k: plain_cell(v) for k, v in row.items()} for row in table.rows],
            }
        )
    content = table_csv(table) if file_format == "csv" else table_xlsx(table)
    return file_response(
        content=content,
        content_type=EXPORT_TYPES[file_format],
        filename=f"crm-{workspace_id}-{table.name}-{timezone.localdate().isoformat()}.{file_format}",
    )


# --- Views -----------------------------------------------------------------------------------


def _schema(operation_id: str, summary: str, description: str, query):
    return extend_schema(
        tags=TAGS,
        operation_id=operation_id,
        summary=summary,
        description=description,
        parameters=[query],
        responses={
            200: CrmTableOutputSerializer,
            (200, EXPORT_TYPES["csv"]): OpenApiTypes.BINARY,
            (200, EXPORT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            400: OpenApiResponse(ERR, description="Invalid parameters."),
            404: OpenApiResponse(ERR, description="No such workspace (or not yours)."),
        },
    )


class _TableApi(WorkspaceScoped, APIView):
    content_negotiation_class = AnyAccept
    query_serializer: type[CrmPeriodQuerySerializer] = CrmPeriodQuerySerializer
    # (user, workspace_id, validated query) -> the table
    build: Callable[..., Table]

    def answer(self, request, workspace_id: int):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        file_format = params.pop("format")
        table = type(self).build(user=request.user, workspace_id=workspace_id, **params)
        return table_response(table, file_format, workspace_id)


def _pipeline(*, user, workspace_id, pipeline=None, **params) -> Table:
    return pipeline_weighted(user=user, workspace_id=workspace_id, pipeline_id=pipeline, **params)


def _plan_fact(*, user, workspace_id, owner=None, **params) -> Table:
    return plan_fact(user=user, workspace_id=workspace_id, owner_id=owner, **params)


class PipelineForecastApi(_TableApi):
    query_serializer = CrmPipelineQuerySerializer
    build = staticmethod(_pipeline)

    @_schema(
        "crm_analytics_pipeline",
        "Weighted pipeline by month of expected close, owner or stage",
        "Open opportunities; weighted = amount × probability (the opportunity's, else its "
        "stage's). One row per group and currency.",
        CrmPipelineQuerySerializer,
    )
    def get(self, request, workspace_id: int):
        return self.answer(request, workspace_id)


class PlanFactApi(_TableApi):
    query_serializer = CrmPlanFactQuerySerializer
    build = staticmethod(_plan_fact)

    @_schema(
        "crm_analytics_plan_fact",
        "Plan versus fact: sales targets against won amounts",
        "One row per target meeting the period; the fact is what was won in the target's "
        "own period and currency (other currencies listed beside it, never added).",
        CrmPlanFactQuerySerializer,
    )
    def get(self, request, workspace_id: int):
        return self.answer(request, workspace_id)


class WinRateApi(_TableApi):
    query_serializer = CrmWinRateQuerySerializer
    build = staticmethod(win_rate)

    @_schema(
        "crm_analytics_win_rate",
        "Win rate and average sales cycle, per owner, pipeline or in total",
        "Opportunities closed in the period; cycle = creation to close, in days.",
        CrmWinRateQuerySerializer,
    )
    def get(self, request, workspace_id: int):
        return self.answer(request, workspace_id)


class SupplierAuctionsApi(_TableApi):
    query_serializer = CrmAuctionsQuerySerializer
    build = staticmethod(supplier_auctions)

    @_schema(
        "crm_analytics_auctions",
        "As a supplier: auctions entered, won, lost, and the average gap to the winner",
        "The lots your company applied to, by the auction's day; the gap as far as the lot's "
        "visibility let you know it (from auction-linked opportunities).",
        CrmAuctionsQuerySerializer,
    )
    def get(self, request, workspace_id: int):
        return self.answer(request, workspace_id)


class BuyerSavingsApi(_TableApi):
    query_serializer = CrmSavingsQuerySerializer
    build = staticmethod(buyer_savings)

    @_schema(
        "crm_analytics_savings",
        "As a buyer: savings against start prices, per category or supplier",
        "Your awarded lots (by the award's day, cancelled deals left out): start prices, "
        "awarded amounts, saving and its share.",
        CrmSavingsQuerySerializer,
    )
    def get(self, request, workspace_id: int):
        return self.answer(request, workspace_id)
