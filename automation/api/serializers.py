"""The automation API's input and output serializers. Conditions and actions are checked by the
services (``automation.conditions``, ``automation.actions``), which name every problem by its
place (``conditions.0.value``)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import ActionStatus, RunStatus


class RuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    enabled = serializers.BooleanField(default=True)
    trigger = serializers.CharField(max_length=64)
    conditions = serializers.JSONField(required=False, default=list)
    actions = serializers.JSONField()


class RuleUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    enabled = serializers.BooleanField(required=False)
    trigger = serializers.CharField(max_length=64, required=False)
    conditions = serializers.JSONField(required=False)
    actions = serializers.JSONField(required=False)


class RuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    enabled = serializers.BooleanField()
    trigger = serializers.CharField()
    conditions = serializers.JSONField()
    actions = serializers.JSONField()
    updated_by = serializers.IntegerField(source="updated_by_id", allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RetryStateSerializer(serializers.Serializer):
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField()
    last_error = serializers.CharField()


class ActionRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    index = serializers.IntegerField()
    kind = serializers.CharField()
    spec = serializers.JSONField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    error = serializers.CharField()
    result = serializers.JSONField()
    attempts = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    retry = RetryStateSerializer(allow_null=True, source="retry_state")


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.IntegerField(source="rule_id")
    rule_name = serializers.CharField(source="rule.name")
    event = serializers.IntegerField(source="event_id")
    event_type = serializers.CharField(source="event.type")
    depth = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RunStatus.choices)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    actions = ActionRunSerializer(many=True, source="actions.all")


class RunQuerySerializer(serializers.Serializer):
    rule = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=RunStatus.choices, required=False)


class FieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())
    operators = serializers.ListField(child=serializers.CharField())


class TriggerSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    fields = FieldSerializer(many=True)
    actions = serializers.ListField(child=serializers.CharField())


class CatalogueSerializer(serializers.Serializer):
    triggers = TriggerSerializer(many=True)
    actions = serializers.DictField(child=serializers.CharField())
    loop_limit = serializers.IntegerField()
