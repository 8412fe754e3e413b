"""Load the demo data `make run` shows: platforms, verified companies and their people, and a
live auction about to start.

Safe to run again: every object is looked up by a natural key first, and passwords are reset
to the printed demo password. The demo tender is kept while its English lot is still to come (or
live); otherwise its unfinished lots are cancelled and a fresh demo tender is made, so every run
shows an auction going live about a minute later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from auctions.models import LotStatus, StepKind, Tender, TenderStatus
from auctions.states import TERMINAL, can_transition
from auctions.tenders import applications, drafting, scheduling
from deals.models import Payer, PlatformFee
from demo.banking_demo import banking_demo_load
from demo.brand_demo import brand_demo_load
from demo.catalogue_demo import catalogue_demo_load
from demo.crm_demo import crm_demo_load
from demo.crm_more_demo import crm_more_demo_load
from demo.history_demo import history_demo_load
from demo.languages_demo import languages_demo_load
from demo.logistics_demo import DELIVERY, logistics_demo_load
from demo.planning_demo import planning_demo_load
from demo.translation_orders_demo import translation_orders_demo_load
from logistics.landed import delivery_quote_for_application
from marketplace.categories.models import Category
from marketplace.companies.identifiers import normalise
from marketplace.companies.models import Company, Membership, MembershipRole, VerificationStatus
from marketplace.platforms.models import (
    AuctionFormat,
    ParticipationStatus,
    Platform,
    PlatformAdmin,
    PlatformKind,
    PlatformMembership,
    Visibility,
)
from marketplace.users.models import User
from suppliers.models import SupplierProfile

DEMO_PASSWORD = "tradefloor-demo"

COMPANIES = [
    # Identifiers are made up but pass their checksums (python-stdnum).
    # key, legal name, country, registration number, tax id, buyer, supplier, city
    ("agro", "ТОВ «Агро Закупівлі»", "UA", "41273456", "", True, False, "Київ"),
    ("steel", "ТОВ «Дніпро Сталь Постач»", "UA", "41273461", "", False, True, "Дніпро"),
    (
        "fuel",
        "ООО «Северный Топливный Терминал»",
        "RU",
        "1027709912306",
        "7709123453",
        False,
        True,
        "Москва",
    ),
    ("logi", "Baltic Freight Supply OÜ", "EE", "14193478", "EE100000007", True, True, "Tallinn"),
    # The demo history's (demo/history_demo.py) unreliable supplier: blocked with agro.
    ("slow", "ТОВ «Повільні Поставки»", "UA", "41273482", "", False, True, "Кривий Ріг"),
]

PEOPLE = [
    # e-mail, name, company key, roles
    (
        "buyer@demo.tradefloor.local",
        "Олена Коваль",
        "agro",
        [MembershipRole.COMPANY_ADMIN, MembershipRole.PROCUREMENT_OFFICER],
    ),
    (
        "steel@demo.tradefloor.local",
        "Андрій Мельник",
        "steel",
        [MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER],
    ),
    (
        "fuel@demo.tradefloor.local",
        "Ирина Соколова",
        "fuel",
        [MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER],
    ),
    (
        "baltic@demo.tradefloor.local",
        "Kristjan Tamm",
        "logi",
        [MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER, MembershipRole.PROCUREMENT_OFFICER],
    ),
    ("manager@demo.tradefloor.local", "Марія Шевченко", "agro", [MembershipRole.ACCOUNT_MANAGER]),
    # The approver of agro's tenders above its approval policy's threshold (demo/approvals_demo).
    (
        "approver@demo.tradefloor.local",
        "Василь Бондаренко",
        "agro",
        [MembershipRole.PROCUREMENT_OFFICER],
    ),
    (
        "slow@demo.tradefloor.local",
        "Богдан Гнатюк",
        "slow",
        [MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER],
    ),
]


# The live auction demo: a tender of the buyer (agro) with an English lot going live a minute
# after loading and a rounds lot after it. The suppliers are admitted; steel and fuel are bid by
# `manage.py run_demo_bots`, baltic is left to the person trying the demo.
DEMO_TENDER_TITLE = "Пальне для посівної кампанії 2026 (демо-аукціон)"
DEMO_CATEGORY = "09100000-0"  # CPV: fuels
DEMO_BUYER = "buyer@demo.tradefloor.local"
DEMO_BIDDER = "baltic@demo.tradefloor.local"
DEMO_SUPPLIERS = ["steel@demo.tradefloor.local", "fuel@demo.tradefloor.local", DEMO_BIDDER]
LIVE_IN = timedelta(seconds=60)
STAGGER = timedelta(minutes=12)  # the rounds lot starts this long after the English one
# The parts `--without` can leave out (`--lean`: both).
PARTS = ("history", "catalogue")
# Initial offers for the rounds lot (its first round's order), by supplier e-mail.
ROUNDS_INITIAL = {
    "steel@demo.tradefloor.local": Decimal("2150000.00"),
    "fuel@demo.tradefloor.local": Decimal("2170000.00"),
    DEMO_BIDDER: Decimal("2190000.00"),
}


def demo_lots(*, duration: int = 600, stagger: int = 720, turn: int = 30) -> list[dict]:
    """The English lot (``duration`` seconds) and, ``stagger`` seconds after its start, the
    rounds lot (turns of ``turn`` seconds, a first pause of two turns, pauses of one), the
    landed-cost lot and the Japanese one (levels of ``turn`` seconds); once the Japanese clock
    has run out, the Dutch lot (levels of ``turn`` seconds), which runs alone."""
    delivery = timezone.localdate() + timedelta(days=30)
    common = {
        "delivery_place": "Полтавська обл., Машівка, склад ПММ ТОВ «Агро Закупівлі»",
        "delivery_date": delivery,
        "incoterms": "DAP",
        "step_kind": StepKind.AMOUNT,
        "visibility": Visibility.LADDER,
        "min_participants": 2,
    }
    english = {
        **common,
        "title": "Дизельне паливо ДП-Л-Євро5-В0",
        "quantity": Decimal("120"),
        "unit": "т",
        "description": "ДСТУ 7688:2015, партіями по 20 т.",
        "start_price": Decimal("6240000.00"),
        "reserve_price": Decimal("5600000.00"),
        "step_value": Decimal("15000.00"),
        "auction_format": AuctionFormat.ENGLISH,
        "max_step_percent": Decimal("5"),
        "duration_seconds": duration,
        "soft_close_window_seconds": min(60, duration // 3),
        "soft_close_extension_seconds": min(60, duration // 3),
        "stagger_seconds": stagger,
    }
    rounds = {
        **common,
        "title": "Бензин А-95-Євро5-Е5",
        "quantity": Decimal("40"),
        "unit": "т",
        "start_price": Decimal("2200000.00"),
        "step_value": Decimal("10000.00"),
        "auction_format": AuctionFormat.ROUNDS,
        "rounds": 3,
        "turn_seconds": turn,
        "first_pause_seconds": 2 * turn,
        "round_pause_seconds": turn,
        "stagger_seconds": 0,  # the landed-cost lot starts with it
    }
    # Ranked by landed cost: the same diesel bought at the suppliers' warehouses (FCA), each
    # bid ranked as its price plus the supplier's delivery to Mashivka, quoted from its
    # warehouse with the platform's freight partner's (or its own carrier's) rate card.
    landed = {
        **common,
        "title": "Дизельне паливо ДП-З-Євро5, FCA склад постачальника (ціна з доставкою)",
        "quantity": Decimal("60"),
        "unit": "т",
        "incoterms": "FCA",
        "landed_cost": True,
        "delivery_latitude": DELIVERY[3],
        "delivery_longitude": DELIVERY[4],
        "unit_weight_kg": Decimal("1000"),
        "start_price": Decimal("3100000.00"),
        "step_value": Decimal("10000.00"),
        "auction_format": AuctionFormat.ENGLISH,
        "duration_seconds": duration,
        "soft_close_window_seconds": min(60, duration // 3),
        "soft_close_extension_seconds": min(60, duration // 3),
        "stagger_seconds": 0,  # the Japanese lot starts with it
    }
    # The Japanese reverse auction: the price falls by a step at each level (``turn`` seconds);
    # each supplier confirms it to stay in, and the last one standing wins.
    japanese = {
        **common,
        "title": "Мастило моторне М-10Г2к (японський аукціон)",
        "quantity": Decimal("5"),
        "unit": "т",
        "start_price": Decimal("480000.00"),
        "step_value": Decimal("8000.00"),
        "auction_format": AuctionFormat.JAPANESE,
        "level_seconds": turn,
        "floor_price": Decimal("400000.00"),
        # The Dutch lot after it runs alone: it starts once this clock's 11 levels are over.
        "stagger_seconds": 12 * turn,
    }
    # The Dutch auction (a reverse one): the price rises from the floor by a step at each level
    # (``turn`` seconds) until a supplier accepts it; the first to accept wins at that price.
    dutch = {
        **common,
        "title": "Газ скраплений пропан-бутан (голландський аукціон)",
        "quantity": Decimal("10"),
        "unit": "т",
        "start_price": Decimal("300000.00"),
        "step_value": Decimal("12000.00"),
        "auction_format": AuctionFormat.DUTCH,
        "level_seconds": turn,
        "floor_price": Decimal("180000.00"),
    }
    return [english, rounds, landed, japanese, dutch]


def _demo_tenders():
    return Tender.objects.filter(
        title=DEMO_TENDER_TITLE, created_by__email=DEMO_BUYER, status=TenderStatus.PUBLISHED
    ).order_by("-pk")


def demo_tender_current(*, now: datetime | None = None) -> Tender | None:
    """The newest demo tender if its English lot is still to come or live with time left."""
    now = now or timezone.now()
    tender = _demo_tenders().first()
    lot = tender and tender.lots.filter(number=1).first()
    if lot is None:
        return None
    upcoming = lot.status == LotStatus.AUCTION_SCHEDULED and lot.starts_at > now + timedelta(
        seconds=15
    )
    running = lot.status == LotStatus.LIVE and lot.ends_at > now + timedelta(seconds=60)
    return tender if upcoming or running else None


def demo_lots_open() -> list:
    """The newest demo tender's lots that are not finished (for the bots)."""
    tender = _demo_tenders().first()
    if tender is None:
        return []
    running = (LotStatus.AUCTION_SCHEDULED, LotStatus.LIVE, LotStatus.PAUSED, LotStatus.SUSPENDED)
    return list(tender.lots.filter(status__in=running).order_by("number"))


