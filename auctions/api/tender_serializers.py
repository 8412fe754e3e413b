"""Tender lifecycle serializers. Input serializers check the shape; the services the rules.

Supplier-facing output (``LotOutputSerializer``, ``TenderDetailOutputSerializer``,
``QuestionOutputSerializer``) lists its fields explicitly and never carries a reserve price nor
another supplier's identity; the buyer-side serializers add the reserve price.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.core.ids import IdField
from marketplace.core.models import CURRENCIES
from marketplace.platforms.models import AuctionFormat, Visibility
from marketplace.standings.serializers import StandingField
from marketplace.translation.models import LANGUAGE_CHOICES

from ..models import (
    Application,
    Incoterms,
    Lot,
    LotCriterion,
    Participation,
    Question,
    StepKind,
    StepReference,
    Tender,
    TenderDocument,
    TenderInvitation,
    TieRule,
)
from ..tenders import versions
from ..tenders.validation import LOT_FIELDS
from ..version_models import TenderDocumentLanguage
from .version_serializers import TenderTextOutputSerializer


class _MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _MoneyDigits = {"max_digits": 18, "decimal_places": 2}

# --- Output ----------------------------------------------------------------------------------


class CompanyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CriterionOptionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    value = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=Decimal(0))


class LotCriterionOutputSerializer(serializers.ModelSerializer):
    options = CriterionOptionSerializer(many=True)

    class Meta:
        model = LotCriterion
        fields = ["code", "title", "options"]


# What every viewer of a tender sees of a lot: the editable fields but the hidden reserve price,
# and the lot's state.
SUPPLIER_LOT_FIELDS = [
    "id",
    "tender",
    "number",
    *(name for name in LOT_FIELDS if name != "reserve_price"),
    "criteria",
    "status",
    "starts_at",
    "failure_reason",
]


class StepBandSerializer(serializers.Serializer):
    below = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    step = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))


class LotOutputSerializer(serializers.ModelSerializer):
    """A lot as every viewer of the tender sees it: no reserve price."""

    criteria = LotCriterionOutputSerializer(many=True, read_only=True)
    step_bands = StepBandSerializer(many=True, read_only=True)

    class Meta:
        model = Lot
        fields = SUPPLIER_LOT_FIELDS
        read_only_fields = fields


class LotBuyerOutputSerializer(LotOutputSerializer):
    """The buyer's (and platform admins') view of a lot: with the hidden reserve price."""

    class Meta(LotOutputSerializer.Meta):
        fields = [*SUPPLIER_LOT_FIELDS, "reserve_price"]
        read_only_fields = fields


class TenderDocumentOutputSerializer(serializers.ModelSerializer):
    language = serializers.SerializerMethodField(
        help_text="the language this document is a translation into (null: an original)"
    )
    translation_of = serializers.SerializerMethodField(
        help_text="the id of the document this one translates (null: an original, which governs)"
    )

    class Meta:
        model = TenderDocument
        fields = [
            "id",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "language",
            "translation_of",
        ]

    def _mark(self, obj: TenderDocument) -> TenderDocumentLanguage | None:
        try:
            return obj.translation
        except TenderDocumentLanguage.DoesNotExist:
            return None

    def get_language(self, obj: TenderDocument) -> str | None:
        mark = self._mark(obj)
        return mark.language if mark else None

    def get_translation_of(self, obj: TenderDocument) -> int | None:
        mark = self._mark(obj)
        return mark.translation_of_id if mark else None


class TenderListOutputSerializer(serializers.ModelSerializer):
    buyer = CompanyRefSerializer()
    category = CategoryRefSerializer()
    lot_count = serializers.SerializerMethodField()

    class Meta:
        model = Tender
        fields = [
            "id",
            "platform",
            "buyer",
            "title",
            "original_language",
            "category",
            "currency",
            "participation",
            "questions_deadline",
            "applications_deadline",
            "auction_start",
            "reveal_identities",
            "public_live",
            "status",
            "published_at",
            "created_at",
            "lot_count",
        ]

    def get_lot_count(self, obj: Tender) -> int:
        return obj.lots.count()


class TenderDetailOutputSerializer(TenderListOutputSerializer):
    """A tender as a supplier sees it. ``title``, ``description`` and the lots' texts are the
    original's (which governs); ``text`` is the reader's view (docs/api/tender-languages.md)."""

    lots = LotOutputSerializer(many=True, read_only=True)
    documents = TenderDocumentOutputSerializer(many=True, read_only=True)
    text = serializers.SerializerMethodField()

    class Meta(TenderListOutputSerializer.Meta):
        fields = [
            *TenderListOutputSerializer.Meta.fields,
            "description",
            "lots",
            "documents",
            "text",
        ]

    @extend_schema_field(TenderTextOutputSerializer)
    def get_text(self, obj: Tender) -> dict:
        request = self.context.get("request")
        params = request.query_params if request is not None else {}
        text = versions.tender_text_for(
            obj,
            params.get("language") or get_language(),
            original=params.get("original") in ("1", "true"),
        )
        return TenderTextOutputSerializer(text).data


class TenderBuyerDetailOutputSerializer(TenderDetailOutputSerializer):
    """A tender as its buyer and the platform's admins see it: lots with reserve prices."""

    lots = LotBuyerOutputSerializer(many=True, read_only=True)


