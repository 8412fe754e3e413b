"""Text as search reads it: folded, split into words, with a Latin transliteration, light stems
and the units' synonyms. One module, so the database backend, the Elasticsearch backend's
analyzers and the query all read words the same way.

* **Folding**: Unicode NFKC, case folded, ё as е (Russian writes both), apostrophes dropped
  (Ukrainian's м'ясо, the transliteration's soft sign).
* **Transliteration** (``anyascii``): every word is also kept in Latin, so "dizel" finds
  "дизель" and "Дизельне"; a query in Latin is compared with the Latin forms.
* **Light stems**: Russian and Ukrainian inflect at the end of a word; a word of six letters or
  more is matched by its first ``len - 2`` letters, of five by its first four, as a prefix
  ("палива" → "пали…" finds "паливо"; "дизель" → "дизе…" finds "дизельне"). Recall over
  precision: the ranking puts the closer words first.
* **Units**: "т", "тонна", "тонн", "tonne", "ton", "t" are one word; so are the litre's, the
  kilogram's, the cubic metre's and the piece's names.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
WORD = re.compile(r"[^\W_]+", re.UNICODE)

UNIT_SYNONYMS = {
    "t": ("т", "тонна", "тонни", "тонн", "тонны", "тонну", "tonne", "tonnes", "ton", "tons", "t"),
    "kg": ("кг", "килограмм", "кілограм", "kg", "kilogram", "kilograms"),
    "l": ("л", "литр", "литров", "літр", "літрів", "litre", "litres", "liter", "liters", "l"),
    "m3": ("м3", "м³", "куб", "m3", "m³", "cubic"),
    "pcs": ("шт", "штука", "штук", "штуки", "pcs", "piece", "pieces"),
}
UNIT_OF = {name: unit for unit, names in UNIT_SYNONYMS.items() for name in names}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return text.replace("ё", "е").replace("'", "").replace("’", "").replace("ʼ", "")


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def latin(word: str) -> str:
    """The word in Latin letters, without marks (``anyascii``), letters and digits only."""
    return "".join(ch for ch in anyascii(word).casefold() if ch.isalnum())


def stem(word: str) -> str:
    """The prefix a word is matched by (see the module's note)."""
    if len(word) >= 6:
        return word[: len(word) - 2]
    if len(word) == 5:
        return word[:4]
    return word


def unit(word: str) -> str | None:
    return UNIT_OF.get(word)


def haystack(*texts: str) -> str:
    """What a document's text is searched in: its words, their Latin forms and the units'
    canonical names, space-separated, each once, each padded by spaces on both sides so that a
    prefix match is `` word``."""
    seen: dict[str, None] = {}
    for text in texts:
        for w in words(text):
            seen.setdefault(w, None)
            seen.setdefault(latin(w), None)
            u = unit(w)
            if u:
                seen.setdefault("unit:" + u, None)
    return " " + " ".join(k for k in seen if k) + " "


def query_words(text: str) -> list[str]:
    """The query's words, folded, at most ``MAX_QUERY_WORDS``, each also in Latin when it is
    not already (for the typo search)."""
    out: list[str] = []
    for w in words(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_WORDS]:
        out.append(w)
        if latin(w) != w:
            out.append(latin(w))
    return out


def query_terms(text: str) -> list[tuple[str, ...]]:
    """The query's words, each as the prefixes any of which matches it (its stem and its Latin
    stem, or its unit's name), at most ``MAX_QUERY_WORDS``; a word of one letter that is not a
    unit is dropped."""
    terms: list[tuple[str, ...]] = []
    for w in words(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_WORDS]:
        u = unit(w)
        if u:
            terms.append(("unit:" + u,))
            continue
        if len(w) < 2:
            continue
        forms = {stem(w), stem(latin(w))}
        terms.append(tuple(sorted(f for f in forms if f)))
    return terms
