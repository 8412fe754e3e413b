"""The websocket's standing frames are made per change with the ladder's text shared between
sockets (``consumers.standing_text``): the text must be exactly the JSON of ``render``'s view,
for every kind of viewer and every visibility, as the REST API and the snapshot show it."""

import itertools
from decimal import Decimal

import pytest

from auctions.bidding.place import bid_place
from auctions.realtime.consumers import _json, standing_text
from auctions.selectors import lot_snapshot
from auctions.standing import Viewer, render

from .engine_setup import Auction

pytestmark = pytest.mark.django_db

FRAME = {"type": "standing", "seq": 9, "prev": 7, "kinds": ["bid"], "server_time": "now"}


def variants(snapshot):
    """The snapshot as each visibility, finished or not, names revealed or not, sealed."""
    for visibility, status, reveal in itertools.product(
        ("rank_only", "rank_and_best", "ladder"), ("live", "closed"), (False, True)
    ):
        yield {**snapshot, "visibility": visibility, "status": status, "reveal_identities": reveal}
    yield {**snapshot, "format": "sealed"}


def test_standing_text_is_the_json_of_render_for_every_viewer():
    a = Auction(
        suppliers=4, start_price="100000.00", step_value=Decimal("1000"), visibility="ladder"
    ).start()
    for i, amount in ((0, "99000"), (2, "98000"), (1, "97000")):  # supplier 4 has not bid
        bid_place(lot_id=a.lot.pk, user=a.bidders[i], amount=amount)
    a.lot.refresh_from_db()
    viewers = [Viewer(role="buyer"), Viewer(role="admin"), Viewer(role="observer")] + [
        Viewer(role="supplier", application_id=app.pk) for app in a.applications
    ]
    checked = 0
    for snapshot in variants(lot_snapshot(lot=a.lot)):
        assert len(snapshot["entries"]) == 3
        cache: dict = {}  # one per change, shared by every socket, as the hub keeps it
        for viewer in viewers:
            expected = _json({**FRAME, "view": render(snapshot, viewer)})
            assert standing_text(FRAME, snapshot, viewer, cache) == expected
            assert standing_text(FRAME, snapshot, viewer, {}) == expected
            checked += "ladder" in expected
    assert checked > 0  # the ladder's shared path was taken
