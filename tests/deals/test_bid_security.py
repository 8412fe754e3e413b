"""Bid security: a lot requiring one keeps its applications "awaiting security" and the buyer
cannot admit them until it is provided; a bank guarantee is uploaded by the supplier and
accepted or rejected by the buyer; the award releases the others' securities; the winner's is
released when it accepts the contract and forfeited when it declines. No supplier sees another
supplier's security."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from auctions import lifecycle
from auctions.bidding import place
from auctions.models import Lot, SecurityStatus
from auctions.tenders import applications, scheduling
from deals.models import BidSecurity, OrderHistory, SecurityState
from deals.orders import order_from_deal
from deals.payments import security as securities
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from tests.auctions.factories import World
from tests.deals.factories import contract_sha, move

pytestmark = pytest.mark.django_db(transaction=True)  # the events' listeners, as live

PDF = b"%PDF-1.4\n% a bank guarantee\n"


def guarantee(name: str = "guarantee.pdf", content: bytes = PDF, kind: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=kind)


def secured_lot(w: World):
    tender = w.published(lot_overrides={"reserve_price": None, "security_percent": Decimal("2")})
    return tender, tender.lots.get()


def provide(w: World, application, supplier_user):
    security = securities.security_guarantee_upload(
        user=supplier_user, application_id=application.pk, upload=guarantee()
    )
    return securities.security_guarantee_decide(
        user=w.officer, security_id=security.pk, accept=True
    )


def test_admission_waits_for_the_security_and_a_guarantee_is_checked_by_the_buyer():
    w = World()
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)
    assert alpha.security_status == SecurityStatus.AWAITING
    with pytest.raises(ConflictError) as refused:
        applications.application_admit(actor=w.officer, application=alpha)
    assert refused.value.code == "awaiting_security"

    # A file that is not a PDF or an image, or too large: refused, nothing stored.
    with pytest.raises(ApplicationError) as wrong:
        securities.security_guarantee_upload(
            user=w.supplier_admin,
            application_id=alpha.pk,
            upload=guarantee("g.exe", b"MZ", "application/x-msdownload"),
        )
    assert wrong.value.code == "invalid_file_type"
    assert not BidSecurity.objects.exists()
    # Only the supplier's own staff provide it; to anyone else the application is not there.
    with pytest.raises(NotFoundError):
        securities.security_guarantee_upload(
            user=w.other_admin, application_id=alpha.pk, upload=guarantee()
        )

    security = securities.security_guarantee_upload(
        user=w.supplier_bidder, application_id=alpha.pk, upload=guarantee()
    )
    assert security.amount == (lot.start_price * Decimal("0.02")).quantize(Decimal("0.01"))
    assert security.state == SecurityState.PENDING
    with pytest.raises(ApplicationError) as no_reason:
        securities.security_guarantee_decide(
            user=w.officer, security_id=security.pk, accept=False, reason=" "
        )
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ApplicationError):  # the supplier does not check its own guarantee
        securities.security_guarantee_decide(
            user=w.supplier_admin, security_id=security.pk, accept=True
        )
    securities.security_guarantee_decide(
        user=w.officer, security_id=security.pk, accept=False, reason="Expired guarantee"
    )
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.AWAITING  # rejected: another is awaited

    provide(w, alpha, w.supplier_bidder)
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.PROVIDED
    admitted = applications.application_admit(actor=w.officer, application=alpha)
    assert admitted.status == "admitted"


def test_a_lot_without_security_admits_as_before():
    w = World()
    tender = w.published(lot_overrides={"reserve_price": None})
    application = w.apply(tender.lots.get(), w.supplier)
    assert application.security_status == SecurityStatus.NOT_REQUIRED
    with pytest.raises(ConflictError) as refused:
        securities.security_guarantee_upload(
            user=w.supplier_admin, application_id=application.pk, upload=guarantee()
        )
    assert refused.value.code == "security_not_required"
    assert applications.application_admit(actor=w.officer, application=application)


@override_settings(STRIPE_SECRET_KEY="")
def test_the_card_needs_stripe_and_offline_the_supplier_is_told_to_upload_a_guarantee():
    w = World()
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)
    with pytest.raises(ConflictError) as refused:
        securities.security_card_start(user=w.supplier_admin, application_id=alpha.pk)
    assert refused.value.code == "card_unavailable"
    assert not BidSecurity.objects.exists()


def run_secured_to_award(w: World):
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)
    beta = w.apply(lot, w.other_supplier)
    provide(w, alpha, w.supplier_bidder)
    provide(w, beta, w.other_admin)
    for application in (alpha, beta):
        application.refresh_from_db()
        applications.application_admit(actor=w.officer, application=application)
    w.past_deadline(lot.tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    scheduling.lot_schedule(lot_id=lot.pk, actor=w.officer)
    Lot.objects.filter(pk=lot.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    lifecycle.lot_start(lot_id=lot.pk)
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="98000")
    lot.refresh_from_db()
    lifecycle.lot_close(lot_id=lot.pk, now=lot.ends_at + timedelta(seconds=1))
    lifecycle.lot_award(lot_id=lot.pk, user=w.officer)
    return lot, alpha, beta


def state_of(application) -> str:
    return BidSecurity.objects.exclude(state="rejected").get(application=application).state


def test_the_award_releases_the_others_and_the_winners_is_released_when_it_accepts():
    w = World()
    lot, alpha, beta = run_secured_to_award(w)
    assert state_of(beta) == SecurityState.RELEASED
    assert state_of(alpha) == SecurityState.PROVIDED
    beta.refresh_from_db()
    assert beta.security_status == SecurityStatus.RELEASED
    order = order_from_deal(deal_id=lot.deal.pk)
    assert move(w.officer, order, "send").status_code == 200
    accepted = move(w.supplier_bidder, order, "accept", contract_sha256=contract_sha(order))
    assert accepted.status_code == 200
    assert state_of(alpha) == SecurityState.RELEASED


def test_the_winner_declining_the_order_forfeits_its_security():
    w = World()
    lot, alpha, _beta = run_secured_to_award(w)
    order = order_from_deal(deal_id=lot.deal.pk)
    move(w.officer, order, "send")
    declined = move(w.supplier_bidder, order, "decline", reason="Prices went up")
    assert declined.status_code == 200
    security = BidSecurity.objects.get(application=alpha, state=SecurityState.FORFEITED)
    assert "Prices went up" in security.reason
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.FORFEITED


def test_a_winner_past_the_signing_deadline_forfeits_its_security_once():
    w = World()
    lot, alpha, _beta = run_secured_to_award(w)
    order = order_from_deal(deal_id=lot.deal.pk)
    move(w.officer, order, "send")
    assert securities.securities_forfeit_overdue() == 0  # not yet
    later = timezone.now() + timedelta(days=6)
    assert securities.securities_forfeit_overdue(now=later) == 1
    assert securities.securities_forfeit_overdue(now=later) == 0
    assert state_of(alpha) == SecurityState.FORFEITED
    assert OrderHistory.objects.filter(order=order, action="send").exists()


def test_each_side_is_told_of_the_security_it_should_know_of():
    from notifications.models import Notification

    w = World()
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)
    security = securities.security_guarantee_upload(
        user=w.supplier_bidder, application_id=alpha.pk, upload=guarantee()
    )
    to_check = Notification.objects.filter(kind="payment_update", user=w.officer)
    assert to_check.count() == 1 and lot.title in to_check.get().title
    securities.security_guarantee_decide(
        user=w.officer, security_id=security.pk, accept=False, reason="Wrong bank"
    )
    told = Notification.objects.filter(kind="payment_update", user=w.supplier_bidder)
    assert told.count() == 1 and "Wrong bank" in told.get().body
    # The other supplier hears nothing of it.
    assert not Notification.objects.filter(kind="payment_update", user=w.other_admin).exists()
