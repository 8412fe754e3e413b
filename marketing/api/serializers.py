"""The marketing API's input and output shapes."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Campaign, Channel, Recipient, Segment, Suppression
from ..selectors import MEASURES


class FiltersField(serializers.JSONField):
    """The segment's filter: checked against the schema by the service (``marketing.filters``)."""


class SegmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    filters = FiltersField(required=False, default=dict)


class SegmentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    filters = FiltersField(required=False)


class CountsSerializer(serializers.Serializer):
    accounts = serializers.IntegerField()
    contacts = serializers.IntegerField()
    reachable_email = serializers.IntegerField()
    reachable_sms = serializers.IntegerField()


class CountsQuerySerializer(serializers.Serializer):
    filters = serializers.CharField(
        required=False, default="{}", help_text="The filter as JSON (see the segment's filters)"
    )


class SegmentSerializer(serializers.ModelSerializer):
    campaign_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Segment
        fields = [
            "id",
            "name",
            "filters",
            "created_by",
            "created_at",
            "updated_at",
            "campaign_count",
        ]


class CampaignInputSerializer(serializers.Serializer):
    segment = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL)
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=200_000)


class CampaignUpdateSerializer(serializers.Serializer):
    segment = serializers.IntegerField(min_value=1, required=False)
    name = serializers.CharField(max_length=200, required=False)
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True)
    body = serializers.CharField(max_length=200_000, required=False)


ResultsSerializer = type(
    "ResultsSerializer",
    (serializers.Serializer,),
    {key: serializers.IntegerField() for key in MEASURES},
)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "segment",
            "name",
            "channel",
            "subject",
            "body",
            "status",
            "created_by",
            "created_at",
            "sent_by",
            "sent_at",
        ]


class CampaignDetailSerializer(CampaignSerializer):
    results = ResultsSerializer()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "results"]


class RecipientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recipient
        fields = [
            "id",
            "contact",
            "account",
            "company",
            "address",
            "status",
            "error",
            "sent_at",
            "delivered_at",
            "opened_at",
            "clicked_at",
            "unsubscribed_at",
            "bounced_at",
            "complained_at",
        ]


class SuppressionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suppression
        fields = ["id", "address", "reason", "campaign", "created_at"]
