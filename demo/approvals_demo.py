"""The demo's approval chain: the buyer's (agro's) policy, one rule "agricultural machinery, or
above 100 000.00 EUR → the approver, in order", and a draft tender for a harvester that waits for
the approver's decision (the officer has asked). The rule leaves the demo's fuel and metal
tenders in UAH alone, so the other demo tenders publish as before.

Written through the services, as the company admin and the officer would. Loaded once: when the
buyer already has the demo rule, nothing is written again."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from auctions.approval_models import ApprovalRule
from auctions.models import Tender
from auctions.tenders import approval_rules, approvals, drafting
from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.platforms.models import Platform
from marketplace.users.models import User

RULE_NAME = "Сільгосптехніка або понад 100 000 EUR"
TENDER_TITLE = "Зернозбиральний комбайн для сезону (чекає погодження)"
MACHINERY = "16000000-5"  # CPV: agricultural machinery (seeded)


def approvals_demo_load(
    *, now: datetime, platform: Platform, buyer: Company, officer: User, approver: User
) -> dict:
    """The rule and the waiting tender (made once). ``officer`` is a company admin and
    procurement officer of ``buyer``; ``approver`` another person of it."""
    rule = ApprovalRule.objects.filter(buyer=buyer, name=RULE_NAME).first()
    if rule is not None:
        tender = Tender.objects.filter(buyer=buyer, title=TENDER_TITLE).first()
        return {"rule": rule, "tender": tender, "request": None, "created": False}
    category = Category.objects.filter(code=MACHINERY).first() or Category.objects.create(
        code=MACHINERY, name_en="Agricultural machinery", name_uk="Сільськогосподарська техніка"
    )
    rule = approval_rules.rule_create(
        actor=officer,
        buyer_id=buyer.pk,
        name=RULE_NAME,
        mode="in_order",
        thresholds={"EUR": Decimal("100000.00")},
        category_ids=[category.pk],
        approver_ids=[approver.pk],
    )
    tender = drafting.tender_create(
        actor=officer,
        platform=platform,
        buyer=buyer,
        title=TENDER_TITLE,
        description="Комбайн з жаткою 9 м, сервіс у регіоні, поставка до початку жнив.",
        category=category,
        currency="UAH",
        questions_deadline=now + timedelta(days=10),
        applications_deadline=now + timedelta(days=14),
        auction_start=now + timedelta(days=15),
        lots=[
            {
                "title": "Зернозбиральний комбайн, жатка 9 м",
                "quantity": Decimal("1"),
                "unit": "шт",
                "start_price": Decimal("9800000.00"),
                "delivery_place": "Полтавська обл.",
                "incoterms": "DAP",
            }
        ],
        now=now,
    )
    request = approvals.approval_request(
        actor=officer,
        tender=tender,
        note="Погодьте, будь ласка: техніка потрібна до жнив.",
        now=now,
    )
    return {"rule": rule, "tender": tender, "request": request, "created": True}
