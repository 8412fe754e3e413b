"""The CRM's activities, timelines and calendar feed over HTTP: thin views over
``crm.activities``, ``crm.activity_selectors``, ``crm.timeline_selectors`` and
``crm.calendar``. Every view but the feed itself answers under ``/api/crm/<workspace>/`` and
starts (in its service or selector) with the workspace's access check: 404 to outsiders."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.ids import IdField, PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer

from .. import activities, activity_selectors, calendar, timeline_selectors
from ..access import workspace_require
from ..models import Activity, ActivityKind, TimelineKind
from .activities_serializers import (
    ActivityInputSerializer,
    ActivityOutputSerializer,
    CalendarFeedNewSerializer,
    CalendarFeedOutputSerializer,
    TimelinePageSerializer,
)

TAGS = ["crm"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not allowed for your role"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Conflicts with the current state"))
ICS = OpenApiResponse(OpenApiTypes.BINARY, description="text/calendar (RFC 5545)")


class ICalendarRenderer(BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


class CalendarView(APIView):
    """A view answering iCalendar; its errors stay in the API's JSON format."""

    renderer_classes = [ICalendarRenderer, JSONRenderer]

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @staticmethod
    def ics(content: bytes, *, filename: str, attachment: bool) -> HttpResponse:
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        disposition = "attachment" if attachment else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- Activities ------------------------------------------------------------------------------


class ActivityQuerySerializer(serializers.Serializer):
    mine = serializers.BooleanField(required=False, default=False)
    overdue = serializers.BooleanField(required=False, default=False)
    today = serializers.BooleanField(required=False, default=False)
    done = serializers.BooleanField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=ActivityKind.choices, required=False)
    account = IdField(source="account_id", required=False)
    contact = IdField(source="contact_id", required=False)
    opportunity = IdField(source="opportunity_id", required=False)
    assignee = IdField(source="assignee_id", required=False)
    tz = serializers.CharField(required=False, max_length=64)


ACTIVITY_FILTERS = [
    OpenApiParameter("mine", bool, description="Only those assigned to me."),
    OpenApiParameter("overdue", bool, description="Not done and due before now."),
    OpenApiParameter(
        "today",
        bool,
        description="Due today, in the time zone `tz` (default: the server's, "
        "settings.TIME_ZONE; users have no time zone of their own).",
    ),
    OpenApiParameter("done", bool, description="Done (true) or open (false) only."),
    OpenApiParameter("kind", str, enum=ActivityKind.values),
    OpenApiParameter("account", int),
    OpenApiParameter("contact", int),
    OpenApiParameter("opportunity", int),
    OpenApiParameter("assignee", int, description="A person's id."),
    OpenApiParameter("tz", str, description="An IANA time zone for `today`, e.g. Europe/Kyiv."),
]


class ActivityListCreateApi(PathIdsInRange, GenericAPIView):
    serializer_class = ActivityOutputSerializer
    queryset = Activity.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="crm_activities_list",
        summary="The workspace's activities, the soonest due first (paged)",
        parameters=ACTIVITY_FILTERS,
        responses={200: ActivityOutputSerializer(many=True), 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int):
        query = ActivityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        zone = activity_selectors.zone_get(name=params.pop("tz", None))
        now = timezone.now()
        qs = activity_selectors.activity_list(
            user=request.user,
            workspace_id=workspace_id,
            filters=activity_selectors.ActivityFilter(**params),
            zone=zone,
            now=now,
        )
        page = self.paginate_queryset(qs)
        data = ActivityOutputSerializer(page, many=True, context={"now": now}).data
        response = self.get_paginated_response(data)
        response.data["timezone"] = zone.key
        return response

    @extend_schema(
        tags=TAGS,
        operation_id="crm_activities_create",
        summary="Log an activity on an account (any member of the company)",
        request=ActivityInputSerializer,
        responses={201: ActivityOutputSerializer, 400: E400, 404: E404},
    )
    def post(self, request, workspace_id: int):
        workspace_require(user=request.user, workspace_id=workspace_id)  # 404 before any 400
        data = ActivityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.setdefault("assignee_id", request.user.pk)  # left out: the author's own
        activity = activities.activity_create(
            user=request.user, workspace_id=workspace_id, **fields
        )
        out = ActivityOutputSerializer(activity, context={"now": timezone.now()})
        return Response(out.data, status=status.HTTP_201_CREATED)


