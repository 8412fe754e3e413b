"""The demo tender in English: a version the buyer's officer wrote by hand (not a machine's: no
translation provider runs in the demo) of the live demo tender, whose original is Ukrainian and
governs. Readers whose language is English see the English texts with a link to the original;
the supplier search finds the tender by its English words.

Written through ``auctions.tenders.versions``, as the officer would. Loaded once: a tender that
already has an English version keeps it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from auctions.models import Tender
from auctions.tenders import versions
from marketplace.users.models import User

TITLE = "Fuel for the 2026 sowing campaign (demo auction)"
DESCRIPTION = (
    "Purchase of fuel for the spring field work. Payment 30 days after delivery; delivery by "
    "the supplier's transport."
)
# The demo lots' items by the start of their Ukrainian title (load_demo.demo_lots).
LOTS = {
    "Дизельне паливо ДП-Л": ("Diesel fuel DP-L-Euro5-V0", "DSTU 7688:2015, in batches of 20 t."),
    "Бензин А-95": ("Petrol A-95-Euro5-E5", ""),
    "Дизельне паливо ДП-З": (
        "Diesel fuel DP-Z-Euro5, FCA the supplier's warehouse (price with delivery)",
        "",
    ),
    "Мастило моторне": ("Motor oil M-10G2k (Japanese auction)", ""),
    "Газ скраплений": ("Liquefied petroleum gas, propane-butane (Dutch auction)", ""),
}


def _english(title: str) -> tuple[str, str] | None:
    return next((text for start, text in LOTS.items() if title.startswith(start)), None)


def languages_demo_load(*, now: datetime, tender: Tender, officer: User) -> dict:
    """Give the demo tender its English version (the tender's and each known lot's); returns
    what the demo prints: the tender, its original language and whether a version was written
    now."""
    tender.refresh_from_db()
    if tender.original_language != "uk":
        # Its texts are Ukrainian: a tender made before it knew its language (load_demo's
        # officer reads English) is told so. A demo fix, not a path the services offer.
        Tender.objects.filter(pk=tender.pk).update(original_language="uk")
        tender.refresh_from_db()
    current = versions.tender_text_for(
        versions.with_versions(Tender.objects).get(pk=tender.pk), "en"
    )
    if "en" in current.versions:
        return {"tender": tender, "original_language": "uk", "written": False}
    lots = {}
    for lot in tender.lots.order_by("number"):
        english = _english(lot.title)
        if english is not None:
            lots[lot.pk] = {"title": english[0], "description": english[1]}
    with transaction.atomic():
        versions.tender_version_set(
            actor=officer,
            tender=tender,
            language="en",
            title=TITLE,
            description=DESCRIPTION,
            lots=lots,
            now=now,
        )
    return {"tender": tender, "original_language": "uk", "written": True}
