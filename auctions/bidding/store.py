"""How the bid path reads and writes a lot's batch of bids, through one of two stores with one
interface: the ORM on any database (``OrmStore``: each row written as it is made), or
PostgreSQL's (``pg_store``: the reads in one round trip, the writes in one statement sent with
the COMMIT). ``bid_store`` is the one place the bid path asks which database it runs on."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.db import connection

from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import ApplicationError
from marketplace.users.models import User

from ..lock_objects import lot_lock
from ..models import Bid, Lot
from ..participation import admitted
from ..selectors import company_role_holders
from .batch import BatchReads, ImmediateWrites
from .pg_store import PostgresStore


class OrmStore:
    def read(self, *, lot_id: int, items: list, roles) -> BatchReads:
        """What a batch reads under the lock, through the ORM."""
        lot = lot_lock(lot_id=lot_id)
        wanted = sorted({(i.application_id, i.client_bid_id) for i in items if i.client_bid_id})
        earlier = self.earlier(lot=lot, pairs=wanted) if len(items) == 1 else {}
        applications = admitted(lot)
        by_id = {a.pk: a for a in applications}
        members = _bidder_memberships(
            [
                (i.user, by_id[i.application_id].supplier_id)
                for i in items
                if i.check_member and i.application_id in by_id
            ],
            roles,
        )
        return BatchReads(lot, earlier, applications, members, [])

    def read_lots(
        self, *, batches: list[tuple[int, list]], roles
    ) -> list[BatchReads | ApplicationError]:
        """``read`` for each lot in turn (the order given is the order of their locks)."""
        out: list[BatchReads | ApplicationError] = []
        for lot_id, items in batches:
            try:
                out.append(self.read(lot_id=lot_id, items=items, roles=roles))
            except ApplicationError as exc:  # no such lot
                out.append(exc)
        return out

    def earlier(self, *, lot: Lot, pairs: list[tuple[int, str]]) -> dict:
        """The lot's bids made with these (application id, client bid id) pairs (a resend)."""
        if not pairs:
            return {}
        wanted = set(pairs)
        query = Bid.objects.filter(lot=lot, client_bid_id__in={c for _a, c in pairs})
        return {
            (b.application_id, b.client_bid_id): b
            for b in query
            if (b.application_id, b.client_bid_id) in wanted
        }

    def writes(self, *, expected: int, ids: list[int]) -> ImmediateWrites:
        return ImmediateWrites()

    def flush_lots(self, held: list[tuple[ImmediateWrites, Lot]], *, lot_fields) -> None:
        """Each lot's row (its bids, events and standings were written as they were made)."""
        for writes, lot in held:
            writes.flush(lot=lot, lot_fields=lot_fields)

    def before_write(self, stack: contextlib.ExitStack | None) -> Callable[[], None]:
        return lambda: None


def _bidder_memberships(pairs: list[tuple[User, int]], roles) -> set[tuple[int, int]]:
    """Which (user id, company id) of ``pairs`` hold a bidding role, in one query."""
    if not pairs:
        return set()
    if len(pairs) == 1:
        user, company = pairs[0]
        ok = user_has_company_role(user=user, company=company, roles=roles)
        return {(user.pk, company)} if ok else set()
    return company_role_holders(
        user_ids={u.pk for u, _c in pairs}, company_ids={c for _u, c in pairs}, roles=roles
    )


ORM = OrmStore()
POSTGRES = PostgresStore()


def bid_store() -> OrmStore | PostgresStore:
    """The store for the database the bid path runs on."""
    return POSTGRES if connection.vendor == "postgresql" else ORM