class ActivityDetailApi(PathIdsInRange, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_activities_retrieve",
        responses={200: ActivityOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, activity_id: int):
        activity = activity_selectors.activity_get(
            user=request.user, workspace_id=workspace_id, activity_id=activity_id
        )
        return Response(ActivityOutputSerializer(activity, context={"now": timezone.now()}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_activities_update",
        summary="Change an activity (its author, its assignee, or an account manager or admin)",
        request=ActivityInputSerializer(partial=True),
        responses={200: ActivityOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, activity_id: int):
        activity_selectors.activity_get(  # 404 before any 400
            user=request.user, workspace_id=workspace_id, activity_id=activity_id
        )
        data = ActivityInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        activities.activity_update(
            user=request.user,
            workspace_id=workspace_id,
            activity_id=activity_id,
            data=dict(data.validated_data),
        )
        return self.get(request, workspace_id, activity_id)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_activities_delete",
        summary="Delete an activity and its timeline entry (its author, assignee or an editor)",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, workspace_id: int, activity_id: int):
        activities.activity_delete(
            user=request.user, workspace_id=workspace_id, activity_id=activity_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityInvitationApi(PathIdsInRange, CalendarView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_activities_invitation",
        summary="A meeting's iCalendar invitation (.ics: stable UID, growing SEQUENCE, UTC)",
        responses={200: ICS, 404: E404},
    )
    def get(self, request, workspace_id: int, activity_id: int):
        activity = activity_selectors.activity_get(
            user=request.user, workspace_id=workspace_id, activity_id=activity_id
        )
        content = calendar.meeting_invitation(activity=activity)
        return self.ics(content, filename=f"meeting-{activity.pk}.ics", attachment=True)


# --- Timelines -------------------------------------------------------------------------------


class TimelineQuerySerializer(serializers.Serializer):
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=TimelineKind.choices), required=False
    )
    cursor = serializers.CharField(required=False, max_length=200)
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=timeline_selectors.PAGE_MAX,
        default=timeline_selectors.PAGE_DEFAULT,
    )


TIMELINE_PARAMETERS = [
    OpenApiParameter("kind", str, many=True, enum=TimelineKind.values, description="Only these."),
    OpenApiParameter("cursor", str, description="The `next` of the previous page."),
    OpenApiParameter(
        "limit", int, description=f"At most this many (1-{timeline_selectors.PAGE_MAX}, 50)."
    ),
]


def _timeline_query(request) -> dict:
    query = TimelineQuerySerializer(
        data={
            **{k: v for k, v in request.query_params.items() if k != "kind"},
            "kind": request.query_params.getlist("kind"),
        }
    )
    query.is_valid(raise_exception=True)
    data = dict(query.validated_data)
    return {"kinds": data.get("kind") or [], "cursor": data.get("cursor"), "limit": data["limit"]}


def _timeline_response(page: timeline_selectors.TimelinePage) -> Response:
    return Response(TimelinePageSerializer({"results": page.entries, "next": page.next}).data)


class AccountTimelineApi(PathIdsInRange, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_accounts_timeline",
        summary="An account's timeline, newest first, paged by cursor",
        parameters=TIMELINE_PARAMETERS,
        responses={200: TimelinePageSerializer, 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int, account_id: int):
        page = timeline_selectors.timeline_for_account(
            user=request.user,
            workspace_id=workspace_id,
            account_id=account_id,
            **_timeline_query(request),
        )
        return _timeline_response(page)


class ContactTimelineApi(PathIdsInRange, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_contacts_timeline",
        summary="The timeline entries about a contact, newest first, paged by cursor",
        parameters=TIMELINE_PARAMETERS,
        responses={200: TimelinePageSerializer, 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int, contact_id: int):
        page = timeline_selectors.timeline_for_contact(
            user=request.user,
            workspace_id=workspace_id,
            contact_id=contact_id,
            **_timeline_query(request),
        )
        return _timeline_response(page)


# --- The calendar feed -----------------------------------------------------------------------


def _new_feed_response(feed, token: str, code: int) -> Response:
    out = CalendarFeedNewSerializer(feed, context={"url": calendar.feed_url(token)})
    return Response(out.data, status=code)


class CalendarFeedApi(PathIdsInRange, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_calendar_feed_retrieve",
        summary="My calendar feed's state (its address was shown once, when it was made)",
        responses={200: CalendarFeedOutputSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int):
        feed = calendar.calendar_feed_get(user=request.user, workspace_id=workspace_id)
        if feed is None:
            return Response({"active": False})
        return Response(CalendarFeedOutputSerializer(feed).data)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_calendar_feed_create",
        summary="Make my private calendar feed (its address is in the answer, once)",
        request=None,
        responses={201: CalendarFeedNewSerializer, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int):
        feed, token = calendar.calendar_feed_create(user=request.user, workspace_id=workspace_id)
        return _new_feed_response(feed, token, status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        operation_id="crm_calendar_feed_revoke",
        summary="Revoke my calendar feed: its address answers 404 from now on",
        responses={204: None, 404: E404},
    )
    def delete(self, request, workspace_id: int):
        calendar.calendar_feed_revoke(user=request.user, workspace_id=workspace_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarFeedRotateApi(PathIdsInRange, APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="crm_calendar_feed_rotate",
        summary="A new address for my calendar feed; the old one stops answering",
        request=None,
        responses={201: CalendarFeedNewSerializer, 404: E404},
    )
    def post(self, request, workspace_id: int):
        feed, token = calendar.calendar_feed_rotate(user=request.user, workspace_id=workspace_id)
        return _new_feed_response(feed, token, status.HTTP_201_CREATED)


class CalendarFeedIcsApi(CalendarView):
    """The feed itself: by its token alone, no session (calendar programs subscribe to it)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="crm_calendar_feed_ics",
        summary="A person's private calendar feed, by its token (no session needed)",
        auth=[],
        responses={200: ICS, 404: E404},
    )
    def get(self, request, token: str):
        feed = calendar.calendar_feed_by_token(token=token)
        return self.ics(
            calendar.feed_calendar(feed=feed), filename="tradefloor.ics", attachment=False
        )
