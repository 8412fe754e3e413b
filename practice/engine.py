"""A practice auction: a private copy of a lot's rules run against bots on a fast clock, in
memory. Pure: a session's whole state is one JSON-able dict, and each function takes it with the
moment of the wall clock and returns it changed; nothing here reads or writes the database.

The rules are the lot's own format module's (``auctions.formats``): the bid checks, the soft
close, the rounds' turns and the clock's levels are asked of it on unsaved ``Lot`` and
``Application`` objects made from the state, so a practice answers exactly as the real lot
would. Every format can be practised: English, rounds (with initial offers: the person's is the
start price), sealed (the offers opened at the close), Japanese and Dutch.

Time runs ``speed`` times faster than the wall clock: a 30-minute auction takes 3 minutes at
10x. The bots (``practice.bots``) act at their own paces on that clock, each down to (or, Dutch,
up to) its own hidden price. The person practising is bidder 1."""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from auctions import rules
from auctions.bidding.outcomes import BidRejected
from auctions.formats import FORMATS
from auctions.formats import rounds as rounds_format
from auctions.formats.base import nominal_limit
from auctions.models import Application, ApplicationStatus, Lot, Tender
from auctions.participation import standings
from auctions.selectors import CLOCKS
from marketplace.core.times import iso_utc

from .bots import decide

PRACTISED = ("english", "rounds", "sealed", "japanese", "dutch")
ME = 1  # the person practising is bidder 1
RULES = (
    "start_price",
    "step_kind",
    "step_value",
    "step_bands",
    "step_reference",
    "tie_rule",
    "max_step_percent",
    "duration_seconds",
    "soft_close_window_seconds",
    "soft_close_extension_seconds",
    "soft_close_max_rank",
    "soft_close_max_extensions",
    "level_seconds",
    "floor_price",
    "rounds",
    "first_pause_seconds",
    "round_pause_seconds",
    "turn_seconds",
    "visibility",
)
MONEY_RULES = ("start_price", "step_value", "max_step_percent", "floor_price")


def _dt(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _at(value: str) -> datetime:
    """A moment the state always holds."""
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(f"not a moment: {value!r}")
    return moment


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(rules.CENT))


# --- the state as the format modules read it ---------------------------------------------------


def lot_of(state: dict) -> Lot:
    """An unsaved lot with the practice's rules and clock."""
    r = state["rules"]
    lot = Lot(
        tender=Tender(currency=state["currency"]),
        auction_format=state["format"],
        **{k: (Decimal(v) if k in MONEY_RULES and v is not None else v) for k, v in r.items()},
    )
    lot.ends_at = _dt(state["ends_at"])
    lot.extensions = state["extensions"]
    lot.current_round = state["level"]
    lot.current_turn = state["turn"]
    lot.turn_order = list(state["order"])
    lot.best_application_id = state["winner"] if state["format"] == "dutch" else None
    return lot


def applications_of(state: dict) -> list[Application]:
    """Unsaved applications: each bidder's label as its id, its last price as its standing."""
    latest: dict[int, dict] = {}
    for bid in state["bids"]:
        latest[bid["label"]] = bid
    out = []
    for label in state["labels"]:
        last = latest.get(label)
        out.append(
            Application(
                pk=label,
                label=label,
                status=ApplicationStatus.ADMITTED,
                current_amount=Decimal(last["amount"]) if last else None,
                current_at=_dt(last["at"]) if last else None,
            )
        )
    return out


def ranking(state: dict) -> list[rules.Standing]:
    return rules.rank(standings(applications_of(state)))


# --- starting ----------------------------------------------------------------------------------


def start(lot: Lot, *, bots: int, speed: int, now: datetime, seed: int | None = None) -> dict:
    """A practice of ``lot``'s rules against ``bots`` bots, ``speed`` times faster, from now."""
    if lot.auction_format not in PRACTISED:
        raise BidRejected(_("This format cannot be practised yet."), code="practice_not_available")
    rng = random.Random(seed)  # noqa: S311 (bots' whims, not secrets)
    state = {
        "format": lot.auction_format,
        "currency": lot.tender.currency,
        "title": lot.title,
        "rules": {
            k: (_money(getattr(lot, k)) if k in MONEY_RULES else getattr(lot, k)) for k in RULES
        },
        "speed": speed,
        "started": iso_utc(now),
        "clock": iso_utc(now),  # the practice's own time, run so far
        "ends_at": None,
        "extensions": 0,
        "level": 0,  # the clock's level, or the round
        "turn": 0,  # rounds: the turn in the round (0: its pause)
        "order": [],  # rounds: the round's turn order; Japanese: who is still in
        "labels": list(range(1, bots + 2)),
        "bids": [],
        "status": "live",
        "winner": None,
        "log": [],
        "bots": {},
    }
    fmt = FORMATS[lot.auction_format]
    practice_lot = lot_of(state)
    ends_at, _original = fmt.schedule(practice_lot, len(state["labels"]), now)
    state["ends_at"] = iso_utc(ends_at)
    practice_lot.ends_at = ends_at
    start_price = Decimal(state["rules"]["start_price"])
    for label in state["labels"][1:]:
        state["bots"][str(label)] = _bot(lot, rng, start_price=start_price, now=now, end=ends_at)
    if lot.auction_format == "rounds":
        # The initial offers open the rounds: the person's at the start price, each bot's a
        # little below it.
        for label in state["labels"]:
            share = Decimal(1) if label == ME else Decimal(rng.randint(96, 99)) / 100
            _record(state, label, start_price * share, now)
    first = fmt.begin(practice_lot, ranking(state), applications_of(state))
    if first is not None:
        _carry(state, first)
    return state


