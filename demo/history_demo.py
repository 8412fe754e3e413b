"""The demo's trading history: about a year of the buyer's (agro's) past tenders with its four
suppliers, so that a new user finds supplier ratings and shipment tracking working on real data.

Every lot is run through the services, with their ``now`` where they take one: the tender
created and published, applications submitted and admitted, the applications closed, the lot
scheduled, started, bid (``bid_place``), closed and awarded. The award's deal becomes an order
through the domain event (its ``deals.*`` listeners are run here, inside the load's transaction,
as the eager worker would run them after it); the supplier ships it (``logistics.shipments``),
the carrier's status events follow, the buyer accepts the delivery (late, with claims or not)
and reviews the order (``ratings.services.review_save``). Where a service stamps the server's
clock and has no ``now``, the row's date is set afterwards (the award, the order, the shipment,
the delivery's acceptance: rows the ratings date their facts by); the order's "send" and the
supplier's answer, whose rows are append-only, are written dated as the ratings tests'
``answered_order`` writes them, with the event ``order_move`` emits. Each such place says so.
After the commit the events' other listeners run as usual (the CRM's account timelines and
pipelines follow the history), except those that would only repeat the ratings' recompute made
here or tell people today of the past lots (``_past_deliveries_done``).

Tuned so that, with the default weights and bands (docs/ratings.md), the suppliers' standings
with agro land one in each band: steel excellent, fuel average, Baltic (logi) warning, and the
fourth supplier ("slow": late, claims, slow answers, a declined order, admitted but never bid)
blocked. steel, fuel and logi are admitted to the live demo tender made after this, so none of
them may end up blocked. One current order (agro <- steel) is in fulfilment with a shipment in
transit: its public tracking page is printed by ``load_demo``.

Loaded once: when the first past tender exists, nothing is written again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from auctions import lifecycle
from auctions.bidding import place
from auctions.models import Award, Deal, Lot, StepKind, Tender
from auctions.tenders import applications, drafting, scheduling
from deals import outbox as order_outbox
from deals.models import Order, OrderHistory, OrderStatus, Side
from demo.logistics_demo import OWN_CARRIER, PARTNER
from logistics import shipments
from logistics.models import Carrier, DeliveryAcceptance, Shipment
from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.events.models import DeliveryStatus, Event, EventDelivery
from marketplace.events.services import delivery_run
from marketplace.platforms.models import AuctionFormat, Platform
from marketplace.users.models import User
from ratings import scoring
from ratings.services import STANDING_DAYS, pair_recompute, review_save, scorecard_recompute
from suppliers.models import SupplierProfile

BUYER_EMAIL = "buyer@demo.tradefloor.local"
# The suppliers by company key, and the person who bids and ships for each.
SUPPLIER_EMAILS = {
    "steel": "steel@demo.tradefloor.local",
    "fuel": "fuel@demo.tradefloor.local",
    "logi": "baltic@demo.tradefloor.local",
    "slow": "slow@demo.tradefloor.local",
}
DELIVERY_PLACE = "Полтавська обл., Машівка, склад ТОВ «Агро Закупівлі»"
METAL, FUEL, OILS = "44100000-1", "09100000-0", "09000000-3"  # CPV codes (seeded categories)
RATINGS_LISTENER = "ratings.recompute"  # ratings/listeners.py
TRUCKS = {"fuel": "ТОВ «Нафтотранс-Схід»", "slow": "ФОП Гнатюк (автоперевезення)"}


@dataclass(frozen=True)
class PastOrder:
    """What became of an awarded lot's order: the supplier's answer ``answer_hours`` after it
    was sent, its delivery (``late`` days after the promised date; a claim on quantity or
    quality) and the buyer's review (quality, delivery, communication, documents)."""

    answer_hours: int
    declined: str = ""  # the supplier's reason for declining; empty: it accepted
    late: int = 0  # days after the promised date (below 0: early)
    claim: str = ""  # "quantity" or "quality"
    claim_reason: str = ""
    marks: tuple[int, int, int, int] = (5, 5, 5, 5)
    comment: str = ""
    route: tuple[tuple[str, str], ...] = ()  # (status, location) of the carrier's events


