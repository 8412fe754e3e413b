"""The automation app's event types (joined into ``catalogue.TYPES``): the two CRM events its
rules are mostly triggered by (emitted by the CRM's pipeline services in the transaction of the
change), and the failed action the outbox retries (``automation.listeners``)."""

from __future__ import annotations

from .catalogue_parts import CURRENCY, ID, MONEY, OPTIONAL_ID, TEXT, EventType, _object

STAGE_KIND = {"type": "string", "enum": ["open", "won", "lost"]}

TYPES: list[EventType] = [
    EventType(
        "crm.lead_created",
        "A lead was added to a company's CRM: entered by hand, sent by the website's form, or "
        "made by the marketplace (an invitation, a matching tender; ``source`` says which).",
        "the CRM's company (the workspace)",
        _object(
            lead=ID,
            workspace=ID,
            title=TEXT,
            source=TEXT,
            owner=OPTIONAL_ID,
            account=OPTIONAL_ID,
            company_name=TEXT,
        ),
    ),
    EventType(
        "crm.opportunity_stage_changed",
        "An opportunity of a company's CRM moved to another stage of its pipeline, by a person, "
        "by the marketplace (an auction's moment) or by an automation rule; ``to_kind`` is the "
        "new stage's kind (open, won, lost) and ``status`` the opportunity's.",
        "the CRM's company (the workspace)",
        _object(
            opportunity=ID,
            workspace=ID,
            account=ID,
            pipeline=ID,
            from_stage=OPTIONAL_ID,
            to_stage=ID,
            to_kind=STAGE_KIND,
            status=STAGE_KIND,
            owner=OPTIONAL_ID,
            amount={"anyOf": [MONEY, {"type": "null"}]},
            currency=CURRENCY,
        ),
    ),
    EventType(
        "automation.action_failed",
        "An action of a company's automation rule failed (its error kept on the run): the "
        "automation's own listener retries it with the outbox's backoff until it succeeds or "
        "its attempts run out; a company admin may also retry it from the rule's page.",
        "the rule's company",
        _object(rule=ID, run=ID, action=ID, kind=TEXT, error=TEXT),
    ),
]
