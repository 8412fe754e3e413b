"""What each viewer of a lot may see: one pure function over one snapshot.

``lot_snapshot`` (in selectors) reads the lot's standing from the database once; ``render`` turns
it into the view of one viewer. The REST API, the websocket snapshot and every websocket update
use this same function, so the rules of visibility live in exactly one place:

* the buyer (its members) and platform admins see everything, supplier names included;
* a supplier always sees its own bids' standing (rank, amount) and, by the lot's visibility mode,
  ``rank_only``: nothing more; ``rank_and_best``: the best price; ``ladder``: every bidder's
  current price under a stable anonymous label ("Bidder #N");
* an observer (anyone, when the tender lets the public watch its auctions live) sees what every
  bidder of the lot sees, by the same visibility mode, with nothing of its own;
* supplier names reach suppliers only in the final results of a closed lot whose tender says so;
* the reserve price and the suppliers' ids never reach a supplier.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from . import rules

FINISHED = {"closed", "awarded", "failed"}


@dataclass(frozen=True)
class Viewer:
    role: str  # "buyer", "admin", "supplier" or "observer" (the public, watching live)
    application_id: int | None = None


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(rules.CENT))


def _max_bid(snapshot: dict, mine: dict | None) -> str | None:
    """The highest amount the viewer may bid now (for quick-bid buttons); None if it may not.
    By ``rules.bid_limit``, the function the engine checks bids with."""
    if snapshot["status"] != "live" or snapshot["format"] != "english" or mine is None:
        return None
    entries = snapshot["entries"]
    return _max_bid_of(
        snapshot["start_price"],
        snapshot["step_kind"],
        snapshot["step_value"],
        tuple(tuple(sorted(band.items())) for band in snapshot["step_bands"] or ()),
        snapshot["step_reference"] == "own",
        entries[0]["weighted"] if entries else None,
        mine.get("amount"),
        mine["coefficient"],
        mine.get("delivery") or "0",
    )


@lru_cache(maxsize=4096)
def _max_bid_of(
    start_price: str,
    step_kind: str,
    step_value: str,
    bands: tuple,
    own_reference: bool,
    best_weighted: str | None,
    own_amount: str | None,
    coefficient: str,
    delivery: str,
) -> str | None:
    """``_max_bid``'s arithmetic over the snapshot's text values, kept for the next viewer: a
    change goes to every socket of the lot, and every supplier that has not bid (or shares a
    coefficient and an amount) has the same limit; a crowd's render spent a quarter of its time
    in this ``Fraction`` work once per viewer."""
    start = Decimal(start_price)
    rule = rules.StepRule(
        kind=step_kind,
        value=Decimal(step_value),
        start_price=start,
        bands=[dict(band) for band in bands],
        own_reference=own_reference,
    )
    limit, _reference, _step = rules.bid_limit(
        rule,
        own_amount=None if own_amount is None else Decimal(own_amount),
        best_weighted=None if best_weighted is None else Fraction(best_weighted),
        coeff=Fraction(coefficient),
        delivery=Decimal(delivery),
    )
    return _money(min(start, limit))


def _turn_max_bid(snapshot: dict, viewer: Viewer) -> str | None:
    """The rounds format: in the viewer's own turn, the highest bid it may make (its price as
    the turn began, less a step); None out of it."""
    if snapshot["status"] != "live" or snapshot["turn_application"] != viewer.application_id:
        return None
    return snapshot.get("turn_max_bid")


def ladder_entries(entries: list[dict], *, names: bool, me: int | None) -> list[dict]:
    """The ladder as a viewer sees it: for a supplier (``me``: its application id) each entry
    says whether it is its own; for the buyer's side (``me`` None) there is no such flag."""
    if me is None:
        return [_public_entry(e, names=names) for e in entries]
    return [{**_public_entry(e, names=names), "me": e["application"] == me} for e in entries]