@dataclass(frozen=True)
class PastLot:
    """A one-lot tender whose auction ran ``days_ago`` days ago: ``winner`` won it at
    ``price``; every other bidder's best offer was ``gaps[key]`` per cent above the winner's
    (the ratings' price gap); ``idle`` were admitted but never bid."""

    days_ago: int
    tender: str
    lot: str
    category: str
    quantity: str
    unit: str
    winner: str
    price: str
    gaps: dict[str, str] = field(default_factory=dict)
    idle: tuple[str, ...] = ()
    order: PastOrder | None = None
    lead_days: int = 14  # from the auction to the promised delivery date


STEEL_ROUTE = (
    ("picked_up", "Дніпро, склад Дніпро-Лівобережний"),
    ("in_transit", "Полтава, траса Н-31"),
)
# The lots, oldest first. Their facts, per supplier (default weights and bands, 12 months):
# steel  bid in 3 lots, won 2 (lost one by 1 %), answered in 18 and 3 hours, delivered early,
#        review 4.75, no claims: about 96, excellent;
# fuel   bid in 3, won 1 (lost by 4 and 3.5 %), answered in 30 hours, delivered 3 days late,
#        review 4.0, no claims: about 62, average;
# logi   admitted to 5, bid in 4, won 1 (lost by 8, 5 and 3 %), answered after 120 hours,
#        delivered 6 days late with a quality claim, review 2.75: about 38, warning;
# slow   admitted to 5, bid in 4, won 2 (lost by 24-25 %), declined one order after 200 hours,
#        accepted the other after 220, delivered it 12 days late with a quality claim, review
#        1.25: about 22, blocked.
HISTORY = [
    PastLot(
        335,
        "Пальне для весняних польових робіт",
        "Дизельне паливо ДП-Л-Євро5-В0",
        FUEL,
        "60",
        "т",
        "fuel",
        "3060000.00",
        gaps={"logi": "8", "slow": "25"},
        order=PastOrder(
            30,
            late=3,
            marks=(4, 4, 4, 4),
            comment="Паливо відповідає паспорту якості, але привезли на три дні пізніше.",
            route=(("picked_up", "Одеса, нафтобаза"), ("in_transit", "Умань")),
        ),
    ),
    PastLot(
        290,
        "Антифриз і технічні рідини",
        "Антифриз G12, бочки 200 л",
        OILS,
        "12000",
        "л",
        "slow",
        "540000.00",
        gaps={"fuel": "4"},
        idle=("logi",),
        order=PastOrder(200, declined="Ціна аукціону вже неактуальна: виробник підняв ціни."),
    ),
    PastLot(
        230,
        "Мастильні матеріали на сезон",
        "Моторна олива 15W-40, каністри 20 л",
        OILS,
        "8000",
        "л",
        "logi",
        "920000.00",
        gaps={"fuel": "3.5", "slow": "24"},
        order=PastOrder(
            120,
            late=6,
            claim="quality",
            claim_reason="Частина каністр пошкоджена, олива протікає.",
            marks=(3, 2, 3, 3),
            comment="Затримка на митниці, пошкоджена тара.",
            route=(
                ("picked_up", "Tallinn port terminal"),
                ("in_transit", "Kaunas"),
                ("at_customs", "Ягодин — Дорогуськ"),
                ("in_transit", "Ковель"),
            ),
        ),
        lead_days=21,
    ),
    PastLot(
        170,
        "Сітка і дріт для огорожі",
        "Сітка зварна 50×50×4",
        METAL,
        "9",
        "т",
        "slow",
        "405000.00",
        gaps={"steel": "1"},
        order=PastOrder(
            220,
            late=12,
            claim="quality",
            claim_reason="Сітка іржава, зварні вузли розходяться.",
            marks=(2, 1, 1, 1),
            comment="Відповідали тиждень, привезли на 12 днів пізніше і не те.",
            route=(("picked_up", "Кривий Ріг"),),
        ),
    ),
    PastLot(
        90,
        "Металоконструкції складу мінеральних добрив",
        "Металоконструкції каркасу, комплект",
        METAL,
        "1",
        "компл.",
        "steel",
        "2350000.00",
        gaps={"logi": "5"},
        idle=("slow",),
        order=PastOrder(
            18, late=-2, marks=(5, 5, 4, 5), comment="Доставили раніше строку, монтаж без проблем."
        ),
    ),
]
# The current order: awarded three weeks ago, accepted, its shipment on the road now.
CURRENT = PastLot(
    21,
    "Арматура і труба для нового елеватора",
    "Арматура А500С Ø16 мм",
    METAL,
    "30",
    "т",
    "steel",
    "915000.00",
    gaps={"logi": "3"},
    order=PastOrder(
        3,
        route=(
            ("picked_up", "Дніпро, склад Дніпро-Лівобережний"),
            ("in_transit", "Царичанка"),
            ("in_transit", "Полтава, траса Н-31"),
        ),
    ),
    lead_days=23,
)
HISTORY_KEY = HISTORY[0].tender  # the natural key: the first past tender's title


