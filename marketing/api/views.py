"""The marketing API (``/api/crm/<workspace id>/marketing/...``): segments with their live
counts, campaigns, their sending, results (JSON and CSV) and recipients, and the workspace's
suppressed addresses. Thin views over ``marketing.selectors`` (reads: every role of the
workspace's company), ``marketing.services`` (writes: its account managers and admins) and
``marketing.segments`` (the counts)."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from crm.access import workspace_require
from marketplace.core.exceptions import ApplicationError
from marketplace.core.files import download_response
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import selectors, services
from ..filters import filters_clean
from ..models import Campaign, Segment
from ..segments import filters_counts, segment_counts
from . import serializers as s

TAGS = ["marketing"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Your role does not allow this"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("The campaign is sent, or the segment in use"))


class _Base(PathIdsInRange, GenericAPIView):
    queryset = Segment.objects.none()
    path_id_not_found = {
        "workspace_id": ("workspace_not_found", gettext_lazy("No such CRM workspace.")),
        "segment_id": ("segment_not_found", gettext_lazy("No such segment.")),
        "campaign_id": ("campaign_not_found", gettext_lazy("No such campaign.")),
    }

    def initial(self, request, *args, **kwargs):
        """The workspace readable first (else 404), before any input is read: a stranger
        learns nothing, not even which fields a write wants."""
        super().initial(request, *args, **kwargs)
        workspace_require(user=request.user, workspace_id=kwargs["workspace_id"])


def _segment(request, workspace_id: int, segment_id: int) -> dict:
    segment = selectors.segment_list(user=request.user, workspace_id=workspace_id).get(
        pk=segment_id
    )
    return {**s.SegmentSerializer(segment).data, "counts": segment_counts(segment=segment)}


def _campaign(request, workspace_id: int, campaign_id: int) -> dict:
    campaign = selectors.campaign_get(
        user=request.user, workspace_id=workspace_id, campaign_id=campaign_id
    )
    campaign.results = selectors.campaign_results(campaign=campaign)  # type: ignore[attr-defined]
    return dict(s.CampaignDetailSerializer(campaign).data)


class SegmentListApi(_Base):
    serializer_class = s.SegmentSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_segments_list",
        summary="The segments",
        responses={200: s.SegmentSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        segments = selectors.segment_list(user=request.user, workspace_id=workspace_id)
        page = self.paginate_queryset(segments)
        return self.get_paginated_response(s.SegmentSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_segments_create",
        summary="Save a filter as a segment (unknown filter keys: 400)",
        request=s.SegmentInputSerializer,
        responses={201: s.SegmentSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        data = input_valid(s.SegmentInputSerializer, request.data)
        segment = services.segment_create(actor=request.user, workspace_id=workspace_id, **data)
        return Response(_segment(request, workspace_id, segment.pk), status=status.HTTP_201_CREATED)


class SegmentCountsApi(_Base):
    serializer_class = s.CountsSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_filters_count",
        summary="The live counts of a filter not saved yet",
        parameters=[s.CountsQuerySerializer],
        responses={200: s.CountsSerializer, 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int):
        workspace_require(user=request.user, workspace_id=workspace_id)
        raw = input_valid(s.CountsQuerySerializer, request.query_params)["filters"]
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            message = _("The filter must be a JSON object.")
            raise ApplicationError(
                message, code="invalid_filters", fields={"filters": [message]}
            ) from None
        filters = filters_clean(workspace_id=workspace_id, data=data)
        return Response(filters_counts(workspace_id=workspace_id, filters=filters))


class SegmentDetailApi(_Base):
    serializer_class = s.SegmentSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_segments_get",
        summary="A segment with its live counts",
        responses={200: s.SegmentSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, segment_id: int):
        selectors.segment_get(user=request.user, workspace_id=workspace_id, segment_id=segment_id)
        return Response(_segment(request, workspace_id, segment_id))

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_segments_update",
        summary="Rename a segment or change its filter",
        request=s.SegmentUpdateSerializer,
        responses={200: s.SegmentSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, segment_id: int):
        data = input_valid(s.SegmentUpdateSerializer, request.data)
        services.segment_update(
            actor=request.user, workspace_id=workspace_id, segment_id=segment_id, **data
        )
        return Response(_segment(request, workspace_id, segment_id))

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_segments_delete",
        summary="Delete a segment no campaign was made for",
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, workspace_id: int, segment_id: int):
        services.segment_delete(
            actor=request.user, workspace_id=workspace_id, segment_id=segment_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CampaignListApi(_Base):
    queryset = Campaign.objects.none()
    serializer_class = s.CampaignSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_campaigns_list",
        summary="The campaigns",
        responses={200: s.CampaignSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        campaigns = selectors.campaign_list(user=request.user, workspace_id=workspace_id)
        page = self.paginate_queryset(campaigns)
        return self.get_paginated_response(s.CampaignSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_campaigns_create",
        summary="A draft campaign to a segment (nobody reachable in it: 400)",
        request=s.CampaignInputSerializer,
        responses={201: s.CampaignDetailSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        data = input_valid(s.CampaignInputSerializer, request.data)
        campaign = services.campaign_create(
            actor=request.user,
            workspace_id=workspace_id,
            segment_id=data.pop("segment"),
            **data,
        )
        return Response(
            _campaign(request, workspace_id, campaign.pk), status=status.HTTP_201_CREATED
        )


class CampaignDetailApi(_Base):
    queryset = Campaign.objects.none()
    serializer_class = s.CampaignDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_campaigns_get",
        summary="A campaign with its results",
        responses={200: s.CampaignDetailSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, campaign_id: int):
        return Response(_campaign(request, workspace_id, campaign_id))

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_campaigns_update",
        summary="Change a draft",
        request=s.CampaignUpdateSerializer,
        responses={200: s.CampaignDetailSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, workspace_id: int, campaign_id: int):
        data = input_valid(s.CampaignUpdateSerializer, request.data)
        if "segment" in data:
            data["segment_id"] = data.pop("segment")
        services.campaign_update(
            actor=request.user, workspace_id=workspace_id, campaign_id=campaign_id, **data
        )
        return Response(_campaign(request, workspace_id, campaign_id))

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_campaigns_delete",
        summary="Delete a draft",
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, workspace_id: int, campaign_id: int):
        services.campaign_delete(
            actor=request.user, workspace_id=workspace_id, campaign_id=campaign_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CampaignSendApi(_Base):
    queryset = Campaign.objects.none()
    serializer_class = s.CampaignDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_campaigns_send",
        summary="Send a draft to its segment's reachable contacts (none: 400)",
        request=None,
        responses={200: s.CampaignDetailSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int, campaign_id: int):
        services.campaign_send(
            actor=request.user, workspace_id=workspace_id, campaign_id=campaign_id
        )
        return Response(_campaign(request, workspace_id, campaign_id))


class CampaignExportApi(_Base):
    queryset = Campaign.objects.none()
    serializer_class = s.ResultsSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_campaigns_export",
        summary="The campaign's recipients and results as CSV",
        responses={(200, "text/csv"): str, 404: E404},
    )
    def get(self, request, workspace_id: int, campaign_id: int):
        campaign = selectors.campaign_get(
            user=request.user, workspace_id=workspace_id, campaign_id=campaign_id
        )
        return download_response(
            selectors.campaign_csv(campaign=campaign).encode("utf-8"),
            filename=f"campaign-{campaign.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )


class RecipientListApi(_Base):
    queryset = Campaign.objects.none()
    serializer_class = s.RecipientSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_recipients_list",
        summary="A campaign's recipients with what became of each message",
        responses={200: s.RecipientSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int, campaign_id: int):
        rows = selectors.recipient_list(
            user=request.user, workspace_id=workspace_id, campaign_id=campaign_id
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.RecipientSerializer(page, many=True).data)


class SuppressionListApi(_Base):
    serializer_class = s.SuppressionSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="marketing_suppressions_list",
        summary="The addresses no campaign writes to any more, and why",
        responses={200: s.SuppressionSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        rows = selectors.suppression_list(user=request.user, workspace_id=workspace_id)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.SuppressionSerializer(page, many=True).data)
