"""The English reverse auction with soft close: each bid must beat the best (or the bidder's
own) price by the minimum step, a bid in the last window extends the end, and proxy bids
answer for their bidders down to their floors."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import format_money, format_number

from .. import rules
from ..bidding.outcomes import BidRejected
from ..models import Application, Lot, StepReference, TieRule
from ..participation import comparable, participation_refusal, proxy_of, standings
from .base import Format, nominal_limit, timed_schedule

PROXY_ROUNDS_LIMIT = 500  # proxy bids one bid may set off, at most (a guard, never reached)


def check_bid(
    *,
    lot: Lot,
    application: Application,
    applications: list[Application],
    amount: Decimal,
    confirm: bool,
) -> None:
    # The ranking matters for the best-price reference and the equal-bid rule only.
    needs_ranking = lot.step_reference != StepReference.OWN or lot.tie_rule == TieRule.REFUSE_EQUAL
    ranking = rules.rank(standings(applications)) if needs_ranking else []
    limit, reference, step = nominal_limit(lot, application, ranking)
    if amount > lot.start_price:
        raise BidRejected(
            _("A bid may not exceed the start price of %(price)s.")
            % {"price": format_money(lot.start_price, lot.tender.currency)},
            code="above_start_price",
        )
    if reference is not None and amount > limit:
        raise BidRejected(
            _("The bid must be at most %(limit)s: %(step)s (the minimum step) below %(reference)s.")
            % {
                "limit": format_money(limit, lot.tender.currency),
                "step": format_money(step, lot.tender.currency),
                "reference": format_money(reference, lot.tender.currency),
            },
            code="step_too_small",
        )
    if lot.tie_rule == TieRule.REFUSE_EQUAL:
        mine = comparable(amount, application)
        if any(s.weighted == mine for s in ranking if s.key != application.pk):
            raise BidRejected(
                _("Another bidder already offers this price; equal bids are refused."),
                code="equal_bid_refused",
            )
    if lot.max_step_percent and not confirm:
        # The typo guard measures from the price the bid must beat, or the start price.
        reference = reference if reference is not None else lot.start_price
        drop = reference - amount
        if drop > reference * lot.max_step_percent / 100:
            raise BidRejected(
                _(
                    "This bid is %(drop)s below %(reference)s, more than %(percent)s%%. "
                    "Please confirm it if it is not a typo."
                )
                % {
                    "drop": format_money(drop, lot.tender.currency),
                    "reference": format_money(reference, lot.tender.currency),
                    "percent": format_number(lot.max_step_percent),
                },
                code="confirmation_required",
            )


def extension(lot: Lot, *, now: datetime, rank: int) -> datetime | None:
    """The later end a qualifying bid landing in the last window gives (soft close), or None."""
    if lot.ends_at is None:  # not started: no end to extend
        return None
    if not lot.soft_close_window_seconds or not lot.soft_close_extension_seconds:
        return None
    if lot.ends_at - now > timedelta(seconds=lot.soft_close_window_seconds):
        return None
    if lot.soft_close_max_rank and rank > lot.soft_close_max_rank:
        return None
    if (
        lot.soft_close_max_extensions is not None
        and lot.extensions >= lot.soft_close_max_extensions
    ):
        return None
    return lot.ends_at + timedelta(seconds=lot.soft_close_extension_seconds)


def proxy_next(lot: Lot, applications: list[Application]) -> tuple[Application, Decimal] | None:
    """The next proxy bid the standings call for: of the outbid active proxies that may still
    go one step lower without passing their floors, the one with the lowest (weighted) floor
    bids one step below the best; None when no proxy can."""
    ranking = rules.rank(standings(applications))
    if not ranking:
        return None
    leader = ranking[0].key
    candidates = []
    for app in applications:
        proxy = proxy_of(app)
        if proxy is None or not proxy.active or app.pk == leader:
            continue
        if participation_refusal(app) is not None:  # a suspended supplier's proxy rests
            continue
        limit = min(nominal_limit(lot, app, ranking)[0], lot.start_price)
        if lot.tie_rule == TieRule.REFUSE_EQUAL:
            taken = {s.weighted for s in ranking if s.key != app.pk}
            while comparable(limit, app) in taken:
                limit -= rules.CENT  # equal bids are refused: the proxy goes a cent lower
        if limit >= proxy.floor_amount and limit > 0:
            candidates.append((comparable(proxy.floor_amount, app), app, limit))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1].pk))
    _weight, app, limit = candidates[0]
    return app, limit


def proxies_active(applications: list[Application]) -> bool:
    return any((proxy := proxy_of(a)) is not None and proxy.active for a in applications)


FORMAT = Format(check_bid=check_bid, schedule=timed_schedule, extension=extension, proxies=True)
