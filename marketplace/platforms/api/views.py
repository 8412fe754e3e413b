"""Platforms API: thin views over ``services`` and ``selectors``.

Scoping: a platform or participation the user may not see answers 404; one the user sees but
may not change answers 403 with the service's error code.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.serializers import ErrorResponseSerializer

from .. import selectors, services
from ..models import ParticipationStatus, Platform, PlatformAdmin, PlatformKind, PlatformMembership
from .serializers import (
    ParticipationAddInputSerializer,
    ParticipationApplyInputSerializer,
    ParticipationDecisionInputSerializer,
    ParticipationDetailOutputSerializer,
    ParticipationOutputSerializer,
    PlatformAdminAddInputSerializer,
    PlatformAdminOutputSerializer,
    PlatformCreateInputSerializer,
    PlatformOutputSerializer,
    PlatformUpdateInputSerializer,
)

ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not allowed for your role"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Conflicts with the current state"))


def _platform_or_404(request, platform_id: int) -> Platform:
    platform = selectors.platform_get_visible(user=request.user, platform_id=platform_id)
    if platform is None:
        raise NotFoundError(_("No such platform."), code="platform_not_found")
    return platform


def _participation_or_404(request, participation_id: int) -> PlatformMembership:
    membership = selectors.membership_get_visible(user=request.user, membership_id=participation_id)
    if membership is None:
        raise NotFoundError(_("No such participation."), code="participation_not_found")
    return membership


def _platform_out(request, platform: Platform) -> dict:
    context = {"admin_platform_ids": selectors.administered_platform_ids(user=request.user)}
    return PlatformOutputSerializer(platform, context=context).data


def _participation_detail(membership: PlatformMembership) -> dict:
    membership = (
        PlatformMembership.objects.select_related("platform", "company")
        .prefetch_related("events__actor")
        .get(pk=membership.pk)
    )
    return ParticipationDetailOutputSerializer(membership).data


# --- Platforms --------------------------------------------------------------------------------


class PlatformFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PlatformKind.choices)

    class Meta:
        model = Platform
        fields = ["kind", "is_active"]


class PlatformListCreateApi(GenericAPIView):
    """The platforms I may see; operator staff create new ones."""

    serializer_class = PlatformOutputSerializer
    filterset_class = PlatformFilter
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return selectors.platform_list_visible(user=self.request.user)

    @extend_schema(
        operation_id="platforms_list",
        summary="List the platforms I may see",
        responses={200: PlatformOutputSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {"admin_platform_ids": selectors.administered_platform_ids(user=request.user)}
        return self.get_paginated_response(
            PlatformOutputSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        operation_id="platforms_create",
        summary="Create a platform (operator staff)",
        request=PlatformCreateInputSerializer,
        responses={201: PlatformOutputSerializer, 400: E400, 403: E403, 409: E409},
    )
    def post(self, request):
        data = PlatformCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        owner_id = fields.pop("owner", None)
        owner = None
        if owner_id is not None:
            owner = Company.objects.filter(pk=owner_id).first()
            if owner is None:
                raise ApplicationError(
                    _("No such company."),
                    code="owner_not_found",
                    fields={"owner": [_("No company has this id.")]},
                )
        platform = services.platform_create(actor=request.user, owner=owner, **fields)
        return Response(_platform_out(request, platform), status=status.HTTP_201_CREATED)


class PlatformDetailApi(GenericAPIView):
    serializer_class = PlatformOutputSerializer

    @extend_schema(
        operation_id="platforms_retrieve",
        summary="A platform's details and default auction rules",
        responses={200: PlatformOutputSerializer, 404: E404},
    )
    def get(self, request, platform_id: int):
        return Response(_platform_out(request, _platform_or_404(request, platform_id)))

    @extend_schema(
        operation_id="platforms_update",
        summary="Change a platform's name, description and rules (platform admins)",
        request=PlatformUpdateInputSerializer,
        responses={200: PlatformOutputSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, platform_id: int):
        platform = _platform_or_404(request, platform_id)
        data = PlatformUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        platform = services.platform_update(
            actor=request.user, platform=platform, **data.validated_data
        )
        return Response(_platform_out(request, platform))


class PlatformAdminListAddApi(GenericAPIView):
    serializer_class = PlatformAdminOutputSerializer
    queryset = PlatformAdmin.objects.none()
    pagination_class = None

    @extend_schema(
        operation_id="platforms_admins_list",
        summary="A platform's admins (its admins and operator staff)",
        responses={200: PlatformAdminOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, platform_id: int):
        platform = _platform_or_404(request, platform_id)
        if not selectors.user_is_platform_admin(user=request.user, platform=platform):
            raise PermissionDeniedError(
                _("Only this platform's admins may see who administers it."),
                code="not_platform_admin",
            )
        admins = selectors.platform_admin_list(platform=platform)
        return Response(PlatformAdminOutputSerializer(admins, many=True).data)

    @extend_schema(
        operation_id="platforms_admins_add",
        summary="Name a person admin of a platform (operator staff)",
        request=PlatformAdminAddInputSerializer,
        responses={201: PlatformAdminOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, platform_id: int):
        platform = _platform_or_404(request, platform_id)
        data = PlatformAdminAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admin = services.platform_admin_add(
            actor=request.user, platform=platform, email=data.validated_data["email"]
        )
        return Response(PlatformAdminOutputSerializer(admin).data, status=status.HTTP_201_CREATED)


class PlatformAdminRemoveApi(GenericAPIView):
    serializer_class = PlatformAdminOutputSerializer
    queryset = PlatformAdmin.objects.none()

    @extend_schema(
        operation_id="platforms_admins_remove",
        summary="Remove a platform admin (operator staff)",
        request=None,
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, platform_id: int, user_id: int):
        platform = _platform_or_404(request, platform_id)
        services.platform_admin_remove(actor=request.user, platform=platform, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Participation ----------------------------------------------------------------------------


class ParticipationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ParticipationStatus.choices)

    class Meta:
        model = PlatformMembership
        fields = ["status", "platform", "company"]


class PlatformParticipationListApplyApi(GenericAPIView):
    """A platform's participations (its admins); a company applies to join."""

    serializer_class = ParticipationOutputSerializer
    filterset_class = ParticipationFilter
    search_fields = ["company__legal_name"]
    ordering_fields = ["applied_at", "decided_at"]

    def get_queryset(self):
        return PlatformMembership.objects.none()

    @extend_schema(
        operation_id="platforms_participations_list",
        summary="Applications and participants of a platform (platform admins)",
        responses={200: ParticipationOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, platform_id: int):
        platform = _platform_or_404(request, platform_id)
        if not selectors.user_is_platform_admin(user=request.user, platform=platform):
            raise PermissionDeniedError(
                _("Only this platform's admins may see its applications."),
                code="not_platform_admin",
            )
        qs = self.filter_queryset(selectors.membership_list_for_platform(platform=platform))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ParticipationOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="platforms_participations_apply",
        summary="Apply for my company to trade on this platform (company admins)",
        request=ParticipationApplyInputSerializer,
        responses={
            201: ParticipationDetailOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request, platform_id: int):
        platform = _platform_or_404(request, platform_id)
        data = ParticipationApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = Company.objects.filter(pk=data.validated_data["company"]).first()
        if company is None:
            raise NotFoundError(_("No such company."), code="company_not_found")
        membership = services.membership_apply(
            actor=request.user,
            platform=platform,
            company=company,
            message=data.validated_data["message"],
        )
        return Response(_participation_detail(membership), status=status.HTTP_201_CREATED)


class PlatformParticipationAddApi(GenericAPIView):
    serializer_class = ParticipationDetailOutputSerializer

    @extend_schema(
        operation_id="platforms_participations_add",
        summary="Bring a company in as a participant (platform admins)",
        request=ParticipationAddInputSerializer,
        responses={
            201: ParticipationDetailOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request, platform_id: int):
        platform = _platform_or_404(request, platform_id)
        data = ParticipationAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not selectors.user_is_platform_admin(user=request.user, platform=platform):
            raise PermissionDeniedError(
                _("Only this platform's admins may do this."), code="not_platform_admin"
            )
        company = Company.objects.filter(pk=data.validated_data["company"]).first()
        if company is None:
            raise ApplicationError(
                _("No such company."),
                code="company_not_found",
                fields={"company": [_("No company has this id.")]},
            )
        membership = services.membership_add(
            actor=request.user,
            platform=platform,
            company=company,
            reason=data.validated_data["reason"],
        )
        return Response(_participation_detail(membership), status=status.HTTP_201_CREATED)


class ParticipationListApi(GenericAPIView):
    """My companies' participations in platforms, with their status and the last reason."""

    serializer_class = ParticipationOutputSerializer
    filterset_class = ParticipationFilter
    ordering_fields = ["applied_at", "decided_at"]

    def get_queryset(self):
        return selectors.membership_list_for_user(user=self.request.user)

    @extend_schema(
        operation_id="participations_list",
        summary="My companies' participations in platforms",
        responses={200: ParticipationOutputSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ParticipationOutputSerializer(page, many=True).data)


class ParticipationDetailApi(GenericAPIView):
    serializer_class = ParticipationDetailOutputSerializer

    @extend_schema(
        operation_id="participations_retrieve",
        summary="A participation with its full history (who decided what, when and why)",
        responses={200: ParticipationDetailOutputSerializer, 404: E404},
    )
    def get(self, request, participation_id: int):
        return Response(_participation_detail(_participation_or_404(request, participation_id)))


class _Decision(Protocol):
    def __call__(
        self, *, actor: Any, membership: PlatformMembership, reason: str
    ) -> PlatformMembership: ...


class _DecisionApi(GenericAPIView):
    serializer_class = ParticipationDetailOutputSerializer
    service: ClassVar[_Decision]  # each decision's view sets its service

    def decide(self, request, participation_id: int):
        membership = _participation_or_404(request, participation_id)
        data = ParticipationDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = type(self).service(
            actor=request.user, membership=membership, reason=data.validated_data["reason"]
        )
        return Response(_participation_detail(membership))


_DECISION_RESPONSES = {
    200: ParticipationDetailOutputSerializer,
    400: E400,
    403: E403,
    404: E404,
    409: E409,
}


class ParticipationAcceptApi(_DecisionApi):
    service = staticmethod(services.membership_accept)

    @extend_schema(
        operation_id="participations_accept",
        summary="Accept an application or lift a suspension (platform admins)",
        request=ParticipationDecisionInputSerializer,
        responses=_DECISION_RESPONSES,
    )
    def post(self, request, participation_id: int):
        return self.decide(request, participation_id)


class ParticipationRefuseApi(_DecisionApi):
    service = staticmethod(services.membership_refuse)

    @extend_schema(
        operation_id="participations_refuse",
        summary="Refuse an application; the reason is required (platform admins)",
        request=ParticipationDecisionInputSerializer,
        responses=_DECISION_RESPONSES,
    )
    def post(self, request, participation_id: int):
        return self.decide(request, participation_id)


class ParticipationSuspendApi(_DecisionApi):
    service = staticmethod(services.membership_suspend)

    @extend_schema(
        operation_id="participations_suspend",
        summary="Suspend a participant; the reason is required (platform admins)",
        request=ParticipationDecisionInputSerializer,
        responses=_DECISION_RESPONSES,
    )
    def post(self, request, participation_id: int):
        return self.decide(request, participation_id)
