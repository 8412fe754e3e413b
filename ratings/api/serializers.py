"""The ratings API's shapes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import REVIEW_CRITERIA, PeriodKind, Review, Scorecard
from ..scoring import CRITERIA


class RatedCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="legal_name")


class CriterionSerializer(serializers.Serializer):
    criterion = serializers.ChoiceField(choices=CRITERIA)
    title = serializers.CharField(source="label")
    figure = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    weight = serializers.IntegerField(help_text=_("The weight set, per cent"))
    share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text=_("Its share of the total, per cent, after leaving out criteria without data"),
    )


class LoweredSerializer(serializers.Serializer):
    criterion = serializers.ChoiceField(choices=CRITERIA)
    title = serializers.CharField(source="label")
    figure = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    points = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text=_("Points of the total it cost")
    )


class ScorecardSerializer(serializers.ModelSerializer):
    buyer = RatedCompanySerializer(allow_null=True, help_text=_("null: platform-wide"))
    supplier = RatedCompanySerializer()
    period = serializers.CharField(source="period_label")

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "buyer",
            "supplier",
            "period_kind",
            "period_start",
            "period",
            "total",
            "band",
            "computed_at",
        ]


class ScorecardDetailSerializer(ScorecardSerializer):
    criteria = CriterionSerializer(many=True)
    lowered_by = LoweredSerializer(many=True)
    counts = serializers.DictField()

    class Meta(ScorecardSerializer.Meta):
        fields = [*ScorecardSerializer.Meta.fields, "criteria", "lowered_by", "counts"]


class ScorecardQuerySerializer(serializers.Serializer):
    supplier = serializers.IntegerField(required=False, min_value=1)
    buyer = serializers.IntegerField(required=False, min_value=1)
    platform_wide = serializers.BooleanField(required=False, allow_null=True, default=None)
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices, required=False, default="")


class WeightsSerializer(serializers.Serializer):
    """Per cent per criterion, whole numbers 0-100 summing to 100."""

    price = serializers.IntegerField()
    win_rate = serializers.IntegerField()
    on_time = serializers.IntegerField()
    quality = serializers.IntegerField()
    responsiveness = serializers.IntegerField()
    reliability = serializers.IntegerField()


class BandsSerializer(serializers.Serializer):
    blocked_below = serializers.DecimalField(max_digits=5, decimal_places=2)
    warning_below = serializers.DecimalField(max_digits=5, decimal_places=2)
    excellent_from = serializers.DecimalField(max_digits=5, decimal_places=2)


class ReviewInputSerializer(serializers.Serializer):
    quality = serializers.IntegerField()
    delivery = serializers.IntegerField()
    communication = serializers.IntegerField()
    documents = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReviewSerializer(serializers.ModelSerializer):
    average = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True)
    editable_until = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "order",
            "buyer",
            "supplier",
            *REVIEW_CRITERIA,
            "average",
            "comment",
            "submitted_at",
            "updated_at",
            "editable_until",
        ]
