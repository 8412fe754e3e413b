"""The one place auction row locks are taken, always in the same order: tender, then lots by pk,
then the one application or question being decided.

Every ``select_for_update`` of the auctions app is here, and so is the text of the one lock
taken in raw SQL (``lot_lock_statement``: the PostgreSQL bid path reads the locked lot in the
same round trip as the rest of a batch's reads)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError

from .models import Application, Lot, Question, Tender


def tender_lock(*, tender_id: int) -> Tender:
    """Lock and return the tender row (first in the lock order: tender, then its lots by pk)."""
    tender = (
        Tender.objects.select_for_update(of=("self",))
        .select_related("platform", "buyer", "category")
        .filter(pk=tender_id)
        .first()
    )
    if tender is None:
        raise NotFoundError(_("No such tender."), code="tender_not_found")
    return tender


def lot_lock(*, lot_id: int) -> Lot:
    """Lock and return the lot row (inside a transaction)."""
    lot = (
        Lot.objects.select_for_update(of=("self",))
        .select_related("tender")
        .filter(pk=lot_id)
        .first()
    )
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    return lot


def lot_lock_statement(*, columns: str, join: str = "") -> str:
    """The SQL of ``lot_lock`` for a raw read of several lots: ``columns`` of the lot (aliased
    ``l``) and of what ``join`` adds, for the lots whose ids are the one parameter (an array),
    their rows locked in the order of their ids (PostgreSQL sorts before it locks), as the lock
    order says."""
    table = connection.ops.quote_name(Lot._meta.db_table)
    return (
        f"SELECT {columns} FROM {table} l {join} "  # noqa: S608 (only names)
        "WHERE l.id = ANY(%s) ORDER BY l.id FOR UPDATE OF l"
    )


def lot_claim(*, lot_id: int, still_due: Q) -> Lot | None:
    """Lock the lot for a scheduler if it is still due (``still_due``) and nobody else holds its
    row (inside a transaction); None otherwise: the row is skipped, not waited for."""
    return (
        Lot.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(still_due, pk=lot_id)
        .first()
    )


def tender_lots_lock(*, tender_id: int) -> list[Lot]:
    return list(
        Lot.objects.select_for_update(of=("self",))
        .select_related("tender")
        .filter(tender_id=tender_id)
        .order_by("pk")
    )


def application_lock(*, application_id: int) -> Application:
    """Lock and return an application row (after its lot's)."""
    return Application.objects.select_for_update(of=("self",)).get(pk=application_id)


def question_lock(*, question_id: int) -> Question:
    """Lock and return a question row (after its tender's)."""
    return Question.objects.select_for_update(of=("self",)).get(pk=question_id)