def render(snapshot: dict, viewer: Viewer, *, ladder=ladder_entries) -> dict:
    """The view of ``snapshot`` that ``viewer`` may see. Pure: no database, no clock.

    ``ladder`` makes the ladder's value where the view has one, with ``ladder_entries``'s
    arguments; the websocket passes one that shares the ladder's text between its sockets."""
    entries = snapshot["entries"]
    finished = snapshot["status"] in FINISHED
    view = {
        key: snapshot[key]
        for key in (
            "lot",
            "seq",
            "status",
            "format",
            "visibility",
            "currency",
            "start_price",
            "step",
            "starts_at",
            "ends_at",
            "extensions",
            "participants",
            "bid_count",
            "round",
            "turn",
            "pause_reason",
            "weighted",
            "landed_cost",
        )
    }
    sealed = snapshot["format"] == "sealed" and not finished
    if snapshot["format"] == "rounds":
        view["turn_label"] = snapshot["turn_label"]
    clock = snapshot.get("clock")
    if clock is not None:
        view["clock"] = {
            "level": clock["level"],
            "price": clock["price"],
            "next_price": clock["next_price"],
        }
        # How many are still in (Japanese): a number, never who; not under rank_only.
        if clock["still_in"] is not None and (
            viewer.role in ("buyer", "admin") or snapshot["visibility"] != "rank_only"
        ):
            view["clock"]["in"] = len(clock["still_in"])
    if viewer.role in ("buyer", "admin"):
        view["reserve_price"] = snapshot["reserve_price"]
        if sealed:  # offers stay sealed from everyone, the buyer included, until the opening
            view["offers"] = len(entries)
            return view
        view["best"] = _public_entry(entries[0], names=True) if entries else None
        view["ladder"] = ladder(entries, names=True, me=None)
        return view
    if viewer.role == "observer":
        return _seen_by_bidders(view, snapshot, sealed=sealed, ladder=ladder, me=None)

    mine = next((e for e in entries if e["application"] == viewer.application_id), None)
    own = snapshot["own"].get(str(viewer.application_id), {})
    view["me"] = {
        "label": own.get("label"),
        "rank": mine["rank"] if mine and not sealed else None,
        "amount": mine["amount"] if mine else None,
        # A lot ranked by landed cost: the viewer's own delivery cost and its landed cost.
        "delivery": own.get("delivery") if snapshot["landed_cost"] else None,
        "landed": mine["weighted_display"] if mine and snapshot["landed_cost"] else None,
        "leading": bool(mine and mine["rank"] == 1 and not sealed),
        # After the award: whether it went to the viewer (true) or not (false); None before.
        # Only the viewer's own outcome: never whom it went to.
        "won": None
        if snapshot["status"] != "awarded"
        else snapshot.get("awarded_application") == viewer.application_id,
        "max_bid": _turn_max_bid(snapshot, viewer)
        if snapshot["format"] == "rounds"
        else _max_bid(snapshot, {**own, **(mine or {})} if own else None),
        "my_turn": snapshot["turn_application"] == viewer.application_id
        if snapshot["format"] == "rounds"
        else None,
        # Japanese: whether the viewer is still in, and has confirmed the level's price.
        "still_in": str(viewer.application_id) in clock["still_in"]
        if clock is not None and clock["still_in"] is not None
        else None,
        "confirmed": bool(mine and mine["amount"] == clock["price"])
        if clock is not None and clock["still_in"] is not None
        else None,
    }
    return _seen_by_bidders(view, snapshot, sealed=sealed, ladder=ladder, me=viewer.application_id)


def _seen_by_bidders(view: dict, snapshot: dict, *, sealed: bool, ladder, me: int | None) -> dict:
    """What the lot's visibility mode shows every bidder (and the watching public): the best
    price, the ladder; nothing of a sealed lot until the opening; names only in the final
    results of a tender that reveals them."""
    entries = snapshot["entries"]
    finished = snapshot["status"] in FINISHED
    if sealed:
        view.pop("bid_count")
        return view
    names = finished and snapshot["reveal_identities"]
    if snapshot["visibility"] in ("rank_and_best", "ladder") or finished:
        view["best"] = (
            {"amount": entries[0]["amount"], "weighted": entries[0]["weighted_display"]}
            if entries
            else None
        )
    if snapshot["visibility"] == "ladder" or finished:
        view["ladder"] = ladder(entries, names=names, me=me)
    return view


def _public_entry(entry: dict, *, names: bool) -> dict:
    out = {
        "rank": entry["rank"],
        "label": entry["label"],
        "amount": entry["amount"],
        "weighted": entry["weighted_display"],
        "at": entry["at"],
    }
    if entry.get("delivery") is not None:
        out["delivery"] = entry["delivery"]
    if names:
        out["supplier"] = entry["supplier_name"]
    return out