def _bot(lot: Lot, rng: random.Random, *, start_price: Decimal, now: datetime, end) -> dict:
    """A bot: its hidden price (English, rounds, sealed and Japanese: the lowest it goes to;
    Dutch: the least it accepts), its pace in practice seconds and its first move."""
    share = Decimal(rng.randint(70, 95)) / 100
    first = now + timedelta(seconds=rng.randint(3, 20))
    if lot.auction_format in ("japanese", "dutch"):
        # On a clock a bot looks at least twice a level (or it would miss levels and drop).
        pace = [1, max(2, lot.level_seconds // 2)]
    elif lot.auction_format == "rounds":
        pace = [1, max(2, lot.turn_seconds // 3)]  # it looks often enough not to miss its turn
    elif lot.auction_format == "sealed":
        # One offer, some time in the auction's first nine tenths.
        span = int((end - now).total_seconds())
        first = now + timedelta(seconds=rng.randint(1, max(2, span * 9 // 10)))
        pace = [span, span]
    else:
        pace = [rng.randint(5, 20), rng.randint(25, 60)]
    return {
        "price": _money(start_price * share),
        "pace": pace,
        "next": iso_utc(first),
        "seed": rng.randint(0, 2**31),
    }


def _carry(state: dict, advance) -> None:
    state["ends_at"] = iso_utc(advance.ends_at)
    state["level"] = advance.current_round
    state["turn"] = advance.current_turn
    state["order"] = list(advance.turn_order)
    for stage in advance.stages:
        state["log"].append({"kind": stage.kind, "at": state["clock"], **_jsonable(stage.payload)})


def _jsonable(payload: dict) -> dict:
    out = {}
    for key, value in payload.items():
        if isinstance(value, datetime):
            value = iso_utc(value)
        elif isinstance(value, Decimal):
            value = _money(value)
        out[key] = value
    return out


# --- the clock ----------------------------------------------------------------------------------


def practice_now(state: dict, wall: datetime) -> datetime:
    """Where the practice's clock stands at the wall clock's ``wall``."""
    started = _at(state["started"])
    return started + (wall - started) * state["speed"]


def step(state: dict, wall: datetime) -> dict:
    """Run the practice up to the wall clock's ``wall``: the bots' moves and the lot's deadlines,
    in their order."""
    target = practice_now(state, wall)
    while state["status"] == "live":
        bot_label, bot_at = _next_bot(state)
        end = _dt(state["ends_at"])
        moment = min(m for m in (bot_at, end) if m is not None)
        if moment > target:
            break
        state["clock"] = iso_utc(moment)
        if end is not None and moment >= end:
            _deadline(state, end)
        else:
            _bot_moves(state, bot_label, moment)
    if state["status"] == "live" and _at(state["clock"]) < target:
        state["clock"] = iso_utc(target)
    return state


def _next_bot(state: dict):
    moves = [(_dt(b["next"]), int(label)) for label, b in state["bots"].items()]
    if not moves:
        return None, None
    at, label = min(moves)
    return label, at


def _deadline(state: dict, end: datetime) -> None:
    lot, applications = lot_of(state), applications_of(state)
    advance = FORMATS[state["format"]].advance(lot, applications, end)
    if advance is not None:
        _carry(state, advance)
        if not advance.over:
            return
    if FORMATS[state["format"]].sealed:  # the opening: every offer, in the order made
        state["log"].append({"kind": "offers_opened", "at": iso_utc(end), "offers": state["bids"]})
    ranked = ranking(state)
    state["status"] = "closed" if ranked else "failed"
    state["winner"] = ranked[0].key if ranked else None
    state["log"].append({"kind": "closed", "at": iso_utc(end), "winner": state["winner"]})


def _bot_moves(state: dict, label: int, moment: datetime) -> None:
    bot = state["bots"][str(label)]
    rng = random.Random(bot["seed"])  # noqa: S311
    bot["seed"] = rng.randint(0, 2**31)
    bot["next"] = iso_utc(moment + timedelta(seconds=rng.randint(*bot["pace"])))
    amount = decide(view(state, label=label), price=Decimal(bot["price"]))
    if amount is None:
        return
    # Refused when the view moved under it: it looks again at its next move.
    with contextlib.suppress(BidRejected):
        _place(state, label, amount, moment, confirm=True)


# --- bidding ----------------------------------------------------------------------------------


def bid(state: dict, amount: Decimal, wall: datetime, *, confirm: bool = False) -> dict:
    """The person's bid, at the practice's time now; ``BidRejected`` as the lot would."""
    step(state, wall)
    if state["status"] != "live":
        raise BidRejected("The practice auction has ended.", code="auction_closed")
    _place(state, ME, amount, _at(state["clock"]), confirm=confirm)
    return state


def _place(state: dict, label: int, amount: Decimal, moment: datetime, *, confirm: bool) -> None:
    lot, applications = lot_of(state), applications_of(state)
    mine = next(a for a in applications if a.pk == label)
    fmt = FORMATS[state["format"]]
    if state["format"] == "rounds":  # the turn's price from the practice's own bids
        rounds_format.check_turn(lot=lot, application=mine)
        rounds_format.check_step(lot=lot, amount=amount, start_amount=turn_start(state, label))
    else:
        fmt.check_bid(
            lot=lot, application=mine, applications=applications, amount=amount, confirm=confirm
        )
    _record(state, label, amount, moment)
    if fmt.ends_on_bid:  # Dutch: the first acceptance ends it
        state["winner"] = label
        state["ends_at"] = iso_utc(moment)
        return
    ranked = ranking(state)
    rank = next(i for i, s in enumerate(ranked, 1) if s.key == label)
    new_end = fmt.extension(lot, now=moment, rank=rank)
    if new_end is not None:
        state["ends_at"] = iso_utc(new_end)
        state["extensions"] += 1


def _record(state: dict, label: int, amount: Decimal, moment: datetime) -> None:
    state["bids"].append(
        {"label": label, "amount": _money(amount), "at": iso_utc(moment), "round": state["level"]}
    )


def turn_start(state: dict, label: int) -> Decimal | None:
    """Rounds: the bidder's price as its turn began (its latest bid of an earlier round)."""
    earlier = [b for b in state["bids"] if b["label"] == label and b["round"] != state["level"]]
    return Decimal(earlier[-1]["amount"]) if earlier else None


# --- what the person sees ---------------------------------------------------------------------


def view(state: dict, *, label: int = ME) -> dict:
    """The practice as bidder ``label`` sees it (the person: bidder 1): the lot's visibility
    rules (sealed: nothing of the others until the close), bots as 'Bidder N'."""
    ranked = ranking(state)
    mine = next((i for i, s in enumerate(ranked, 1) if s.key == label), None)
    own = ranked[mine - 1] if mine else None
    lot = lot_of(state)
    fmt = state["format"]
    live = state["status"] == "live"
    sealed = fmt == "sealed" and live
    visibility = state["rules"]["visibility"]
    out = {
        "status": state["status"],
        "format": fmt,
        "currency": state["currency"],
        "title": state["title"],
        "speed": state["speed"],
        "now": state["clock"],
        "ends_at": state["ends_at"],
        "start_price": state["rules"]["start_price"],
        "bids": None if sealed else len(state["bids"]),
        "me": {
            "label": label,
            "rank": None if sealed else mine,
            "amount": _money(own.amount) if own else None,
            "leading": mine == 1 and not sealed,
            "max_bid": None,
        },
        "best": _money(ranked[0].amount) if ranked and not sealed else None,
        "ladder": [
            {"rank": i, "label": s.key, "amount": _money(s.amount), "me": s.key == label}
            for i, s in enumerate(ranked, 1)
        ]
        if (visibility == "ladder" and not sealed) or not live
        else None,
        "winner": None if live else state["winner"],
    }
    if visibility == "rank_only" and live:
        out["best"] = None
    if fmt == "english" and live:
        application = next(a for a in applications_of(state) if a.pk == label)
        limit, _reference, _step = nominal_limit(lot, application, ranked)
        out["me"]["max_bid"] = _money(min(limit, Decimal(state["rules"]["start_price"])))
    if fmt == "sealed" and live:
        out["me"]["max_bid"] = state["rules"]["start_price"]
    if fmt == "rounds" and state["level"]:
        owner = rounds_format.turn_owner(lot)
        out["turn"] = {
            "round": state["level"],
            "rounds": state["rules"]["rounds"],
            "turn": state["turn"],
            "label": owner,
            "order": list(state["order"]),
        }
        out["me"]["my_turn"] = live and owner == label
        started = turn_start(state, label)
        if out["me"]["my_turn"] and started is not None:
            out["me"]["max_bid"] = _money(rounds_format.turn_limit(lot, started)[0])
    if fmt in ("japanese", "dutch") and state["level"]:
        price = CLOCKS[fmt].level_price(lot, state["level"])
        out["clock"] = {"level": state["level"], "price": _money(price)}
        if fmt == "japanese":
            if visibility != "rank_only":  # how many are still in, as the room shows it
                out["clock"]["in"] = len(state["order"])
            out["me"]["still_in"] = label in state["order"]
            out["me"]["confirmed"] = bool(own and own.amount == price)
    return out
