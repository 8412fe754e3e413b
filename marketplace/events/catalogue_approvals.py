"""The event types of tenders' approval chains (``auctions.tenders.approvals``), joined into
``catalogue.TYPES``."""

from __future__ import annotations

from .catalogue_parts import ID, OPTIONAL_ID, EventType, _object

IDS = {"type": "array", "items": ID}

TYPES: list[EventType] = [
    EventType(
        "tender.approval_requested",
        "A buyer's officer asked for the approval its company's policy wants before a draft "
        "tender is published. ``approvers``: who may decide now (the first of each in-order "
        "chain, everyone of an any-of chain).",
        "the buyer",
        _object(tender=ID, request=ID, requested_by=ID, approvers=IDS),
    ),
    EventType(
        "tender.approval_decided",
        "An approver approved or rejected a tender's approval request. ``status``: the "
        "request's status after it (pending: more approvals are wanted, from "
        "``next_approvers``; approved: the tender may be published; rejected: the request "
        "ended).",
        "the buyer",
        _object(
            tender=ID,
            request=ID,
            approver=ID,
            decision={"enum": ["approve", "reject"]},
            status={"enum": ["pending", "approved", "rejected"]},
            requested_by=OPTIONAL_ID,
            next_approvers=IDS,
        ),
    ),
]
