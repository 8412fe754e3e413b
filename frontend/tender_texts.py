"""The texts of a tender's pages in the reader's language (``auctions.tenders.versions``): the
version in the language the page is read in where one exists, else the original; ``?original=1``
asks for the original."""

from __future__ import annotations

from django.utils.translation import get_language

from auctions.tenders.versions import tender_text_for


def original_requested(request) -> bool:
    return request.GET.get("original") == "1"


def texts_for_lot(request, lot) -> dict:
    """A lot page's texts: ``tender_text``, ``lot_text`` and ``original_requested``."""
    original = original_requested(request)
    text = tender_text_for(lot.tender, get_language(), original=original, lots=[lot])
    return {"tender_text": text, "lot_text": text.lots[lot.pk], "original_requested": original}
