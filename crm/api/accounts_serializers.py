"""Serializers of the CRM's accounts, contacts, tags, custom fields, duplicates and imports.
Input serializers check the shape only; the services (``crm.accounts``, ``crm.imports``) check
the rules, so a value is judged the same way from the API, a page or a file."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace.core.ids import IdField

from ..models import (
    Account,
    Contact,
    CustomField,
    CustomFieldType,
    ImportJob,
    Lifecycle,
    Segment,
    Tag,
)

# The nested choice sets, by a name the schema's enum overrides can import
# (``SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]``).
CustomFieldEntity = CustomField.Entity
ImportEntity = ImportJob.Entity

# --- Output --------------------------------------------------------------------------------


class AccountPersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class AccountCompanyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()


class TagOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]


class AccountOutputSerializer(serializers.ModelSerializer):
    company = AccountCompanyRefSerializer(
        allow_null=True, help_text="the marketplace company it is"
    )
    owner = AccountPersonRefSerializer(allow_null=True)
    tags = TagOutputSerializer(many=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "company",
            "country",
            "registration_number",
            "tax_id",
            "website",
            "domain",
            "email",
            "phone",
            "address",
            "city",
            "owner",
            "segment",
            "stage",
            "tags",
            "notes",
            "custom",
            "created_at",
            "updated_at",
        ]


class AccountBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "country",
            "registration_number",
            "tax_id",
            "domain",
            "company_id",
            "stage",
        ]


class DuplicateOutputSerializer(serializers.Serializer):
    account = AccountBriefSerializer()
    reasons = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["company", "tax_id", "registration_number", "domain", "name"]
        )
    )
    score = serializers.FloatField(help_text="1 for the same identifier; name similarity 0..1")


class AccountCreatedSerializer(serializers.Serializer):
    account = AccountOutputSerializer()
    duplicates = DuplicateOutputSerializer(
        many=True, help_text="accounts that may be the same counterparty: offer to merge them"
    )


class ContactOutputSerializer(serializers.ModelSerializer):
    user = AccountPersonRefSerializer(allow_null=True, help_text="the marketplace user it is")

    class Meta:
        model = Contact
        fields = [
            "id",
            "account_id",
            "first_name",
            "last_name",
            "position",
            "emails",
            "phones",
            "language",
            "consent",
            "consent_at",
            "user",
            "notes",
            "custom",
            "created_at",
            "updated_at",
        ]


class CustomFieldOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomField
        fields = ["id", "entity", "key", "label", "type", "choices"]


class ImportJobOutputSerializer(serializers.ModelSerializer):
    percent = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "entity",
            "file_name",
            "status",
            "rows_total",
            "rows_done",
            "percent",
            "rows_valid",
            "rows_invalid",
            "mapping",
            "error",
            "created_at",
            "finished_at",
        ]

    def get_percent(self, job) -> int:
        if job.status in ("done", "checked"):
            return 100
        return int(100 * job.rows_done / job.rows_total) if job.rows_total else 0


class ImportProgressSerializer(serializers.Serializer):
    status = serializers.CharField()
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField()
    percent = serializers.IntegerField()
    error = serializers.CharField()


class ImportRowProblemSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="the file's column")
    field = serializers.CharField()
    problem = serializers.CharField()


class ImportReportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="as the spreadsheet numbers it (the header is 1)")
    problems = ImportRowProblemSerializer(many=True)


# --- Input ---------------------------------------------------------------------------------


class AccountInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    country = serializers.CharField(max_length=60, required=False, allow_blank=True)
    registration_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    website = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    owner = IdField(required=False, allow_null=True, source="owner_id")
    segment = serializers.ChoiceField(choices=Segment.choices, required=False)
    stage = serializers.ChoiceField(choices=Lifecycle.choices, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    custom = serializers.DictField(
        required=False, help_text=_("custom field key -> value; null removes it")
    )


class MergeInputSerializer(serializers.Serializer):
    duplicate = IdField(help_text="the account merged into this one, then deleted")


class ContactInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=120)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    emails = serializers.ListField(
        child=serializers.CharField(max_length=254), required=False, max_length=20
    )
    phones = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20
    )
    language = serializers.CharField(max_length=8, required=False, allow_blank=True)
    consent = serializers.BooleanField(required=False)
    user = IdField(required=False, allow_null=True, source="user_id")
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    custom = serializers.DictField(required=False)


class TagInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)


class CustomFieldInputSerializer(serializers.Serializer):
    entity = serializers.ChoiceField(choices=CustomField.Entity.choices)
    key = serializers.SlugField(max_length=40)
    # DRF takes declared fields off the class; mypy sees Field.label here.
    label = serializers.CharField(max_length=100)  # type: ignore[assignment]
    type = serializers.ChoiceField(choices=CustomFieldType.choices)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=100
    )


class CustomFieldUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False)  # type: ignore[assignment]
    choices = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=100
    )


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # refused by the import, with its own message
        help_text=_("CSV (UTF-8 or Windows-1251, ; or ,) or XLSX, 20 MB and 50,000 rows at most"),
    )
    entity = serializers.ChoiceField(choices=ImportJob.Entity.choices)
    mapping = serializers.JSONField(
        required=False,
        binary=True,
        help_text=_(
            'file column -> field ("" to leave a column out), as JSON; without it the columns '
            "are recognised by their names (en/uk/ru)"
        ),
    )


class ExportQuerySerializer(serializers.Serializer):
    file_format = serializers.ChoiceField(choices=["csv", "xlsx"], default="csv")
