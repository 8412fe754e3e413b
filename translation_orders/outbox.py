"""Each step of a translation order: its row (``TranslationOrderStep``, who, when, from which
status to which, what was said) and its domain event ``translation_order.<action>``, written in
the transaction of the change (the outbox: the listeners hear of it after the commit)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from marketplace.events.services import event_emit, money

from .models import TranslationOrder, TranslationOrderStep


def step_record(
    *,
    order: TranslationOrder,
    action: str,
    before: str,
    actor,
    now: datetime,
    words: int | None = None,
    fee: Decimal | None = None,
    comment: str = "",
) -> TranslationOrderStep:
    step = TranslationOrderStep.objects.create(
        order=order,
        action=action,
        status_before=before,
        status_after=order.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        words=words,
        fee=fee,
        comment=comment,
    )
    event_emit(
        f"translation_order.{action}",
        company=order.company_id,
        platform=order.platform_id,
        actor=actor,
        now=now,
        payload={
            "order": order.pk,
            "platform": order.platform_id,
            "company": order.company_id,
            "side": order.side,
            "source_language": order.source_language,
            "target_language": order.target_language,
            "status": order.status,
            "translator": order.translator_id,
            "round": order.round,
            "words": order.quoted_words if order.quoted_words is not None else order.counted_words,
            "fee": money(order.fee) if order.fee is not None else None,
            "currency": order.currency,
            "invoice": order.invoice_id,
        },
    )
    return step
