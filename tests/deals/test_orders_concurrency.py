"""Races on PostgreSQL, each person in their own thread and connection: the supplier accepting
the contract while the buyer cancels the order, released at the same moment. One moves the
order, the other is told what it now is (409); the history holds one move, never both."""

from __future__ import annotations

import pytest

from deals.models import OrderHistory, OrderStatus
from tests.auctions.factories import World
from tests.crm.test_pipeline_concurrency import together
from tests.deals.factories import awarded_order, contract_sha, move

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_accept_and_cancel_at_once_one_wins_the_other_is_told():
    w = World()
    outcomes = set()
    for _round in range(4):
        order = awarded_order(w)
        assert move(w.officer, order, "send").status_code == 200
        sha = contract_sha(order)
        accept, cancel = together(
            [
                lambda o=order, sha=sha: move(w.supplier_bidder, o, "accept", contract_sha256=sha),
                lambda o=order: move(w.officer, o, "cancel", reason="Budget withdrawn"),
            ]
        )
        codes = sorted([accept.status_code, cancel.status_code])
        assert codes == [200, 409], (accept.content, cancel.content)
        loser = accept if accept.status_code == 409 else cancel
        assert loser.json()["error"]["code"] == "order_state_changed"
        order.refresh_from_db()
        winner = "accept" if accept.status_code == 200 else "cancel"
        outcomes.add(winner)
        assert order.status == (
            OrderStatus.ACCEPTED if winner == "accept" else OrderStatus.CANCELLED
        )
        moves = OrderHistory.objects.filter(order=order, action__in=["accept", "cancel"])
        assert list(moves.values_list("action", flat=True)) == [winner]
    print(f"winners seen: {sorted(outcomes)}")
