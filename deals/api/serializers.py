"""The orders API's shapes."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from ..models import DocumentKind, Order, OrderDocument, OrderHistory, OrderLine, OrderStatus
from ..orders import MOVES


class OrderPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="legal_name")


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = [
            "position",
            "item",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "amount",
            "currency",
            "incoterms",
            "delivery_place",
            "delivery_date",
        ]


class OrderDocumentSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = OrderDocument
        fields = ["id", "kind", "version", "number", "language", "size", "sha256", "created_at"]
        fields += ["file_url"]

    def get_file_url(self, obj) -> str:
        return reverse("api:order-document-file", args=[obj.order_id, obj.pk])


class OrderHistorySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = OrderHistory
        fields = [
            "action",
            "status_before",
            "status_after",
            "side",
            "actor",
            "reason",
            "document",
            "sha256",
            "at",
        ]

    def get_actor(self, obj) -> str | None:
        return (obj.actor.full_name or obj.actor.email) if obj.actor_id else None


class OrderSerializer(serializers.ModelSerializer):
    buyer = OrderPartySerializer()
    supplier = OrderPartySerializer()

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "title",
            "status",
            "buyer",
            "supplier",
            "total",
            "currency",
            "deal",
            "language",
            "created_at",
            "updated_at",
        ]


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True)
    documents = OrderDocumentSerializer(many=True)
    history = OrderHistorySerializer(many=True)
    moves = serializers.ListField(
        child=serializers.CharField(), help_text="what the reader may do now"
    )
    contract_accepted_sha256 = serializers.CharField()
    contract_accepted_at = serializers.DateTimeField(allow_null=True)

    class Meta(OrderSerializer.Meta):
        fields = [
            *OrderSerializer.Meta.fields,
            "lines",
            "documents",
            "history",
            "moves",
            "contract_accepted_sha256",
            "contract_accepted_at",
        ]


class OrderQuerySerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["buyer", "supplier"], required=False)
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


class OrderMoveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(MOVES))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    contract_sha256 = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="accept: the SHA-256 of the contract the supplier read",
    )


class DocumentRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
