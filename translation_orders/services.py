"""Writes of translation orders: placing one (``placing.order_place``, re-exported here), and
each step of its flow.

    ordered ──take──▶ ordered (taken) ──quote──▶ quoted ──accept──▶ in_progress ──deliver──▶
    delivered ──accept──▶ done (invoiced)
    ordered ──cancel──▶ cancelled;  quoted ──decline──▶ declined;
    quoted ──quote again──▶ quoted;  delivered ──send back (comments)──▶ in_progress (next round)

Each function is one transaction under the order's row lock, checks who acts
(``selectors.roles_of``: 404 to whoever may not see the order, 403 to whoever sees it without
the role) and the status (409 with a stable code), writes the step and its event
(``outbox.step_record``).

* The orderer: a buyer's procurement officers and company admins for its tender's documents; a
  supplier's company admins and bidders for its certificates' scans.
* The translator: a translator of the order's platform takes the order from the queue; only it
  quotes and delivers.
* The quote: the words (the count of the documents, ``wordcount``; the translator may set
  another count, saying why, and must when a document had no text to count) times the
  platform's price per word for the language pair, at least its minimum fee, rounded half up
  to what the currency allows. The rate is read when quoting and kept on the order.
* The fee is invoiced to the ordering company when it accepts the delivery (the order is done),
  through ``deals.payments.service_fees`` (an invoice of kind ``translation`` on its ledger):
  the company pays for a translation it accepted; nothing is billed for an order declined,
  cancelled or never delivered.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.payments.money import stripe_quantum
from deals.payments.service_fees import service_fee_invoice_issue
from marketplace.core.exceptions import ConflictError, PermissionDeniedError

from . import files, outbox, selectors
from .models import (
    OrderStatus,
    StepAction,
    TranslationDeliveredFile,
    TranslationOrder,
)
from .placing import clean_text, invalid
from .placing import order_place as order_place  # the app's writes are all here

MAX_WORDS = 10_000_000


def fee_for(*, words: int, price_per_word: Decimal, minimum_fee: Decimal, currency: str) -> Decimal:
    """The fee of ``words`` at the rate: price times words, at least the minimum, rounded half
    up to the currency's step."""
    amount = max(Decimal(words) * price_per_word, minimum_fee)
    step = stripe_quantum(currency)
    return ((amount / step).to_integral_value(ROUND_HALF_UP) * step).quantize(step)


# --- The flow ------------------------------------------------------------------------------------


def _locked(*, actor, order_id: int) -> tuple[TranslationOrder, selectors.Roles]:
    """The order under its row lock, if ``actor`` may see it (else 404), with its roles."""
    selectors.order_get(user=actor, order_id=order_id)
    order = TranslationOrder.objects.select_for_update().get(pk=order_id)
    return order, selectors.roles_of(user=actor, order=order)


def _require(allowed: bool, message: str, code: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message, code=code)


def _require_orderer(roles: selectors.Roles) -> None:
    _require(
        roles.orderer,
        _("Only the people who order translations for the company decide on its orders."),
        "not_orderer",
    )


def _require_translator(roles: selectors.Roles) -> None:
    _require(roles.translator, _("Only the order's translator may do this."), "not_translator")


def _require_status(order: TranslationOrder, *allowed: str) -> None:
    if order.status not in allowed:
        raise ConflictError(
            _("The order is “%(status)s”: this step is not possible now.")
            % {"status": order.get_status_display()},
            code="wrong_status",
        )


def _move(order: TranslationOrder, *, action: str, status: str, actor, now, **step) -> None:
    before = order.status
    order.status = status
    order.save()
    outbox.step_record(order=order, action=action, before=before, actor=actor, now=now, **step)


