"""The platform services' event types (translations, translation orders, brands; joined into
``catalogue.TYPES``)."""

from __future__ import annotations

from .catalogue_parts import ID, EventType, _object

TYPES: list[EventType] = [
    # Tenders in several languages (auctions.tenders.versions).
    EventType(
        "tender.version_changed",
        "A tender's text in another language was set, edited or removed: by its buyer's people "
        "(``machine`` false) or by a machine translation (``machine`` true). The original "
        "governs and is unchanged; ``lots``: the lots whose text in ``language`` changed.",
        "the buyer, and whoever may read the tender",
        _object(
            tender=ID,
            language={"enum": ["en", "ru", "uk"]},
            machine={"type": "boolean"},
            removed={"type": "boolean"},
            lots={"type": "array", "items": ID},
        ),
    ),
]


# Translation on order (translation_orders): one payload for every step of an order.
_TRANSLATION_ORDER = _object(
    order=ID,
    platform=ID,
    company=ID,
    side={"enum": ["buyer", "supplier"]},
    source_language={"enum": ["en", "ru", "uk"]},
    target_language={"enum": ["en", "ru", "uk"]},
    status={
        "enum": ["ordered", "quoted", "in_progress", "delivered", "done", "declined", "cancelled"]
    },
    translator={"type": ["integer", "null"], "minimum": 1},
    round={"type": "integer", "minimum": 0},
    words={"type": ["integer", "null"], "minimum": 0},
    fee={"type": ["string", "null"], "pattern": r"^-?[0-9]+\.[0-9]{2}$"},
    currency={"type": "string", "pattern": "^([A-Z]{3})?$"},
    invoice={"type": ["integer", "null"], "minimum": 1},
)
_TRANSLATION_READERS = "the ordering company"
TYPES += [
    EventType(f"translation_order.{name}", description, _TRANSLATION_READERS, _TRANSLATION_ORDER)
    for name, description in (
        (
            "placed",
            "A company ordered documents translated; the order waits in the platform's "
            "queue of translators (``words``: the words counted, null when a document had none).",
        ),
        ("taken", "A translator of the platform took the order (``translator``)."),
        (
            "quoted",
            "The translator quoted the order: ``words`` and the ``fee`` at the platform's rate.",
        ),
        (
            "quote_accepted",
            "The orderer accepted the quote: the translation is under way (``round`` 1).",
        ),
        ("quote_declined", "The orderer declined the quote; the order is closed."),
        ("cancelled", "The orderer cancelled the order before it was quoted."),
        ("delivered", "The translator delivered the translated files of round ``round``."),
        (
            "sent_back",
            "The orderer sent the delivery back with comments: round ``round`` is under way.",
        ),
        (
            "completed",
            "The orderer accepted the delivery: the order is done and its fee "
            "invoiced (``invoice``).",
        ),
    )
]
