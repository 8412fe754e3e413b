"""The change feed: the events the caller may read, after a cursor, for integrations that pull
(as Prozorro's feed does)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.exceptions import ApplicationError
from marketplace.core.serializers import ErrorResponseSerializer

from .. import catalogue, selectors

FEED_MAX_LIMIT = 500
CURSOR_MAX = 2**63 - 1


class DomainEventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    company = serializers.IntegerField(source="company_id", allow_null=True)
    platform = serializers.IntegerField(source="platform_id", allow_null=True)
    payload = serializers.JSONField()


class EventFeedOutputSerializer(serializers.Serializer):
    events = DomainEventOutputSerializer(many=True)
    next = serializers.IntegerField(help_text="The cursor for the next call (`after`).")
    more = serializers.BooleanField(help_text="True when more events wait past this page.")


def _int_param(request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        message = _("%(name)s must be a whole number from %(low)d to %(high)d.") % {
            "name": name,
            "low": low,
            "high": high,
        }
        raise ApplicationError(message, code="invalid_parameter", fields={name: [message]})
    return value


class EventFeedApi(APIView):
    @extend_schema(
        operation_id="events_feed",
        summary="The change feed: events you may read, after a cursor, oldest first",
        parameters=[
            OpenApiParameter(
                "after", int, description="The last event id you have (0: from the start)."
            ),
            OpenApiParameter(
                "limit", int, description=f"At most this many (1-{FEED_MAX_LIMIT}, default 100)."
            ),
            OpenApiParameter("type", str, many=True, description="Only these event types."),
        ],
        responses={200: EventFeedOutputSerializer, 400: ErrorResponseSerializer},
    )
    def get(self, request):
        after = _int_param(request, "after", 0, low=0, high=CURSOR_MAX)
        limit = _int_param(request, "limit", 100, low=1, high=FEED_MAX_LIMIT)
        types = request.query_params.getlist("type")
        unknown = [t for t in types if t not in catalogue.TYPES]
        if unknown:
            message = _("Unknown event type: %(types)s.") % {"types": ", ".join(unknown)}
            raise ApplicationError(message, code="invalid_parameter", fields={"type": [message]})
        events = selectors.event_feed(user=request.user, after=after, limit=limit + 1, types=types)
        more = len(events) > limit
        events = events[:limit]
        return Response(
            {
                "events": DomainEventOutputSerializer(events, many=True).data,
                "next": events[-1].pk if events else after,
                "more": more,
            }
        )
