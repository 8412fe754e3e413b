"""The practice auction's bots: what a bot does on its view of the practice. Pure."""

from __future__ import annotations

from decimal import Decimal


def decide(view: dict, *, price: Decimal) -> Decimal | None:
    """The amount the bot bids now, or None. ``price`` is its hidden price: English, rounds,
    sealed and Japanese, the lowest it goes to; Dutch, the least it accepts.

    English: when not leading, its highest allowed bid, never below its price. Rounds: in its
    turn, when not leading and not yet bid in the turn, a step below the best (at most its
    highest allowed bid), never below its price. Sealed: its price, once. Japanese: the clock's
    price while still in and not yet confirmed, down to its price. Dutch: the clock's price
    once it has risen to its own."""
    if view["status"] != "live":
        return None
    me, clock = view["me"], view.get("clock")
    if view["format"] == "english":
        max_bid = me.get("max_bid")
        if me["leading"] or max_bid is None or Decimal(max_bid) < price:
            return None
        return Decimal(max_bid)
    if view["format"] == "rounds":
        return _turn_bid(view, price=price)
    if view["format"] == "sealed":
        return price if me["amount"] is None else None
    if clock is None:
        return None
    level_price = Decimal(clock["price"])
    if view["format"] == "japanese":
        stays = me.get("still_in") and not me.get("confirmed")
        return level_price if stays and level_price >= price else None
    return level_price if level_price >= price else None


def _turn_bid(view: dict, *, price: Decimal) -> Decimal | None:
    me = view["me"]
    if not me.get("my_turn") or me["leading"] or me.get("max_bid") is None:
        return None
    own, max_bid = Decimal(me["amount"]), Decimal(me["max_bid"])
    if own <= max_bid or max_bid < price:  # bid already in this turn, or it would go too low
        return None
    step = own - max_bid
    beat = Decimal(view["best"]) - step if view.get("best") else max_bid
    return max(price, min(max_bid, beat))