def order_take(*, actor, order_id: int, now: datetime | None = None) -> TranslationOrder:
    """A translator of the platform takes an order waiting in the queue: it is its own now."""
    now = now or timezone.now()
    with transaction.atomic():
        order, _roles = _locked(actor=actor, order_id=order_id)
        _require(
            selectors.user_is_translator(user=actor, platform_id=order.platform_id),
            _("Only the platform's translators take orders from its queue."),
            "not_translator",
        )
        if order.translator_id is not None or order.status != OrderStatus.ORDERED:
            raise ConflictError(_("The order is taken already."), code="already_taken")
        order.translator = actor
        _move(order, action=StepAction.TAKEN, status=OrderStatus.ORDERED, actor=actor, now=now)
    return order


def order_quote(
    *, actor, order_id: int, words: int | None = None, reason: str = "", now: datetime | None = None
) -> TranslationOrder:
    """The translator quotes the order (again, while the orderer has not decided): ``words``
    (empty: the count), a ``reason`` when it differs from the count."""
    now = now or timezone.now()
    reason = clean_text(reason, field="reason")
    with transaction.atomic():
        order, roles = _locked(actor=actor, order_id=order_id)
        _require_translator(roles)
        _require_status(order, OrderStatus.ORDERED, OrderStatus.QUOTED)
        if words is None:
            if not order.counted_words:
                raise invalid(
                    "words",
                    _("A document had no text to count: give the number of words."),
                    "words_required",
                )
            words = order.counted_words
        if isinstance(words, bool) or not 1 <= int(words) <= MAX_WORDS:
            raise invalid("words", _("A number of words from 1 to %(n)s.") % {"n": MAX_WORDS})
        words = int(words)
        if words != order.counted_words and not reason:
            raise invalid(
                "reason",
                _("Say why the count differs from the %(n)s words counted in the documents.")
                % {"n": order.counted_words or 0},
                "reason_required",
            )
        rate = selectors.rate_for(
            platform_id=order.platform_id,
            source=order.source_language,
            target=order.target_language,
        )
        if rate is None:
            raise ConflictError(
                _("The platform has no rate for this language pair: its admins set one."),
                code="no_rate",
            )
        order.quoted_words = words
        order.count_reason = reason if words != order.counted_words else ""
        order.price_per_word = rate.price_per_word
        order.minimum_fee = rate.minimum_fee
        order.currency = rate.currency
        order.fee = fee_for(
            words=words,
            price_per_word=rate.price_per_word,
            minimum_fee=rate.minimum_fee,
            currency=rate.currency,
        )
        order.quoted_at = now
        _move(
            order,
            action=StepAction.QUOTED,
            status=OrderStatus.QUOTED,
            actor=actor,
            now=now,
            words=words,
            fee=order.fee,
            comment=order.count_reason,
        )
    return order


def order_quote_accept(*, actor, order_id: int, now: datetime | None = None) -> TranslationOrder:
    now = now or timezone.now()
    with transaction.atomic():
        order, roles = _locked(actor=actor, order_id=order_id)
        _require_orderer(roles)
        _require_status(order, OrderStatus.QUOTED)
        order.accepted_at = now
        order.round = 1
        _move(
            order,
            action=StepAction.QUOTE_ACCEPTED,
            status=OrderStatus.IN_PROGRESS,
            actor=actor,
            now=now,
            words=order.quoted_words,
            fee=order.fee,
        )
    return order


def _orderer_ends(
    *, actor, order_id: int, reason: str, now, from_status: str, action: str, status: str
) -> TranslationOrder:
    """The orderer ends the order in ``from_status`` with ``reason``: one step, locked."""
    now = now or timezone.now()
    reason = clean_text(reason, field="reason")
    with transaction.atomic():
        order, roles = _locked(actor=actor, order_id=order_id)
        _require_orderer(roles)
        _require_status(order, from_status)
        _move(order, action=action, status=status, actor=actor, now=now, comment=reason)
    return order


def order_quote_decline(
    *, actor, order_id: int, reason: str = "", now: datetime | None = None
) -> TranslationOrder:
    """The orderer declines the quote; the order ends."""
    return _orderer_ends(
        actor=actor,
        order_id=order_id,
        reason=reason,
        now=now,
        from_status=OrderStatus.QUOTED,
        action=StepAction.QUOTE_DECLINED,
        status=OrderStatus.DECLINED,
    )


