"""Companies API: thin views over ``services`` and ``selectors``."""

from __future__ import annotations

from collections import defaultdict

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.serializers import ErrorResponseSerializer

from .. import selectors, services
from ..models import Company, Invitation, InvitationStatus, Membership, VerificationStatus
from .serializers import (
    CompanyOutputSerializer,
    CompanyRegisterInputSerializer,
    CompanyUpdateInputSerializer,
    InvitationAcceptedOutputSerializer,
    InvitationAcceptInputSerializer,
    InvitationCreateInputSerializer,
    InvitationOutputSerializer,
    MemberOutputSerializer,
    MemberRolesInputSerializer,
)

ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=_("Invalid input or a rule refused the change"))
E403 = OpenApiResponse(ERR, description=_("Not allowed for your role"))
E404 = OpenApiResponse(ERR, description=_("Not found or not yours"))
E409 = OpenApiResponse(ERR, description=_("Conflicts with existing data"))


def _roles_by_company(user) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for company_id, role in Membership.objects.filter(user=user).values_list("company_id", "role"):
        out[company_id].append(role)
    return out


def _company_out(request, company: Company) -> dict:
    return CompanyOutputSerializer(
        company, context={"roles_by_company": _roles_by_company(request.user)}
    ).data


class CompanyFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(method="filter_country")
    verification_status = django_filters.ChoiceFilter(choices=VerificationStatus.choices)

    class Meta:
        model = Company
        fields = ["country", "is_buyer", "is_supplier", "verification_status"]

    def filter_country(self, qs, name, value):
        return qs.filter(country=value.upper())


class CompanyListCreateApi(GenericAPIView):
    """My companies; register a new one."""

    serializer_class = CompanyOutputSerializer
    filterset_class = CompanyFilter
    search_fields = ["legal_name", "registration_number", "tax_id"]
    ordering_fields = ["legal_name", "created_at"]

    def get_queryset(self):
        return selectors.companies_of_user(user=self.request.user)

    @extend_schema(
        operation_id="companies_list",
        summary="List the companies I belong to",
        responses={200: CompanyOutputSerializer(many=True)},
    )
    def get(self, request):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        data = CompanyOutputSerializer(
            page, many=True, context={"roles_by_company": _roles_by_company(request.user)}
        ).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="companies_register",
        summary="Register a company; I become its company admin",
        request=CompanyRegisterInputSerializer,
        responses={201: CompanyOutputSerializer, 400: E400, 409: E409},
    )
    def post(self, request):
        serializer = CompanyRegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        company = services.company_register(user=request.user, **serializer.validated_data)
        return Response(_company_out(request, company), status=status.HTTP_201_CREATED)


