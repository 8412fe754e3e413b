"""The planning API (``/api/planning/...``): procurement plans, their lines, the tenders linked
to the lines, and plan versus fact (JSON and CSV). Thin views over ``planning.selectors``
(reads, who may read), ``planning.services`` (writes, who may write) and ``planning.facts``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from marketplace.core.files import download_response
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import facts, selectors, services
from ..models import ProcurementPlan
from . import serializers as s

TAGS = ["planning"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Your role does not allow this"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not visible to you"))
E409 = OpenApiResponse(
    ERR, description=gettext_lazy("The plan is published, or the tender is linked already")
)
CSV_TYPE = "text/csv; charset=utf-8"


def plan_data(plan: ProcurementPlan) -> dict:
    return dict(s.PlanSerializer(plan).data)


def _plan_fresh(*, user, plan_id: int) -> ProcurementPlan:
    return selectors.plan_get(user=user, plan_id=plan_id)


def _line_input(data: dict) -> dict:
    """The serializer's names as the services name them."""
    if "category" in data:
        data["category_id"] = data.pop("category")
    return data


class _Base(PathIdsInRange, GenericAPIView):
    queryset = ProcurementPlan.objects.none()
    path_id_not_found = {
        "plan_id": ("plan_not_found", gettext_lazy("Plan not found.")),
        "line_id": ("line_not_found", gettext_lazy("Plan line not found.")),
        "link_id": ("link_not_found", gettext_lazy("This tender is not linked to the line.")),
    }


class PlanListApi(_Base):
    serializer_class = s.PlanSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="planning_plans_list",
        summary="Your companies' plans (drafts included), or every published plan",
        parameters=[s.PlanQuerySerializer],
        responses={200: s.PlanSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.PlanQuerySerializer, request.query_params)
        if "buyer" in query:
            query["buyer_id"] = query.pop("buyer")
        plans = selectors.plan_list(user=request.user, **query)
        page = self.paginate_queryset(plans)
        return self.get_paginated_response(s.PlanSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="planning_plans_create",
        summary="Make a draft plan of a buyer company for a year (one per year)",
        request=s.PlanCreateSerializer,
        responses={201: s.PlanSerializer, 400: E400, 403: E403, 409: E409},
    )
    def post(self, request):
        data = input_valid(s.PlanCreateSerializer, request.data)
        plan = services.plan_create(actor=request.user, buyer_id=data.pop("buyer"), **data)
        plan = _plan_fresh(user=request.user, plan_id=plan.pk)
        return Response(plan_data(plan), status=status.HTTP_201_CREATED)


