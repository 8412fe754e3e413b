"""The activities, timeline and calendar feed API's input and output shapes."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.core.ids import IdField

from ..models import Activity, ActivityKind, CalendarFeed, TimelineEntry


class CrmPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    email = serializers.EmailField()


class ActivityOutputSerializer(serializers.ModelSerializer):
    account = serializers.IntegerField(source="account_id", allow_null=True)
    contact = serializers.IntegerField(source="contact_id", allow_null=True)
    opportunity = serializers.IntegerField(source="opportunity_id", allow_null=True)
    assignee = CrmPersonSerializer(allow_null=True)
    created_by = CrmPersonSerializer(allow_null=True)
    done = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "subject",
            "body",
            "account",
            "contact",
            "opportunity",
            "due_at",
            "starts_at",
            "ends_at",
            "location",
            "assignee",
            "remind_at",
            "reminded_at",
            "done",
            "done_at",
            "overdue",
            "ical_uid",
            "ical_sequence",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_done(self, obj) -> bool:
        return obj.done_at is not None

    def get_overdue(self, obj) -> bool:
        now = self.context.get("now")
        return bool(now and obj.done_at is None and obj.due_at is not None and obj.due_at < now)


class ActivityInputSerializer(serializers.Serializer):
    """Creating: ``kind``, ``subject`` and ``account`` are required; ``assignee`` left out is
    the author, ``null`` is nobody. Changing (PATCH): any of these."""

    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    account = IdField(source="account_id")
    contact = IdField(source="contact_id", required=False, allow_null=True)
    opportunity = IdField(source="opportunity_id", required=False, allow_null=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    location = serializers.CharField(required=False, allow_blank=True, max_length=300)
    assignee = IdField(source="assignee_id", required=False, allow_null=True)
    remind_at = serializers.DateTimeField(required=False, allow_null=True)
    done = serializers.BooleanField(required=False)


class TimelineEntryOutputSerializer(serializers.ModelSerializer):
    contact = serializers.IntegerField(source="contact_id", allow_null=True)
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    document = serializers.IntegerField(source="document_id", allow_null=True)
    actor = CrmPersonSerializer(allow_null=True)

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "at",
            "kind",
            "type",
            "title",
            "body",
            "url",
            "payload",
            "contact",
            "activity",
            "document",
            "actor",
        ]
        read_only_fields = fields


class TimelinePageSerializer(serializers.Serializer):
    results = TimelineEntryOutputSerializer(many=True)
    next = serializers.CharField(
        allow_null=True, help_text="The cursor of the next (older) page; null on the last one."
    )


class CalendarFeedOutputSerializer(serializers.ModelSerializer):
    active = serializers.SerializerMethodField()

    class Meta:
        model = CalendarFeed
        fields = ["id", "active", "created_at", "last_read_at", "revoked_at"]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        return obj.revoked_at is None


class CalendarFeedNewSerializer(CalendarFeedOutputSerializer):
    url = serializers.SerializerMethodField(
        help_text="The feed's private address, shown this once: subscribe to it."
    )

    class Meta(CalendarFeedOutputSerializer.Meta):
        fields = [*CalendarFeedOutputSerializer.Meta.fields, "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return self.context["url"]
