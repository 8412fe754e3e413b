"""Verification API: one view per operation; scoping in selectors, rules in services."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.exceptions import NotFoundError
from marketplace.core.files import private_file_response

from .. import selectors, services
from ..models import (
    SubmissionStatus,
    VerificationDecision,
    VerificationDocument,
    VerificationSubmission,
)
from .filters import ReviewSubmissionFilter
from .serializers import (
    CompanyVerificationOutputSerializer,
    DecisionInputSerializer,
    DecisionOutputSerializer,
    DocumentOutputSerializer,
    DocumentUploadInputSerializer,
    ReviewSubmissionDetailOutputSerializer,
    ReviewSubmissionListOutputSerializer,
    SubmissionCreateInputSerializer,
    SubmissionOutputSerializer,
)

TAGS = ["verification"]
REVIEW_TAGS = ["verification review"]
ERROR = OpenApiResponse(description='Error: {"error": {"code", "message", "fields"}}')


class IsReviewer(IsAuthenticated):
    """Platform admins (operator staff)."""

    message = gettext_lazy("Only platform admins may review verifications.")

    def has_permission(self, request, view):
        return selectors.user_is_reviewer(user=request.user)


# --- Company side ----------------------------------------------------------------------------


class CompanyVerificationView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The company's verification status",
        responses={200: CompanyVerificationOutputSerializer, 404: ERROR},
    )
    def get(self, request, company_id: int):
        company = selectors.company_get_for_viewer(user=request.user, company_id=company_id)
        blocked = selectors.company_trade_block_reason(company)
        pending = company.verification_submissions.filter(status=SubmissionStatus.PENDING).first()
        latest = selectors.decision_latest(company=company)
        data = {
            "company_id": company.pk,
            "verification_status": company.verification_status,
            "verified_at": company.verified_at,
            "can_trade": blocked is None,
            "message": blocked[1] if blocked else None,
            "pending_submission_id": pending.pk if pending else None,
            "latest_decision": latest,
        }
        return Response(CompanyVerificationOutputSerializer(data).data)


class DocumentListView(generics.ListAPIView):
    serializer_class = DocumentOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        company = selectors.company_get_for_viewer(
            user=self.request.user, company_id=self.kwargs["company_id"]
        )
        return selectors.document_list(company=company)

    @extend_schema(tags=TAGS, summary="The company's verification documents")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DocumentUploadView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"

    @extend_schema(
        tags=TAGS,
        summary="Upload a verification document (company admins)",
        request={"multipart/form-data": DocumentUploadInputSerializer},
        responses={201: DocumentOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request, company_id: int):
        company = selectors.company_get_for_admin(user=request.user, company_id=company_id)
        serializer = DocumentUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_upload(
            company=company, uploaded_by=request.user, **serializer.validated_data
        )
        document = selectors.document_list(company=company).get(pk=document.pk)
        return Response(
            DocumentOutputSerializer(document, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class DocumentDeleteView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Delete a document not yet submitted (company admins)",
        responses={204: None, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def delete(self, request, company_id: int, document_id: int):
        company = selectors.company_get_for_admin(user=request.user, company_id=company_id)
        document = VerificationDocument.objects.filter(company=company, pk=document_id).first()
        if document is None:
            raise NotFoundError(_("Document not found."))
        services.document_delete(document=document, deleted_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentDownloadView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Download a verification document (the company's members, platform admins)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERROR},
    )
    def get(self, request, document_id: int):
        document = selectors.document_get_for_download(user=request.user, document_id=document_id)
        return private_file_response(
            name=document.storage_name,
            filename=document.original_name,
            content_type=document.content_type,
            missing_message=_("The file of this document is missing."),
        )


class SubmissionListView(generics.ListAPIView):
    serializer_class = SubmissionOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        company = selectors.company_get_for_viewer(
            user=self.request.user, company_id=self.kwargs["company_id"]
        )
        return selectors.submission_list(company=company)

    @extend_schema(tags=TAGS, summary="The company's submissions with the decisions and reasons")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SubmissionCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Submit the company for verification (company admins)",
        request=SubmissionCreateInputSerializer,
        responses={201: SubmissionOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request, company_id: int):
        company = selectors.company_get_for_admin(user=request.user, company_id=company_id)
        serializer = SubmissionCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.submission_create(
            company=company, submitted_by=request.user, **serializer.validated_data
        )
        submission = selectors.submission_list(company=company).get(pk=submission.pk)
        return Response(
            SubmissionOutputSerializer(submission, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


# --- Review (platform admins) ----------------------------------------------------------------


class ReviewSubmissionListView(generics.ListAPIView):
    permission_classes = [IsReviewer]
    serializer_class = ReviewSubmissionListOutputSerializer
    filter_backends = [
        DjangoFilterBackend,
        SearchFilter,
        OrderingFilter,
    ]
    filterset_class = ReviewSubmissionFilter
    search_fields = ["company__legal_name", "registration_number", "tax_id"]
    ordering_fields = ["submitted_at", "decided_at"]
    ordering = ["submitted_at", "pk"]

    def get_queryset(self):
        return selectors.review_submission_list()

    @extend_schema(tags=REVIEW_TAGS, summary="The review queue: pending submissions, oldest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ReviewSubmissionDetailView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(
        tags=REVIEW_TAGS,
        summary="One submission with its documents and decisions",
        responses={200: ReviewSubmissionDetailOutputSerializer, 403: ERROR, 404: ERROR},
    )
    def get(self, request, submission_id: int):
        submission = selectors.review_submission_get(submission_id=submission_id)
        return Response(
            ReviewSubmissionDetailOutputSerializer(submission, context={"request": request}).data
        )


class _Decision(Protocol):
    def __call__(
        self, *, submission: VerificationSubmission, reviewer: Any, reason: str
    ) -> VerificationDecision: ...


class _DecisionView(APIView):
    permission_classes = [IsReviewer]
    decide: ClassVar[_Decision]  # each decision's view sets its service

    def post(self, request, submission_id: int):
        submission = selectors.review_submission_get(submission_id=submission_id)
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = self.decide(
            submission=submission,
            reviewer=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(DecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED)


_DECISION_RESPONSES = {
    201: DecisionOutputSerializer,
    400: ERROR,
    403: ERROR,
    404: ERROR,
    409: ERROR,
}


class ReviewApproveView(_DecisionView):
    decide = staticmethod(services.submission_approve)

    @extend_schema(
        tags=REVIEW_TAGS,
        summary="Approve a pending submission: the company becomes verified",
        request=DecisionInputSerializer,
        responses=_DECISION_RESPONSES,
    )
    def post(self, request, submission_id: int):
        return super().post(request, submission_id)


class ReviewRejectView(_DecisionView):
    decide = staticmethod(services.submission_reject)

    @extend_schema(
        tags=REVIEW_TAGS,
        summary="Reject a pending submission with a reason",
        request=DecisionInputSerializer,
        responses=_DECISION_RESPONSES,
    )
    def post(self, request, submission_id: int):
        return super().post(request, submission_id)


class ReviewRequestInfoView(_DecisionView):
    decide = staticmethod(services.submission_request_info)

    @extend_schema(
        tags=REVIEW_TAGS,
        summary="Ask the company for more information, with a reason",
        request=DecisionInputSerializer,
        responses=_DECISION_RESPONSES,
    )
    def post(self, request, submission_id: int):
        return super().post(request, submission_id)