def _demo_tenders_retire(*, actor, keep: Tender | None) -> None:
    """Cancel the older demo tenders, so that the pages list one demo auction (the landing page
    leaves cancelled tenders out); of one with a live or closed lot, which the scheduler and
    the buyer finish, cancel what can be cancelled."""
    for tender in _demo_tenders().exclude(pk=getattr(keep, "pk", None)):
        if all(
            lot.status in TERMINAL or can_transition(lot.status, LotStatus.CANCELLED)
            for lot in tender.lots.all()
        ):
            drafting.tender_cancel(
                actor=actor, tender=tender, reason="Replaced by a fresh demo auction."
            )
            continue
        for lot in tender.lots.all():
            if can_transition(lot.status, LotStatus.CANCELLED) and lot.status != LotStatus.DRAFT:
                drafting.lot_cancel(
                    actor=actor, lot=lot, reason="Replaced by a fresh demo auction."
                )


def demo_tender_create(
    *,
    now: datetime,
    platform: Platform,
    buyer: Company,
    officer: User,
    suppliers: dict,
    live_in: timedelta = LIVE_IN,
    lot_timing: dict | None = None,
    warehouses: dict | None = None,
) -> Tender:
    """A published demo tender whose lots are auction_scheduled, the English one at now + 60 s.

    Made through the services (create, publish, apply, admit, close applications, schedule);
    only the deadlines are then moved into the past with ``update()``, since the services
    rightly refuse past dates and the demo cannot wait for real ones. ``suppliers``: e-mail ->
    (user, company) for ``DEMO_SUPPLIERS``; ``warehouses``: e-mail -> the warehouse each
    ships the landed-cost lot from (its delivery quoted before it is admitted)."""
    category = Category.objects.filter(code=DEMO_CATEGORY).first() or Category.objects.create(
        code=DEMO_CATEGORY, name_en="Fuels", name_ru="Топливо", name_uk="Паливо"
    )
    tender = drafting.tender_create(
        actor=officer,
        platform=platform,
        buyer=buyer,
        title=DEMO_TENDER_TITLE,
        description="Закупівля пального для весняних польових робіт. Оплата 30 днів після "
        "поставки; доставка транспортом постачальника.",
        category=category,
        currency="UAH",
        original_language="uk",
        questions_deadline=now + timedelta(hours=1),
        applications_deadline=now + timedelta(hours=2),
        auction_start=now + timedelta(hours=3),
        lots=demo_lots(**(lot_timing or {})),
        now=now,
    )
    drafting.tender_publish(actor=officer, tender=tender, now=now)
    lots = list(tender.lots.order_by("number"))
    for email in DEMO_SUPPLIERS:
        user, supplier = suppliers[email]
        profile, _ = SupplierProfile.objects.get_or_create(company=supplier)
        profile.categories.add(category)
        for lot in lots:
            initial = ROUNDS_INITIAL[email] if lot.auction_format == AuctionFormat.ROUNDS else None
            application = applications.application_submit(
                actor=user,
                lot=lot,
                supplier=supplier,
                terms_accepted=True,
                initial_amount=initial,
                now=now,
            )
            if lot.landed_cost and warehouses:
                delivery_quote_for_application(
                    user=user, application_id=application.pk, warehouse_id=warehouses[email].pk
                )
                application.refresh_from_db()
            applications.application_admit(actor=officer, application=application, now=now)
    Tender.objects.filter(pk=tender.pk).update(
        questions_deadline=now - timedelta(minutes=2),
        applications_deadline=now - timedelta(minutes=1),
        auction_start=now + live_in,
    )
    for lot in lots:
        scheduling.lot_applications_close(lot_id=lot.pk, now=now)
        scheduling.lot_schedule(lot_id=lot.pk, now=now)
    return tender


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo platform, companies, users and a live auction about to "
        "start, and print the log-ins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=8000, help="the server's port, for the printed URL"
        )
        parser.add_argument(
            "--live-in",
            type=int,
            default=int(LIVE_IN.total_seconds()),
            help="seconds until the English lot goes live (a fresh demo tender only)",
        )
        parser.add_argument(
            "--duration",
            type=int,
            default=600,
            help="the English lot's length in seconds; its soft-close window and extension are "
            "a third of it, at most 60 s",
        )
        parser.add_argument(
            "--stagger",
            type=int,
            default=int(STAGGER.total_seconds()),
            help="seconds from the English lot's start to the rounds lot's",
        )
        parser.add_argument(
            "--turn-seconds",
            type=int,
            default=30,
            help="the rounds lot's turn; its first pause is two turns, the pauses between "
            "rounds one",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="always make a fresh demo tender, even if the current one is still to come",
        )
        parser.add_argument(
            "--lean",
            action="store_true",
            help="leave out the year of trading history and the search catalogue (the tests "
            "that look at neither; `make run` loads everything)",
        )
        parser.add_argument(
            "--without",
            action="append",
            choices=PARTS,
            default=[],
            help="leave out one part (repeatable): the tests of the other one load less",
        )

    def handle(
        self,
        *args,
        port: int = 8000,
        live_in: int = 60,
        duration: int = 600,
        stagger: int = 720,
        turn_seconds: int = 30,
        fresh: bool = False,
        lean: bool = False,
        without: list[str] | None = None,
        **options,
    ):
        if duration < 30 or live_in < 1 or stagger < 1 or turn_seconds < 10:
            raise CommandError(
                "--duration must be at least 30 s, --turn-seconds at least 10 s, --live-in and "
                "--stagger at least 1 s."
            )
        tender, fresh, rows = self.load(
            now=timezone.now(),
            live_in=timedelta(seconds=live_in),
            force_fresh=fresh,
            lot_timing={"duration": duration, "stagger": stagger, "turn": turn_seconds},
            without=set(PARTS) if lean else set(without or ()),
        )
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Log in at /accounts/login/ as:"))
        for email, what in rows:
            self.stdout.write(f"  {email:<34} {DEMO_PASSWORD:<16} {what}")
        self.print_auction(tender, fresh, port=port)
        history = self.history
        if history.get("tracking_path"):
            self.stdout.write(
                self.style.SUCCESS("Trading history: a year of agro's orders, rated") + "\n"
                f"  Shipment in transit, its public tracking page: "
                f"http://127.0.0.1:{port}{history['tracking_path']}\n"
                f"  The suppliers' ratings with agro: http://127.0.0.1:{port}"
                f"{history['ratings_path']} (as {DEMO_BUYER})"
            )
        self.stdout.write(
            f"Procurement plan with its fact: http://127.0.0.1:{port}{self.planning['path']} "
            f"(as {DEMO_BUYER})"
        )
        if self.banking.get("path"):
            self.stdout.write(
                f"A reconciled bank statement: http://127.0.0.1:{port}{self.banking['path']} "
                "(as admin@demo.tradefloor.local)"
            )
        self.stdout.write("The CRM beyond sales:")
        for path, email, what in self.crm_more["pages"]:
            self.stdout.write(f"  {what}: http://127.0.0.1:{port}{path} (as {email})")
        c = self.catalogue
        if c:
            self.stdout.write(
                f"Catalogue demo: {c['suppliers']} suppliers, {c['products']} products, "
                f"{c['tenders']} more tenders; signed in: http://127.0.0.1:{port}/suppliers/ "
                f"and http://127.0.0.1:{port}/catalogue/"
            )

    def print_auction(self, tender: Tender, fresh: bool, *, port: int) -> None:
        now = timezone.now()
        lots = list(tender.lots.order_by("number"))
        state = "a fresh one" if fresh else "kept: still to come or live"
        self.stdout.write(
            self.style.SUCCESS(f"Live auction demo: tender #{tender.pk} «{tender.title}» ({state})")
        )
        for lot in lots:
            when = ""
            if lot.status == LotStatus.AUCTION_SCHEDULED and lot.starts_at:
                seconds = max(0, int((lot.starts_at - now).total_seconds()))
                when = f", starts {lot.starts_at:%H:%M:%S} UTC (in {seconds} s)"
            elif lot.status == LotStatus.LIVE and lot.ends_at:
                when = f", ends {lot.ends_at:%H:%M:%S} UTC"
            self.stdout.write(
                f"  lot {lot.pk}: {lot.title}, {lot.get_auction_format_display()}, "
                f"{lot.get_status_display().lower()}{when}"
            )
        english = lots[0]
        self.stdout.write(
            f"  Open http://127.0.0.1:{port}/lots/{english.pk}/ : the live console as {DEMO_BUYER},"
            f" the auction room as {DEMO_BIDDER} (bid there).\n"
            f"  Websocket: ws://127.0.0.1:{port}/ws/lots/{english.pk}/ (protocol: docs/websocket.md);"
            f" standing: /api/lots/{english.pk}/standing/\n"
            f"  The steel and fuel suppliers are bots (`manage.py run_demo_bots`, started by "
            f"`make run`)."
        )

    @transaction.atomic
    def load(
        self,
        *,
        now,
        live_in: timedelta = LIVE_IN,
        lot_timing: dict | None = None,
        force_fresh: bool = False,
        without: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> tuple[Tender, bool, list[tuple[str, str]]]:
        admin, _ = User.objects.get_or_create(
            email="admin@demo.tradefloor.local",
            defaults={"full_name": "Platform Admin", "is_staff": True, "is_superuser": True},
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()

        public, _ = Platform.objects.get_or_create(
            slug="public",
            defaults={
                "name": "Tradefloor Public",
                "kind": PlatformKind.PUBLIC,
                "default_currency": "UAH",
                "description": "The open platform for verified buyers and suppliers.",
            },
        )
        PlatformAdmin.objects.get_or_create(platform=public, user=admin)
        # The public platform's commission: the winner pays 1% of a deal (at least 500 UAH, at
        # most 50,000), invoiced when the award's order is made, paid by bank transfer here.
        PlatformFee.objects.get_or_create(
            platform=public,
            defaults={
                "percent": Decimal("1.000"),
                "minimum": Decimal("500.00"),
                "maximum": Decimal("50000.00"),
                "currency": "UAH",
                "payer": Payer.SUPPLIER,
            },
        )

        companies: dict[str, Company] = {}
        for key, name, country, reg, tax, buyer, supplier, city in COMPANIES:
            ids = normalise(country, reg, tax)
            company = Company.objects.filter(
                country=country, registration_number=ids.registration_number
            ).first()
            if company is None:
                company = Company.objects.create(
                    legal_name=name,
                    country=country,
                    registration_number=ids.registration_number,
                    tax_id=ids.tax_id,
                    is_buyer=buyer,
                    is_supplier=supplier,
                    city=city,
                    created_by=admin,
                    verification_status=VerificationStatus.VERIFIED,
                    verified_at=now,
                )
            companies[key] = company
            PlatformMembership.objects.get_or_create(
                platform=public,
                company=company,
                defaults={
                    "status": ParticipationStatus.ACCEPTED,
                    "decided_by": admin,
                    "decided_at": now,
                },
            )

        dedicated, _ = Platform.objects.get_or_create(
            slug="agro-procurement",
            defaults={
                "name": "Агро Закупівлі: власний майданчик",
                "kind": PlatformKind.DEDICATED,
                "owner": companies["agro"],
                "default_currency": "UAH",
                "description": "A dedicated procurement platform of one client.",
            },
        )
        for key in ("agro", "steel"):
            PlatformMembership.objects.get_or_create(
                platform=dedicated,
                company=companies[key],
                defaults={
                    "status": ParticipationStatus.ACCEPTED,
                    "decided_by": admin,
                    "decided_at": now,
                },
            )

        people: dict[str, tuple[User, Company]] = {}
        for email, full_name, key, roles in PEOPLE:
            user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
            people[email] = (user, companies[key])
            user.set_password(DEMO_PASSWORD)
            user.save()
            for role in roles:
                Membership.objects.get_or_create(user=user, company=companies[key], role=role)
            if key == "agro" and MembershipRole.COMPANY_ADMIN in roles:
                PlatformAdmin.objects.get_or_create(platform=dedicated, user=user)

        # The CRM first: the demo auction's events then land on the accounts it made.
        crm_demo_load(
            companies=companies,
            managers={
                "agro": people["manager@demo.tradefloor.local"][0],
                "steel": people["steel@demo.tradefloor.local"][0],
                "logi": people[DEMO_BIDDER][0],
            },
            now=now,
        )

        warehouses = logistics_demo_load(
            admin=admin, platform=public, companies=companies, people=people
        )
        # A year of past trading before the demo tender: the standings its admission reads.
        self.history: dict = {}
        if "history" not in without:
            self.history = history_demo_load(
                now=now, platform=public, companies=companies, people=people, admin=admin
            )

        # The platform's bank statement: one invoice paid by it, one proposed, one line unmatched.
        self.banking = (
            banking_demo_load(now=now, platform=public, admin=admin) if self.history else {}
        )
        # The buyer's procurement plan for the year, its past tenders linked: plan versus fact.
        self.planning = planning_demo_load(
            now=now, buyer=companies["agro"], officer=people[DEMO_BUYER][0]
        )
        key_of = {company.pk: key for key, company in companies.items()}
        shipping = {email: warehouses[key_of[people[email][1].pk]] for email in DEMO_SUPPLIERS}

        officer = people[DEMO_BUYER][0]
        tender = None if force_fresh else demo_tender_current(now=now)
        fresh = tender is None
        if tender is None:
            tender = demo_tender_create(
                now=now,
                platform=public,
                buyer=companies["agro"],
                officer=officer,
                suppliers={e: people[e] for e in DEMO_SUPPLIERS},
                live_in=live_in,
                lot_timing=lot_timing,
                warehouses=shipping,
            )
        _demo_tenders_retire(actor=officer, keep=tender)
        # The tender's English version beside its Ukrainian original (demo/languages_demo.py).
        languages_demo_load(now=now, tender=tender, officer=officer)
        # A translation of the tender's specification ordered from the platform's translator
        # (demo/translation_orders_demo.py: translator@demo.tradefloor.local, in progress).
        self.translations = translation_orders_demo_load(
            now=now,
            platform=public,
            admin=admin,
            buyer=companies["agro"],
            officer=officer,
            tender=tender,
            password=DEMO_PASSWORD,
        )
        # The supplier directory, the catalogue and more tenders for the search to find.
        self.catalogue: dict = {}
        if "catalogue" not in without:
            self.catalogue = catalogue_demo_load(now=now, platform=public, admin=admin)
        # agro's dedicated platform under its own brand on client.localhost, with a tender of its
        # own there (demo/brand_demo.py).
        self.brand = brand_demo_load(platform=dedicated, admin=admin)
        # The CRM beyond sales: a campaign with its results, automation rules, an approval
        # waiting (its policy made after the demo's other tenders are published), a service
        # desk's cases and prices for kinds of customer.
        self.crm_more = crm_more_demo_load(
            now=now,
            platform=public,
            companies=companies,
            people=people,
            category_code=DEMO_CATEGORY,
        )

        rows = [
            ("admin@demo.tradefloor.local", "platform admin (operator staff)"),
            ("translator@demo.tradefloor.local", "translator of the public platform"),
        ]
        rows += [
            (e, f"{companies[k].legal_name}: {', '.join(str(r.label) for r in rs)}")
            for e, _n, k, rs in PEOPLE
        ]
        return tender, fresh, rows
