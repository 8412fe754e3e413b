"""Input and output shapes for the verification API. Rules live in the services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.companies.models import VerificationStatus

from ..models import (
    DecisionKind,
    DocumentType,
    SignatoryBasis,
    SubmissionStatus,
    VerificationDecision,
    VerificationDocument,
)

# --- Inputs ----------------------------------------------------------------------------------


class DocumentUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF, PNG or JPEG, sent as multipart/form-data."))
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    expiry_date = serializers.DateField(required=False, allow_null=True)


class SubmissionCreateInputSerializer(serializers.Serializer):
    signatory_name = serializers.CharField(max_length=200)
    signatory_position = serializers.CharField(max_length=200)
    signatory_basis = serializers.ChoiceField(choices=SignatoryBasis.choices)


class DecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        help_text=_("Shown to the company. Required to reject or to request information."),
    )


# --- Outputs ---------------------------------------------------------------------------------


class DocumentOutputSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    submitted = serializers.SerializerMethodField()

    class Meta:
        model = VerificationDocument
        fields = [
            "id",
            "document_type",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "expiry_date",
            "uploaded_at",
            "submitted",
            "download_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: VerificationDocument) -> str:
        path = reverse("api:verification-document-download", kwargs={"document_id": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_submitted(self, obj: VerificationDocument) -> bool:
        annotated = getattr(obj, "is_submitted", None)
        return annotated if annotated is not None else obj.submissions.exists()


class PublicDecisionOutputSerializer(serializers.ModelSerializer):
    """A decision as the company sees it: who decided is only "platform_admin" or "system"."""

    decided_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(source="created_at")
    # Plain strings (values of the company's verification_status) so the schema names that
    # enum only once.
    status_after = serializers.CharField(
        help_text=_("The company's verification status after the decision.")
    )

    class Meta:
        model = VerificationDecision
        fields = ["id", "kind", "reason", "status_after", "decided_by", "decided_at"]

    @extend_schema_field(serializers.ChoiceField(choices=["platform_admin", "system"]))
    def get_decided_by(self, obj: VerificationDecision) -> str:
        return "system" if obj.is_system else "platform_admin"


class ReviewDecisionOutputSerializer(PublicDecisionOutputSerializer):
    reviewer_email = serializers.EmailField(source="decided_by.email", default=None)
    status_before = serializers.CharField(
        help_text=_("The company's verification status before the decision.")
    )

    class Meta(PublicDecisionOutputSerializer.Meta):
        fields = [*PublicDecisionOutputSerializer.Meta.fields, "reviewer_email", "status_before"]


class SubmissionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    country = serializers.CharField()
    registration_number = serializers.CharField()
    tax_id = serializers.CharField()
    signatory_name = serializers.CharField()
    signatory_position = serializers.CharField()
    signatory_basis = serializers.ChoiceField(choices=SignatoryBasis.choices)
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    documents = DocumentOutputSerializer(many=True)
    decisions = PublicDecisionOutputSerializer(many=True)


class CompanyVerificationOutputSerializer(serializers.Serializer):
    company_id = serializers.IntegerField()
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)
    verified_at = serializers.DateTimeField(allow_null=True)
    can_trade = serializers.BooleanField()
    message = serializers.CharField(
        allow_null=True, help_text=_("Why the company may not trade yet and what to do.")
    )
    pending_submission_id = serializers.IntegerField(allow_null=True)
    latest_decision = PublicDecisionOutputSerializer(allow_null=True)


class ReviewCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    country = serializers.CharField()
    registration_number = serializers.CharField()
    tax_id = serializers.CharField()
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)


class ReviewSubmissionListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    company = ReviewCompanySerializer()
    country = serializers.CharField()
    registration_number = serializers.CharField()
    tax_id = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    submitted_by_email = serializers.EmailField(source="submitted_by.email", default=None)
    decided_at = serializers.DateTimeField(allow_null=True)


class ReviewSubmissionDetailOutputSerializer(ReviewSubmissionListOutputSerializer):
    company = ReviewCompanySerializer()
    signatory_name = serializers.CharField()
    signatory_position = serializers.CharField()
    signatory_basis = serializers.ChoiceField(choices=SignatoryBasis.choices)
    documents = DocumentOutputSerializer(many=True)
    decisions = ReviewDecisionOutputSerializer(many=True)


class DecisionOutputSerializer(ReviewDecisionOutputSerializer):
    submission_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DecisionKind.choices)

    class Meta(ReviewDecisionOutputSerializer.Meta):
        fields = [*ReviewDecisionOutputSerializer.Meta.fields, "submission_id"]
