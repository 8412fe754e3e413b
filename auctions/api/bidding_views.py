"""The live auction over HTTP: standing, bids, proxy, pause/resume, close, award, events, deals.

Thin views: each reads the request, calls one service or selector, and renders its result. The
websocket consumers call the same services and the same ``standing.render``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.exceptions import ConflictError, NotFoundError, PermissionDeniedError
from marketplace.core.ids import IdField, PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer
from marketplace.core.times import now_iso

from .. import lifecycle, selectors
from ..bidding import place, withdraw
from ..bidding.proxy import proxy_clear, proxy_set
from ..bidding.quote import bid_quote
from ..events import chain_verify
from ..models import LotEvent
from ..participation import bidder_application
from ..standing import render

ERR = ErrorResponseSerializer


class LotApiView(PathIdsInRange, APIView):
    """A view of one lot (or deal): a path id beyond the ids' range is "not found" before
    anything is read (the embedded SQLite cannot even bind it)."""

    path_id_not_found = {
        "lot_id": ("lot_not_found", gettext_lazy("No such lot.")),
        "deal_id": ("deal_not_found", gettext_lazy("No such deal.")),
    }


class StandingSerializer(serializers.Serializer):
    """The viewer's view of the lot (see docs/api/auctions.md: fields vary by role and the lot's
    visibility mode)."""

    lot = serializers.IntegerField()
    seq = serializers.IntegerField()
    status = serializers.CharField()
    format = serializers.CharField()
    visibility = serializers.CharField()
    currency = serializers.CharField()
    start_price = serializers.CharField()
    step = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    server_time = serializers.DateTimeField()
    extensions = serializers.IntegerField()
    participants = serializers.IntegerField()
    bid_count = serializers.IntegerField()
    me = serializers.DictField(required=False)
    best = serializers.DictField(required=False, allow_null=True)
    ladder = serializers.ListField(child=serializers.DictField(), required=False)
    reserve_price = serializers.CharField(required=False, allow_null=True)


class BidInputSerializer(serializers.Serializer):
    amount = serializers.CharField(help_text='The amount as a decimal string, e.g. "98500.00".')
    client_bid_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="Your id for this bid; resending it returns the first result (idempotency).",
    )
    confirm = serializers.BooleanField(
        required=False, default=False, help_text="Confirm a bid far below the reference price."
    )


class SurrogateBidInputSerializer(BidInputSerializer):
    application = IdField(help_text="The admitted application to bid for.")
    reason = serializers.CharField(help_text="Why the buyer enters this bid for the supplier.")


class BidOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    kind = serializers.CharField()
    client_bid_id = serializers.CharField()
    placed_at = serializers.DateTimeField()
    round = serializers.IntegerField()


class BuyerBidOutputSerializer(BidOutputSerializer):
    # A declared field: DRF's metaclass takes it out of the class, so Field.label stays as it
    # is; the stubs see a class attribute overriding it.
    label = serializers.IntegerField(source="application.label")  # type: ignore[assignment]
    supplier = serializers.CharField(source="application.supplier.legal_name")
    weighted_amount = serializers.DecimalField(
        max_digits=24, decimal_places=8, coerce_to_string=True
    )
    note = serializers.CharField()


class BidResultSerializer(serializers.Serializer):
    bid = BidOutputSerializer()
    duplicate = serializers.BooleanField()
    extended = serializers.BooleanField()
    standing = StandingSerializer()


class ProxyInputSerializer(serializers.Serializer):
    floor = serializers.CharField(help_text="The lowest amount the engine may bid for you.")


class ProxyOutputSerializer(serializers.Serializer):
    floor = serializers.DecimalField(
        source="floor_amount", max_digits=18, decimal_places=2, coerce_to_string=True
    )
    active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class PauseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AwardInputSerializer(serializers.Serializer):
    application = IdField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DealOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    lot = serializers.IntegerField(source="lot_id")
    tender = serializers.IntegerField(source="lot.tender_id")
    buyer = serializers.CharField(source="buyer.legal_name")
    supplier = serializers.CharField(source="supplier.legal_name")
    price = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, coerce_to_string=True)
    unit = serializers.CharField()
    terms = serializers.DictField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class EventOutputSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    payload = serializers.DictField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    created_at = serializers.DateTimeField()
    prev_hash = serializers.CharField()
    hash = serializers.CharField()


class ChainOutputSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    first_broken = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField()


def standing_for(*, lot_id: int, user) -> dict:
    lot = selectors.lot_get(lot_id=lot_id)
    viewer = selectors.lot_viewer(user=user, lot=lot)
    view = render(selectors.lot_snapshot(lot=lot), viewer)
    view["server_time"] = now_iso()
    return view


def _buyer_or_admin(*, lot_id: int, user):
    lot = selectors.lot_get(lot_id=lot_id)
    viewer = selectors.lot_viewer(user=user, lot=lot)
    if viewer.role == "supplier":
        raise PermissionDeniedError(
            _("Only the buyer and platform admins may see this."), code="permission_denied"
        )
    return lot, viewer


class StandingView(LotApiView):
    @extend_schema(
        operation_id="lot_standing",
        responses={200: StandingSerializer, 404: ERR},
        summary="The lot's standing as the requester may see it",
    )
    def get(self, request, lot_id: int):
        return Response(standing_for(lot_id=lot_id, user=request.user))


class BidsView(LotApiView):
    @extend_schema(
        operation_id="lot_bids_list",
        responses={200: BuyerBidOutputSerializer(many=True), 404: ERR},
        summary="Bids: all of them for the buyer, one's own for a supplier",
    )
    def get(self, request, lot_id: int):
        lot = selectors.lot_get(lot_id=lot_id)
        viewer = selectors.lot_viewer(user=request.user, lot=lot)
        bids = selectors.lot_bids_for(lot=lot, viewer=viewer)
        cls = BidOutputSerializer if viewer.role == "supplier" else BuyerBidOutputSerializer
        return Response(cls(bids, many=True).data)

    @extend_schema(
        operation_id="lot_bid_place",
        request=BidInputSerializer,
        responses={
            201: BidResultSerializer,
            200: OpenApiResponse(BidResultSerializer, description="A repeated client_bid_id"),
            400: ERR,
            403: ERR,
            404: ERR,
            409: ERR,
        },
        summary="Place a bid (a supplier's bidder)",
    )
    def post(self, request, lot_id: int):
        data = BidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = place.bid_place(
            lot_id=lot_id,
            user=request.user,
            amount=data.validated_data["amount"],
            client_bid_id=data.validated_data.get("client_bid_id", ""),
            confirm=data.validated_data["confirm"],
        )
        return _bid_response(result, lot_id=lot_id, user=request.user)


def _bid_response(result, *, lot_id: int, user) -> Response:
    body = {
        "bid": BidOutputSerializer(result.bid).data,
        "duplicate": result.duplicate,
        "extended": result.extended,
        "standing": standing_for(lot_id=lot_id, user=user),
    }
    return Response(
        body, status=status.HTTP_200_OK if result.duplicate else status.HTTP_201_CREATED
    )


class QuoteOutputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    coefficient = serializers.DecimalField(max_digits=20, decimal_places=12, coerce_to_string=True)
    weighted = serializers.DecimalField(max_digits=24, decimal_places=2, coerce_to_string=True)
    rank = serializers.IntegerField(allow_null=True)
    acceptable = serializers.BooleanField()
    refusal = serializers.DictField(allow_null=True)


class QuoteView(LotApiView):
    @extend_schema(
        operation_id="lot_bid_quote",
        parameters=[OpenApiParameter("amount", str, required=True, description="e.g. 98500.00")],
        responses={200: QuoteOutputSerializer, 400: ERR, 403: ERR, 404: ERR},
        summary="What score and rank a price would give, before bidding",
    )
    def get(self, request, lot_id: int):
        quote = bid_quote(
            lot_id=lot_id, user=request.user, amount=request.query_params.get("amount", "")
        )
        return Response(QuoteOutputSerializer(quote).data)


class WithdrawView(LotApiView):
    @extend_schema(
        operation_id="lot_bid_withdraw",
        request=None,
        responses={200: StandingSerializer, 403: ERR, 404: ERR, 409: ERR},
        summary="Rounds format: withdraw your bid within your turn",
    )
    def post(self, request, lot_id: int):
        withdraw.bid_withdraw(lot_id=lot_id, user=request.user)
        return Response(standing_for(lot_id=lot_id, user=request.user))


class SurrogateBidView(LotApiView):
    @extend_schema(
        operation_id="lot_surrogate_bid_place",
        request=SurrogateBidInputSerializer,
        responses={
            201: BidResultSerializer,
            200: BidResultSerializer,
            400: ERR,
            403: ERR,
            404: ERR,
            409: ERR,
        },
        summary="The buyer enters a bid for a supplier who lost its connection",
    )
    def post(self, request, lot_id: int):
        data = SurrogateBidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = place.surrogate_bid_place(
            lot_id=lot_id,
            user=request.user,
            application_id=v["application"],
            amount=v["amount"],
            reason=v["reason"],
            client_bid_id=v.get("client_bid_id", ""),
            confirm=v["confirm"],
        )
        return _bid_response(result, lot_id=lot_id, user=request.user)


class ProxyView(LotApiView):
    @extend_schema(
        operation_id="lot_proxy_get",
        responses={200: ProxyOutputSerializer, 404: ERR},
        summary="Your proxy floor on this lot",
    )
    def get(self, request, lot_id: int):
        application = bidder_application(lot_id=lot_id, user=request.user)
        proxy = getattr(application, "proxy", None)
        if proxy is None:
            raise NotFoundError(_("No proxy floor is set."), code="proxy_not_set")
        return Response(ProxyOutputSerializer(proxy).data)

    @extend_schema(
        operation_id="lot_proxy_set",
        request=ProxyInputSerializer,
        responses={200: ProxyOutputSerializer, 400: ERR, 403: ERR, 404: ERR, 409: ERR},
        summary="Set or change your proxy floor (English format)",
    )
    def put(self, request, lot_id: int):
        data = ProxyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proxy = proxy_set(lot_id=lot_id, user=request.user, floor=data.validated_data["floor"])
        return Response(ProxyOutputSerializer(proxy).data)

    @extend_schema(
        operation_id="lot_proxy_clear", request=None, responses={204: None, 403: ERR, 404: ERR}
    )
    def delete(self, request, lot_id: int):
        proxy_clear(lot_id=lot_id, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PauseView(LotApiView):
    @extend_schema(
        operation_id="lot_pause",
        request=PauseInputSerializer,
        responses={200: StandingSerializer, 400: ERR, 403: ERR, 404: ERR, 409: ERR},
        summary="Pause a live auction with a reason (the buyer); the remaining time is kept",
    )
    def post(self, request, lot_id: int):
        data = PauseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.lot_pause(lot_id=lot_id, user=request.user, reason=data.validated_data["reason"])
        return Response(standing_for(lot_id=lot_id, user=request.user))


class ResumeView(LotApiView):
    @extend_schema(
        operation_id="lot_resume",
        request=None,
        responses={200: StandingSerializer, 403: ERR, 404: ERR, 409: ERR},
    )
    def post(self, request, lot_id: int):
        lifecycle.lot_resume(lot_id=lot_id, user=request.user)
        return Response(standing_for(lot_id=lot_id, user=request.user))


class CloseView(LotApiView):
    @extend_schema(
        operation_id="lot_close",
        request=None,
        responses={200: StandingSerializer, 403: ERR, 404: ERR, 409: ERR},
        summary="Close a lot whose end has come (the scheduler does this on its own)",
    )
    def post(self, request, lot_id: int):
        _lot, _viewer = _buyer_or_admin(lot_id=lot_id, user=request.user)
        closed = lifecycle.lot_close(lot_id=lot_id, actor=request.user)
        if closed.status == "live":
            raise ConflictError(_("The auction has not reached its end yet."), code="not_due")
        return Response(standing_for(lot_id=lot_id, user=request.user))


class AwardView(LotApiView):
    @extend_schema(
        operation_id="lot_award",
        request=AwardInputSerializer,
        responses={201: DealOutputSerializer, 400: ERR, 403: ERR, 404: ERR, 409: ERR},
        summary="Award the lot (to the best ranked by default; another needs a reason)",
    )
    def post(self, request, lot_id: int):
        data = AwardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        award = lifecycle.lot_award(
            lot_id=lot_id,
            user=request.user,
            application_id=data.validated_data["application"],
            reason=data.validated_data["reason"],
        )
        return Response(DealOutputSerializer(award.deal).data, status=status.HTTP_201_CREATED)


class EventsView(PathIdsInRange, ListAPIView):
    serializer_class = EventOutputSerializer
    path_id_not_found = LotApiView.path_id_not_found

    @extend_schema(
        operation_id="lot_events_list", responses={200: EventOutputSerializer(many=True)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LotEvent.objects.none()
        lot, _viewer = _buyer_or_admin(lot_id=self.kwargs["lot_id"], user=self.request.user)
        return selectors.lot_events(lot=lot)


class ChainView(LotApiView):
    @extend_schema(
        operation_id="lot_events_verify",
        responses={200: ChainOutputSerializer, 403: ERR, 404: ERR},
        summary="Verify the lot's hash chain",
    )
    def get(self, request, lot_id: int):
        lot, _viewer = _buyer_or_admin(lot_id=lot_id, user=request.user)
        ok, broken, detail = chain_verify(lot_id=lot.pk)
        return Response({"ok": ok, "first_broken": broken, "detail": detail})


class DealListView(ListAPIView):
    serializer_class = DealOutputSerializer

    @extend_schema(
        operation_id="deals_list", summary="Deals of your companies, as buyer or supplier"
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.deals_for_user(user=self.request.user)


class DealDetailView(LotApiView):
    @extend_schema(operation_id="deal_retrieve", responses={200: DealOutputSerializer, 404: ERR})
    def get(self, request, deal_id: int):
        deal = selectors.deals_for_user(user=request.user).filter(pk=deal_id).first()
        if deal is None:
            raise NotFoundError(_("No such deal."), code="deal_not_found")
        return Response(DealOutputSerializer(deal).data)
