"""The demo's tender in English (demo/languages_demo.py): a hand-made English version of a
Ukrainian original, its lots' items too; English readers see it labelled as a translation (not
a machine's) with the original one click away; a second load writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from auctions.models import Tender
from auctions.tenders import drafting, versions
from demo.languages_demo import TITLE, languages_demo_load
from tests.auctions.factories import World, lot_data

pytestmark = pytest.mark.django_db


def test_the_demo_tender_gets_its_english_version_once():
    world = World()
    kwargs = world.tender_kwargs(title="Пальне для посівної кампанії 2026 (демо-аукціон)")
    kwargs["lots"] = [
        lot_data(title="Дизельне паливо ДП-Л-Євро5-В0", description="ДСТУ 7688:2015"),
        lot_data(title="Бензин А-95-Євро5-Е5"),
    ]
    tender = drafting.tender_publish(
        actor=world.officer, tender=drafting.tender_create(actor=world.officer, **kwargs)
    )
    out = languages_demo_load(now=timezone.now(), tender=tender, officer=world.officer)
    assert out["written"] and out["original_language"] == "uk"
    tender = versions.with_versions(Tender.objects).get(pk=tender.pk)
    text = versions.tender_text_for(tender, "en")
    assert text.title == TITLE and not text.machine and text.original_language == "uk"
    assert sorted(t.title for t in text.lots.values()) == [
        "Diesel fuel DP-L-Euro5-V0",
        "Petrol A-95-Euro5-E5",
    ]
    assert not languages_demo_load(now=timezone.now(), tender=tender, officer=world.officer)[
        "written"
    ]

    client = Client()
    client.force_login(world.supplier_admin)  # reads English (the default)
    page = client.get(f"/tenders/{tender.pk}/").content.decode()
    assert TITLE in page and 'id="show-original"' in page and "machine-label" not in page