class TenderInvitationOutputSerializer(serializers.ModelSerializer):
    supplier = CompanyRefSerializer()

    class Meta:
        model = TenderInvitation
        fields = ["id", "tender", "supplier", "created_at"]


class ApplicationOutputSerializer(serializers.ModelSerializer):
    """An application as its own supplier and the buyer see it."""

    supplier = CompanyRefSerializer()
    tender = serializers.IntegerField(source="lot.tender_id")
    bidder_label = serializers.SerializerMethodField(
        help_text=_('"Bidder #N": how other suppliers see this bidder')
    )
    standing = StandingField(help_text=_("The supplier's standing with the buyer (ratings)"))

    class Meta:
        model = Application
        fields = [
            "id",
            "tender",
            "lot",
            "supplier",
            "status",
            "label",
            "bidder_label",
            "terms_accepted_at",
            "initial_amount",
            "criteria_values",
            "coefficient",
            "delivery_cost",
            "delivery_basis",
            "reason",
            "decided_at",
            "security_status",
            "created_at",
            "standing",
        ]

    def get_bidder_label(self, obj: Application) -> str | None:
        if obj.label is None:
            return None
        return _("Bidder #%(n)s") % {"n": obj.label}


class QuestionOutputSerializer(serializers.ModelSerializer):
    """A question without its asker's identity; ``is_mine`` tells the asker's company."""

    is_mine = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["id", "tender", "lot", "text", "asked_at", "answer", "answered_at", "is_mine"]

    def get_is_mine(self, obj: Question) -> bool:
        return obj.asked_by_company_id in self.context.get("company_ids", set())


class ScheduleOutputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=["scheduled", "failed", "awaiting_direct_award"],
        help_text=_("What scheduling did to the lot"),
    )
    lot = LotBuyerOutputSerializer()


# --- Input -----------------------------------------------------------------------------------


class CriterionInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    title = serializers.CharField(max_length=200)
    options = CriterionOptionSerializer(many=True, allow_empty=False)


class LotInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, min_value=Decimal("0.001"))
    unit = serializers.CharField(max_length=32)
    start_price = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    reserve_price = serializers.DecimalField(
        **MONEY, min_value=Decimal("0.01"), required=False, allow_null=True
    )
    delivery_place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    delivery_date = serializers.DateField(required=False, allow_null=True)
    incoterms = serializers.ChoiceField(choices=Incoterms.choices, required=False, allow_blank=True)
    delivery_latitude = serializers.DecimalField(
        max_digits=8, decimal_places=6, required=False, allow_null=True
    )
    delivery_longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    unit_weight_kg = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001"), required=False, allow_null=True
    )
    auction_format = serializers.ChoiceField(choices=AuctionFormat.choices, required=False)
    step_kind = serializers.ChoiceField(choices=StepKind.choices, required=False)
    step_value = serializers.DecimalField(
        max_digits=18, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    step_bands = StepBandSerializer(many=True, required=False)
    step_reference = serializers.ChoiceField(choices=StepReference.choices, required=False)
    max_step_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        required=False,
        allow_null=True,
    )
    security_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("10"),
        required=False,
        help_text="bid security, % of the start price (0: none); admission waits for it",
    )
    tie_rule = serializers.ChoiceField(choices=TieRule.choices, required=False)
    duration_seconds = serializers.IntegerField(
        min_value=10, max_value=7 * 24 * 3600, required=False
    )
    soft_close_window_seconds = serializers.IntegerField(min_value=0, required=False)
    soft_close_extension_seconds = serializers.IntegerField(min_value=0, required=False)
    soft_close_max_rank = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    soft_close_max_extensions = serializers.IntegerField(
        min_value=0, required=False, allow_null=True
    )
    stagger_seconds = serializers.IntegerField(min_value=0, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    min_participants = serializers.IntegerField(min_value=1, max_value=100, required=False)
    allow_single_award = serializers.BooleanField(required=False)
    rounds = serializers.IntegerField(min_value=1, max_value=10, required=False)
    turn_seconds = serializers.IntegerField(min_value=10, required=False)
    first_pause_seconds = serializers.IntegerField(min_value=0, required=False)
    round_pause_seconds = serializers.IntegerField(min_value=0, required=False)
    level_seconds = serializers.IntegerField(
        min_value=5,
        max_value=3600,
        required=False,
        help_text="Japanese and Dutch: how long each price level lasts",
    )
    floor_price = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Dutch: the opening price; Japanese: the lowest level (default: one step)",
    )
    weighted = serializers.BooleanField(required=False)
    landed_cost = serializers.BooleanField(
        required=False,
        help_text="rank by price plus each supplier's delivery cost (E and F Incoterms; needs "
        "delivery_latitude, delivery_longitude and unit_weight_kg)",
    )
    criteria = CriterionInputSerializer(many=True, required=False)


class TenderFieldsInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)
    original_language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text="the language the texts are written in, which governs (default: the author's)",
    )
    category = IdField(help_text=_("A category id"))
    currency = serializers.ChoiceField(
        choices=CURRENCIES, required=False, help_text=_("Defaults to the platform's currency")
    )
    questions_deadline = serializers.DateTimeField()
    applications_deadline = serializers.DateTimeField()
    auction_start = serializers.DateTimeField()
    participation = serializers.ChoiceField(choices=Participation.choices, required=False)
    reveal_identities = serializers.BooleanField(required=False)
    public_live = serializers.BooleanField(
        required=False,
        help_text="anyone may watch the lots' auctions live, bidders anonymised (a public "
        "tender of a platform that publishes open data)",
    )


class TenderCreateInputSerializer(TenderFieldsInputSerializer):
    platform = IdField(help_text=_("The platform's id"))
    buyer = IdField(help_text=_("The buyer company's id"))
    lots = LotInputSerializer(many=True, required=False)


class TenderUpdateInputSerializer(TenderFieldsInputSerializer):
    pass


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class TenderInvitationInputSerializer(serializers.Serializer):
    supplier = IdField(help_text=_("The supplier company's id"))


class TenderDocumentUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ApplicationInputSerializer(serializers.Serializer):
    supplier = IdField(
        required=False,
        help_text=_("The applying company; may be left out when you act for one supplier only"),
    )
    terms_accepted = serializers.BooleanField()
    initial_amount = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, help_text=_("An optional initial sealed offer")
    )
    criteria_values = serializers.DictField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text=_('Weighted lots: {"criterion code": "chosen option value"}'),
    )


class QuestionInputSerializer(serializers.Serializer):
    company = IdField(
        required=False, help_text=_("The asking company; may be left out when you act for one")
    )
    lot = IdField(required=False, allow_null=True)
    text = serializers.CharField(max_length=5000)


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=10000)
