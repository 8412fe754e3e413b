"""Serializers of a tender in several languages (docs/api/tender-languages.md)."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.translation.models import LANGUAGE_CHOICES

LANGUAGE = serializers.ChoiceField(choices=LANGUAGE_CHOICES)


class TextOutputSerializer(serializers.Serializer):
    """A title and description as shown to the reader, and what it is."""

    title = serializers.CharField()
    description = serializers.CharField()
    language = serializers.CharField(help_text="the language of the text shown")
    original_language = serializers.CharField(help_text="the original's, which governs")
    is_original = serializers.BooleanField()
    machine = serializers.BooleanField(help_text="a machine translation (labelled as such)")
    provider = serializers.CharField(help_text="the machine translation's provider, or empty")
    stale = serializers.BooleanField(help_text="the original changed after this version was made")


class LotTextOutputSerializer(TextOutputSerializer):
    id = serializers.IntegerField()


class TenderTextOutputSerializer(TextOutputSerializer):
    requested = serializers.CharField(help_text="the reader's language")
    versions = serializers.ListField(
        child=serializers.CharField(), help_text="the languages the tender has a version in"
    )
    lots = serializers.SerializerMethodField()

    def get_lots(self, obj) -> list[dict]:
        return [
            LotTextOutputSerializer({**vars(text), "id": lot_id}).data
            for lot_id, text in obj.lots.items()
        ]


class VersionOutputSerializer(serializers.Serializer):
    language = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    machine = serializers.BooleanField()
    provider = serializers.CharField()
    edited_by = serializers.IntegerField(source="edited_by_id", allow_null=True)
    updated_at = serializers.DateTimeField()
    stale = serializers.BooleanField()
    lots = serializers.ListField(child=serializers.DictField())


class LotVersionInputSerializer(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class VersionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    lots = LotVersionInputSerializer(many=True, required=False)


class MachineRequestInputSerializer(serializers.Serializer):
    languages = serializers.ListField(child=LANGUAGE, required=False, allow_empty=False)


class MachineRequestOutputSerializer(serializers.Serializer):
    languages = serializers.ListField(child=serializers.CharField())


class DocumentTranslationInputSerializer(serializers.Serializer):
    translation_of = serializers.IntegerField(min_value=1)
    language = LANGUAGE
