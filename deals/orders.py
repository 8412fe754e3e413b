"""Orders (services): made from a deal, then moved through their states by the side whose move
it is.

The moves (``MOVES``): the buyer sends the draft; the supplier accepts it (accepting the
contract: the file it saw, by its SHA-256) or declines it with a reason; the supplier starts
fulfilment and reports delivery; the buyer accepts the delivery and closes the order. Either
side may dispute an accepted order under way (with a reason) and resolve the dispute (back to where it
was); the buyer may cancel it (with a reason) until the supplier accepts it, and after that
only out of a dispute: an accepted contract binds both sides. On the buyer's side its
company admins and procurement officers move it, on the supplier's its company admins and
bidders; anyone else of either company reads it, and no one else learns it exists.

Each move locks the order's row, checks the state it finds, writes the history row and the
event in the same transaction: of two people pressing "accept" and "cancel" at once, one moves
the order and the other is told what it now is (409 ``order_state_changed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auctions.models import Deal
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)

from . import outbox
from .models import (
    BUYER_ROLES,
    SUPPLIER_ROLES,
    DocumentKind,
    Order,
    OrderCounter,
    OrderDocument,
    OrderHistory,
    OrderLine,
    OrderStatus,
    Side,
)
from .selectors import order_get
from .tasks import order_documents_generate

REASON_MAX = 2000

S = OrderStatus


@dataclass(frozen=True)
class Move:
    action: str
    label: object  # lazy text: the button
    sources: tuple[str, ...]
    target: str | None  # None: where the dispute started (resolve)
    sides: tuple[str, ...]
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    move.action: move
    for move in (
        Move("send", gettext_lazy("Send to the supplier"), (S.DRAFT,), S.SENT, (Side.BUYER,)),
        Move(
            "accept",
            gettext_lazy("Accept the order and its contract"),
            (S.SENT,),
            S.ACCEPTED,
            (Side.SUPPLIER,),
        ),
        Move("decline", gettext_lazy("Decline"), (S.SENT,), S.CANCELLED, (Side.SUPPLIER,), True),
        Move(
            "start",
            gettext_lazy("Start fulfilment"),
            (S.ACCEPTED,),
            S.IN_FULFILMENT,
            (Side.SUPPLIER,),
        ),
        Move(
            "deliver",
            gettext_lazy("Report delivery"),
            (S.IN_FULFILMENT,),
            S.DELIVERED,
            (Side.SUPPLIER,),
        ),
        Move(
            "receive",
            gettext_lazy("Accept the delivery"),
            (S.DELIVERED,),
            S.RECEIVED,
            (Side.BUYER,),
        ),
        Move("close", gettext_lazy("Close the order"), (S.RECEIVED,), S.CLOSED, (Side.BUYER,)),
        Move(
            "dispute",
            gettext_lazy("Open a dispute"),
            (S.ACCEPTED, S.IN_FULFILMENT, S.DELIVERED, S.RECEIVED),
            S.DISPUTED,
            (Side.BUYER, Side.SUPPLIER),
            True,
        ),
        Move(
            "resolve",
            gettext_lazy("Resolve the dispute"),
            (S.DISPUTED,),
            None,
            (Side.BUYER, Side.SUPPLIER),
        ),
        Move(
            "cancel",
            gettext_lazy("Cancel the order"),
            (S.DRAFT, S.SENT, S.DISPUTED),
            S.CANCELLED,
            (Side.BUYER,),
            True,
        ),
    )
}


# --- Making an order ---------------------------------------------------------------------------


def _language_of(deal: Deal) -> str:
    language = getattr(deal.award.awarded_by, "language", "") or settings.LANGUAGE_CODE
    return language if language in {"ru", "uk", "en"} else "uk"


def _next_sequence(*, buyer_id: int, year: int) -> int:
    """The buyer's next order number in ``year``, under the counter row's lock."""
    for _attempt in range(2):
        counter = OrderCounter.objects.select_for_update().filter(buyer_id=buyer_id, year=year)
        row = counter.first()
        if row is None:
            try:
                with transaction.atomic():  # two first orders of a year at once: one creates
                    row = OrderCounter.objects.create(buyer_id=buyer_id, year=year, last=0)
            except IntegrityError:
                continue
            row = OrderCounter.objects.select_for_update().get(pk=row.pk)
        row.last += 1
        row.save(update_fields=["last"])
        return row.last
    raise ConflictError(_("Please try again."), code="busy")  # pragma: no cover


def order_from_deal(*, deal_id: int) -> Order | None:
    """The deal's order, made once: a draft with one line from the lot, numbered per buyer
    and year. Called by the listener of ``deal.created``; again for the same deal, it returns
    the order already made. Its contract and specification are generated after the commit."""
    with transaction.atomic():
        deal = (
            Deal.objects.select_for_update(of=("self",))
            .select_related("lot__tender", "award__awarded_by")
            .filter(pk=deal_id)
            .first()
        )
        if deal is None:
            return None
        existing = Order.objects.filter(deal=deal).first()
        if existing is not None:
            return existing
        lot = deal.lot
        year = timezone.now().year
        sequence = _next_sequence(buyer_id=deal.buyer_id, year=year)
        order = Order.objects.create(
            deal=deal,
            buyer_id=deal.buyer_id,
            supplier_id=deal.supplier_id,
            number=f"PO-{year}-{sequence:05d}",
            year=year,
            sequence=sequence,
            total=deal.price,
            currency=deal.currency,
            title=f"{lot.tender.title} — {lot.title}"[:300],
            language=_language_of(deal),
        )
        unit_price = (deal.price / deal.quantity).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        OrderLine.objects.create(
            order=order,
            position=1,
            item=lot.title,
            description=lot.description,
            quantity=deal.quantity,
            unit=deal.unit,
            unit_price=unit_price,
            amount=deal.price,
            currency=deal.currency,
            incoterms=lot.incoterms,
            delivery_place=lot.delivery_place,
            delivery_date=lot.delivery_date,
        )
        OrderHistory.objects.create(
            order=order, action="created", status_after=order.status, at=timezone.now()
        )
        outbox.order_created(order=order)
        order_pk = order.pk
        transaction.on_commit(
            lambda: _documents_later(
                order_pk, [DocumentKind.CONTRACT, DocumentKind.SPECIFICATION], None
            )
        )
    return order


def _documents_later(order_id: int, kinds: Sequence[str], user_id: int | None) -> None:
    order_documents_generate.delay(order_id, [str(k) for k in kinds], user_id)


# --- Moving it ---------------------------------------------------------------------------------


def sides_of(*, user, order: Order) -> set[str]:
    """The sides ``user`` may move ``order`` for (none: a reader at most)."""
    sides = set()
    if user_has_company_role(user=user, company=order.buyer_id, roles=BUYER_ROLES):
        sides.add(Side.BUYER.value)
    if user_has_company_role(user=user, company=order.supplier_id, roles=SUPPLIER_ROLES):
        sides.add(Side.SUPPLIER.value)
    return sides


def moves_for(*, user, order: Order) -> list[Move]:
    """The moves ``user`` may make on ``order`` as it stands (the page's buttons)."""
    sides = sides_of(user=user, order=order)
    return [
        move
        for move in MOVES.values()
        if order.status in move.sources and sides.intersection(move.sides)
    ]


def _side_only(sides) -> str:
    if tuple(sides) == (Side.BUYER,):
        return _("Only the buyer's staff may do this.")
    if tuple(sides) == (Side.SUPPLIER,):
        return _("Only the supplier's staff may do this.")
    return _("Only the buyer's or the supplier's staff may do this.")


def _reason(move: Move, reason: str) -> str:
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        message = _("Please give a reason.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    if len(reason) > REASON_MAX:
        message = _("At most %(n)d characters.") % {"n": REASON_MAX}
        raise ApplicationError(message, code="reason_too_long", fields={"reason": [message]})
    return reason


def _latest_contract(order: Order) -> OrderDocument | None:
    return (
        OrderDocument.objects.filter(order=order, kind=DocumentKind.CONTRACT)
        .order_by("-version")
        .first()
    )


def _contract_check(order: Order, contract_sha256: str | None) -> OrderDocument:
    """The order's current contract, which ``contract_sha256`` must name (None: any, as long as
    there is one)."""
    contract = _latest_contract(order)
    if contract is None:
        raise ConflictError(
            _("The contract is still being prepared; try again in a moment."),
            code="contract_not_ready",
        )
    if contract_sha256 is not None and contract_sha256.strip().lower() != contract.sha256:
        message = _(
            "The contract has changed since you opened it (or none was named): read the "
            "current one and accept it again."
        )
        raise ConflictError(message, code="contract_changed", fields={"contract_sha256": [message]})
    return contract


def order_move(
    *, user, order_id: int, action: str, reason: str = "", contract_sha256: str = ""
) -> Order:
    """Make ``action`` (a key of ``MOVES``) on the order, for the side ``user`` acts for."""
    order_get(user=user, order_id=order_id)  # 404 to anyone who may not read it, first
    move = MOVES.get(action)
    if move is None:
        message = _("Unknown action.")
        raise ApplicationError(message, code="unknown_action", fields={"action": [message]})
    reason = _reason(move, reason)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        sides = sides_of(user=user, order=order)
        side = next((s for s in move.sides if s in sides), None)
        if side is None:
            raise PermissionDeniedError(_side_only(move.sides), code="wrong_side")
        if order.status not in move.sources:
            raise ConflictError(
                _("This order is now “%(status)s”: it cannot be moved this way.")
                % {"status": order.get_status_display()},
                code="order_state_changed",
            )
        now = timezone.now()
        fields: list[str] = []
        history = {}
        if action == "send":
            _contract_check(order, None)  # the contract must be rendered before it is sent
        if action == "accept":
            contract = _contract_check(order, contract_sha256)
            order.contract_accepted_sha256 = contract.sha256
            order.contract_accepted_by = user
            order.contract_accepted_at = now
            fields += ["contract_accepted_sha256", "contract_accepted_by", "contract_accepted_at"]
            history = {"document": contract, "sha256": contract.sha256}
        _apply(order, move, side=side, actor=user, reason=reason, now=now, fields=fields, **history)
    return order


def _apply(order: Order, move: Move, *, side: str, actor, reason: str, now, fields, **history):
    """Move the locked ``order`` by ``move``: its status, a history row, the event, and the
    documents the move makes (after the commit)."""
    before = order.status
    if move.target is None:  # resolve: back to where the dispute started
        order.status = order.disputed_from or S.SENT
        order.disputed_from = ""
    else:
        order.status = move.target
        order.disputed_from = before if move.target == S.DISPUTED else ""
    order.save(update_fields=["status", "disputed_from", "updated_at", *fields])
    OrderHistory.objects.create(
        order=order,
        action=move.action,
        status_before=before,
        status_after=order.status,
        side=side,
        actor=actor,
        reason=reason,
        at=now,
        **history,
    )
    outbox.order_status_changed(
        order=order, action=move.action, before=before, side=side, reason=reason, actor=actor
    )
    follow = {"accept": [DocumentKind.INVOICE], "deliver": [DocumentKind.DELIVERY_NOTE]}
    if move.action in follow:
        kinds: list[str] = list(follow[move.action])
        order_id, user_pk = order.pk, getattr(actor, "pk", None)
        transaction.on_commit(lambda: _documents_later(order_id, kinds, user_pk))


def order_move_system(
    *, order_id: int, action: str, side: str, actor=None, reason: str = ""
) -> Order | None:
    """Make ``action`` on the order for ``side`` when something else than a person's button
    says so (the shipments' events: every line delivered, every delivery accepted, a claim).
    No one's role is checked: the caller's event is the reason. Nothing happens (None) when
    the order is not in one of the move's sources (already moved, or moved elsewhere): a
    listener delivered twice moves it once. ``actor`` is the person whose act led here, if any
    (None: the platform). The move's ``reason``, when it needs one, is cut to its limit."""
    move = MOVES[action]
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.status not in move.sources or side not in move.sides:
            return None
        reason = (reason or "").strip()[:REASON_MAX]
        if move.needs_reason and not reason:
            reason = "—"
        _apply(order, move, side=side, actor=actor, reason=reason, now=timezone.now(), fields=[])
    return order


# --- Documents asked for again ------------------------------------------------------------

# Who may have a kind generated again by hand, and while the order is in which states.
REGENERATE = {
    DocumentKind.CONTRACT: (Side.BUYER, (OrderStatus.DRAFT,)),
    DocumentKind.SPECIFICATION: (Side.BUYER, (OrderStatus.DRAFT,)),
    DocumentKind.INVOICE: (
        Side.SUPPLIER,
        (OrderStatus.ACCEPTED, OrderStatus.IN_FULFILMENT, OrderStatus.DELIVERED),
    ),
    DocumentKind.DELIVERY_NOTE: (Side.SUPPLIER, (OrderStatus.DELIVERED,)),
}


def document_regenerate(*, user, order_id: int, kind: str) -> None:
    """Ask for a new version of ``kind`` (after the parties' details changed, say): the buyer
    for the contract and specification of a draft, the supplier for its invoice and delivery
    note. Rendered after the commit; returns at once."""
    order = order_get(user=user, order_id=order_id)
    try:
        side, states = REGENERATE[DocumentKind(kind)]
    except ValueError:
        raise NotFoundError(_("No such kind of document."), code="unknown_kind") from None
    if side not in sides_of(user=user, order=order):
        raise PermissionDeniedError(_side_only((side,)), code="wrong_side")
    if order.status not in states:
        raise ConflictError(
            _("This document cannot be made again while the order is “%(status)s”.")
            % {"status": order.get_status_display()},
            code="order_state_changed",
        )
    order_documents_generate.delay(order.pk, [kind], user.pk, False)
