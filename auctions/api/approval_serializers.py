"""Input and output of the approval chains' API (docs/api/approvals.md). Money is a string with
two decimals beside its currency; people are ``{"id", "name"}``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from marketplace.core.ids import IdField
from marketplace.core.models import CURRENCIES, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

from ..approval_models import (
    ApprovalDecisionKind,
    ApprovalMode,
    ApprovalStatus,
    TenderHistoryKind,
)
from ..models import TenderStatus

MONEY: dict[str, Any] = {"max_digits": MONEY_MAX_DIGITS, "decimal_places": MONEY_DECIMAL_PLACES}


class ApproverSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": str(user)}


# --- Rules -------------------------------------------------------------------------------------


class ThresholdSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=CURRENCIES)
    amount = serializers.DecimalField(min_value=0, **MONEY)


class RuleQuerySerializer(serializers.Serializer):
    buyer = IdField(required=False, help_text="Only this buyer company's rules.")


class RuleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    mode = serializers.ChoiceField(choices=ApprovalMode.choices, default=ApprovalMode.IN_ORDER)
    active = serializers.BooleanField(default=True)
    thresholds = ThresholdSerializer(
        many=True,
        default=list,
        help_text="At most one per currency: a tender in that currency whose total is above "
        "the amount is caught.",
    )
    categories = serializers.ListField(
        child=IdField(),
        default=list,
        help_text="Category ids: a tender in one of them, or under one, is caught.",
    )
    approvers = serializers.ListField(
        child=IdField(), help_text="People of the buyer company, in the order they decide."
    )


class RuleCreateSerializer(RuleWriteSerializer):
    buyer = IdField(help_text="The buyer company (you are its company admin).")


class ApprovalRuleUpdateSerializer(RuleWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


def rule_input(data: dict) -> dict:
    """The serializer's names as ``approval_rules`` names them."""
    out = dict(data)
    if "thresholds" in out:
        out["thresholds"] = {t["currency"]: t["amount"] for t in out["thresholds"]}
    if "categories" in out:
        out["category_ids"] = out.pop("categories")
    if "approvers" in out:
        out["approver_ids"] = out.pop("approvers")
    return out


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ApprovalRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    buyer = serializers.IntegerField(source="buyer_id")
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=ApprovalMode.choices)
    active = serializers.BooleanField()
    thresholds = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    approvers = serializers.SerializerMethodField()

    def get_thresholds(self, rule) -> list[dict]:
        return [
            {"currency": t.currency, "amount": f"{t.amount:.2f}"} for t in rule.thresholds.all()
        ]

    def get_categories(self, rule) -> list[dict]:
        return [{"id": c.pk, "code": c.code, "name": c.name} for c in rule.categories.all()]

    def get_approvers(self, rule) -> list[dict]:
        return [{"id": a.user_id, "name": str(a.user)} for a in rule.approvers.all()]


# --- Requests ----------------------------------------------------------------------------------


class AskSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ApprovalDecisionKind.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ChainSerializer(serializers.Serializer):
    rule = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=ApprovalMode.choices)
    approvers = ApproverSerializer(many=True)


class DecisionSerializer(serializers.Serializer):
    approver = ApproverSerializer()
    decision = serializers.ChoiceField(choices=ApprovalDecisionKind.choices)
    comment = serializers.CharField()
    decided_at = serializers.DateTimeField()


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tender = serializers.IntegerField()
    tender_title = serializers.CharField()
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    requested_by = ApproverSerializer(allow_null=True)
    requested_at = serializers.DateTimeField()
    note = serializers.CharField()
    snapshot = serializers.JSONField(
        help_text="The values asked about: currency, total, category, lots."
    )
    chains = ChainSerializer(many=True)
    decisions = DecisionSerializer(many=True)
    waiting_for = ApproverSerializer(many=True)
    may_decide = serializers.BooleanField(help_text="Whether it is the reader's turn now.")
    closed_at = serializers.DateTimeField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TenderHistoryKind.choices)
    actor = ApproverSerializer(allow_null=True)
    at = serializers.DateTimeField()
    request = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    rule = serializers.IntegerField()
    name = serializers.CharField()
    amount = serializers.BooleanField(help_text="Caught by the amount")
    category = serializers.BooleanField(help_text="Caught by the category")


class TenderApprovalSerializer(serializers.Serializer):
    tender = serializers.IntegerField()
    status = serializers.ChoiceField(choices=TenderStatus.choices)
    needed = serializers.BooleanField(help_text="Whether a rule of the policy catches it now")
    approved = serializers.BooleanField(help_text="Whether an approval holds for it as it is")
    total = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()
    rules = MatchSerializer(many=True)
    latest = RequestSerializer(allow_null=True)
    changed_since_request = serializers.BooleanField()
