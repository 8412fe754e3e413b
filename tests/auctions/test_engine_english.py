"""The English reverse auction's rules, one by one, at the service level."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from auctions.bidding.place import bid_place, surrogate_bid_place
from auctions.bidding.proxy import proxy_clear, proxy_set
from auctions.events import chain_verify
from auctions.lifecycle import lot_award, lot_close, lot_pause, lot_resume
from auctions.models import Award, Bid, BidKind, Deal, LotEvent, LotStatus, ProxyBid
from marketplace.companies.models import VerificationStatus
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError

from .engine_setup import Auction

pytestmark = pytest.mark.django_db


def snapshot(auction: Auction):
    auction.refresh()
    lot = auction.lot
    return (
        Bid.objects.filter(lot=lot).count(),
        LotEvent.objects.filter(lot=lot).count(),
        lot.best_amount,
        lot.ends_at,
        lot.bid_count,
        tuple(a.current_amount for a in auction.applications),
    )


def rejected(code, fn, auction, **kwargs):
    before = snapshot(auction)
    with pytest.raises(ApplicationError) as err:
        fn(**kwargs)
    assert err.value.code == code, err.value.message
    assert snapshot(auction) == before, "a refused bid must leave nothing behind"
    return err.value


def test_first_bid_sets_the_standing_and_the_chain_verifies():
    a = Auction().start()
    result = bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000", client_bid_id="c1")
    a.refresh()
    assert result.bid.amount == Decimal("99000.00")
    assert a.lot.best_amount == Decimal("99000.00")
    assert a.lot.best_application_id == a.applications[0].pk
    assert a.lot.bid_count == 1
    assert a.applications[0].current_amount == Decimal("99000.00")
    ok, broken, _ = chain_verify(lot_id=a.lot.pk)
    assert ok and broken is None
    kinds = list(LotEvent.objects.filter(lot=a.lot).values_list("kind", flat=True))
    assert kinds == ["status_changed", "bid_placed"]


def test_a_bid_must_beat_the_best_by_the_minimum_step():
    a = Auction().start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    err = rejected(
        "step_too_small", bid_place, a, lot_id=a.lot.pk, user=a.bidders[1], amount="98500.01"
    )
    assert "UAH\u00a098,000.00" in err.message  # money, in the reader's language
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="98000")
    assert snapshot(a)[2] == Decimal("98000.00")


def test_percentage_step_of_the_start_price():
    a = Auction(step_kind="percent", step_value=Decimal("0.5")).start()  # 500 of 100000
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    rejected("step_too_small", bid_place, a, lot_id=a.lot.pk, user=a.bidders[1], amount="98600")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="98500")


def test_bids_above_the_start_price_or_malformed_are_refused():
    a = Auction().start()
    rejected(
        "above_start_price", bid_place, a, lot_id=a.lot.pk, user=a.bidders[0], amount="100000.01"
    )
    for bad in ("abc", "-5", "0", "99000.001", "NaN", "Infinity"):
        rejected("invalid_amount", bid_place, a, lot_id=a.lot.pk, user=a.bidders[0], amount=bad)


def test_only_admitted_bidders_bid():
    a = Auction().start()
    from tests.factories import CompanyFactory, member

    outsider = member(CompanyFactory(legal_name="Outsider"), "bidder")
    err = rejected("not_admitted", bid_place, a, lot_id=a.lot.pk, user=outsider, amount="99000")
    assert err.status_code == 403
    a.applications[1].status = "rejected"
    a.applications[1].save()
    rejected("not_admitted", bid_place, a, lot_id=a.lot.pk, user=a.bidders[1], amount="99000")


def test_a_company_whose_verification_lapsed_cannot_bid():
    a = Auction().start()
    a.companies[0].verification_status = VerificationStatus.REVERIFICATION_NEEDED
    a.companies[0].save()
    rejected(
        "company_not_verified", bid_place, a, lot_id=a.lot.pk, user=a.bidders[0], amount="99000"
    )


def test_no_bids_before_the_start_or_after_the_end():
    a = Auction()
    rejected("lot_not_live", bid_place, a, lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    a.start()
    late = a.lot.ends_at + timedelta(milliseconds=1)
    rejected(
        "auction_closed", bid_place, a, lot_id=a.lot.pk, user=a.bidders[0], amount="99000", now=late
    )
    bid_place(
        lot_id=a.lot.pk, user=a.bidders[0], amount="99000", now=a.lot.ends_at - timedelta(seconds=1)
    )


def test_a_repeated_client_bid_id_returns_the_first_result():
    a = Auction().start()
    first = bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000", client_bid_id="same")
    again = bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000", client_bid_id="same")
    assert again.duplicate and again.bid.pk == first.bid.pk
    # Even with another amount the id stands for the first bid, which is returned.
    third = bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="90000", client_bid_id="same")
    assert third.duplicate and third.bid.amount == Decimal("99000.00")
    assert Bid.objects.filter(lot=a.lot).count() == 1


def test_a_late_bid_extends_by_the_extension_and_early_bids_do_not():
    a = Auction(soft_close_window_seconds=120, soft_close_extension_seconds=60).start()
    end = a.lot.ends_at
    early = bid_place(
        lot_id=a.lot.pk, user=a.bidders[0], amount="99000", now=end - timedelta(seconds=121)
    )
    assert not early.extended
    late = bid_place(
        lot_id=a.lot.pk, user=a.bidders[1], amount="98000", now=end - timedelta(seconds=30)
    )
    a.refresh()
    assert late.extended
    assert a.lot.ends_at == end + timedelta(seconds=60)
    assert a.lot.extensions == 1
    assert LotEvent.objects.filter(lot=a.lot, kind="extended").count() == 1


def test_extensions_are_capped_and_can_require_a_top_rank():
    a = Auction(
        suppliers=3,
        soft_close_window_seconds=120,
        soft_close_extension_seconds=60,
        soft_close_max_extensions=1,
        step_reference="own",
    ).start()
    end = a.lot.ends_at
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="90000", now=end - timedelta(seconds=500))
    first = bid_place(
        lot_id=a.lot.pk, user=a.bidders[1], amount="89000", now=end - timedelta(seconds=10)
    )
    second = bid_place(
        lot_id=a.lot.pk, user=a.bidders[2], amount="88000", now=end + timedelta(seconds=50)
    )
    a.refresh()
    assert first.extended and not second.extended
    assert a.lot.ends_at == end + timedelta(seconds=60)

    b = Auction(
        soft_close_window_seconds=120,
        soft_close_extension_seconds=60,
        soft_close_max_rank=1,
        step_reference="own",
    ).start()
    end = b.lot.ends_at
    bid_place(lot_id=b.lot.pk, user=b.bidders[0], amount="90000", now=end - timedelta(seconds=500))
    not_leading = bid_place(
        lot_id=b.lot.pk, user=b.bidders[1], amount="95000", now=end - timedelta(seconds=10)
    )
    assert not not_leading.extended
    leading = bid_place(
        lot_id=b.lot.pk, user=b.bidders[2], amount="89000", now=end - timedelta(seconds=10)
    )
    assert leading.extended


def test_a_large_drop_needs_confirmation():
    a = Auction(max_step_percent=Decimal("10")).start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    err = rejected(
        "confirmation_required", bid_place, a, lot_id=a.lot.pk, user=a.bidders[1], amount="80000"
    )
    assert "confirm" in err.message
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="80000", confirm=True)
    assert snapshot(a)[2] == Decimal("80000.00")


def test_own_reference_lets_a_bidder_improve_its_rank_without_leading():
    a = Auction(step_reference="own").start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="90000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="95000")
    rejected("step_too_small", bid_place, a, lot_id=a.lot.pk, user=a.bidders[1], amount="94500")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="94000")
    a.refresh()
    assert a.lot.best_application_id == a.applications[0].pk


def test_equal_bids_rank_the_earlier_first_or_are_refused():
    a = Auction(step_reference="own").start()
    now = timezone.now()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="95000", now=now)
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="95000", now=now + timedelta(seconds=1))
    a.refresh()
    assert a.lot.best_application_id == a.applications[0].pk

    b = Auction(step_reference="own", tie_rule="refuse_equal").start()
    bid_place(lot_id=b.lot.pk, user=b.bidders[0], amount="95000")
    rejected("equal_bid_refused", bid_place, b, lot_id=b.lot.pk, user=b.bidders[1], amount="95000")


def test_where_ties_can_happen_as_docs_api_auctions_md_says():
    # With the best price as the reference a bid during the auction is a step below the best,
    # so it never equals it (not even a surrogate or a proxy's)...
    a = Auction().start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="95000")
    rejected("step_too_small", bid_place, a, lot_id=a.lot.pk, user=a.bidders[1], amount="95000")
    rejected(
        "step_too_small",
        surrogate_bid_place,
        a,
        lot_id=a.lot.pk,
        user=a.officer,
        application_id=a.applications[1].pk,
        amount="95000",
        reason="phoned",
    )
    # ... but equal initial offers made with the applications are not checked against each
    # other (even with refuse_equal): the earlier application ranks first.
    b = Auction(tie_rule="refuse_equal")
    for app, minutes in zip(b.applications[:2], (2, 1), strict=True):
        app.initial_amount = Decimal("97000")
        app.created_at = timezone.now() - timedelta(minutes=minutes)
        app.save(update_fields=["initial_amount", "created_at"])
    b.start()
    assert [app.current_amount for app in b.applications[:2]] == [Decimal("97000")] * 2
    assert b.lot.best_application_id == b.applications[0].pk


def test_proxy_bids_one_step_when_outbid_and_never_below_its_floor():
    a = Auction().start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    proxy_set(lot_id=a.lot.pk, user=a.bidders[1], floor="95500")
    a.refresh()
    # Setting the floor acts at once: bidder 2 was not leading, so the engine bids for it.
    assert a.lot.best_application_id == a.applications[1].pk
    assert a.lot.best_amount == Decimal("98000.00")
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="96000")
    a.refresh()
    # 96000 - 1000 = 95000 would be below the floor of 95500: the proxy stops.
    assert a.lot.best_application_id == a.applications[0].pk
    proxy_bids = Bid.objects.filter(lot=a.lot, kind=BidKind.PROXY)
    assert [b.amount for b in proxy_bids] == [Decimal("98000.00")]
    assert all(b.placed_by_id is None for b in proxy_bids)
    assert chain_verify(lot_id=a.lot.pk)[0]


def test_two_proxies_duel_until_the_higher_floor_gives_up():
    a = Auction().start()
    proxy_set(lot_id=a.lot.pk, user=a.bidders[0], floor="90000")
    proxy_set(lot_id=a.lot.pk, user=a.bidders[1], floor="93500")
    bid_place(lot_id=a.lot.pk, user=a.bidders[2], amount="99000")
    a.refresh()
    assert a.lot.best_application_id == a.applications[0].pk
    amounts = list(Bid.objects.filter(lot=a.lot).values_list("amount", flat=True))
    # Every bid beat the one before it by exactly the step.
    assert all(x - y == Decimal("1000") for x, y in itertools.pairwise(amounts))
    assert min(
        Bid.objects.filter(application=a.applications[1]).values_list("amount", flat=True)
    ) >= Decimal("93500")
    proxy_clear(lot_id=a.lot.pk, user=a.bidders[0])
    assert not ProxyBid.objects.get(application=a.applications[0]).active


def test_pause_keeps_the_remaining_time_and_refuses_bids():
    a = Auction().start()
    now = timezone.now()
    remaining = a.lot.ends_at - now
    rejected("reason_required", lot_pause, a, lot_id=a.lot.pk, user=a.officer, reason=" ")
    lot_pause(lot_id=a.lot.pk, user=a.officer, reason="Supplier reports outage", now=now)
    err = rejected("lot_not_live", bid_place, a, lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    assert "Supplier reports outage" in err.message
    later = now + timedelta(minutes=10)
    lot_resume(lot_id=a.lot.pk, user=a.officer, now=later)
    a.refresh()
    assert a.lot.status == LotStatus.LIVE
    assert a.lot.ends_at == later + remaining
    # A supplier is not the buyer: it may not pause, and learns nothing about the lot.
    with pytest.raises(NotFoundError):
        lot_pause(lot_id=a.lot.pk, user=a.bidders[0], reason="not mine")


def test_surrogate_bid_is_entered_by_the_buyer_and_recorded_as_such():
    a = Auction().start()
    rejected(
        "reason_required",
        surrogate_bid_place,
        a,
        lot_id=a.lot.pk,
        user=a.officer,
        application_id=a.applications[0].pk,
        amount="99000",
        reason="",
    )
    result = surrogate_bid_place(
        lot_id=a.lot.pk,
        user=a.officer,
        application_id=a.applications[0].pk,
        amount="99000",
        reason="Phoned in: connection lost",
    )
    assert result.bid.kind == BidKind.SURROGATE
    assert result.bid.placed_by == a.officer
    assert result.bid.note == "Phoned in: connection lost"
    event = LotEvent.objects.filter(lot=a.lot, kind="bid_placed").get()
    assert event.payload["kind"] == "surrogate" and event.actor == a.officer


def test_close_ranks_and_award_creates_one_deal():
    a = Auction(reserve_price=Decimal("99500")).start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="98000")
    # Closing before the end does nothing.
    lot_close(lot_id=a.lot.pk)
    a.refresh()
    assert a.lot.status == LotStatus.LIVE
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    a.refresh()
    assert a.lot.status == LotStatus.CLOSED
    closed = LotEvent.objects.get(lot=a.lot, kind="status_changed", payload__to="closed")
    assert [r["application"] for r in closed.payload["ranking"]] == [
        a.applications[1].pk,
        a.applications[0].pk,
    ]
    # Closing again changes nothing.
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    assert LotEvent.objects.filter(lot=a.lot, payload__to="closed").count() == 1
    # Awarding the second-best needs a reason.
    with pytest.raises(ApplicationError) as err:
        lot_award(lot_id=a.lot.pk, user=a.officer, application_id=a.applications[0].pk)
    assert err.value.code == "reason_required"
    award = lot_award(lot_id=a.lot.pk, user=a.officer)
    assert award.application == a.applications[1] and award.amount == Decimal("98000.00")
    deal = Deal.objects.get(lot=a.lot)
    assert (deal.buyer, deal.supplier, deal.price, deal.quantity) == (
        a.buyer,
        a.companies[1],
        Decimal("98000.00"),
        Decimal("100.000"),
    )
    with pytest.raises(ConflictError):
        lot_award(lot_id=a.lot.pk, user=a.officer)
    assert Award.objects.filter(lot=a.lot).count() == 1
    assert chain_verify(lot_id=a.lot.pk)[0]


def test_a_lot_without_bids_fails_at_close_and_reserve_blocks_the_award():
    a = Auction().start()
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    a.refresh()
    assert a.lot.status == LotStatus.FAILED and a.lot.failure_reason

    b = Auction(reserve_price=Decimal("90000")).start()
    bid_place(lot_id=b.lot.pk, user=b.bidders[0], amount="95000")
    lot_close(lot_id=b.lot.pk, now=b.lot.ends_at)
    with pytest.raises(ApplicationError) as err:
        lot_award(lot_id=b.lot.pk, user=b.officer)
    assert err.value.code == "above_reserve"
    assert not Award.objects.filter(lot=b.lot).exists()


def test_a_late_bid_after_the_close_is_refused():
    a = Auction().start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    rejected(
        "lot_not_live",
        bid_place,
        a,
        lot_id=a.lot.pk,
        user=a.bidders[1],
        amount="98000",
        now=a.lot.ends_at - timedelta(seconds=1),
    )


def test_weighted_lot_ranks_by_price_over_coefficient():
    from fractions import Fraction

    from auctions import rules

    a = Auction(weighted=True, step_reference="own").start()
    max_sum = Fraction(3, 10)
    a.applications[0].coefficient = Decimal(str(float(rules.coefficient(["0.1", "0.1"], max_sum))))
    a.applications[1].coefficient = Decimal(
        str(float(rules.coefficient(["0.15", "0.15"], max_sum)))
    )
    for app in a.applications[:2]:
        app.save()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="46900")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="47900")
    a.refresh()
    # 47900 / (10/7) = 33530 beats 46900 / (9/7) = 36477.78.
    assert a.lot.best_application_id == a.applications[1].pk


def test_a_single_participant_may_be_awarded_directly_when_the_lot_allows_it():
    from auctions.models import Application

    a = Auction(suppliers=1)
    Lot = a.lot.__class__
    Lot.objects.filter(pk=a.lot.pk).update(status=LotStatus.APPLICATIONS_CLOSED)
    Application.objects.filter(pk=a.applications[0].pk).update(initial_amount=Decimal("95000"))
    award = lot_award(lot_id=a.lot.pk, user=a.officer)
    assert award.amount == Decimal("95000.00") and award.bid is None
    assert Deal.objects.get(lot=a.lot).supplier == a.companies[0]

    b = Auction(suppliers=1, allow_single_award=False)
    Lot.objects.filter(pk=b.lot.pk).update(status=LotStatus.APPLICATIONS_CLOSED)
    with pytest.raises(ConflictError) as err:
        lot_award(lot_id=b.lot.pk, user=b.officer)
    assert err.value.code == "direct_award_not_allowed"
    assert not Award.objects.filter(lot=b.lot).exists()