class PlanDetailApi(_Base):
    serializer_class = s.PlanSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="planning_plans_get",
        summary="A plan (a draft: its buyer's people only; a published plan: anyone signed in)",
        responses={200: s.PlanSerializer, 404: E404},
    )
    def get(self, request, plan_id: int):
        return Response(plan_data(selectors.plan_get(user=request.user, plan_id=plan_id)))

    @extend_schema(
        tags=TAGS,
        operation_id="planning_plans_update",
        summary="Change a draft's title, year or currency",
        request=s.PlanUpdateSerializer,
        responses={200: s.PlanSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, plan_id: int):
        data = input_valid(s.PlanUpdateSerializer, request.data)
        services.plan_update(actor=request.user, plan_id=plan_id, **data)
        return Response(plan_data(_plan_fresh(user=request.user, plan_id=plan_id)))

    @extend_schema(
        tags=TAGS,
        operation_id="planning_plans_delete",
        summary="Delete a draft with its lines",
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, plan_id: int):
        services.plan_delete(actor=request.user, plan_id=plan_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanPublishApi(_Base):
    serializer_class = s.PlanSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="planning_plans_publish",
        summary="Publish a draft: anyone signed in reads it, nobody edits it",
        request=None,
        responses={200: s.PlanSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, plan_id: int):
        services.plan_publish(actor=request.user, plan_id=plan_id)
        return Response(plan_data(_plan_fresh(user=request.user, plan_id=plan_id)))


def _lines_context(*, user, plan: ProcurementPlan) -> dict:
    return {"with_links": selectors.user_reads_buyer(user=user, buyer_id=plan.buyer_id)}


def line_data(*, user, plan: ProcurementPlan, line_id: int) -> dict:
    context = _lines_context(user=user, plan=plan)
    line = selectors.line_list(plan=plan, with_links=context["with_links"]).get(pk=line_id)
    return dict(s.PlanLineSerializer(line, context=context).data)


def _line_answer(request, plan_id: int, line_id: int, code: int = status.HTTP_200_OK):
    """The line as its reader sees it, after a write (the plan read again, as the reader)."""
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    return Response(line_data(user=request.user, plan=plan, line_id=line_id), status=code)


class LineListApi(_Base):
    serializer_class = s.PlanLineSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="planning_lines_list",
        summary="A plan's lines by quarter (with their linked tenders for the buyer's people)",
        responses={200: s.PlanLineSerializer(many=True), 404: E404},
    )
    def get(self, request, plan_id: int):
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        context = _lines_context(user=request.user, plan=plan)
        lines = selectors.line_list(plan=plan, with_links=context["with_links"])
        return Response(s.PlanLineSerializer(lines, many=True, context=context).data)

    @extend_schema(
        tags=TAGS,
        operation_id="planning_lines_create",
        summary="Add a line to a draft",
        request=s.PlanLineInputSerializer,
        responses={201: s.PlanLineSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, plan_id: int):
        data = _line_input(input_valid(s.PlanLineInputSerializer, request.data))
        line = services.line_create(actor=request.user, plan_id=plan_id, **data)
        return _line_answer(request, plan_id, line.pk, status.HTTP_201_CREATED)


class LineDetailApi(_Base):
    serializer_class = s.PlanLineSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="planning_lines_get",
        summary="A plan's line",
        responses={200: s.PlanLineSerializer, 404: E404},
    )
    def get(self, request, plan_id: int, line_id: int):
        plan = selectors.plan_get(user=request.user, plan_id=plan_id)
        line = selectors.line_get(plan=plan, line_id=line_id)
        return Response(line_data(user=request.user, plan=plan, line_id=line.pk))

    @extend_schema(
        tags=TAGS,
        operation_id="planning_lines_update",
        summary="Change a draft's line (its linked tenders must still fit)",
        request=s.PlanLineUpdateSerializer,
        responses={200: s.PlanLineSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, plan_id: int, line_id: int):
        data = _line_input(input_valid(s.PlanLineUpdateSerializer, request.data))
        services.line_update(actor=request.user, plan_id=plan_id, line_id=line_id, **data)
        return _line_answer(request, plan_id, line_id)

    @extend_schema(
        tags=TAGS,
        operation_id="planning_lines_delete",
        summary="Remove a draft's line with its links",
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, plan_id: int, line_id: int):
        services.line_delete(actor=request.user, plan_id=plan_id, line_id=line_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LineTendersApi(_Base):
    serializer_class = s.PlanLineSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="planning_lines_link",
        summary="Link a tender of the buyer (every lot, or one) to the line",
        request=s.PlanLinkInputSerializer,
        responses={201: s.PlanLineSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, plan_id: int, line_id: int):
        data = input_valid(s.PlanLinkInputSerializer, request.data)
        services.line_link_tender(
            actor=request.user,
            plan_id=plan_id,
            line_id=line_id,
            tender_id=data["tender"],
            lot_id=data.get("lot"),
        )
        return _line_answer(request, plan_id, line_id, status.HTTP_201_CREATED)


class LineTenderApi(_Base):
    serializer_class = s.PlanLineSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="planning_lines_unlink",
        summary="Take a linked tender (or lot) off the line",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, plan_id: int, line_id: int, link_id: int):
        services.line_unlink_tender(
            actor=request.user, plan_id=plan_id, line_id=line_id, link_id=link_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def fact_data(report: facts.Report) -> dict:
    return dict(
        s.PlanFactSerializer(
            {
                "plan": report.plan,
                "rows": report.rows,
                "by_quarter": report.by_quarter,
                "by_category": report.by_category,
                "totals": report.totals,
            }
        ).data
    )


class PlanFactApi(_Base):
    serializer_class = s.PlanFactSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="planning_plans_fact",
        summary="Plan versus fact: budgeted, contracted, saved by category and quarter, per "
        "currency (the buyer's people only)",
        responses={200: s.PlanFactSerializer, 403: E403, 404: E404},
    )
    def get(self, request, plan_id: int):
        plan = selectors.plan_get_for_members(user=request.user, plan_id=plan_id)
        return Response(fact_data(facts.plan_fact(plan=plan)))


class AnyAccept(BaseContentNegotiation):
    """A file download answers whatever the client accepts; errors are still JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PlanFactCsvApi(_Base):
    content_negotiation_class = AnyAccept

    @extend_schema(
        tags=TAGS,
        operation_id="planning_plans_fact_csv",
        summary="Plan versus fact as a CSV file (the buyer's people only)",
        responses={(200, CSV_TYPE): OpenApiTypes.BINARY, 403: E403, 404: E404},
    )
    def get(self, request, plan_id: int):
        plan = selectors.plan_get_for_members(user=request.user, plan_id=plan_id)
        content = facts.fact_csv(facts.plan_fact(plan=plan))
        day = timezone.localdate().isoformat()
        return download_response(
            content, filename=f"plan-{plan.pk}-{plan.year}-fact-{day}.csv", content_type=CSV_TYPE
        )
