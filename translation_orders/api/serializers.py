"""Input and output of the translation orders API (docs/api/translation-orders.md). Money is a
string with two decimals beside its currency; a price per word has four."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from rest_framework import serializers

from marketplace.core.ids import IdField
from marketplace.core.models import CURRENCIES

from .. import selectors
from ..models import Language, OrderStatus, Side, TranslationOrder
from ..wordcount import note_text

# --- Input ---------------------------------------------------------------------------------------


class TranslationOrderQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=selectors.SCOPES,
        default="mine",
        help_text="mine: your companies' orders; queue: the orders waiting for a translator on "
        "the platforms you translate for; translating: the orders you took; platform: the "
        "orders of the platforms you administer.",
    )
    platform = IdField(required=False)
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)


class TranslationOrderCreateSerializer(serializers.Serializer):
    company = IdField(help_text="The ordering company (you order for it).")
    side = serializers.ChoiceField(choices=Side.choices)
    source_language = serializers.ChoiceField(choices=Language.choices)
    target_language = serializers.ChoiceField(choices=Language.choices)
    tender_documents = serializers.ListField(
        child=IdField(), required=False, default=list, help_text="side buyer: one tender's"
    )
    certificates = serializers.ListField(
        child=IdField(), required=False, default=list, help_text="side supplier"
    )
    platform = IdField(required=False, help_text="side supplier: a platform you trade on")
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TranslationSourcesQuerySerializer(serializers.Serializer):
    company = IdField()


class TranslationQuoteSerializer(serializers.Serializer):
    words = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="empty: the words counted"
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TranslationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TranslationCommentsSerializer(serializers.Serializer):
    comments = serializers.CharField(max_length=5000, allow_blank=True)


class TranslationDeliverSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TranslationGrantSerializer(serializers.Serializer):
    email = serializers.EmailField()


class TranslationRateInputSerializer(serializers.Serializer):
    source_language = serializers.ChoiceField(choices=Language.choices)
    target_language = serializers.ChoiceField(choices=Language.choices)
    price_per_word = serializers.DecimalField(max_digits=10, decimal_places=4)
    currency = serializers.ChoiceField(choices=CURRENCIES)
    minimum_fee = serializers.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0.00"))


# --- Output --------------------------------------------------------------------------------------


class TranslationNamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TranslationDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    words = serializers.IntegerField(allow_null=True)
    count_note = serializers.CharField()
    download = serializers.CharField(allow_null=True, help_text="null: not yours to read")


class TranslationDeliveredFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    download = serializers.CharField()


class TranslationStepSerializer(serializers.Serializer):
    action = serializers.CharField()
    status_before = serializers.CharField()
    status_after = serializers.CharField()
    actor = TranslationNamedSerializer(allow_null=True)
    at = serializers.DateTimeField()
    words = serializers.IntegerField(allow_null=True)
    fee = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    comment = serializers.CharField()


class TranslationInvoiceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()


class TranslationOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    platform = TranslationNamedSerializer()
    company = TranslationNamedSerializer()
    side = serializers.CharField()
    tender = serializers.IntegerField(allow_null=True)
    source_language = serializers.CharField()
    target_language = serializers.CharField()
    instructions = serializers.CharField()
    status = serializers.CharField()
    translator = TranslationNamedSerializer(allow_null=True)
    counted_words = serializers.IntegerField(allow_null=True)
    quoted_words = serializers.IntegerField(allow_null=True)
    count_reason = serializers.CharField()
    price_per_word = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    minimum_fee = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    fee = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    round = serializers.IntegerField()
    invoice = TranslationInvoiceRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    documents = TranslationDocumentSerializer(many=True)
    files = TranslationDeliveredFileSerializer(many=True)
    steps = TranslationStepSerializer(many=True)


class TranslationOrderBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    platform = TranslationNamedSerializer()
    company = TranslationNamedSerializer()
    side = serializers.CharField()
    source_language = serializers.CharField()
    target_language = serializers.CharField()
    status = serializers.CharField()
    translator = TranslationNamedSerializer(allow_null=True)
    words = serializers.IntegerField(allow_null=True)
    fee = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()


class TranslationSourceSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="tender_document | certificate")
    id = serializers.IntegerField()
    title = serializers.CharField()
    tender = TranslationNamedSerializer(allow_null=True)


class TranslationSourcesSerializer(serializers.Serializer):
    sides = serializers.ListField(child=serializers.CharField())
    tender_documents = TranslationSourceSerializer(many=True)
    certificates = TranslationSourceSerializer(many=True)
    platforms = TranslationNamedSerializer(
        many=True, help_text="where a supplier's order may be placed"
    )


class TranslationTranslatorSerializer(serializers.Serializer):
    user = TranslationNamedSerializer()
    email = serializers.EmailField()
    granted_at = serializers.DateTimeField()
    granted_by = TranslationNamedSerializer(allow_null=True)


class TranslationRateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source_language = serializers.CharField()
    target_language = serializers.CharField()
    price_per_word = serializers.DecimalField(max_digits=10, decimal_places=4)
    currency = serializers.CharField()
    minimum_fee = serializers.DecimalField(max_digits=18, decimal_places=2)


# --- Building the output -------------------------------------------------------------------------


def person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "name": user.full_name or user.email}


def _brief(order: TranslationOrder) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "platform": {"id": order.platform_id, "name": order.platform.name},
        "company": {"id": order.company_id, "name": order.company.legal_name},
        "side": order.side,
        "source_language": order.source_language,
        "target_language": order.target_language,
        "status": order.status,
        "translator": person(order.translator),
        "words": order.words,
        "fee": order.fee,
        "currency": order.currency,
        "created_at": order.created_at,
    }


def order_brief(order: TranslationOrder) -> dict:
    return dict(TranslationOrderBriefSerializer(_brief(order)).data)


def order_data(*, user, order: TranslationOrder) -> dict:
    """The order as ``user`` may read it: the documents' files and the deliveries only for the
    ordering company and the order's translator; its invoice for the company and the
    platform's admins."""
    roles = selectors.roles_of(user=user, order=order)
    reads = roles.reads_documents
    documents = [
        {
            "id": d.pk,
            "title": d.title,
            "original_name": d.original_name,
            "content_type": d.content_type,
            "size": d.size,
            "words": d.words,
            "count_note": note_text(d.count_note) if d.count_note else "",
            "download": reverse("api:translation-order-document", args=[order.pk, d.pk])
            if reads
            else None,
        }
        for d in order.documents.all()
    ]
    delivered = [
        {
            "id": f.pk,
            "round": f.round,
            "original_name": f.original_name,
            "content_type": f.content_type,
            "size": f.size,
            "uploaded_at": f.uploaded_at,
            "download": reverse("api:translation-order-file", args=[order.pk, f.pk]),
        }
        for f in (order.files.all() if reads else [])
    ]
    steps = [
        {
            "action": s.action,
            "status_before": s.status_before,
            "status_after": s.status_after,
            "actor": person(s.actor),
            "at": s.at,
            "words": s.words,
            "fee": s.fee,
            "comment": s.comment,
        }
        for s in order.steps.select_related("actor").order_by("at", "pk")
    ]
    invoice = order.invoice if (roles.member or roles.admin) else None
    data = {
        **_brief(order),
        "tender": order.tender_id,
        "instructions": order.instructions,
        "counted_words": order.counted_words,
        "quoted_words": order.quoted_words,
        "count_reason": order.count_reason,
        "price_per_word": order.price_per_word,
        "minimum_fee": order.minimum_fee,
        "round": order.round,
        "invoice": None
        if invoice is None
        else {"id": invoice.pk, "number": invoice.number, "status": invoice.status},
        "documents": documents,
        "files": delivered,
        "steps": steps,
    }
    return dict(TranslationOrderSerializer(data).data)