class CompanyDetailApi(APIView):
    @extend_schema(
        operation_id="companies_retrieve",
        summary="A company I belong to",
        responses={200: CompanyOutputSerializer, 404: E404},
    )
    def get(self, request, company_id: int):
        company = selectors.company_get_for_member(user=request.user, company_id=company_id)
        return Response(_company_out(request, company))

    @extend_schema(
        operation_id="companies_update",
        summary="Change a company's details (company admins)",
        request=CompanyUpdateInputSerializer,
        responses={200: CompanyOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, company_id: int):
        company = selectors.company_get_for_member(user=request.user, company_id=company_id)
        serializer = CompanyUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        company = services.company_update(
            company=company, user=request.user, data=dict(serializer.validated_data)
        )
        return Response(_company_out(request, company))


class CompanyMemberListApi(GenericAPIView):
    serializer_class = MemberOutputSerializer
    filter_backends: list = []

    @extend_schema(
        operation_id="companies_members_list",
        summary="The company's people and their roles (any member)",
        responses={200: MemberOutputSerializer(many=True), 404: E404},
    )
    def get(self, request, company_id: int):
        company = selectors.company_get_for_member(user=request.user, company_id=company_id)
        page = self.paginate_queryset(selectors.company_member_list(company=company))
        return self.get_paginated_response(MemberOutputSerializer(page, many=True).data)


class CompanyMemberDetailApi(APIView):
    @extend_schema(
        operation_id="companies_members_set_roles",
        summary="Replace a member's roles (company admins)",
        request=MemberRolesInputSerializer,
        responses={200: MemberOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, company_id: int, user_id: int):
        company = selectors.company_get_for_member(user=request.user, company_id=company_id)
        serializer = MemberRolesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = selectors.company_member_get(company=company, user_id=user_id)
        services.membership_set_roles(
            company=company,
            actor=request.user,
            person=person,
            roles=serializer.validated_data["roles"],
        )
        person = selectors.company_member_get(company=company, user_id=user_id)
        return Response(MemberOutputSerializer(person).data)

    @extend_schema(
        operation_id="companies_members_remove",
        summary="Remove a member (company admins)",
        responses={204: None, 400: E400, 403: E403, 404: E404},
    )
    def delete(self, request, company_id: int, user_id: int):
        company = selectors.company_get_for_member(user=request.user, company_id=company_id)
        person = selectors.company_member_get(company=company, user_id=user_id)
        services.membership_remove(company=company, actor=request.user, person=person)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CompanyLeaveApi(APIView):
    @extend_schema(
        operation_id="companies_leave",
        summary="Leave a company",
        request=None,
        responses={204: None, 400: E400, 404: E404},
    )
    def post(self, request, company_id: int):
        company = selectors.company_get_for_member(user=request.user, company_id=company_id)
        services.membership_leave(company=company, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvitationStatus.choices, method="filter_status")
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact")

    class Meta:
        model = Invitation
        fields = ["status", "email", "role"]

    def filter_status(self, qs, name, value):
        from django.utils import timezone

        now = timezone.now()
        if value == InvitationStatus.ACCEPTED:
            return qs.filter(accepted_at__isnull=False)
        if value == InvitationStatus.REVOKED:
            return qs.filter(revoked_at__isnull=False)
        unanswered = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        if value == InvitationStatus.EXPIRED:
            return unanswered.exclude(expired_at__isnull=True, expires_at__gt=now)
        return unanswered.filter(expired_at__isnull=True, expires_at__gt=now)


class CompanyInvitationListCreateApi(GenericAPIView):
    serializer_class = InvitationOutputSerializer
    filterset_class = InvitationFilter
    ordering_fields = ["created_at", "expires_at"]
    search_fields = ["email"]

    def _company(self, request, company_id: int) -> Company:
        return selectors.company_get_for_admin(user=request.user, company_id=company_id)

    def get_queryset(self):
        return Invitation.objects.none()

    @extend_schema(
        operation_id="companies_invitations_list",
        summary="The company's invitations (company admins)",
        responses={200: InvitationOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, company_id: int):
        company = self._company(request, company_id)
        qs = self.filter_queryset(selectors.company_invitation_list(company=company))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(InvitationOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="companies_invitations_create",
        summary="Invite a colleague by e-mail (company admins)",
        request=InvitationCreateInputSerializer,
        responses={201: InvitationOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, company_id: int):
        company = selectors.company_get_for_member(user=request.user, company_id=company_id)
        serializer = InvitationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            company=company,
            invited_by=request.user,
            accept_url_base=request.build_absolute_uri("/"),
            **serializer.validated_data,
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class CompanyInvitationRevokeApi(APIView):
    @extend_schema(
        operation_id="companies_invitations_revoke",
        summary="Revoke an invitation (company admins)",
        request=None,
        responses={200: InvitationOutputSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, company_id: int, invitation_id: int):
        company = selectors.company_get_for_member(user=request.user, company_id=company_id)
        invitation = selectors.company_invitation_get(company=company, invitation_id=invitation_id)
        invitation = services.invitation_revoke(invitation=invitation, actor=request.user)
        return Response(InvitationOutputSerializer(invitation).data)


class InvitationAcceptApi(APIView):
    @extend_schema(
        operation_id="invitations_accept",
        summary="Accept an invitation with the token from its e-mail",
        request=InvitationAcceptInputSerializer,
        responses={
            200: InvitationAcceptedOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request):
        serializer = InvitationAcceptInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.invitation_accept(
            token=serializer.validated_data["token"], user=request.user
        )
        company = membership.company
        data = {
            "company_id": company.pk,
            "company_name": company.legal_name,
            "roles": selectors.user_roles_in_company(user=request.user, company=company),
        }
        return Response(InvitationAcceptedOutputSerializer(data).data)
