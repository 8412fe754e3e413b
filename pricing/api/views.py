"""The pricing API. The supplier's side (``/api/pricing/suppliers/<id>/kinds|promotions|
assignments|offers/``): any member reads, its company admins and account managers write (403
to its other roles), everyone else 404. The buyer's side (``.../my-prices/``, ``.../quote/``):
a member of a buyer company reads the lists, promotions and prices meant for that company,
never another customer's."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.exceptions import ApplicationError
from suppliers.models import CustomerKind, PriceList, PriceListItem, Product
from suppliers.selectors import supplier_get_visible

from .. import quotes, selectors, services
from . import serializers as s

TAG = ["pricing"]


class _Supplier(APIView):
    parser_classes = [JSONParser]
    kwargs: dict[str, Any]

    def supplier(self, *, edit: bool = False):
        return selectors.supplier_for_member(
            user=self.request.user, company_id=self.kwargs["company_id"], edit=edit
        )


def _lines(supplier, rows: list[dict], *, for_buyer: bool = False) -> list[tuple[Product, Any]]:
    products = {
        p.pk: p
        for p in quotes.quotable_products(supplier=supplier, for_buyer=for_buyer).filter(
            pk__in=[r["product"] for r in rows]
        )
    }
    missing = [r["product"] for r in rows if r["product"] not in products]
    if missing:
        message = _("No such product in the supplier's catalogue: %(ids)s.") % {
            "ids": ", ".join(map(str, missing))
        }
        raise ApplicationError(message, code="product_not_found", fields={"lines": [message]})
    return [(products[r["product"]], r["quantity"]) for r in rows]


@extend_schema(tags=TAG, responses=s.KindOutputSerializer(many=True))
class KindListApi(_Supplier):
    def get(self, request, company_id: int):
        supplier = self.supplier()
        services.customer_kinds_ensure(supplier=supplier)
        return Response(
            s.KindOutputSerializer(selectors.customer_kinds(supplier=supplier), many=True).data
        )

    @extend_schema(request=s.KindInputSerializer, responses={201: s.KindOutputSerializer})
    def post(self, request, company_id: int):
        supplier = self.supplier(edit=True)
        data = s.KindInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = services.customer_kind_create(
            actor=request.user, supplier=supplier, **data.validated_data
        )
        return Response(s.KindOutputSerializer(kind).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAG)
class KindDetailApi(_Supplier):
    def kind(self, *, edit: bool = False) -> CustomerKind:
        return selectors.customer_kind_get(
            supplier=self.supplier(edit=edit), kind_id=self.kwargs["kind_id"]
        )

    @extend_schema(request=s.KindUpdateSerializer, responses=s.KindOutputSerializer)
    def patch(self, request, company_id: int, kind_id: int):
        kind = self.kind(edit=True)
        data = s.KindUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = services.customer_kind_update(actor=request.user, kind=kind, **data.validated_data)
        return Response(s.KindOutputSerializer(kind).data)

    @extend_schema(responses={204: None})
    def delete(self, request, company_id: int, kind_id: int):
        services.customer_kind_delete(actor=request.user, kind=self.kind(edit=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _promotion_values(supplier, data: dict) -> dict:
    values = dict(data)
    if "price_list" in values:
        pk = values.pop("price_list")
        values["price_list"] = (
            PriceList.objects.filter(supplier=supplier, pk=pk).first() if pk else None
        )
        if pk and values["price_list"] is None:
            raise ApplicationError(
                _("No such price list of yours."),
                code="price_list_not_found",
                fields={"price_list": [_("No such price list of yours.")]},
            )
    if "customer_kind" in values:
        pk = values.pop("customer_kind")
        values["customer_kind"] = (
            CustomerKind.objects.filter(supplier=supplier, pk=pk).first() if pk else None
        )
        if pk and values["customer_kind"] is None:
            raise ApplicationError(
                _("No such kind of customer."),
                code="kind_not_found",
                fields={"customer_kind": [_("No such kind of customer.")]},
            )
    if "products" in values:
        ids = set(values["products"])
        values["products"] = list(Product.objects.filter(supplier=supplier, pk__in=ids))
        if len(values["products"]) != len(ids):
            raise ApplicationError(
                _("No such product in your catalogue."),
                code="product_not_found",
                fields={"products": [_("No such product in your catalogue.")]},
            )
    if "currency" in values and values["currency"] is None:
        values["currency"] = ""
    return values


@extend_schema(tags=TAG)
class PromotionListApi(_Supplier):
    @extend_schema(responses=s.PromotionOutputSerializer(many=True))
    def get(self, request, company_id: int):
        rows = selectors.promotions(supplier=self.supplier())
        return Response(s.PromotionOutputSerializer(rows, many=True).data)

    @extend_schema(request=s.PromotionInputSerializer, responses={201: s.PromotionOutputSerializer})
    def post(self, request, company_id: int):
        supplier = self.supplier(edit=True)
        data = s.PromotionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = _promotion_values(supplier, data.validated_data)
        promotion = services.promotion_create(actor=request.user, supplier=supplier, **values)
        return Response(s.PromotionOutputSerializer(promotion).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAG)
class PromotionDetailApi(_Supplier):
    def promotion(self, *, edit: bool = False):
        supplier = self.supplier(edit=edit)
        return supplier, selectors.promotion_get(
            supplier=supplier, promotion_id=self.kwargs["promotion_id"]
        )

    @extend_schema(responses=s.PromotionOutputSerializer)
    def get(self, request, company_id: int, promotion_id: int):
        return Response(s.PromotionOutputSerializer(self.promotion()[1]).data)

    @extend_schema(request=s.PromotionInputSerializer, responses=s.PromotionOutputSerializer)
    def patch(self, request, company_id: int, promotion_id: int):
        supplier, promotion = self.promotion(edit=True)
        data = s.PromotionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = _promotion_values(supplier, data.validated_data)
        promotion = services.promotion_update(
            actor=request.user, promotion=promotion, changes=changes
        )
        return Response(s.PromotionOutputSerializer(promotion).data)

    @extend_schema(responses={204: None})
    def delete(self, request, company_id: int, promotion_id: int):
        services.promotion_delete(actor=request.user, promotion=self.promotion(edit=True)[1])
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAG)
class AssignmentListApi(_Supplier):
    @extend_schema(responses=s.AssignmentOutputSerializer(many=True))
    def get(self, request, company_id: int):
        rows = selectors.assignments(supplier=self.supplier())
        return Response(s.AssignmentOutputSerializer(rows, many=True).data)

    @extend_schema(
        request=s.AssignmentInputSerializer, responses={201: s.AssignmentOutputSerializer}
    )
    def post(self, request, company_id: int):
        supplier = self.supplier(edit=True)
        data = s.AssignmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignment = services.assignment_create(
            actor=request.user,
            supplier=supplier,
            account_id=v.get("account"),
            segment_id=v.get("segment"),
            price_list_id=v.get("price_list"),
            customer_kind_id=v.get("customer_kind"),
            priority=v["priority"],
        )
        return Response(
            s.AssignmentOutputSerializer(assignment).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=TAG)
class AssignmentDetailApi(_Supplier):
    @extend_schema(responses={204: None})
    def delete(self, request, company_id: int, assignment_id: int):
        supplier = self.supplier(edit=True)
        assignment = selectors.assignment_get(supplier=supplier, assignment_id=assignment_id)
        services.assignment_delete(actor=request.user, assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAG)
class OfferApi(_Supplier):
    """A commercial offer to one CRM account, priced for it (a document of the CRM)."""

    @extend_schema(request=s.OfferInputSerializer, responses={201: None})
    def post(self, request, company_id: int):
        supplier = self.supplier(edit=True)
        data = s.OfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        document, quote = quotes.offer_generate(
            user=request.user,
            supplier_id=supplier.pk,
            account_id=v["account"],
            template_id=v["template"],
            lines=_lines(supplier, v["lines"]),
            on_date=v.get("on_date") or timezone.localdate(),
            file_format=v["file_format"],
        )
        body = {"document": document.pk, "number": document.number, **s.quote_data(quote)}
        return Response(body, status=status.HTTP_201_CREATED)


class _Buyer(APIView):
    """The buyer's side: a supplier it may see, for one of its own buyer companies."""

    parser_classes = [JSONParser]

    def context(self, buyer_id: int | None):
        supplier = supplier_get_visible(
            user=self.request.user, company_id=self.kwargs["company_id"]
        )
        buyer = selectors.buyer_company_for(user=self.request.user, company_id=buyer_id)
        return supplier, buyer


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1


