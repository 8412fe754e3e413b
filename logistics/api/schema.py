"""A choice field whose choice set is one named component of the OpenAPI schema.

drf-spectacular names an enum after its field (``kind``); a new choice set under a name that
other apps' serializers already use for theirs (``kind`` is the platforms', the notifications',
the price lists'...) gets a hashed name and a warning. ``EnumField(enum_name=...)`` names its
set itself, as a referenced component, so the schema stays free of warnings.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers


class EnumField(serializers.ChoiceField):
    def __init__(self, *, enum_name: str, **kwargs) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={
                "type": "string",
                "enum": list(field.choices),
                "description": "\n".join(f"* `{k}` - {v}" for k, v in field.choices.items()),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref
