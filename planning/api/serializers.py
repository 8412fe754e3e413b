"""Input and output of the planning API (docs/api/planning.md). Money is a string with two
decimals beside its currency."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace.core.ids import IdField
from marketplace.core.models import CURRENCIES, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from marketplace.platforms.models import AuctionFormat

from ..models import QUARTERS, YEAR_MAX, YEAR_MIN, PlanStatus
from ..selectors import SCOPES

MONEY: dict[str, Any] = {"max_digits": MONEY_MAX_DIGITS, "decimal_places": MONEY_DECIMAL_PLACES}
PERCENT: dict[str, Any] = {"max_digits": 7, "decimal_places": 1, "allow_null": True}


# --- Plans -------------------------------------------------------------------------------------


class PlanQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=SCOPES,
        default="mine",
        help_text="mine: your companies' plans, drafts included; published: every published plan.",
    )
    buyer = IdField(required=False, help_text="Only this buyer company's plans.")
    year = serializers.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)


class PlanCreateSerializer(serializers.Serializer):
    buyer = IdField(help_text="The buyer company (you manage its tenders).")
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX)
    title = serializers.CharField(max_length=300)
    currency = serializers.ChoiceField(choices=CURRENCIES, default="UAH")


class PlanUpdateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)
    title = serializers.CharField(max_length=300, required=False)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)


class PlanBuyerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    buyer = PlanBuyerSerializer()
    year = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    currency = serializers.CharField()
    lines = serializers.IntegerField(source="line_count", help_text="How many lines it has.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)


# --- Lines -------------------------------------------------------------------------------------


class PlanCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PlanLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField(source="tender_id")
    tender_title = serializers.CharField(source="tender.title")
    tender_status = serializers.CharField(source="tender.status")
    lot = serializers.IntegerField(source="lot_id", allow_null=True, help_text="null: every lot")
    lot_number = serializers.SerializerMethodField()
    linked_at = serializers.DateTimeField()

    def get_lot_number(self, link) -> int | None:
        return link.lot.number if link.lot_id else None


class PlanLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = PlanCategorySerializer()
    quarter = serializers.IntegerField()
    description = serializers.CharField()
    budget = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()
    auction_format = serializers.CharField(help_text="The planned auction format; empty: none.")
    tenders = serializers.SerializerMethodField(
        help_text="The linked tenders (the buyer's people only; null for anyone else)."
    )

    def get_tenders(self, line) -> list[dict] | None:
        if not self.context.get("with_links"):
            return None
        return list(PlanLinkSerializer(line.links.all(), many=True).data)


class PlanLineInputSerializer(serializers.Serializer):
    category = IdField(help_text="The category's id.")
    quarter = serializers.ChoiceField(choices=QUARTERS)
    description = serializers.CharField(max_length=500)
    budget = serializers.DecimalField(**MONEY)
    currency = serializers.ChoiceField(
        choices=CURRENCIES, required=False, help_text=_("The plan's currency when left out.")
    )
    auction_format = serializers.ChoiceField(
        choices=AuctionFormat.choices, required=False, allow_blank=True
    )


class PlanLineUpdateSerializer(PlanLineInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = False


class PlanLinkInputSerializer(serializers.Serializer):
    tender = IdField(help_text="A tender of the plan's buyer.")
    lot = IdField(required=False, allow_null=True, help_text="One lot of it; left out: every lot.")


# --- The report ----------------------------------------------------------------------------------


class PlanFiguresSerializer(serializers.Serializer):
    currency = serializers.CharField()
    lines = serializers.IntegerField()
    tenders = serializers.IntegerField(help_text="Linked tenders.")
    lots_contracted = serializers.IntegerField()
    budgeted = serializers.DecimalField(**MONEY)
    contracted = serializers.DecimalField(**MONEY)
    expected = serializers.DecimalField(**MONEY, help_text="The contracted lots' start prices.")
    saved = serializers.DecimalField(**MONEY, help_text="expected − contracted")
    remaining = serializers.DecimalField(**MONEY, help_text="budgeted − contracted")
    contracted_percent = serializers.DecimalField(**PERCENT)
    saved_percent = serializers.DecimalField(**PERCENT)


class PlanFactRowSerializer(PlanFiguresSerializer):
    category = PlanCategorySerializer()
    quarter = serializers.IntegerField()


class PlanFactQuarterSerializer(PlanFiguresSerializer):
    quarter = serializers.IntegerField()


class PlanFactCategorySerializer(PlanFiguresSerializer):
    category = PlanCategorySerializer()


class PlanFactSerializer(serializers.Serializer):
    plan = PlanSerializer()
    rows = PlanFactRowSerializer(many=True, help_text="Category × quarter × currency.")
    by_quarter = PlanFactQuarterSerializer(many=True)
    by_category = PlanFactCategorySerializer(many=True)
    totals = PlanFiguresSerializer(many=True, help_text="One per currency.")