@extend_schema(tags=TAG)
class MyPricesApi(_Buyer):
    """The price lists (with their tiers) and promotions meant for the buyer today."""

    @extend_schema(responses=s.BuyerPricesOutputSerializer)
    def get(self, request, company_id: int):
        supplier, buyer = self.context(_int_or_none(request.query_params.get("buyer")))
        today = timezone.localdate()
        lists = selectors.price_lists_for_buyer(
            supplier=supplier, buyer_company=buyer, on_date=today
        )
        items = Prefetch(
            "items",
            queryset=PriceListItem.objects.select_related("product").filter(
                product__is_active=True
            ),
        )
        rows = PriceList.objects.filter(pk__in=[pl.pk for pl in lists]).prefetch_related(items)
        by_pk = {pl.pk: pl for pl in rows}
        promos = selectors.promotions_for_buyer(
            supplier=supplier, buyer_company=buyer, on_date=today
        )
        return Response(
            {
                "buyer": buyer.pk,
                "on_date": today,
                "price_lists": s.BuyerPriceListSerializer(
                    [by_pk[pl.pk] for pl in lists], many=True
                ).data,
                "promotions": s.PromotionOutputSerializer(promos, many=True).data,
            }
        )


@extend_schema(tags=TAG)
class QuoteApi(_Buyer):
    """Products and quantities priced for the buyer (a quote)."""

    @extend_schema(request=s.PriceQuoteInputSerializer, responses=s.PriceQuoteOutputSerializer)
    def post(self, request, company_id: int):
        data = s.PriceQuoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        supplier, buyer = self.context(v.get("buyer"))
        quote = quotes.quote_build(
            supplier=supplier,
            buyer_company=buyer,
            lines=_lines(supplier, v["lines"], for_buyer=True),
            on_date=v.get("on_date") or timezone.localdate(),
        )
        return Response(s.quote_data(quote))
