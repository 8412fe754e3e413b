"""Input and output of the document templates' and generated documents' API."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.core.document_engine import BODY_MAX_CHARS, FILE_FORMATS
from marketplace.core.ids import IdField
from marketplace.users.models import LANGUAGE_CHOICES

from ..documents import version_unknown_placeholders
from ..models import DocumentTemplate, DocumentTemplateVersion, GeneratedDocument, TemplateKind


class CrmVersionBriefSerializer(serializers.ModelSerializer):
    has_docx = serializers.SerializerMethodField()

    class Meta:
        model = DocumentTemplateVersion
        fields = ["id", "version", "has_docx", "created_at"]

    def get_has_docx(self, obj) -> bool:
        return bool(obj.docx_name)


class CrmTemplateOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = DocumentTemplate
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "language",
            "is_active",
            "created_at",
            "latest_version",
        ]

    @extend_schema_field(CrmVersionBriefSerializer(allow_null=True))
    def get_latest_version(self, obj) -> dict | None:
        versions = sorted(obj.versions.all(), key=lambda v: v.version)
        return CrmVersionBriefSerializer(versions[-1]).data if versions else None


class CrmTemplateCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=TemplateKind.choices)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, default="uk")
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=BODY_MAX_CHARS,
        help_text="HTML with placeholders ({{ account.name }}): see document-placeholders/.",
    )
    docx = serializers.FileField(
        required=False, help_text="A .docx with the same placeholders (docxtpl), up to 5 MB."
    )


class CrmTemplateUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    is_active = serializers.BooleanField(
        required=False, help_text="false archives the template (no new documents from it)."
    )


class CrmVersionOutputSerializer(serializers.ModelSerializer):
    template = serializers.IntegerField(source="template_id", read_only=True)
    has_docx = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = DocumentTemplateVersion
        fields = [
            "id",
            "template",
            "version",
            "body",
            "has_docx",
            "docx_url",
            "created_by",
            "created_at",
        ]

    def get_has_docx(self, obj) -> bool:
        return bool(obj.docx_name)

    def get_docx_url(self, obj) -> str | None:
        if not obj.docx_name:
            return None
        return reverse(
            "api:crm-document-template-version-docx",
            kwargs={
                "workspace_id": obj.template.workspace_id,
                "template_id": obj.template_id,
                "version_id": obj.pk,
            },
        )

    def get_created_by(self, obj) -> str:
        user = obj.created_by
        return (user.full_name or user.email) if user else ""


class CrmVersionDetailOutputSerializer(CrmVersionOutputSerializer):
    unknown_placeholders = serializers.SerializerMethodField(
        help_text="Placeholders of the HTML that no source fills (typos, most often)."
    )

    class Meta(CrmVersionOutputSerializer.Meta):
        fields = [*CrmVersionOutputSerializer.Meta.fields, "unknown_placeholders"]

    def get_unknown_placeholders(self, obj) -> list[str]:
        return version_unknown_placeholders(version=obj)


class CrmVersionCreateInputSerializer(serializers.Serializer):
    body = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=BODY_MAX_CHARS
    )
    docx = serializers.FileField(required=False)
    keep_docx = serializers.BooleanField(
        default=True,
        help_text="Without a new docx: keep the last version's DOCX (true) or drop it (false).",
    )


class CrmFileFormatQuerySerializer(serializers.Serializer):
    file_format = serializers.ChoiceField(choices=FILE_FORMATS, default="pdf")


class CrmDocumentCreateInputSerializer(serializers.Serializer):
    template = IdField()
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, help_text="Default: the latest."
    )
    file_format = serializers.ChoiceField(choices=FILE_FORMATS, default="pdf")
    account = IdField(required=False, help_text="Default: the opportunity's, contact's or deal's.")
    contact = IdField(required=False)
    opportunity = IdField(required=False)
    deal = IdField(
        required=False, help_text="An auction's deal your company is the buyer or supplier of."
    )


class CrmDocumentOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="template_version.template.kind", read_only=True)
    template = serializers.IntegerField(source="template_version.template_id", read_only=True)
    template_name = serializers.CharField(source="template_version.template.name", read_only=True)
    version = serializers.IntegerField(source="template_version.version", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    created_by = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedDocument
        fields = [
            "id",
            "number",
            "kind",
            "file_format",
            "sha256",
            "template",
            "template_name",
            "version",
            "account",
            "account_name",
            "contact",
            "opportunity",
            "created_by",
            "created_at",
            "file_url",
        ]

    def get_created_by(self, obj) -> str:
        user = obj.created_by
        return (user.full_name or user.email) if user else ""

    def get_file_url(self, obj) -> str:
        return reverse(
            "api:crm-document-file",
            kwargs={"workspace_id": obj.workspace_id, "document_id": obj.pk},
        )


class CrmPlaceholderSerializer(serializers.Serializer):
    key = serializers.CharField()
    placeholder = serializers.CharField()
    # Declared fields: DRF's metaclass takes them out of the class, so Field.label and
    # Field.source stay as they are; the stubs see class attributes overriding them.
    label = serializers.CharField()  # type: ignore[assignment]
    example = serializers.CharField()


class CrmPlaceholderSourceSerializer(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    placeholders = CrmPlaceholderSerializer(many=True)
