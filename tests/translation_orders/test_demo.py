"""The demo's translation on order (demo/translation_orders_demo.py): a translator with the
demo's password, the platform's rates, the demo tender's generated specification, and an order
being translated (quoted and accepted); a second load adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from demo.translation_orders_demo import TRANSLATOR_EMAIL, translation_orders_demo_load
from tests.auctions.factories import World
from translation_orders.models import OrderStatus, PlatformTranslator, TranslationOrder

pytestmark = pytest.mark.django_db


def test_the_demo_order_is_being_translated():
    w = World()
    tender = w.draft(title="Демо тендер")
    kwargs = {
        "now": timezone.now(),
        "platform": w.platform,
        "admin": w.staff,
        "buyer": w.buyer,
        "officer": w.officer,
        "tender": tender,
        "password": "demo-pass",
    }
    loaded = translation_orders_demo_load(**kwargs)
    order = loaded["order"]
    assert loaded["made"] and order.status == OrderStatus.IN_PROGRESS and order.round == 1
    assert order.translator.email == TRANSLATOR_EMAIL
    assert order.translator.check_password("demo-pass")
    assert PlatformTranslator.objects.filter(platform=w.platform, user=order.translator).exists()
    [document] = order.documents.all()
    assert tender.documents.count() == 1 and document.words and document.words > 40
    assert order.quoted_words == order.counted_words and order.fee and order.currency == "UAH"
    c = Client()
    c.force_login(order.translator)
    page = c.get(loaded["path"])
    assert page.status_code == 200 and 'id="deliver"' in page.content.decode()
    again = translation_orders_demo_load(**kwargs)
    assert not again["made"] and again["order"] == order
    assert TranslationOrder.objects.count() == 1 and tender.documents.count() == 1
