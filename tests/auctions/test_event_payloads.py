"""An event's payload is stored as its JSON round trip leaves it (``events.canonical_payload``):
the direct conversion of a flat payload must give exactly that, value for value and type for
type, or the hash chain would hash something other than what is stored."""

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from auctions.events import _default, canonical_payload
from auctions.models import BidKind

plain = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))])),
    st.datetimes(),
    st.sampled_from(list(BidKind)),
)
other = st.one_of(
    st.floats(allow_nan=False),
    st.lists(plain, max_size=3),
    st.dictionaries(st.text(max_size=3), plain, max_size=3),
    st.tuples(plain, plain),
)


def round_trip(payload: dict):
    return json.loads(json.dumps(payload, default=_default))


def typed(value):
    """A value with the types of everything in it (``==`` says True == 1 and "a" == BidKind)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value), value)


@given(st.dictionaries(st.text(max_size=8), plain, max_size=10))
def test_a_flat_payload_is_stored_as_its_json_round_trip(payload):
    assert typed(canonical_payload(payload)) == typed(round_trip(payload))


@given(
    st.dictionaries(st.text(max_size=8), plain, max_size=5),
    st.text(max_size=8),
    other,
)
def test_any_other_payload_is_stored_as_its_json_round_trip(payload, key, value):
    payload = {**payload, key: value}
    assert typed(canonical_payload(payload)) == typed(round_trip(payload))


def test_keys_that_are_not_text_become_text_as_in_json():
    payload = {1: Decimal("1.50"), "at": datetime(2026, 12, 6, tzinfo=UTC)}
    assert canonical_payload(payload) == {"1": "1.50", "at": "2026-12-06T00:00:00+00:00"}


def test_a_bids_payload_is_converted_directly():
    payload = {
        "bid": 7,
        "application": 3,
        "label": None,
        "amount": Decimal("99000.00"),
        "weighted": Decimal("99000.00000000"),
        "kind": BidKind.PROXY,
        "rank": 1,
        "round": 0,
    }
    stored = canonical_payload(payload)
    assert stored == round_trip(payload)
    assert type(stored["kind"]) is str and stored["kind"] == "proxy"
