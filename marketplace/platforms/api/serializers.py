"""Input serializers check the shape; the services check the rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace.core.ids import IdField
from marketplace.core.models import CURRENCIES

from ..models import (
    AuctionFormat,
    Platform,
    PlatformAdmin,
    PlatformKind,
    PlatformMembership,
    PlatformMembershipEvent,
    Visibility,
)

# --- Output -----------------------------------------------------------------------------------


class PlatformOwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()


class PlatformOutputSerializer(serializers.ModelSerializer):
    owner = PlatformOwnerSerializer(allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display")
    is_admin = serializers.SerializerMethodField(
        help_text=_("Whether the requesting person administers this platform")
    )

    class Meta:
        model = Platform
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "kind_display",
            "owner",
            "description",
            "is_active",
            "default_currency",
            "default_auction_format",
            "default_min_step_percent",
            "default_soft_close_window_minutes",
            "default_soft_close_extension_minutes",
            "default_auction_duration_minutes",
            "default_visibility",
            "min_participants",
            "membership_requires_approval",
            "is_admin",
            "created_at",
        ]

    def get_is_admin(self, obj: Platform) -> bool:
        admin_ids = self.context.get("admin_platform_ids", set())
        return admin_ids is None or obj.pk in admin_ids


class PlatformAdminOutputSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.id")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")

    class Meta:
        model = PlatformAdmin
        fields = ["user_id", "email", "full_name", "created_at"]


class ParticipationEventOutputSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display")
    by = serializers.SerializerMethodField(help_text=_("Who did it; empty when automatic"))

    class Meta:
        model = PlatformMembershipEvent
        fields = [
            "id",
            "action",
            "action_display",
            "status_before",
            "status_after",
            "by",
            "reason",
            "created_at",
        ]

    def get_by(self, obj: PlatformMembershipEvent) -> str:
        return str(obj.actor) if obj.actor_id else ""


class ParticipationPlatformSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    kind = serializers.CharField()


class ParticipationOutputSerializer(serializers.ModelSerializer):
    platform = ParticipationPlatformSerializer()
    company = PlatformOwnerSerializer()
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = PlatformMembership
        fields = [
            "id",
            "platform",
            "company",
            "status",
            "status_display",
            "message",
            "applied_at",
            "decided_at",
            "reason",
        ]


class ParticipationDetailOutputSerializer(ParticipationOutputSerializer):
    events = ParticipationEventOutputSerializer(many=True)

    class Meta(ParticipationOutputSerializer.Meta):
        fields = [*ParticipationOutputSerializer.Meta.fields, "events"]


# --- Input ------------------------------------------------------------------------------------


class _RulesInputSerializer(serializers.Serializer):
    default_currency = serializers.ChoiceField(choices=CURRENCIES, required=False)
    default_auction_format = serializers.ChoiceField(choices=AuctionFormat.choices, required=False)
    default_min_step_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False
    )
    default_soft_close_window_minutes = serializers.IntegerField(required=False)
    default_soft_close_extension_minutes = serializers.IntegerField(required=False)
    default_auction_duration_minutes = serializers.IntegerField(required=False)
    default_visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    min_participants = serializers.IntegerField(required=False)
    membership_requires_approval = serializers.BooleanField(required=False)


class PlatformCreateInputSerializer(_RulesInputSerializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=50)
    kind = serializers.ChoiceField(choices=PlatformKind.choices, default=PlatformKind.PUBLIC)
    owner = IdField(
        required=False, allow_null=True, help_text=_("The client company (dedicated platforms)")
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")


class PlatformUpdateInputSerializer(_RulesInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class PlatformAdminAddInputSerializer(serializers.Serializer):
    email = serializers.EmailField()


class ParticipationApplyInputSerializer(serializers.Serializer):
    company = IdField(help_text=_("The company applying (you are its admin)"))
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ParticipationAddInputSerializer(serializers.Serializer):
    company = IdField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ParticipationDecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
