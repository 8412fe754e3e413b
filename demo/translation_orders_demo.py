"""The demo's translation on order: a translator of the public platform
(``translator@demo.tradefloor.local``, made here with the demo's password), the platform's
rates for Ukrainian into English and back, and the buyer's order to translate the demo
tender's technical specification into English, quoted by the translator and accepted by the
buyer: being translated (the translator delivers it from ``/translations/<id>/``).

The demo tender has no document of its own: a DOCX specification is generated and attached to
it here. Written through the services, as the people would. Loaded once: when the buyer has a
translation order on the platform, nothing is written again."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from auctions.models import Tender
from auctions.tenders.documents import tender_document_upload
from marketplace.companies.models import Company
from marketplace.platforms.models import Platform
from marketplace.users.models import User
from translation_orders import platform_settings, services
from translation_orders.models import PlatformTranslator, TranslationOrder

TRANSLATOR_EMAIL = "translator@demo.tradefloor.local"
TRANSLATOR_NAME = "Ірина Перекладач"
SPECIFICATION = [
    "Технічне завдання",
    "Предмет закупівлі: дизельне паливо класу К5 для сільськогосподарської техніки.",
    "Постачання здійснюється автоцистернами на склад замовника протягом п'яти днів після заявки.",
    "Якість палива має відповідати ДСТУ 7688:2015; кожна партія супроводжується паспортом якості.",
    "Оплата протягом тридцяти календарних днів після поставки партії.",
]


def _specification() -> bytes:
    document = docx.Document()
    document.add_heading(SPECIFICATION[0], level=1)
    for text in SPECIFICATION[1:]:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Лот", "Кількість", "Одиниця"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["Дизельне паливо", "120", "тонна"], strict=True):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def translation_orders_demo_load(
    *,
    now: datetime,
    platform: Platform,
    admin: User,
    buyer: Company,
    officer: User,
    tender: Tender,
    password: str,
) -> dict:
    """The translator, the rates and the order in progress (made once). ``admin``: the
    platform's admin (grants and sets the rates); ``officer``: the buyer's, who orders and
    accepts the quote; ``password``: the demo people's. Returns the order and its page."""
    translator, _made = User.objects.get_or_create(
        email=TRANSLATOR_EMAIL, defaults={"full_name": TRANSLATOR_NAME}
    )
    translator.set_password(password)
    translator.save()
    existing = (
        TranslationOrder.objects.filter(company=buyer, platform=platform).order_by("pk").first()
    )
    if existing is not None:
        return {
            "order": existing,
            "made": False,
            "path": f"/translations/{existing.pk}/",
            "translator": translator,
        }
    if not PlatformTranslator.objects.filter(
        platform=platform, user=translator, revoked_at__isnull=True
    ).exists():
        platform_settings.translator_grant(
            actor=admin, platform_id=platform.pk, email=TRANSLATOR_EMAIL, now=now
        )
    for source, target, price, minimum in (
        ("uk", "en", "0.4500", "200.00"),
        ("en", "uk", "0.4000", "200.00"),
        ("ru", "en", "0.4500", "200.00"),
    ):
        platform_settings.rate_set(
            actor=admin,
            platform_id=platform.pk,
            source_language=source,
            target_language=target,
            price_per_word=Decimal(price),
            currency="UAH",
            minimum_fee=Decimal(minimum),
        )
    document = tender.documents.order_by("pk").first() or tender_document_upload(
        actor=officer,
        tender=tender,
        file=SimpleUploadedFile("tekhnichne-zavdannia.docx", _specification()),
        title="Технічне завдання",
    )
    order = services.order_place(
        actor=officer,
        company_id=buyer.pk,
        side="buyer",
        source_language="uk",
        target_language="en",
        tender_document_ids=[document.pk],
        instructions="Please keep the table and the standard's number as they are.",
        now=now,
    )
    services.order_take(actor=translator, order_id=order.pk, now=now)
    services.order_quote(actor=translator, order_id=order.pk, now=now)
    order = services.order_quote_accept(actor=officer, order_id=order.pk, now=now)
    return {
        "order": order,
        "made": True,
        "path": f"/translations/{order.pk}/",
        "translator": translator,
    }
