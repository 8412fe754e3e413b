"""Serializers shared by every API: the one error format, for the OpenAPI schema."""

from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorResponseSerializer(serializers.Serializer):
    """The API's one error format (see marketplace.core.exceptions)."""

    error = ErrorBodySerializer()
