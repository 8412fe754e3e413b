"""Notifications over HTTP: the list, the unread count, marking read, preferences, and tender
subscriptions. Thin views over ``services`` and ``subscriptions``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer

from .. import selectors, services, subscriptions
from ..models import Channel, Kind, Mode, Notification

ERR = ErrorResponseSerializer
MAX_ID = 2**63 - 1


class NotificationOutputSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="The notifications to mark read; leave out with all=true.",
    )
    all = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError("Give ids, or all: true.")
        return attrs


class NotificationListApi(GenericAPIView):
    serializer_class = NotificationOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true")
        return selectors.notification_list(user=self.request.user, unread_only=unread)

    @extend_schema(
        operation_id="notifications_list",
        summary="My notifications, newest first",
        parameters=[OpenApiParameter("unread", bool, description="Only unread ones.")],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["unread"] = services.unread_count(user=request.user)
        return response


class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notifications_mark_read",
        summary="Mark notifications read (some, or all)",
        request=MarkReadInputSerializer,
        responses={200: None, 400: ERR, 404: ERR},
    )
    def post(self, request):
        data = MarkReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = None if data.validated_data["all"] else data.validated_data["ids"]
        changed = services.notifications_mark_read(user=request.user, ids=ids)
        return Response({"marked": changed, "unread": services.unread_count(user=request.user)})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    mode = serializers.ChoiceField(choices=Mode.choices)


class PreferenceApi(APIView):
    @extend_schema(
        operation_id="notification_preferences",
        summary="How I am told of each kind: in the app (instant/off), by e-mail "
        "(instant/digest/off)",
        responses={200: PreferenceSerializer(many=True)},
    )
    def get(self, request):
        rows = []
        for kind in Kind.values:
            modes = services.preferences_of(users=[request.user], kind=kind)
            for channel in Channel.values:
                rows.append(
                    {"kind": kind, "channel": channel, "mode": modes[(request.user.pk, channel)]}
                )
        return Response(rows)

    @extend_schema(
        operation_id="notification_preference_set",
        summary="Set how I am told of one kind on one channel",
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer, 400: ERR},
    )
    def put(self, request):
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = services.preference_set(user=request.user, **data.validated_data)
        return Response(
            {"kind": preference.kind, "channel": preference.channel, "mode": preference.mode}
        )


# --- tender subscriptions ----------------------------------------------------------------------


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    company = serializers.IntegerField(source="company_id", min_value=1, max_value=MAX_ID)
    name = serializers.CharField(max_length=200)
    categories = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=100,
        help_text="Categories; each takes in its sub-tree.",
    )
    regions = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        max_length=100,
        help_text="ISO 3166 codes; a tender matches when its buyer is in the code's country.",
    )
    keywords = serializers.CharField(required=False, allow_blank=True, max_length=500)
    budget_min = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    budget_max = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    platforms = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=100,
    )
    active = serializers.BooleanField(required=False)

    def to_representation(self, instance):
        return {
            "id": instance.pk,
            "company": instance.company_id,
            "name": instance.name,
            "categories": sorted(c.pk for c in instance.categories.all()),
            "regions": instance.regions,
            "keywords": instance.keywords,
            "budget_min": None if instance.budget_min is None else f"{instance.budget_min:.2f}",
            "budget_max": None if instance.budget_max is None else f"{instance.budget_max:.2f}",
            "currency": instance.currency,
            "platforms": sorted(p.pk for p in instance.platforms.all()),
            "active": instance.active,
        }


class SubscriptionListApi(APIView):
    @extend_schema(
        operation_id="tender_subscriptions_list",
        summary="My companies' tender subscriptions",
        responses={200: SubscriptionSerializer(many=True)},
    )
    def get(self, request):
        rows = subscriptions.subscription_list(user=request.user)
        return Response(SubscriptionSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="tender_subscriptions_create",
        summary="Subscribe a supplier company of mine to new tenders that match",
        request=SubscriptionSerializer,
        responses={201: SubscriptionSerializer, 400: ERR, 404: ERR},
    )
    def post(self, request):
        data = SubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        company = fields.pop("company_id")
        created = subscriptions.subscription_create(
            actor=request.user, company_id=company, **fields
        )
        return Response(SubscriptionSerializer(created).data, status=201)


class SubscriptionDetailApi(PathIdsInRange, APIView):
    @extend_schema(
        operation_id="tender_subscriptions_retrieve",
        responses={200: SubscriptionSerializer, 404: ERR},
    )
    def get(self, request, subscription_id: int):
        found = subscriptions.subscription_get(user=request.user, subscription_id=subscription_id)
        return Response(SubscriptionSerializer(found).data)

    @extend_schema(
        operation_id="tender_subscriptions_update",
        request=SubscriptionSerializer(partial=True),
        responses={200: SubscriptionSerializer, 400: ERR, 404: ERR},
    )
    def patch(self, request, subscription_id: int):
        data = SubscriptionSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("company_id", None)  # a subscription stays with its company
        updated = subscriptions.subscription_update(
            actor=request.user, subscription_id=subscription_id, **fields
        )
        return Response(SubscriptionSerializer(updated).data)

    @extend_schema(operation_id="tender_subscriptions_delete", responses={204: None, 404: ERR})
    def delete(self, request, subscription_id: int):
        subscriptions.subscription_delete(actor=request.user, subscription_id=subscription_id)
        return Response(status=204)
