"""The marketing app's event types (joined into ``catalogue.TYPES``)."""

from __future__ import annotations

from .catalogue_parts import ID, TEXT, EventType, _object

COUNT = {"type": "integer", "minimum": 0}

TYPES: list[EventType] = [
    EventType(
        "campaign.sent",
        "A workspace sent a marketing campaign (e-mail or SMS) to a segment: its recipients are "
        "written and the messages go out in batches.",
        "the workspace's company",
        _object(campaign=ID, segment=ID, channel=TEXT, recipients=COUNT),
    ),
    EventType(
        "marketing.address_suppressed",
        "An address no campaign of the workspace writes to any more: its owner unsubscribed, "
        "or the provider reported a bounce, a complaint or a rejection (``reason``). The "
        "contact is named when known, the address itself is not.",
        "the workspace's company",
        _object(contact={"type": ["integer", "null"], "minimum": 1}, campaign=ID, reason=TEXT),
    ),
]
