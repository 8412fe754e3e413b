"""Serializers shared by every API: the one error format, for the OpenAPI schema."""

from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    # A declared field: DRF's metaclass takes it out of the class, so Serializer.fields stays as
    # it is; the stubs see a class attribute overriding it.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorResponseSerializer(serializers.Serializer):
    """The API's one error format (see marketplace.core.exceptions)."""

    error = ErrorBodySerializer()


def input_valid(serializer_class, data, **kwargs) -> dict:
    """``data`` checked by ``serializer_class``: its validated values, or the API's 400 with
    each field's message (``ValidationError``, rendered by the one error format)."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
