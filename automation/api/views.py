"""The automation API (``/api/crm/<workspace id>/automation/...``): the triggers on offer, the
rules (read by a company's admins and account managers, changed by its admins), their runs with
each action's outcome, and the retry of a failed action. Thin views over
``automation.selectors`` and ``automation.services``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import catalogue, selectors, services
from ..access import automation_require
from ..models import Rule
from . import serializers as s

TAGS = ["crm-automation"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid rule: every problem by field"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Only the company's admins change rules"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("The action has not failed"))


def run_data(runs) -> list[dict]:
    for run in runs:
        for action in run.actions.all():
            action.retry_state = selectors.retry_state(action)
    return list(s.RunSerializer(runs, many=True).data)


class _Base(PathIdsInRange, GenericAPIView):
    queryset = Rule.objects.none()
    path_id_not_found = {
        "workspace_id": ("workspace_not_found", gettext_lazy("No such CRM workspace.")),
        "rule_id": ("rule_not_found", gettext_lazy("No such automation rule.")),
        "action_id": ("action_not_found", gettext_lazy("No such action of a run.")),
    }


class CatalogueApi(_Base):
    serializer_class = s.CatalogueSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="crm_automation_catalogue",
        summary="The triggers a rule may have (with the fields its conditions may test and the "
        "operators of each) and the kinds of action",
        responses={200: s.CatalogueSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int):
        automation_require(user=request.user, workspace_id=workspace_id)
        return Response(s.CatalogueSerializer(catalogue.catalogue_data()).data)


class RuleListApi(_Base):
    serializer_class = s.RuleSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="crm_automation_rules_list",
        summary="The workspace's automation rules",
        responses={200: s.RuleSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        rules = selectors.rule_list(user=request.user, workspace_id=workspace_id)
        return Response(s.RuleSerializer(rules, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_automation_rules_create",
        summary="Make a rule: when <trigger> [if <conditions>] then <actions>",
        request=s.RuleInputSerializer,
        responses={201: s.RuleSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        automation_require(user=request.user, workspace_id=workspace_id, edit=True)
        data = input_valid(s.RuleInputSerializer, request.data)
        rule = services.rule_create(user=request.user, workspace_id=workspace_id, **data)
        return Response(s.RuleSerializer(rule).data, status=status.HTTP_201_CREATED)


class RuleDetailApi(_Base):
    serializer_class = s.RuleSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="crm_automation_rules_get",
        summary="A rule",
        responses={200: s.RuleSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, rule_id: int):
        rule = selectors.rule_get(user=request.user, workspace_id=workspace_id, rule_id=rule_id)
        return Response(s.RuleSerializer(rule).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_automation_rules_update",
        summary="Change a rule (checked whole again; its actions act as you from now on)",
        request=s.RuleUpdateSerializer,
        responses={200: s.RuleSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, rule_id: int):
        automation_require(user=request.user, workspace_id=workspace_id, edit=True)
        selectors.rule_get(user=request.user, workspace_id=workspace_id, rule_id=rule_id)
        data = input_valid(s.RuleUpdateSerializer, request.data)
        rule = services.rule_update(
            user=request.user, workspace_id=workspace_id, rule_id=rule_id, **data
        )
        return Response(s.RuleSerializer(rule).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_automation_rules_delete",
        summary="Delete a rule and its runs' log",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, rule_id: int):
        services.rule_delete(user=request.user, workspace_id=workspace_id, rule_id=rule_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunListApi(_Base):
    serializer_class = s.RunSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="crm_automation_runs_list",
        summary="The runs of the workspace's rules, newest first, each action's outcome",
        parameters=[s.RunQuerySerializer],
        responses={200: s.RunSerializer(many=True), 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int):
        automation_require(user=request.user, workspace_id=workspace_id)
        query = input_valid(s.RunQuerySerializer, request.query_params)
        runs = selectors.run_list(
            user=request.user,
            workspace_id=workspace_id,
            rule_id=query.get("rule"),
            status=query.get("status"),
        )
        page = self.paginate_queryset(runs)
        return self.get_paginated_response(run_data(page))


class ActionRetryApi(_Base):
    serializer_class = s.RunSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="crm_automation_actions_retry",
        summary="Run a failed action again now; answers its run with the new outcome",
        request=None,
        responses={200: s.RunSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int, action_id: int):
        action = services.action_run_retry(
            user=request.user, workspace_id=workspace_id, action_id=action_id
        )
        runs = selectors.run_list(user=request.user, workspace_id=workspace_id).filter(
            pk=action.run_id
        )
        return Response(run_data(runs)[0])
