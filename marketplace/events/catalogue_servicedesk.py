"""The servicedesk app's event types (joined into ``catalogue.TYPES``)."""

from __future__ import annotations

from .catalogue_parts import ID, OPTIONAL_ID, OPTIONAL_TIME, TEXT, TIME, EventType, _object

KIND = {"enum": ["request", "complaint", "dispute", "question"]}
PRIORITY = {"enum": ["low", "normal", "high", "urgent"]}
STATUS = {"enum": ["new", "open", "waiting", "resolved", "closed"]}
CHANNEL = {"enum": ["web", "email", "api"]}
READERS = "the workspace (the company whose people serve the case)"

TYPES: list[EventType] = [
    EventType(
        "case.opened",
        "A service desk case was opened (from a page, by e-mail or by API); its SLA due times "
        "are set.",
        READERS,
        _object(
            case=ID,
            workspace=ID,
            number=ID,
            kind=KIND,
            priority=PRIORITY,
            channel=CHANNEL,
            queue=ID,
            account=OPTIONAL_ID,
            contact=OPTIONAL_ID,
            subject=TEXT,
            unmatched={"type": "boolean"},
            first_response_due=OPTIONAL_TIME,
            resolution_due=OPTIONAL_TIME,
        ),
    ),
    EventType(
        "case.status_changed",
        "A case moved from one status to another (new, open, waiting, resolved, closed).",
        READERS,
        _object(case=ID, workspace=ID, account=OPTIONAL_ID, old=STATUS, new=STATUS),
    ),
    EventType(
        "case.sla_breached",
        "A case passed its first-response or resolution due time; it was escalated (its "
        "priority raised, the queue's escalation person told).",
        READERS,
        _object(
            case=ID,
            workspace=ID,
            account=OPTIONAL_ID,
            target={"enum": ["first_response", "resolution"]},
            due=TIME,
            priority=PRIORITY,
            escalation_to=OPTIONAL_ID,
        ),
    ),
    EventType(
        "case.closed",
        "A case was closed; its customer may now answer the satisfaction survey.",
        READERS,
        _object(case=ID, workspace=ID, account=OPTIONAL_ID, opened_at=TIME, closed_at=TIME),
    ),
]
