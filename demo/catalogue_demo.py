"""The demo's supplier directory and product catalogue, and more tenders: enough data to make
the search (/, /suppliers/, /catalogue/) worth trying.

About forty verified supplier companies (mostly Ukrainian; a few Russian, Polish, Estonian and
German ones, named in their language, their identifiers passing their country's checksums),
accepted participants of the public platform, each with its profile (a description in its
language, one to four categories, the regions it serves, a certificate or two), five to
fifteen products and a price list valid today: a few hundred products in all. They are written
with ``bulk_create`` (the suppliers' services would take seconds per supplier, each one event),
row for row what the services would make, and indexed for the search at the end.

The demo's buyers (agro; logi, with its Gdańsk branch) publish about twenty-five more tenders
across the categories, through the tender services: deadlines over the coming weeks, auctions
far enough ahead that the scheduler and the bots leave them alone; two are cancelled and three
had their applications closed with nobody admitted (their lots failed). They are published
before the generated suppliers join, their tender-match listeners run then: the CRM's tender
leads go to the demo's own suppliers, not to forty workspaces nobody opens.

The demo's own four suppliers get a description and the regions they serve (and the categories
of what they sell) through ``supplier_profile_update`` when they have none, so that "дизель" in
the directory finds the demo's fuel suppliers too.

Loaded once: when the first generated company exists, nothing is written again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.db.models import Q
from django.utils import timezone
from stdnum.ee import registrikood
from stdnum.eu import vat as eu_vat
from stdnum.ru import inn as ru_inn
from stdnum.ru import ogrn as ru_ogrn
from stdnum.ua import edrpou

from auctions.models import Tender
from auctions.tenders import drafting, scheduling
from marketplace.categories.models import Category
from marketplace.companies.identifiers import normalise
from marketplace.companies.models import Company, Membership, MembershipRole, VerificationStatus
from marketplace.events.models import DeliveryStatus, Event, EventDelivery
from marketplace.events.services import delivery_run
from marketplace.platforms.models import ParticipationStatus, Platform, PlatformMembership
from marketplace.users.models import User
from search import services as search_services
from search.backends import BackendUnavailable
from search.query import Kind
from suppliers.models import (
    Certificate,
    PriceList,
    PriceListItem,
    PriceListKind,
    Product,
    SupplierProfile,
    SupplierRegion,
)
from suppliers.services import supplier_profile_update

from .catalogue_data import (
    AND,
    CERTIFICATES,
    CURRENCY,
    GOODS,
    ISO_9001,
    LANGUAGE,
    PRICE_LIST,
    PRODUCT_NOTE,
    PROFILE,
    RATES,
    SUPPLIERS,
    TRADE,
)

log = logging.getLogger(__name__)

# The demo's own suppliers (by their admin's e-mail): the categories they sell (added to those
# the demo tender and the history gave them), the regions they serve, their description.
OWN_SUPPLIERS = {
    "steel@demo.tradefloor.local": (
        ("44100000-1", "14000000-1"),
        "UA-12 UA-53 UA-23 UA-63",
        "Арматура, сортовий і листовий прокат, металоконструкції зі складу в Дніпрі. Доставка "
        "автотранспортом партнера майданчика по Дніпропетровській, Полтавській, Запорізькій "
        "і Харківській областях; сертифікати якості на кожну плавку.",
    ),
    "fuel@demo.tradefloor.local": (
        ("09100000-0", "09134200-9", "09132000-3"),
        "UA RU-MOW",
        "Дизельное топливо ДТ-Л и ДТ-З класса Евро-5, бензины АИ-92 и АИ-95 с нефтебазы в "
        "Одессе. Паспорт качества на каждую партию, доставка бензовозами.",
    ),
    "baltic@demo.tradefloor.local": (
        ("09134200-9", "44100000-1"),
        "EE LV LT PL UA",
        "Diesel fuel EN 590 and structural steel from the Tallinn port terminal, shipped by our "
        "own trucks to the Baltic states, Poland and Ukraine.",
    ),
    "slow@demo.tradefloor.local": (
        ("44100000-1", "09000000-3"),
        "UA-12",
        "Сітка, дріт, мастила й антифриз зі складу в Кривому Розі.",
    ),
}
TENDER_NOTE = {
    "UAH": "Закупівля ТОВ «Агро Закупівлі» для господарства в Полтавській області. Оплата "
    "30 днів після поставки, доставка на склад покупця (DAP).",
    "EUR": "A purchase of Baltic Freight Supply OÜ for its Muuga terminal. Payment 30 days "
    "after delivery, DAP.",
    "PLN": "Zakup Baltic Freight Supply OÜ dla oddziału w Gdańsku. Płatność 30 dni od dostawy, "
    "DAP.",
}
# The listeners that tell suppliers of a published tender matching their categories.
MATCH_LISTENERS = ("crm.tender_match_leads", "notifications.tender_match")
TENDER_BUYERS = {"agro": "buyer@demo.tradefloor.local", "logi": "baltic@demo.tradefloor.local"}
TENDER_PLACES = {
    "UAH": "Полтавська обл., Машівка, склад ТОВ «Агро Закупівлі»",
    "EUR": "Tallinn, Muuga port terminal",
    "PLN": "Gdańsk, ul. Przemysłowa 12, magazyn Baltic Freight",
}
CANCEL_REASON = {
    "UAH": "Закупівлю перенесено на наступний сезон.",
    "EUR": "Bought under the framework agreement instead.",
}
# The extra tenders: buyer, title, category, currency, the applications deadline in days from
# now (below 0: passed, the lots closed for applications and failed with nobody admitted),
# "cancelled" or "", and the lots: (item, quantity, unit, start price).
# fmt: off
TENDERS = [
    ("agro", "Мінеральні добрива під озимі 2026", "24000000-4", "UAH", 9, "", [
        ("Карбамід (сечовина) N 46%", "300", "т", "6300000"),
        ("Аміачна селітра N 34,4%", "200", "т", "3600000"),
        ("Нітроамофоска NPK 16-16-16", "150", "т", "3500000"),
    ]),
    ("agro", "Насіння соняшнику та кукурудзи на весняну сівбу", "03100000-2", "UAH", 14, "", [
        ("Насіння соняшнику, гібрид F1", "1200", "п. о.", "5100000"),
        ("Насіння кукурудзи ФАО 280–320", "900", "п. о.", "4300000"),
    ]),
    ("agro", "Насіння пшениці озимої, еліта", "03100000-2", "UAH", 6, "", [
        ("Насіння пшениці озимої, еліта", "120", "т", "2900000"),
    ]),
    ("agro", "Засоби захисту рослин: гербіциди та фунгіциди", "24900000-3", "UAH", 11, "", [
        ("Гербіцид на основі гліфосату 480 г/л", "6000", "л", "1550000"),
        ("Фунгіцид тебуконазол 250 г/л", "2000", "л", "1300000"),
    ]),
    ("agro", "Запчастини до комбайнів перед жнивами", "16000000-5", "UAH", 17, "", [
        ("Сегменти ножа жатки", "4000", "шт", "280000"),
        ("Ланцюги похилої камери", "12", "шт", "120000"),
        ("Бичі молотильного барабана", "60", "шт", "110000"),
    ]),
    ("agro", "Шини та акумулятори для тракторного парку", "34300000-0", "UAH", 20, "", [
        ("Шини 710/70R42", "8", "шт", "620000"),
        ("Акумулятори 12 В 190 А·год", "20", "шт", "140000"),
    ]),
    ("agro", "Арматура і сітка для бетонування майданчика", "44100000-1", "UAH", 12, "", [
        ("Арматура А500С Ø12 мм", "25", "т", "850000"),
        ("Сітка зварна 100×100×4 мм", "1500", "шт", "680000"),
    ]),
    ("agro", "Цемент і щебінь для будівництва зерносховища", "44100000-1", "UAH", 22, "", [
        ("Цемент ПЦ I-500-Н, навалом", "180", "т", "900000"),
        ("Щебінь гранітний, фракція 5–20 мм", "900", "т", "680000"),
    ]),
    ("agro", "Труби для системи зрошення", "44100000-1", "UAH", 26, "", [
        ("Труба поліетиленова ПЕ100 SDR17 Ø110 мм", "4000", "м", "1350000"),
    ]),
    ("agro", "Пакування для зерна: біг-беги та мішки", "19000000-6", "UAH", 8, "", [
        ("Біг-беги 90×90×150 см", "3000", "шт", "930000"),
        ("Мішки поліпропіленові на 50 кг", "40000", "шт", "300000"),
    ]),
    ("agro", "Комбікорм для молочної ферми, II квартал", "15600000-4", "UAH", 15, "", [
        ("Комбікорм для ВРХ, гранульований", "240", "т", "3500000"),
        ("Шрот соняшниковий, протеїн 36%", "80", "т", "900000"),
    ]),
    ("agro", "Пиломатеріали для ремонту ферми", "03000000-1", "UAH", 30, "", [
        ("Дошка обрізна, сосна, 50×150 мм", "60", "м³", "650000"),
        ("Брус сосновий 100×100 мм", "40", "м³", "450000"),
    ]),
    ("agro", "Спецодяг для сезонних працівників", "18100000-0", "UAH", 28, "", [
        ("Костюми робочі", "300", "шт", "500000"),
        ("Рукавиці трикотажні з ПВХ-крапкою", "10000", "пара", "160000"),
        ("Чоботи гумові", "300", "пара", "130000"),
    ]),
    ("agro", "Дизельне паливо на жнива 2026", "09134200-9", "UAH", 35, "", [
        ("Дизельне паливо ДП-Л-Євро5-В0", "200", "т", "10400000"),
    ]),
    ("agro", "Перевезення зерна автотранспортом на жнива", "60100000-9", "UAH", 19, "cancelled", [
        ("Перевезення зерна зерновозами, Машівка — Південний", "6000", "т", "4200000"),
    ]),
    ("agro", "Мастильні матеріали на посівну", "09000000-3", "UAH", -4, "", [
        ("Моторна олива 15W-40", "4000", "л", "620000"),
        ("Гідравлічна олива HLP 46", "2000", "л", "260000"),
    ]),
    ("agro", "Електрообладнання для зерносушарки", "31000000-6", "UAH", -2, "", [
        ("Електродвигуни 11 кВт", "6", "шт", "120000"),
        ("Кабель ВВГнг 3×2,5", "2000", "м", "95000"),
    ]),
    ("logi", "Diesel fuel for terminal machinery, Q3", "09134200-9", "EUR", 10, "", [
        ("Diesel fuel EN 590", "180000", "l", "250000"),
    ]),
    ("logi", "Wooden pallets and stretch film for the Tallinn terminal", "19000000-6", "EUR", 13, "", [
        ("EUR pallets 1200×800", "6000", "pcs", "72000"),
        ("Stretch film 500 mm", "4000", "kg", "9600"),
    ]),
    ("logi", "Spare parts for reach stackers", "34300000-0", "EUR", 18, "", [
        ("Hydraulic cylinders 80/40×200", "6", "pcs", "14000"),
        ("Fuel and oil filter sets", "200", "pcs", "4800"),
    ]),
    ("logi", "Steel sheet for container repairs", "14000000-1", "EUR", 24, "", [
        ("Hot-rolled steel sheet S235JR, 4 mm", "30", "t", "29000"),
    ]),
    ("logi", "Olej napędowy dla oddziału w Gdańsku", "09134200-9", "PLN", 16, "", [
        ("Olej napędowy Ekodiesel", "60000", "l", "360000"),
    ]),
    ("logi", "Opakowania dla magazynu w Gdańsku", "19000000-6", "PLN", 21, "", [
        ("Big bag 90×90×160 cm", "2000", "szt.", "60000"),
        ("Folia stretch 500 mm", "3000", "kg", "30000"),
    ]),
    ("logi", "Oświetlenie LED magazynu w Gdańsku", "31000000-6", "PLN", 33, "", [
        ("Oprawy LED 150 W do hal", "300", "szt.", "120000"),
    ]),
    ("logi", "Workwear for the terminal staff", "18100000-0", "EUR", 12, "cancelled", [
        ("Insulated work suits", "120", "pcs", "9000"),
    ]),
    ("logi", "Antifreeze and AdBlue for the truck fleet", "09000000-3", "EUR", -3, "", [
        ("AdBlue, IBC 1000 l", "30000", "l", "15000"),
        ("Antifreeze G12", "4000", "l", "7600"),
    ]),
]
# fmt: on
TENDER_TITLES = [row[1] for row in TENDERS]


# --- Identifiers ------------------------------------------------------------------------------


def _complete(base: int, width: int, valid: Callable[[str], bool]) -> str:
    """The first number from ``base`` on (``width`` digits) whose check digit appended makes
    it ``valid`` (python-stdnum's own check)."""
    for number in range(base, base + 1000):
        for digit in "0123456789":
            candidate = f"{number:0{width}d}{digit}"
            if valid(candidate):
                return candidate
    raise ValueError(f"no valid number from {base}")


def identifiers(country: str, index: int) -> tuple[str, str]:
    """The ``index``-th generated supplier's (registration number, tax id) as typed, made up
    but passing the checks ``normalise`` makes for ``country``."""
    if country == "UA":  # EDRPOU
        return _complete(3_540_000 + 1_237 * index, 7, edrpou.is_valid), ""
    if country == "RU":  # OGRN, INN
        ogrn = _complete(102_630_000_000 + 7_777 * index, 12, ru_ogrn.is_valid)
        return ogrn, _complete(631_500_000 + 1_313 * index, 9, ru_inn.is_valid)
    if country == "PL":  # KRS, NIP as the VAT number
        nip = _complete(526_100_000 + 1_009 * index, 9, lambda n: eu_vat.is_valid(f"PL{n}"))
        return f"{300_000 + 4_211 * index:010d}", f"PL {nip}"
    if country == "EE":  # registrikood, KMKR
        kmkr = _complete(10_120_000 + 313 * index, 8, lambda n: eu_vat.is_valid(f"EE{n}"))
        return _complete(1_420_000 + 73 * index, 7, registrikood.is_valid), f"EE{kmkr}"
    if country == "DE":  # Handelsregister, USt-IdNr.
        vat = _complete(12_300_000 + 4_441 * index, 8, lambda n: eu_vat.is_valid(f"DE{n}"))
        return f"HRB {20_000 + 37 * index}", f"DE {vat}"
    raise ValueError(f"no identifiers for {country}")


@cache
def generated_identifiers() -> tuple[tuple[str, str, str], ...]:
    """(country, registration number, tax id) of every generated supplier, normalised."""
    out = []
    for index, row in enumerate(SUPPLIERS):
        country = row[1]
        ids = normalise(country, *identifiers(country, index))
        out.append((country, ids.registration_number, ids.tax_id))
    return tuple(out)


def generated_companies():
    q = Q(pk__in=[])
    for country, registration, _tax in generated_identifiers():
        q |= Q(country=country, registration_number=registration)
    return Company.objects.filter(q)


# --- The suppliers, their profiles and catalogues ----------------------------------------------


def _price(eur: float, currency: str, factor: Decimal) -> Decimal:
    value = Decimal(str(eur)) * Decimal(str(RATES[currency])) * factor
    step = Decimal(1) if value >= 100 else Decimal("0.01")
    return value.quantize(step, ROUND_HALF_UP).quantize(Decimal("0.01"))


def _goods(trades: list[str], language: str, index: int) -> list[tuple[str, int, tuple]]:
    """The supplier's products: (trade, the item's place in the trade's list, the item), taken
    in turn from each trade's list, each list started at a place of its own; 5 to 15 of them."""
    lists = [(trade, GOODS[trade][2][language]) for trade in trades]
    wanted = min(5 + (index * 7) % 11, sum(len(items) for _t, items in lists))
    out: list[tuple[str, int, tuple]] = []
    turn = 0
    while len(out) < wanted:
        for trade, items in lists:
            if turn < len(items) and len(out) < wanted:
                place = (index + turn) % len(items)
                out.append((trade, place, items[place]))
        turn += 1
    return out


def _profile_text(name: str, city: str, trades: list[str], language: str, year: int) -> str:
    goods = [TRADE[language][t] for t in trades]
    listed = goods[0] if len(goods) == 1 else f"{', '.join(goods[:-1])} {AND[language]} {goods[-1]}"
    return PROFILE[language].format(name=name, goods=listed, city=city, year=year)


def _certificates(trades: list[str], language: str, index: int) -> list[tuple[str, str]]:
    found = [CERTIFICATES[t][language] for t in trades if language in CERTIFICATES.get(t, {})]
    certificates = found[:1]
    if index % 2 == 0 or not certificates:
        certificates.append(ISO_9001)
    return certificates


def _suppliers_create(*, now: datetime, platform: Platform, admin: User) -> list[Company]:
    today = timezone.localdate(now)
    categories = {
        c.code: c for c in Category.objects.filter(code__in=[g[0] for g in GOODS.values()])
    }
    companies = Company.objects.bulk_create(
        [
            Company(
                legal_name=name,
                country=country,
                registration_number=registration,
                tax_id=tax_id,
                city=city,
                is_buyer=False,
                is_supplier=True,
                created_by=admin,
                verification_status=VerificationStatus.VERIFIED,
                verified_at=now,
            )
            for (name, country, city, *_rest), (_c, registration, tax_id) in zip(
                SUPPLIERS, generated_identifiers(), strict=True
            )
        ]
    )
    PlatformMembership.objects.bulk_create(
        PlatformMembership(
            platform=platform,
            company=company,
            status=ParticipationStatus.ACCEPTED,
            decided_by=admin,
            decided_at=now,
        )
        for company in companies
    )
    profiles = SupplierProfile.objects.bulk_create(
        SupplierProfile(
            company=company,
            description=_profile_text(name, city, trades.split(), LANGUAGE[country], year),
        )
        for company, (name, country, city, trades, _regions, year) in zip(
            companies, SUPPLIERS, strict=True
        )
    )
    links, regions, certificates, products, lists = [], [], [], [], []
    goods: list[list[tuple[str, int, tuple]]] = []
    for index, (company, profile, row) in enumerate(
        zip(companies, profiles, SUPPLIERS, strict=True)
    ):
        _name, country, city, trades_text, regions_text, _year = row
        trades, language = trades_text.split(), LANGUAGE[country]
        codes = dict.fromkeys(GOODS[t][0] for t in trades)
        links += [
            SupplierProfile.categories.through(
                supplierprofile_id=profile.pk, category_id=categories[code].pk
            )
            for code in codes
        ]
        regions += [SupplierRegion(profile=profile, code=code) for code in regions_text.split()]
        certificates += [
            Certificate(profile=profile, name=name, issuer=issuer, created_by=admin)
            for name, issuer in _certificates(trades, language, index)
        ]
        chosen = _goods(trades, language, index)
        goods.append(chosen)
        products += [
            Product(
                supplier=company,
                sku=f"{GOODS[trade][1]}-{place + 1:03d}",
                name=item[0],
                unit=item[1],
                description=PRODUCT_NOTE[language].format(unit=item[1], city=city),
                category=categories[GOODS[trade][0]],
            )
            for trade, place, item in chosen
        ]
        lists.append(
            PriceList(
                supplier=company,
                name=PRICE_LIST[language].format(year=today.year),
                kind=PriceListKind.WHOLESALE,
                currency=CURRENCY[country],
                valid_from=today - timedelta(days=3 + index % 25),
                valid_until=None if index % 3 else today + timedelta(days=90),
            )
        )
    SupplierProfile.categories.through.objects.bulk_create(links)
    SupplierRegion.objects.bulk_create(regions)
    Certificate.objects.bulk_create(certificates)
    made = iter(Product.objects.bulk_create(products))
    items = []
    for index, (price_list, chosen) in enumerate(
        zip(PriceList.objects.bulk_create(lists), goods, strict=True)
    ):
        factor = Decimal(1) + Decimal((index * 7) % 13 - 6) / 100
        for number, (_trade, _place, (_n, unit, eur)) in enumerate(chosen):
            product = next(made)
            price = _price(eur, price_list.currency, factor + Decimal(number % 3) / 100)
            items.append(PriceListItem(price_list=price_list, product=product, price=price))
            if number % 2 == 0:  # a volume tier: 3 % off from a wholesale quantity
                volume = Decimal(20) if unit in ("т", "t", "м³", "m³") else Decimal(100)
                if unit in ("л", "l"):
                    volume = Decimal(10000)
                cheaper = (price * Decimal("0.97")).quantize(Decimal("0.01"))
                items.append(
                    PriceListItem(
                        price_list=price_list, product=product, price=cheaper, min_quantity=volume
                    )
                )
    PriceListItem.objects.bulk_create(items)
    return companies


# --- The demo's own suppliers --------------------------------------------------------------


def _own_suppliers_profiles() -> int:
    """The demo's four suppliers' descriptions, categories and regions, through the profile
    service (as their admins would write them), where they have no regions yet."""
    changed = 0
    for email, (codes, regions, description) in OWN_SUPPLIERS.items():
        membership = (
            Membership.objects.filter(user__email=email, role=MembershipRole.COMPANY_ADMIN)
            .select_related("user", "company")
            .first()
        )
        if membership is None:
            continue
        company = membership.company
        profile = SupplierProfile.objects.filter(company=company).first()
        if profile is not None and profile.regions.exists():
            continue
        categories = list(profile.categories.all()) if profile else []
        categories += [c for c in Category.objects.filter(code__in=codes) if c not in categories]
        supplier_profile_update(
            actor=membership.user,
            company=company,
            description=description,
            categories=categories,
            regions=regions.split(),
        )
        changed += 1
    return changed


# --- The extra tenders -------------------------------------------------------------------------


def _at(now: datetime, days: int, hour: int) -> datetime:
    """``hour`` o'clock (local time) ``days`` days after ``now``."""
    local = timezone.localtime(now) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _buyers() -> dict[str, tuple[User, Company]]:
    found = {}
    for key, email in TENDER_BUYERS.items():
        membership = (
            Membership.objects.filter(user__email=email, role=MembershipRole.PROCUREMENT_OFFICER)
            .select_related("user", "company")
            .first()
        )
        if membership is not None:
            found[key] = (membership.user, membership.company)
    return found


def _tenders_create(*, now: datetime, platform: Platform) -> list[Tender]:
    """The extra tenders, through the tender services: created and published now (a closed
    one a month ago, its applications then closed and its lots failed: nobody was admitted);
    a cancelled one cancelled by its buyer."""
    buyers = _buyers()
    categories = {c.code: c for c in Category.objects.filter(code__in={t[2] for t in TENDERS})}
    made = []
    for key, title, code, currency, days, state, lots in TENDERS:
        if key not in buyers:
            continue
        officer, buyer = buyers[key]
        deadline = _at(now, days, 12)
        created = now if days > 0 else now - timedelta(days=30)
        tender = drafting.tender_create(
            actor=officer,
            platform=platform,
            buyer=buyer,
            title=title,
            description=TENDER_NOTE[currency],
            category=categories[code],
            currency=currency,
            questions_deadline=deadline - timedelta(days=2),
            applications_deadline=deadline,
            auction_start=_at(now, days + 3, 11),
            lots=[
                {
                    "title": item,
                    "quantity": Decimal(quantity),
                    "unit": unit,
                    "start_price": Decimal(price),
                    "delivery_place": TENDER_PLACES[currency],
                    "incoterms": "DAP",
                }
                for item, quantity, unit, price in lots
            ],
            now=created,
        )
        drafting.tender_publish(actor=officer, tender=tender, now=created)
        if state == "cancelled":
            drafting.tender_cancel(
                actor=officer, tender=tender, reason=CANCEL_REASON.get(currency, "")
            )
        elif days <= 0:
            for lot in tender.lots.order_by("number"):
                scheduling.lot_applications_close(lot_id=lot.pk, now=now)
                scheduling.lot_schedule(lot_id=lot.pk)
        made.append(tender)
    return made


def _tender_matches_run(*, after: int) -> None:
    """Run now, inside the load's transaction, the tender-match listeners of the events after
    ``after`` (the CRM's tender leads, the subscriptions' notices), as the worker would have
    run them had the tenders been published before the generated suppliers joined: leads for
    the demo's own suppliers, none in the workspaces of the generated ones, which nobody
    opens (about 200 leads, a second of the load). ``delivery_run`` marks each delivery done,
    so the hand-out after the commit runs none of them again."""
    pending = (
        EventDelivery.objects.filter(
            event_id__gt=after, status=DeliveryStatus.PENDING, listener__in=MATCH_LISTENERS
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for delivery_id in list(pending):
        if delivery_run(delivery_id=delivery_id) != DeliveryStatus.DONE:
            error = EventDelivery.objects.get(pk=delivery_id).last_error
            raise RuntimeError(f"catalogue demo: listener failed: {error}")


# --- The search --------------------------------------------------------------------------------


def _index() -> None:
    """The directory and the catalogue written again (the bulk rows have no events; the
    tenders are indexed through theirs): the database's index, and the configured search
    engine's when it is another and answers."""
    for target in search_services.targets():
        try:
            search_services.index_rebuild(to=target, kinds=(Kind.SUPPLIERS, Kind.PRODUCTS))
        except BackendUnavailable:
            if target.name == "database":
                raise
            log.warning(
                "catalogue demo: %s is unavailable; rebuild it with search_index", target.name
            )


def catalogue_demo_load(*, now: datetime, platform: Platform, admin: User) -> dict:
    """Load the catalogue demo once (the demo's own suppliers' profiles: where they have none).
    Returns whether it was made now and how many generated suppliers, products and extra
    tenders the demo has."""
    country, registration, _tax = generated_identifiers()[0]
    made = not Company.objects.filter(country=country, registration_number=registration).exists()
    profiles = _own_suppliers_profiles()
    if made:
        first = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        _tenders_create(now=now, platform=platform)
        _tender_matches_run(after=first)
        _suppliers_create(now=now, platform=platform, admin=admin)
    if made or profiles:
        _index()
    companies = generated_companies()
    return {
        "made": made,
        "suppliers": companies.count(),
        "products": Product.objects.filter(supplier__in=companies).count(),
        "tenders": Tender.objects.filter(
            title__in=TENDER_TITLES, buyer__memberships__user__email__in=TENDER_BUYERS.values()
        )
        .distinct()
        .count(),
    }
