"""The pipeline API's serializers: the shape of its input (checked here for types and ranges;
the rules are the services') and of its output."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.core.models import CURRENCIES, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

from ..models import (
    Lead,
    LeadSource,
    LeadStatus,
    LostReason,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    PipelineKind,
    SalesTarget,
    Stage,
    StageChange,
    StageKind,
)

MAX_ID = 2**63 - 1


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, min_value=0, **kwargs
    )


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, **kwargs)


# --- Output ------------------------------------------------------------------------------------


class PipelinePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return str(obj)


class PipelineRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StageOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "name", "position", "probability", "kind", "auto"]


class PipelineOutputSerializer(serializers.ModelSerializer):
    stages = StageOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Pipeline
        fields = ["id", "name", "kind", "is_default", "stages"]


class OpportunityOutputSerializer(serializers.ModelSerializer):
    account = PipelineRefSerializer()
    owner = PipelinePersonSerializer(allow_null=True)
    effective_probability = serializers.SerializerMethodField(
        help_text="the probability set on it, else its stage's"
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "title",
            "account",
            "pipeline",
            "stage",
            "status",
            "position",
            "amount",
            "currency",
            "probability",
            "effective_probability",
            "expected_close",
            "owner",
            "competitors",
            "lost_reason",
            "lost_note",
            "won_amount",
            "lot",
            "tender",
            "auction_outcome",
            "custom",
            "closed_at",
            "created_at",
            "updated_at",
        ]

    def get_effective_probability(self, obj) -> int:
        value = getattr(obj, "effective_probability", None)
        if value is None:
            value = obj.probability if obj.probability is not None else obj.stage.probability
        return value


class BoardCardSerializer(serializers.ModelSerializer):
    """An opportunity as the board shows it."""

    account = PipelineRefSerializer()
    owner = PipelinePersonSerializer(allow_null=True)
    probability = serializers.IntegerField(source="effective_probability")

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "title",
            "account",
            "status",
            "position",
            "amount",
            "currency",
            "probability",
            "expected_close",
            "owner",
            "lot",
            "tender",
        ]


class BoardTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=24, decimal_places=2)
    weighted = serializers.DecimalField(max_digits=24, decimal_places=2)


class BoardColumnSerializer(serializers.Serializer):
    stage = StageOutputSerializer()
    count = serializers.IntegerField(help_text="the stage's opportunities (filtered)")
    totals = BoardTotalSerializer(many=True)
    cards = BoardCardSerializer(many=True, help_text="the first ones, in position order")


class BoardSerializer(serializers.Serializer):
    pipeline = PipelineRefSerializer()
    columns = BoardColumnSerializer(many=True)


class StageChangeEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()


class StageChangeOutputSerializer(serializers.ModelSerializer):
    from_stage = PipelineRefSerializer(allow_null=True)
    to_stage = PipelineRefSerializer()
    changed_by = PipelinePersonSerializer(allow_null=True)
    event = StageChangeEventSerializer(
        allow_null=True, help_text="the marketplace's event that moved it"
    )

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "changed_by", "event", "note", "changed_at"]


class LeadOutputSerializer(serializers.ModelSerializer):
    owner = PipelinePersonSerializer(allow_null=True)
    account = PipelineRefSerializer(allow_null=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "title",
            "source",
            "status",
            "account",
            "company_name",
            "person_name",
            "email",
            "phone",
            "owner",
            "notes",
            "lot",
            "opportunity",
            "disqualified_reason",
            "created_at",
            "updated_at",
        ]


class TargetOutputSerializer(serializers.ModelSerializer):
    owner = PipelinePersonSerializer(
        allow_null=True, help_text="empty: the whole workspace's target"
    )

    class Meta:
        model = SalesTarget
        fields = ["id", "owner", "period_start", "period_end", "amount", "currency"]


class LeadFormTokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    url = serializers.CharField(help_text="where the website's form posts")


# --- Input -------------------------------------------------------------------------------------


class PipelineCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=PipelineKind.choices, default=PipelineKind.SALES)


class PipelineRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)


class StageInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    probability = serializers.IntegerField(min_value=0, max_value=100)
    kind = serializers.ChoiceField(choices=StageKind.choices, default=StageKind.OPEN)
    auto = _text(16, required=False, help_text="the auction moment that moves cards here")


class StagesOrderSerializer(serializers.Serializer):
    stages = serializers.ListField(child=_id(), min_length=1, max_length=100)


class OpportunityInputSerializer(serializers.Serializer):
    account = _id()
    title = serializers.CharField(max_length=300)
    pipeline = _id(required=False)
    stage = _id(required=False)
    amount = _money(required=False, allow_null=True)
    currency = serializers.ChoiceField(choices=CURRENCIES, default="UAH")
    probability = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    expected_close = serializers.DateField(required=False, allow_null=True)
    owner = _id(required=False, allow_null=True)
    competitors = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )
    custom = serializers.DictField(required=False)
    lot = _id(required=False, allow_null=True, help_text="a supplier's sale at a lot")
    tender = _id(required=False, allow_null=True, help_text="a buyer's purchase: its tender")
    lost_reason = serializers.ChoiceField(choices=LostReason.choices, required=False)
    lost_note = _text(500, required=False)


class OpportunityUpdateSerializer(OpportunityInputSerializer):
    account = _id(required=False)
    title = serializers.CharField(max_length=300, required=False)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)
    pipeline = None  # type: ignore[assignment]
    stage = None  # type: ignore[assignment]
    lost_reason = None  # type: ignore[assignment]


class MoveInputSerializer(serializers.Serializer):
    stage = _id()
    after = _id(required=False, allow_null=True, help_text="the card it goes after")
    before = _id(required=False, allow_null=True, help_text="the card it goes before")
    index = serializers.IntegerField(
        min_value=0, max_value=10**6, required=False, allow_null=True, help_text="0: the top"
    )
    lost_reason = serializers.ChoiceField(choices=LostReason.choices, required=False)
    lost_note = _text(500, required=False)
    won_amount = _money(required=False, allow_null=True)

    def validate(self, attrs):
        given = [k for k in ("after", "before", "index") if attrs.get(k) is not None]
        if len(given) > 1:
            raise serializers.ValidationError("Give one of after, before and index.")
        return attrs


class OpportunityQuerySerializer(serializers.Serializer):
    pipeline = _id(required=False)
    stage = _id(required=False)
    owner = _id(required=False)
    status = serializers.ChoiceField(choices=OpportunityStatus.choices, required=False)
    account = _id(required=False)
    lot = _id(required=False)
    tender = _id(required=False)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)
    expected_close_from = serializers.DateField(required=False)
    expected_close_to = serializers.DateField(required=False)
    amount_min = _money(required=False)
    amount_max = _money(required=False)
    q = serializers.CharField(max_length=200, required=False)


class BoardQuerySerializer(OpportunityQuerySerializer):
    pipeline = None  # type: ignore[assignment]
    stage = None  # type: ignore[assignment]
    per_stage = serializers.IntegerField(min_value=1, max_value=200, default=50)


class LeadInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    company_name = _text(300, required=False)
    person_name = _text(200, required=False)
    email = _text(254, required=False)
    phone = _text(40, required=False)
    notes = _text(5000, required=False)
    owner = _id(required=False, allow_null=True)
    account = _id(required=False, allow_null=True)


class LeadUpdateSerializer(LeadInputSerializer):
    title = serializers.CharField(max_length=300, required=False)


class LeadQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    # A declared field: DRF's metaclass takes it out of the class (the stubs see Field.source).
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=LeadSource.choices, required=False
    )
    owner = _id(required=False)
    q = serializers.CharField(max_length=200, required=False)


class DisqualifySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ConvertSerializer(serializers.Serializer):
    account = _id(required=False, help_text="else the lead's, else one made for it")
    pipeline = _id(required=False)
    stage = _id(required=False)
    title = serializers.CharField(max_length=300, required=False)
    amount = _money(required=False, allow_null=True)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)
    expected_close = serializers.DateField(required=False, allow_null=True)
    owner = _id(required=False, allow_null=True)
    lot = _id(required=False, allow_null=True)


class LeadFormTokenInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=730, default=365)


class WebFormSerializer(serializers.Serializer):
    person_name = _text(200, required=False)
    company_name = _text(300, required=False)
    email = _text(254, required=False)
    phone = _text(40, required=False)
    message = _text(5000, required=False)


class TargetInputSerializer(serializers.Serializer):
    owner = _id(required=False, allow_null=True, help_text="empty: the whole workspace")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount = _money()
    currency = serializers.ChoiceField(choices=CURRENCIES, default="UAH")


class TargetUpdateSerializer(TargetInputSerializer):
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    amount = _money(required=False)
    currency = serializers.ChoiceField(choices=CURRENCIES, required=False)


class TargetQuerySerializer(serializers.Serializer):
    owner = _id(required=False)
    on = serializers.DateField(required=False, help_text="targets whose period holds this day")
