"""The sourcing API (``/api/sourcing/...``): a buyer's shortlists, inviting suppliers to a
tender (registered ones, and companies not registered yet), and the funnel. Thin views over
``sourcing.selectors`` (reads, scoped to the reader) and the services (``shortlists``,
``invitations``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, NotFoundError, error_body
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import invitations, selectors, shortlists
from ..models import Shortlist, SupplierInvitation
from . import serializers as s

TAGS = ["sourcing"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not allowed for your role"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("Conflicts with the current state"))
E429 = OpenApiResponse(ERR, description=gettext_lazy("Too many invitations by e-mail today"))


def _body_lookup(find, *, field: str):
    """An object a request body names: "not found" becomes the field's 400."""
    try:
        return find()
    except NotFoundError as exc:
        raise ApplicationError(exc.message, code=exc.code, fields={field: [exc.message]}) from exc


def shortlist_detail(shortlist: Shortlist) -> dict:
    data = dict(s.ShortlistSerializer(shortlist).data)
    data["entries"] = s.ShortlistEntrySerializer(
        selectors.shortlist_entries(shortlist=shortlist), many=True
    ).data
    return data


def invitation_data(request, row: SupplierInvitation) -> dict:
    funnel_row = selectors.funnel_rows(
        user=request.user, rows=selectors.invitation_list(tender=row.tender).filter(pk=row.pk)
    )[0]
    return dict(s.SupplierInvitationSerializer(funnel_row).data)


class ShortlistListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ShortlistSerializer
    queryset = Shortlist.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_shortlists_list",
        summary="The shortlists of your buyer companies",
        parameters=[s.ShortlistQuerySerializer],
        responses={200: s.ShortlistSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.ShortlistQuerySerializer, request.query_params)
        rows = selectors.shortlist_list(
            user=request.user, buyer_id=query.get("buyer"), tender_id=query.get("tender")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ShortlistSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_shortlists_create",
        summary="Make a named shortlist, or a tender's shortlist",
        request=s.ShortlistCreateSerializer,
        responses={201: s.ShortlistDetailSerializer, 400: E400, 403: E403, 409: E409},
    )
    def post(self, request):
        data = input_valid(s.ShortlistCreateSerializer, request.data)
        tender = buyer = None
        if data.get("tender") is not None:
            tender = _body_lookup(
                lambda: selectors.tender_for_buyer(user=request.user, tender_id=data["tender"]),
                field="tender",
            )
        if data.get("buyer") is not None or tender is None:
            buyer = _body_lookup(
                lambda: selectors.buyer_for_user(user=request.user, buyer_id=data.get("buyer")),
                field="buyer",
            )
        shortlist = shortlists.shortlist_create(
            actor=request.user, buyer=buyer, name=data["name"], tender=tender
        )
        shortlist = selectors.shortlist_get(user=request.user, shortlist_id=shortlist.pk)
        return Response(shortlist_detail(shortlist), status=status.HTTP_201_CREATED)


class ShortlistDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ShortlistDetailSerializer
    queryset = Shortlist.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_shortlists_get",
        summary="A shortlist with its suppliers",
        responses={200: s.ShortlistDetailSerializer, 404: E404},
    )
    def get(self, request, shortlist_id: int):
        shortlist = selectors.shortlist_get(user=request.user, shortlist_id=shortlist_id)
        return Response(shortlist_detail(shortlist))

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_shortlists_rename",
        summary="Rename a shortlist",
        request=s.ShortlistUpdateSerializer,
        responses={200: s.ShortlistDetailSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, shortlist_id: int):
        shortlist = selectors.shortlist_get(user=request.user, shortlist_id=shortlist_id)
        data = input_valid(s.ShortlistUpdateSerializer, request.data)
        shortlists.shortlist_rename(actor=request.user, shortlist=shortlist, name=data["name"])
        return Response(shortlist_detail(shortlist))

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_shortlists_delete",
        summary="Delete a shortlist (the invitations made from it stay)",
        request=None,
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, shortlist_id: int):
        shortlist = selectors.shortlist_get(user=request.user, shortlist_id=shortlist_id)
        shortlists.shortlist_delete(actor=request.user, shortlist=shortlist)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistSupplierApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.ShortlistEntrySerializer
    queryset = Shortlist.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_shortlists_supplier_put",
        summary="Put a supplier on the shortlist (201), or change its note (200)",
        request=s.ShortlistEntryInputSerializer,
        responses={
            200: s.ShortlistEntrySerializer,
            201: s.ShortlistEntrySerializer,
            400: E400,
            403: E403,
            404: E404,
        },
    )
    def put(self, request, shortlist_id: int, supplier_id: int):
        shortlist = selectors.shortlist_get(user=request.user, shortlist_id=shortlist_id)
        data = input_valid(s.ShortlistEntryInputSerializer, request.data)
        entry, created = shortlists.shortlist_add(
            actor=request.user, shortlist=shortlist, supplier_id=supplier_id, note=data.get("note")
        )
        return Response(
            s.ShortlistEntrySerializer(entry).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_shortlists_supplier_remove",
        summary="Take a supplier off the shortlist",
        request=None,
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, shortlist_id: int, supplier_id: int):
        shortlist = selectors.shortlist_get(user=request.user, shortlist_id=shortlist_id)
        shortlists.shortlist_remove(
            actor=request.user, shortlist=shortlist, supplier_id=supplier_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TenderInvitationApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.SupplierInvitationSerializer
    queryset = SupplierInvitation.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_tenders_invite_supplier",
        summary="Invite a registered, verified supplier to the tender (an invitation-only "
        "tender that still takes suppliers), e.g. from a shortlist",
        request=s.SupplierInviteSerializer,
        responses={201: s.SupplierInvitationSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_for_buyer(user=request.user, tender_id=tender_id)
        data = input_valid(s.SupplierInviteSerializer, request.data)
        supplier = Company.objects.filter(pk=data["supplier"]).first()
        if supplier is None:
            message = _("No company has this id.")
            raise ApplicationError(
                message, code="supplier_not_found", fields={"supplier": [message]}
            )
        row = invitations.supplier_invite(actor=request.user, tender=tender, supplier=supplier)
        return Response(invitation_data(request, row), status=status.HTTP_201_CREATED)


class TenderProspectApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.SupplierInvitationSerializer
    queryset = SupplierInvitation.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_tenders_invite_prospect",
        summary="Invite a company that is not registered yet, by e-mail and tax identifier",
        request=s.ProspectInviteSerializer,
        responses={
            201: s.SupplierInvitationSerializer,
            400: E400,
            403: E403,
            404: E404,
            409: OpenApiResponse(
                s.CompanyRegisteredErrorSerializer,
                description=gettext_lazy(
                    "Already invited, the tender is finished, or the identifier is a registered "
                    "company's (company_registered: invite it instead)"
                ),
            ),
            429: E429,
        },
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_for_buyer(user=request.user, tender_id=tender_id)
        data = input_valid(s.ProspectInviteSerializer, request.data)
        try:
            row = invitations.prospect_invite(
                actor=request.user,
                tender=tender,
                language=translation.get_language() or "",
                **data,
            )
        except invitations.CompanyRegisteredError as exc:
            body = error_body(exc.code, exc.message, exc.fields)
            company = exc.company
            body["error"]["company"] = (
                None
                if company is None
                else {
                    "id": company.pk,
                    "name": company.legal_name,
                    "directory_url": reverse("frontend:supplier", args=[company.pk]),
                }
            )
            return Response(body, status=exc.status_code)
        return Response(invitation_data(request, row), status=status.HTTP_201_CREATED)


class TenderFunnelApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.TenderFunnelSerializer
    queryset = SupplierInvitation.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_tenders_funnel",
        summary="The tender's funnel: how many invited companies reached each stage, and each "
        "one with its stage (the buyer's people only)",
        responses={200: s.TenderFunnelSerializer, 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = selectors.tender_for_buyer(user=request.user, tender_id=tender_id)
        return Response(
            s.TenderFunnelSerializer(selectors.tender_funnel(user=request.user, tender=tender)).data
        )


class BuyerFunnelApi(GenericAPIView):
    serializer_class = s.BuyerFunnelSerializer
    queryset = SupplierInvitation.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="sourcing_funnel",
        summary="A buyer company's funnel across its tenders",
        parameters=[s.FunnelQuerySerializer],
        responses={200: s.BuyerFunnelSerializer, 400: E400, 403: E403, 404: E404},
    )
    def get(self, request):
        query = input_valid(s.FunnelQuerySerializer, request.query_params)
        buyer = selectors.buyer_for_user(user=request.user, buyer_id=query.get("buyer"))
        return Response(s.BuyerFunnelSerializer(selectors.buyer_funnel(buyer=buyer)).data)