def order_cancel(
    *, actor, order_id: int, reason: str = "", now: datetime | None = None
) -> TranslationOrder:
    """The orderer withdraws an order not yet quoted."""
    return _orderer_ends(
        actor=actor,
        order_id=order_id,
        reason=reason,
        now=now,
        from_status=OrderStatus.ORDERED,
        action=StepAction.CANCELLED,
        status=OrderStatus.CANCELLED,
    )


def order_deliver(
    *,
    actor,
    order_id: int,
    uploads: list[UploadedFile],
    note: str = "",
    now: datetime | None = None,
) -> TranslationOrder:
    """The translator delivers the translated files of the current round."""
    now = now or timezone.now()
    note = clean_text(note, field="note")
    with transaction.atomic():  # who and when, before any file is read
        order, roles = _locked(actor=actor, order_id=order_id)
        _require_translator(roles)
        _require_status(order, OrderStatus.IN_PROGRESS)
    if not uploads:
        raise invalid("files", _("Attach the translated files."), "files_required")
    if len(uploads) > files.MAX_FILES:
        raise invalid(
            "files",
            _("At most %(n)s files per delivery.") % {"n": files.MAX_FILES},
            "too_many_files",
        )
    checked = [files.delivery_check(upload) for upload in uploads]
    folder = f"translation-orders/{order.company_id}/{order.pk}/delivered"
    stored = [
        files.store(folder=folder, original_name=name, content_type=content_type, content=content)
        for name, content_type, content in checked
    ]
    try:
        with transaction.atomic():
            order, roles = _locked(actor=actor, order_id=order_id)
            _require_translator(roles)
            _require_status(order, OrderStatus.IN_PROGRESS)
            for item in stored:
                TranslationDeliveredFile.objects.create(
                    order=order,
                    round=order.round,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                    storage_name=item.storage_name,
                    uploaded_by=actor,
                )
            order.delivered_at = now
            _move(
                order,
                action=StepAction.DELIVERED,
                status=OrderStatus.DELIVERED,
                actor=actor,
                now=now,
                comment=note,
            )
    except BaseException:
        files.delete_quietly([item.storage_name for item in stored])
        raise
    return order


def order_send_back(
    *, actor, order_id: int, comments: str, now: datetime | None = None
) -> TranslationOrder:
    """The orderer sends the delivery back: what to change (required); the next round starts."""
    now = now or timezone.now()
    comments = clean_text(
        comments,
        field="comments",
        required=True,
        message=_("Say what the translator should change."),
    )
    with transaction.atomic():
        order, roles = _locked(actor=actor, order_id=order_id)
        _require_orderer(roles)
        _require_status(order, OrderStatus.DELIVERED)
        order.round += 1
        _move(
            order,
            action=StepAction.SENT_BACK,
            status=OrderStatus.IN_PROGRESS,
            actor=actor,
            now=now,
            comment=comments,
        )
    return order


def order_delivery_accept(*, actor, order_id: int, now: datetime | None = None) -> TranslationOrder:
    """The orderer accepts the delivery: the order is done and its fee invoiced to the company
    (once: the invoice is made under the order's lock and kept on it)."""
    now = now or timezone.now()
    with transaction.atomic():
        order, roles = _locked(actor=actor, order_id=order_id)
        _require_orderer(roles)
        _require_status(order, OrderStatus.DELIVERED)
        if order.invoice_id is None and order.fee and order.fee > 0:
            order.invoice = service_fee_invoice_issue(
                company_id=order.company_id,
                platform_id=order.platform_id,
                kind="translation",
                amount=order.fee,
                currency=order.currency,
                reference=f"TR-{order.pk}",
            )
        order.done_at = now
        _move(
            order,
            action=StepAction.COMPLETED,
            status=OrderStatus.DONE,
            actor=actor,
            now=now,
            words=order.quoted_words,
            fee=order.fee,
        )
    return order
