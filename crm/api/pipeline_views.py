"""The CRM's pipeline API (``/api/crm/<workspace>/...``): pipelines and stages, the board,
opportunities and their moves and history, leads (and the website's public form), sales
targets. Thin views: each checks the workspace first (another company's is "not found" before
anything else is looked at), then the input's shape, then calls a service or selector."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import pipeline_leads as leads
from .. import pipeline_opportunities as opportunities
from .. import pipeline_selectors as selectors
from .. import pipelines
from ..access import workspace_require
from ..models import Lead, Opportunity, Pipeline, SalesTarget, StageChange
from . import pipeline_serializers as s

TAGS = ["crm"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Only account managers and admins edit"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or another company's"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Conflicts with the current state"))
# Input names -> the services' argument names.
_IDS = {k: f"{k}_id" for k in ("account", "owner", "lot", "tender", "pipeline", "stage")}


def _args(data: dict) -> dict:
    return {_IDS.get(k, k): v for k, v in data.items()}


def _require(request, workspace_id: int, *, edit: bool = False) -> None:
    workspace_require(user=request.user, workspace_id=workspace_id, edit=edit)


class _Api(GenericAPIView):
    filter_backends: list = []
    pagination_class = None


class _ListApi(GenericAPIView):
    filter_backends: list = []


# --- Pipelines and stages ----------------------------------------------------------------------


class PipelineListApi(_Api):
    serializer_class = s.PipelineOutputSerializer
    queryset = Pipeline.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_pipelines_list",
        summary="The workspace's pipelines with their stages (its defaults made on first use)",
        responses={200: s.PipelineOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        _require(request, workspace_id)
        pipelines.pipelines_ensure(workspace_id=workspace_id)
        rows = selectors.pipeline_list(user=request.user, workspace_id=workspace_id)
        return Response(s.PipelineOutputSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_pipelines_create",
        summary="A new pipeline, starting with the stages of its kind",
        request=s.PipelineCreateSerializer,
        responses={201: s.PipelineOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        _require(request, workspace_id, edit=True)
        data = input_valid(s.PipelineCreateSerializer, request.data)
        pipeline = pipelines.pipeline_create(user=request.user, workspace_id=workspace_id, **data)
        return Response(s.PipelineOutputSerializer(pipeline).data, status=status.HTTP_201_CREATED)


class PipelineDetailApi(_Api):
    serializer_class = s.PipelineOutputSerializer
    queryset = Pipeline.objects.none()

    def _out(self, request, workspace_id: int, pipeline_id: int) -> Response:
        pipeline = selectors.pipeline_get(
            user=request.user, workspace_id=workspace_id, pipeline_id=pipeline_id
        )
        return Response(s.PipelineOutputSerializer(pipeline).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_pipelines_retrieve",
        summary="A pipeline with its stages",
        responses={200: s.PipelineOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, pipeline_id: int):
        return self._out(request, workspace_id, pipeline_id)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_pipelines_rename",
        summary="Rename a pipeline",
        request=s.PipelineRenameSerializer,
        responses={200: s.PipelineOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, pipeline_id: int):
        _require(request, workspace_id, edit=True)
        data = input_valid(s.PipelineRenameSerializer, request.data)
        pipelines.pipeline_rename(
            user=request.user, workspace_id=workspace_id, pipeline_id=pipeline_id, **data
        )
        return self._out(request, workspace_id, pipeline_id)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_pipelines_delete",
        summary="Delete a pipeline (not a default one, nor one with opportunities: 409)",
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, workspace_id: int, pipeline_id: int):
        pipelines.pipeline_delete(
            user=request.user, workspace_id=workspace_id, pipeline_id=pipeline_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class StageCreateApi(_Api):
    serializer_class = s.StageOutputSerializer
    queryset = Pipeline.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_stages_create",
        summary="Add a stage at the end of a pipeline",
        request=s.StageInputSerializer,
        responses={201: s.StageOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int, pipeline_id: int):
        _require(request, workspace_id, edit=True)
        data = input_valid(s.StageInputSerializer, request.data)
        stage = pipelines.stage_add(
            user=request.user, workspace_id=workspace_id, pipeline_id=pipeline_id, **data
        )
        return Response(s.StageOutputSerializer(stage).data, status=status.HTTP_201_CREATED)


class StagesOrderApi(_Api):
    serializer_class = s.StageOutputSerializer
    queryset = Pipeline.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_stages_reorder",
        summary="Put a pipeline's stages in a new order (each of its stages, once)",
        request=s.StagesOrderSerializer,
        responses={200: s.StageOutputSerializer(many=True), 400: E400, 403: E403, 404: E404},
    )
    def put(self, request, workspace_id: int, pipeline_id: int):
        _require(request, workspace_id, edit=True)
        data = input_valid(s.StagesOrderSerializer, request.data)
        stages = pipelines.stages_reorder(
            user=request.user,
            workspace_id=workspace_id,
            pipeline_id=pipeline_id,
            stage_ids=data["stages"],
        )
        return Response(s.StageOutputSerializer(stages, many=True).data)


class StageDetailApi(_Api):
    serializer_class = s.StageOutputSerializer
    queryset = Pipeline.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_stages_update",
        summary="Change a stage (name, probability, kind: not of a stage in use, auto)",
        request=s.StageInputSerializer(partial=True),
        responses={200: s.StageOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, workspace_id: int, pipeline_id: int, stage_id: int):
        _require(request, workspace_id, edit=True)
        data = s.StageInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        stage = pipelines.stage_update(
            user=request.user,
            workspace_id=workspace_id,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            **data.validated_data,
        )
        return Response(s.StageOutputSerializer(stage).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_stages_delete",
        summary="Delete a stage no opportunity is or was in (409 otherwise)",
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, workspace_id: int, pipeline_id: int, stage_id: int):
        pipelines.stage_delete(
            user=request.user,
            workspace_id=workspace_id,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class BoardApi(_Api):
    serializer_class = s.BoardSerializer
    queryset = Opportunity.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_pipelines_board",
        summary="A pipeline's board: each stage with its count, totals and first cards",
        parameters=[s.BoardQuerySerializer],
        responses={200: s.BoardSerializer, 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int, pipeline_id: int):
        _require(request, workspace_id)
        query = input_valid(s.BoardQuerySerializer, request.query_params)
        per_stage = query.pop("per_stage")
        pipeline, columns = selectors.opportunity_board(
            user=request.user,
            workspace_id=workspace_id,
            pipeline_id=pipeline_id,
            per_stage=per_stage,
            filters=selectors.OpportunityFilters(**query),
        )
        return Response(s.BoardSerializer({"pipeline": pipeline, "columns": columns}).data)


# --- Opportunities -----------------------------------------------------------------------------


class OpportunityListApi(_ListApi):
    serializer_class = s.OpportunityOutputSerializer
    queryset = Opportunity.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_opportunities_list",
        summary="Opportunities, filtered (stage, owner, status, expected close, amount, text)",
        parameters=[s.OpportunityQuerySerializer],
        responses={200: s.OpportunityOutputSerializer(many=True), 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int):
        _require(request, workspace_id)
        query = input_valid(s.OpportunityQuerySerializer, request.query_params)
        rows = selectors.opportunity_list(
            user=request.user,
            workspace_id=workspace_id,
            filters=selectors.OpportunityFilters(**query),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.OpportunityOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_opportunities_create",
        summary="A new opportunity on an account",
        request=s.OpportunityInputSerializer,
        responses={201: s.OpportunityOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        _require(request, workspace_id, edit=True)
        data = _args(input_valid(s.OpportunityInputSerializer, request.data))
        opportunity = opportunities.opportunity_create(
            user=request.user, workspace_id=workspace_id, **data
        )
        out = selectors.opportunity_get(
            user=request.user, workspace_id=workspace_id, opportunity_id=opportunity.pk
        )
        return Response(s.OpportunityOutputSerializer(out).data, status=status.HTTP_201_CREATED)


class OpportunityDetailApi(_Api):
    serializer_class = s.OpportunityOutputSerializer
    queryset = Opportunity.objects.none()

    def _out(self, request, workspace_id: int, opportunity_id: int) -> Response:
        opportunity = selectors.opportunity_get(
            user=request.user, workspace_id=workspace_id, opportunity_id=opportunity_id
        )
        return Response(s.OpportunityOutputSerializer(opportunity).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_opportunities_retrieve",
        summary="An opportunity",
        responses={200: s.OpportunityOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, opportunity_id: int):
        return self._out(request, workspace_id, opportunity_id)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_opportunities_update",
        summary="Change an opportunity's values (its stage: move)",
        request=s.OpportunityUpdateSerializer,
        responses={200: s.OpportunityOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, opportunity_id: int):
        _require(request, workspace_id, edit=True)
        data = _args(input_valid(s.OpportunityUpdateSerializer, request.data))
        opportunities.opportunity_update(
            user=request.user, workspace_id=workspace_id, opportunity_id=opportunity_id, **data
        )
        return self._out(request, workspace_id, opportunity_id)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_opportunities_delete",
        summary="Delete an opportunity (with its stage history)",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, opportunity_id: int):
        opportunities.opportunity_delete(
            user=request.user, workspace_id=workspace_id, opportunity_id=opportunity_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class OpportunityMoveApi(_Api):
    serializer_class = s.OpportunityOutputSerializer
    queryset = Opportunity.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_opportunities_move",
        summary="Move an opportunity to a stage, after or before a card or at an index",
        request=s.MoveInputSerializer,
        responses={200: s.OpportunityOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int, opportunity_id: int):
        _require(request, workspace_id, edit=True)
        data = _args(input_valid(s.MoveInputSerializer, request.data))
        opportunities.opportunity_move(
            user=request.user, workspace_id=workspace_id, opportunity_id=opportunity_id, **data
        )
        opportunity = selectors.opportunity_get(
            user=request.user, workspace_id=workspace_id, opportunity_id=opportunity_id
        )
        return Response(s.OpportunityOutputSerializer(opportunity).data)


class OpportunityHistoryApi(_Api):
    serializer_class = s.StageChangeOutputSerializer
    queryset = StageChange.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_opportunities_history",
        summary="An opportunity's stage history: each move, who or which event, when",
        responses={200: s.StageChangeOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int, opportunity_id: int):
        rows = selectors.stage_history(
            user=request.user, workspace_id=workspace_id, opportunity_id=opportunity_id
        )
        return Response(s.StageChangeOutputSerializer(rows, many=True).data)


# --- Leads -------------------------------------------------------------------------------------


class LeadListApi(_ListApi):
    serializer_class = s.LeadOutputSerializer
    queryset = Lead.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_leads_list",
        summary="Leads, newest first (by status, source, owner, text)",
        parameters=[s.LeadQuerySerializer],
        responses={200: s.LeadOutputSerializer(many=True), 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int):
        _require(request, workspace_id)
        query = input_valid(s.LeadQuerySerializer, request.query_params)
        rows = selectors.lead_list(user=request.user, workspace_id=workspace_id, **query)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.LeadOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_leads_create",
        summary="A lead entered by hand",
        request=s.LeadInputSerializer,
        responses={201: s.LeadOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        _require(request, workspace_id, edit=True)
        data = _args(input_valid(s.LeadInputSerializer, request.data))
        lead = leads.lead_create(user=request.user, workspace_id=workspace_id, **data)
        return Response(s.LeadOutputSerializer(lead).data, status=status.HTTP_201_CREATED)


class LeadDetailApi(_Api):
    serializer_class = s.LeadOutputSerializer
    queryset = Lead.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_leads_retrieve",
        summary="A lead",
        responses={200: s.LeadOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, lead_id: int):
        lead = selectors.lead_get(user=request.user, workspace_id=workspace_id, lead_id=lead_id)
        return Response(s.LeadOutputSerializer(lead).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_leads_update",
        summary="Change a lead (not a converted one: 409)",
        request=s.LeadUpdateSerializer,
        responses={200: s.LeadOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, workspace_id: int, lead_id: int):
        _require(request, workspace_id, edit=True)
        data = _args(input_valid(s.LeadUpdateSerializer, request.data))
        lead = leads.lead_update(
            user=request.user, workspace_id=workspace_id, lead_id=lead_id, **data
        )
        return Response(s.LeadOutputSerializer(lead).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_leads_delete",
        summary="Delete a lead",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, lead_id: int):
        leads.lead_delete(user=request.user, workspace_id=workspace_id, lead_id=lead_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeadQualifyApi(_Api):
    serializer_class = s.LeadOutputSerializer
    queryset = Lead.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_leads_qualify",
        summary="Qualify a lead",
        request=None,
        responses={200: s.LeadOutputSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int, lead_id: int):
        lead = leads.lead_qualify(user=request.user, workspace_id=workspace_id, lead_id=lead_id)
        return Response(s.LeadOutputSerializer(lead).data)


class LeadDisqualifyApi(_Api):
    serializer_class = s.LeadOutputSerializer
    queryset = Lead.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_leads_disqualify",
        summary="Disqualify a lead, with a reason",
        request=s.DisqualifySerializer,
        responses={200: s.LeadOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int, lead_id: int):
        _require(request, workspace_id, edit=True)
        data = input_valid(s.DisqualifySerializer, request.data)
        lead = leads.lead_disqualify(
            user=request.user, workspace_id=workspace_id, lead_id=lead_id, **data
        )
        return Response(s.LeadOutputSerializer(lead).data)


class LeadConvertApi(_Api):
    serializer_class = s.OpportunityOutputSerializer
    queryset = Lead.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_leads_convert",
        summary="Convert a lead into an opportunity (on a new account if it has none)",
        request=s.ConvertSerializer,
        responses={
            201: s.OpportunityOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request, workspace_id: int, lead_id: int):
        _require(request, workspace_id, edit=True)
        data = _args(input_valid(s.ConvertSerializer, request.data))
        opportunity = leads.lead_convert(
            user=request.user, workspace_id=workspace_id, lead_id=lead_id, **data
        )
        out = selectors.opportunity_get(
            user=request.user, workspace_id=workspace_id, opportunity_id=opportunity.pk
        )
        return Response(s.OpportunityOutputSerializer(out).data, status=status.HTTP_201_CREATED)


class LeadFormTokenApi(_Api):
    serializer_class = s.LeadFormTokenOutputSerializer
    queryset = Lead.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_lead_form_token",
        summary="A token for the website's lead form (expires; dies with its issuer's rights)",
        request=s.LeadFormTokenInputSerializer,
        responses={201: s.LeadFormTokenOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        _require(request, workspace_id, edit=True)
        data = input_valid(s.LeadFormTokenInputSerializer, request.data)
        token, expires = leads.lead_form_token_issue(
            user=request.user, workspace_id=workspace_id, **data
        )
        url = reverse("api:crm-lead-form", kwargs={"workspace_id": workspace_id, "token": token})
        out = {"token": token, "expires_at": expires, "url": request.build_absolute_uri(url)}
        return Response(s.LeadFormTokenOutputSerializer(out).data, status=status.HTTP_201_CREATED)


class LeadFormThrottle(SimpleRateThrottle):
    """Per address, signed in or not: a form anyone may post to."""

    scope = "crm_lead_form"

    def get_rate(self) -> str:
        return getattr(settings, "CRM_LEAD_FORM_RATE", "20/minute")

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LeadFormApi(_Api):
    """The public endpoint a website's form posts to (JSON or form-encoded): no account, the
    token in the address stands for the workspace."""

    serializer_class = s.LeadOutputSerializer
    queryset = Lead.objects.none()
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, LeadFormThrottle]

    @extend_schema(
        tags=TAGS,
        operation_id="crm_lead_form_post",
        summary="A website visitor's enquiry (public; a name and an e-mail or phone needed)",
        auth=[],
        request=s.WebFormSerializer,
        responses={201: None, 400: E400, 404: E404, 429: ERR},
    )
    def post(self, request, workspace_id: int, token: str):
        leads.lead_form_check(workspace_id=workspace_id, token=token)
        data = input_valid(s.WebFormSerializer, request.data)
        leads.lead_from_web_form(workspace_id=workspace_id, token=token, **data)
        return Response({"received": True}, status=status.HTTP_201_CREATED)


# --- Sales targets -----------------------------------------------------------------------------


class TargetListApi(_ListApi):
    serializer_class = s.TargetOutputSerializer
    queryset = SalesTarget.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_targets_list",
        summary="Sales targets (a person's, or the workspace's), by period",
        parameters=[s.TargetQuerySerializer],
        responses={200: s.TargetOutputSerializer(many=True), 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int):
        _require(request, workspace_id)
        query = input_valid(s.TargetQuerySerializer, request.query_params)
        rows = selectors.sales_target_list(user=request.user, workspace_id=workspace_id, **query)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.TargetOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_targets_create",
        summary="A sales target for a person of the workspace, or the whole workspace",
        request=s.TargetInputSerializer,
        responses={201: s.TargetOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        _require(request, workspace_id, edit=True)
        data = _args(input_valid(s.TargetInputSerializer, request.data))
        target = pipelines.sales_target_create(user=request.user, workspace_id=workspace_id, **data)
        return Response(s.TargetOutputSerializer(target).data, status=status.HTTP_201_CREATED)


class TargetDetailApi(_Api):
    serializer_class = s.TargetOutputSerializer
    queryset = SalesTarget.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="crm_targets_retrieve",
        summary="A sales target",
        responses={200: s.TargetOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, target_id: int):
        target = selectors.sales_target_get(
            user=request.user, workspace_id=workspace_id, target_id=target_id
        )
        return Response(s.TargetOutputSerializer(target).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_targets_update",
        summary="Change a sales target",
        request=s.TargetUpdateSerializer,
        responses={200: s.TargetOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, target_id: int):
        _require(request, workspace_id, edit=True)
        data = _args(input_valid(s.TargetUpdateSerializer, request.data))
        target = pipelines.sales_target_update(
            user=request.user, workspace_id=workspace_id, target_id=target_id, **data
        )
        return Response(s.TargetOutputSerializer(target).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_targets_delete",
        summary="Delete a sales target",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, target_id: int):
        pipelines.sales_target_delete(
            user=request.user, workspace_id=workspace_id, target_id=target_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