def _day(now: datetime, days_ago: int, hour: int = 10) -> datetime:
    """``hour`` o'clock (local time) ``days_ago`` days before ``now``."""
    local = timezone.localtime(now) - timedelta(days=days_ago)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _round(value: Decimal, unit: int) -> Decimal:
    """``value`` rounded half up to a multiple of ``unit`` (hryvnias), with kopecks."""
    whole = (value / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit
    return whole.quantize(Decimal("0.01"))


def _offers(spec: PastLot) -> list[tuple[str, Decimal]]:
    """Each bidder's best offer, the highest first (the order they are placed in)."""
    price = Decimal(spec.price)
    offers = [(spec.winner, price)] + [
        (key, _round(price * (1 + Decimal(gap) / 100), 100)) for key, gap in spec.gaps.items()
    ]
    return sorted(offers, key=lambda row: -row[1])


def _run_order_listeners() -> None:
    """Run the orders' listeners (``deals.*``: the deal's order, its commission invoice, the
    order following its shipments) of the events written so far, here and now rather than
    after the commit, since the next step needs what they make. ``delivery_run`` marks each
    delivery done, so the worker's hand-out after the commit runs none of them again."""
    while True:
        pending = list(
            EventDelivery.objects.filter(
                status=DeliveryStatus.PENDING, listener__startswith="deals."
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not pending:
            return
        for delivery_id in pending:
            if delivery_run(delivery_id=delivery_id) != DeliveryStatus.DONE:
                error = EventDelivery.objects.get(pk=delivery_id).last_error
                raise RuntimeError(f"demo history: listener failed: {error}")


def _last_event_id() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _past_deliveries_done(*, first: int, past: int, now: datetime) -> None:
    """Mark done, without running them, the deliveries that would only repeat or tell of
    the past: the ratings' recompute of every event of the history (the pairs were just
    recomputed from the same facts, to the same rows: some 50 recomputes, most of the
    load's time), and the notifications and webhooks of the past lots' events (a year-old
    award or shipment is not news: nobody is e-mailed of it today). The current lot's are
    told as usual; the CRM's and the orders' listeners run for all."""
    pending = EventDelivery.objects.filter(event_id__gt=first, status=DeliveryStatus.PENDING)
    pending.filter(listener=RATINGS_LISTENER).update(status=DeliveryStatus.DONE, done_at=now)
    news = Q(listener__startswith="notifications.") | Q(listener__startswith="webhooks.")
    pending.filter(news, event_id__lte=past).update(status=DeliveryStatus.DONE, done_at=now)


def _past_quarters(*, buyer_id: int, supplier_id: int, now: datetime) -> None:
    """The scorecards of the year's older quarters, with the buyer and platform-wide, as the
    nightly recompute would have left them as each quarter ended (``pair_recompute`` makes
    the current and previous periods only): the buyer's ratings page shows each supplier's
    latest quarter by default, and the supplier's page its quarters' history."""
    today = timezone.localdate(now)
    for scope in (buyer_id, None):
        start = scoring.period_start("quarter", today - timedelta(days=STANDING_DAYS))
        while start <= today:
            scorecard_recompute(
                buyer_id=scope, supplier_id=supplier_id, kind="quarter", start=start, now=now
            )
            start = scoring.period_end("quarter", start)


class _History:
    def __init__(self, *, now, platform, companies, people):
        self.now = now
        self.platform = platform
        self.companies = companies
        self.buyer = companies["agro"]
        self.officer = people[BUYER_EMAIL][0]
        self.users = {key: people[email][0] for key, email in SUPPLIER_EMAILS.items()}
        self.carriers = {
            "steel": Carrier.objects.filter(name=PARTNER, platform=platform).first(),
            "logi": Carrier.objects.filter(name=OWN_CARRIER, company=companies["logi"]).first(),
        }

    # --- the auction ---------------------------------------------------------------------

    def auction(self, spec: PastLot) -> Lot:
        """The tender made twelve days before its auction, run to its award."""
        auction_at = _day(self.now, spec.days_ago)
        created = auction_at - timedelta(days=12)
        deadline = auction_at - timedelta(days=3)
        offers = _offers(spec)
        top = offers[0][1]
        start = _round(top * Decimal("1.04"), 1000)
        promised = timezone.localdate(auction_at) + timedelta(days=spec.lead_days)
        past = promised < timezone.localdate(self.now)
        category = Category.objects.get(code=spec.category)  # seeded with the CPV tree
        tender = drafting.tender_create(
            actor=self.officer,
            platform=self.platform,
            buyer=self.buyer,
            title=spec.tender,
            description="Закупівля ТОВ «Агро Закупівлі». Оплата 30 днів після поставки.",
            category=category,
            currency="UAH",
            questions_deadline=created + timedelta(days=5),
            applications_deadline=deadline,
            auction_start=auction_at,
            lots=[
                {
                    "title": spec.lot,
                    "quantity": Decimal(spec.quantity),
                    "unit": spec.unit,
                    "start_price": start,
                    "step_kind": StepKind.AMOUNT,
                    "step_value": Decimal("1000.00"),
                    "auction_format": AuctionFormat.ENGLISH,
                    "duration_seconds": 1800,
                    "soft_close_window_seconds": 180,
                    "soft_close_extension_seconds": 180,
                    "min_participants": 2,
                    "delivery_place": DELIVERY_PLACE,
                    "delivery_date": None if past else promised,
                    "incoterms": "DAP",
                }
            ],
            now=created,
        )
        drafting.tender_publish(actor=self.officer, tender=tender, now=created)
        lot = tender.lots.get()
        if past:
            # The validation rightly refuses a delivery date in the past: the promised day of
            # a past lot is set on its row (as the demo tender's deadlines are).
            Lot.objects.filter(pk=lot.pk).update(delivery_date=promised)
        bidders = [key for key, _amount in offers]
        for i, key in enumerate(bidders + list(spec.idle)):
            # What the supplier offers (as the demo tender's suppliers get their category).
            profile, _ = SupplierProfile.objects.get_or_create(company=self.companies[key])
            profile.categories.add(category)
            application = applications.application_submit(
                actor=self.users[key],
                lot=lot,
                supplier=self.companies[key],
                terms_accepted=True,
                now=created + timedelta(days=1, hours=i),
            )
            applications.application_admit(
                actor=self.officer, application=application, now=deadline - timedelta(days=1)
            )
        scheduling.lot_applications_close(lot_id=lot.pk, now=deadline + timedelta(minutes=1))
        scheduling.lot_schedule(lot_id=lot.pk, now=deadline + timedelta(minutes=1))
        lifecycle.lot_start(lot_id=lot.pk, now=auction_at)
        for i, (key, amount) in enumerate(offers):
            place.bid_place(
                lot_id=lot.pk,
                user=self.users[key],
                amount=str(amount),
                now=auction_at + timedelta(minutes=3 + 4 * i),
            )
        lot.refresh_from_db()
        if lot.ends_at is None:
            raise RuntimeError(f"the past lot {lot.pk} did not start")
        closed_at = lot.ends_at + timedelta(seconds=1)
        lifecycle.lot_close(lot_id=lot.pk, now=closed_at)
        award = lifecycle.lot_award(lot_id=lot.pk, user=self.officer)
        # The award takes the server's clock: its date (the ratings' date of the lot's facts)
        # is set on its row and its deal's, two hours after the close.
        awarded_at = closed_at + timedelta(hours=2)
        Award.objects.filter(pk=award.pk).update(awarded_at=awarded_at)
        Deal.objects.filter(award=award).update(created_at=awarded_at)
        _run_order_listeners()  # deal.created -> its order (and the commission invoice)
        lot.refresh_from_db()
        return lot

    # --- the order -------------------------------------------------------------------------

    def _move(self, order: Order, action: str, after: str, side: str, actor, at, reason=""):
        """The order's move as ``orders.order_move`` makes it (status, history row, event),
        dated ``at``: ``order_move`` takes the server's clock and has no ``now``, so the row
        is written as the ratings tests' ``answered_order`` writes it; the answer's hours
        after the "send" are what the ratings' responsiveness counts."""
        before = order.status
        order.status = after
        order.save(update_fields=["status", "updated_at"])
        OrderHistory.objects.create(
            order=order,
            action=action,
            status_before=before,
            status_after=after,
            side=side,
            actor=actor,
            reason=reason,
            at=at,
        )
        order_outbox.order_status_changed(
            order=order, action=action, before=before, side=side, reason=reason, actor=actor
        )

    def order(self, spec: PastLot, lot: Lot) -> tuple[Order, Shipment | None]:
        plan = _plan(spec)
        order = Order.objects.get(deal__lot=lot)
        awarded_at = Award.objects.get(lot=lot).awarded_at
        Order.objects.filter(pk=order.pk).update(created_at=awarded_at)  # the server's clock
        supplier = self.users[spec.winner]
        sent = awarded_at + timedelta(hours=3)
        answered = sent + timedelta(hours=plan.answer_hours)
        self._move(order, "send", OrderStatus.SENT, Side.BUYER, self.officer, sent)
        if plan.declined:
            self._move(
                order,
                "decline",
                OrderStatus.CANCELLED,
                Side.SUPPLIER,
                supplier,
                answered,
                reason=plan.declined,
            )
            _run_order_listeners()  # the declined order's commission invoice is voided
            return order, None
        self._move(order, "accept", OrderStatus.ACCEPTED, Side.SUPPLIER, supplier, answered)
        return order, self.ship(spec, order, ready=answered + timedelta(days=1))

    def ship(self, spec: PastLot, order: Order, *, ready: datetime) -> Shipment:
        plan = _plan(spec)
        user = self.users[spec.winner]
        line = order.lines.get()
        promised = line.delivery_date
        if promised is None:
            raise RuntimeError(f"the past order {order.pk} has no delivery date")
        current = spec is CURRENT
        route = plan.route or STEEL_ROUTE
        carrier = self.carriers.get(spec.winner)
        transit = len(route)  # a day per leg
        arrival = promised + timedelta(days=plan.late)
        pickup = _day(self.now, (timezone.localdate(self.now) - arrival).days + transit, 8)
        if current:
            pickup = self.now - timedelta(hours=52)
        shipment = shipments.shipment_create(
            user=user,
            order_id=order.pk,
            lines=[{"order_line": line.pk, "quantity": line.quantity}],
            carrier_id=carrier.pk if carrier else None,
            carrier_name="" if carrier else TRUCKS.get(spec.winner, "Власний транспорт"),
            # A carrier's waybill number (shown on the public page: nothing of the order's).
            tracking_number=f"5900{timezone.localtime(pickup):%y%m%d}{order.deal.lot_id:04d}",
            planned_pickup=min(timezone.localdate(pickup), promised - timedelta(days=transit)),
            planned_arrival=promised,
        )
        Shipment.objects.filter(pk=shipment.pk).update(created_at=ready)  # the server's clock
        _run_order_listeners()  # shipment.created: the order starts fulfilment
        step = timedelta(hours=20) if current else timedelta(days=1)
        for i, (status, location) in enumerate(route):
            shipments.shipment_event_add(
                user=user,
                shipment_id=shipment.pk,
                status=status,
                occurred_at=pickup + i * step,
                location=location,
                note="Рейс за графіком." if status == "in_transit" else "",
                internal=False,
            )
        if current:
            return shipment
        delivered_at = _day(self.now, (timezone.localdate(self.now) - arrival).days, 14)
        shipments.shipment_event_add(
            user=user,
            shipment_id=shipment.pk,
            status="delivered",
            occurred_at=delivered_at,
            location="Машівка, склад ТОВ «Агро Закупівлі»",
            internal=False,
        )
        _run_order_listeners()  # every line delivered: the order is delivered
        acceptance = shipments.delivery_accept(
            user=self.officer,
            shipment_id=shipment.pk,
            quantity_ok=plan.claim != "quantity",
            quality_ok=plan.claim != "quality",
            claim_reason=plan.claim_reason,
        )
        # The acceptance takes the server's clock: its date (the ratings' date of the
        # delivery's facts) is set on its row, the morning after the goods came.
        accepted_at = delivered_at + timedelta(hours=19)
        DeliveryAcceptance.objects.filter(pk=acceptance.pk).update(accepted_at=accepted_at)
        _run_order_listeners()  # received, or disputed with the claim
        quality, delivery, communication, documents = plan.marks
        review_save(
            user=self.officer,
            order_id=order.pk,
            marks={
                "quality": quality,
                "delivery": delivery,
                "communication": communication,
                "documents": documents,
            },
            comment=plan.comment,
            now=accepted_at + timedelta(hours=5),
        )
        return shipment


def _current_shipment(buyer: Company) -> Shipment | None:
    return (
        Shipment.objects.filter(order__buyer=buyer, order__deal__lot__tender__title=CURRENT.tender)
        .order_by("-pk")
        .first()
    )


def history_demo_load(
    *, now: datetime, platform: Platform, companies: dict, people: dict, admin: User
) -> dict:
    """Load the history once (``companies``: by key, with "slow" the fourth supplier;
    ``people``: e-mail -> (user, company)). Returns whether it was made now, the current
    shipment and its public tracking page's path."""
    buyer = companies["agro"]
    made = not Tender.objects.filter(buyer=buyer, title=HISTORY_KEY).exists()
    if made:
        first = _last_event_id()
        history = _History(now=now, platform=platform, companies=companies, people=people)
        for spec in HISTORY:
            history.order(spec, history.auction(spec))
        past = _last_event_id()
        history.order(CURRENT, history.auction(CURRENT))
        # The scorecards and the standings the admission reads, from the facts just written.
        for key in SUPPLIER_EMAILS:
            pair_recompute(buyer_id=buyer.pk, supplier_id=companies[key].pk, now=now)
            _past_quarters(buyer_id=buyer.pk, supplier_id=companies[key].pk, now=now)
        _past_deliveries_done(first=first, past=past, now=now)
    shipment = _current_shipment(buyer)
    return {
        "made": made,
        "shipment": shipment,
        "tracking_path": f"/track/{shipment.tracking_token}/" if shipment else None,
        "ratings_path": f"/ratings/buyers/{buyer.pk}/",
    }


def _plan(spec: PastLot) -> PastOrder:
    """The order a past lot's award turned into (only lots with one get this far)."""
    if spec.order is None:
        raise RuntimeError(f"the past lot {spec.lot!r} has no order")
    return spec.order
