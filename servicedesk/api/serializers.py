"""Input and output of the service desk API (docs/api/servicedesk.md)."""

from __future__ import annotations

from datetime import time

from rest_framework import serializers

from marketplace.core.ids import IdField

from ..models import CaseKind, CaseStatus, MessageKind, Priority

# --- Staff -------------------------------------------------------------------------------------


class CaseQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    queue = IdField(required=False)
    assignee = IdField(required=False)
    account = IdField(required=False)
    breached = serializers.BooleanField(required=False, help_text="Only the breached cases.")


class CaseCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(max_length=20000)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.REQUEST)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    account = IdField(required=False, allow_null=True)
    contact = IdField(required=False, allow_null=True)
    queue = IdField(required=False, allow_null=True)
    order = IdField(required=False, allow_null=True, help_text="A deals order (disputes).")
    shipment = IdField(required=False, allow_null=True, help_text="A logistics shipment.")
    requester_email = serializers.EmailField(required=False, default="")


class CaseUpdateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=300, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    queue = IdField(required=False)
    assignee = IdField(required=False, allow_null=True)


class CaseStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)


class CaseReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(
        default=False, help_text="An internal note: never shown or sent to the customer."
    )
    status = serializers.ChoiceField(
        choices=CaseStatus.choices, required=False, default="", allow_blank=True
    )


class CasePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    subject = serializers.CharField()
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    channel = serializers.CharField()
    queue = CaseRefSerializer()
    account = CaseRefSerializer(allow_null=True)
    contact = serializers.IntegerField(source="contact_id", allow_null=True)
    requester_email = serializers.CharField()
    unmatched = serializers.BooleanField()
    order = serializers.IntegerField(source="order_id", allow_null=True)
    shipment = serializers.IntegerField(source="shipment_id", allow_null=True)
    assignee = CasePersonSerializer(allow_null=True)
    opened_at = serializers.DateTimeField()
    first_response_due = serializers.DateTimeField(allow_null=True)
    resolution_due = serializers.DateTimeField(allow_null=True)
    first_responded_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    first_response_breached_at = serializers.DateTimeField(allow_null=True)
    resolution_breached_at = serializers.DateTimeField(allow_null=True)
    survey_rating = serializers.IntegerField(allow_null=True)
    survey_comment = serializers.CharField()


class CaseMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    channel = serializers.CharField()
    author = CasePersonSerializer(allow_null=True)
    from_email = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class DeskQueueSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    escalation_to = IdField(source="escalation_to_id", required=False, allow_null=True)
    is_default = serializers.BooleanField(default=False)


class SlaPolicySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    priority = serializers.ChoiceField(
        choices=Priority.choices, allow_blank=True, default="", help_text="Empty: every other."
    )
    first_response_minutes = serializers.IntegerField(min_value=1, max_value=10**6)
    resolution_minutes = serializers.IntegerField(min_value=1, max_value=10**6)
    time_zone = serializers.CharField(max_length=64, default="Europe/Kyiv")
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), default=[0, 1, 2, 3, 4]
    )
    day_start = serializers.TimeField(default=time(9, 0))
    day_end = serializers.TimeField(default=time(18, 0))
    holiday_country = serializers.CharField(max_length=2, allow_blank=True, default="")


class SupportMailboxSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    address = serializers.EmailField()
    queue = IdField(source="queue_id", required=False, allow_null=True)


# --- The customer ------------------------------------------------------------------------------


class CustomerCaseCreateSerializer(serializers.Serializer):
    workspace = IdField(help_text="The company you ask (see GET /api/support/desks/).")
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(max_length=20000)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.REQUEST)
    order = IdField(required=False, allow_null=True)
    shipment = IdField(required=False, allow_null=True)


class CustomerCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    workspace = CaseRefSerializer(source="workspace_ref")
    subject = serializers.CharField()
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    survey_rating = serializers.IntegerField(allow_null=True)


class CustomerMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_customer = serializers.BooleanField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class SupportBodySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)


class CaseSurveySerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
