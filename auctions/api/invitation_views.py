"""A tender's invitations API (the buyer's side): list, invite a supplier, take an invitation
back."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.companies.models import Company
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError

from ..models import Tender, TenderInvitation
from ..tenders import invitations, selectors
from ._tender_common import E400, E403, E404, E409, TAGS, lookup
from .tender_serializers import TenderInvitationInputSerializer, TenderInvitationOutputSerializer


def _buyer_side_tender(request, tender_id: int) -> Tender:
    """A visible tender whose buyer side the user is on; suppliers get 403."""
    tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
    if not selectors.tender_is_buyer_side(user=request.user, tender=tender):
        raise PermissionDeniedError(
            _("Only the buyer and the platform's admins may see this."), code="not_tender_buyer"
        )
    return tender


class TenderInvitationListCreateApi(GenericAPIView):
    serializer_class = TenderInvitationOutputSerializer
    queryset = TenderInvitation.objects.none()
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_invitations_list",
        summary="The suppliers invited to a tender (the buyer's side)",
        responses={200: TenderInvitationOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = _buyer_side_tender(request, tender_id)
        return Response(
            TenderInvitationOutputSerializer(
                selectors.invitation_list(tender=tender), many=True
            ).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_invitations_create",
        summary="Invite a supplier to an invitation-only tender",
        request=TenderInvitationInputSerializer,
        responses={
            201: TenderInvitationOutputSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: E409,
        },
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        data = TenderInvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        supplier = lookup(
            Company,
            data.validated_data["supplier"],
            field="supplier",
            code="supplier_not_found",
            message=_("No company has this id."),
        )
        invitation = invitations.tender_invitation_create(
            actor=request.user, tender=tender, supplier=supplier
        )
        return Response(
            TenderInvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED
        )


class TenderInvitationRemoveApi(GenericAPIView):
    serializer_class = TenderInvitationOutputSerializer
    queryset = TenderInvitation.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_invitations_remove",
        summary="Take an invitation back",
        request=None,
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, tender_id: int, invitation_id: int):
        tender = _buyer_side_tender(request, tender_id)
        invitation = selectors.invitation_list(tender=tender).filter(pk=invitation_id).first()
        if invitation is None:
            raise NotFoundError(_("No such invitation."), code="invitation_not_found")
        invitations.tender_invitation_remove(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)
