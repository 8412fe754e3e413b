"""The events a rule may be triggered by (the allow-list), in one table: for each event type, the
payload fields a condition may test (with their types) and the parties it concerns.

Which workspace an event belongs to: a rule of workspace W fires for an event when W is one of
the event's parties, read from the table's ``parties``: ``workspace`` (a CRM or service desk
event: the payload's ``workspace``, which is the event's company), ``buyer`` (the event's
company for a tender's, an application's or a lot's event, where the buyer owns the event; the
payload's ``buyer`` for a deal's, an order's, a delivery's, a review's) and ``supplier`` (the
payload's ``supplier``). A rule of the buyer and one of the supplier may both fire on one event;
each sees itself as its ``party``.

Besides the payload's fields, every trigger has the facts the engine resolves for the rule's
workspace (``subjects``): ``party`` (workspace, buyer or supplier), and the account of the
workspace's CRM the event is about (the payload's ``account``, a lead's account, an
opportunity's, or for a marketplace event the workspace's account of the other party):
``account_stage`` (its lifecycle stage), ``account_segment``, ``account_owner``.

Payload fields only: no event's payload carries anything its readers may not read, and every
party of an event reads it (``docs/events.md``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crm.models import LeadSource, Lifecycle, Segment, StageKind
from marketplace.events import catalogue

# Field types and what a condition on one may compare with.
ID, TEXT, CHOICE, DECIMAL, NUMBER, BOOL = "id", "text", "choice", "decimal", "number", "bool"

PARTY_WORKSPACE, PARTY_BUYER, PARTY_SUPPLIER = "workspace", "buyer", "supplier"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str | Promise
    choices: tuple[str, ...] = ()
    fact: bool = False  # resolved by the engine, not read from the payload


@dataclass(frozen=True)
class Trigger:
    type: str
    label: str | Promise
    fields: tuple[Field, ...]
    # (party, where its company id is): "company" (the event's) or "payload:<key>".
    parties: tuple[tuple[str, str], ...]
    # The CRM rows the event names by payload key: what actions may act on.
    rows: dict[str, str] = field(default_factory=dict)

    def field_map(self) -> dict[str, Field]:
        return {f.name: f for f in (*self.fields, *FACTS)}


FACTS = (
    Field(
        "party",
        CHOICE,
        _("the workspace's side"),
        (PARTY_WORKSPACE, PARTY_BUYER, PARTY_SUPPLIER),
        fact=True,
    ),
    Field("account_stage", CHOICE, _("account's lifecycle stage"), tuple(Lifecycle.values), True),
    Field("account_segment", CHOICE, _("account's segment"), tuple(Segment.values), True),
    Field("account_owner", ID, _("account's owner"), fact=True),
)

_WS = (("workspace", "payload:workspace"),)
_AUCTION = ((PARTY_BUYER, "company"), (PARTY_SUPPLIER, "payload:supplier"))
_DEAL = ((PARTY_BUYER, "payload:buyer"), (PARTY_SUPPLIER, "payload:supplier"))
_TENDER = Field("tender", ID, _("tender"))
_LOT = Field("lot", ID, _("lot"))
_SUPPLIER = Field("supplier", ID, _("supplier (company)"))
_BUYER = Field("buyer", ID, _("buyer (company)"))
_AMOUNT = Field("amount", DECIMAL, _("amount"))
_CURRENCY = Field("currency", TEXT, _("currency"))
_CASE_KINDS = ("request", "complaint", "dispute", "question")
_PRIORITIES = ("low", "normal", "high", "urgent")

_TRIGGERS = [
    Trigger(
        "crm.lead_created",
        _("A lead was added to the CRM"),
        (
            Field("title", TEXT, _("title")),
            Field("source", CHOICE, _("source"), tuple(LeadSource.values)),
            Field("company_name", TEXT, _("company")),
            Field("owner", ID, _("owner")),
            Field("account", ID, _("account")),
        ),
        _WS,
        {"lead": "lead", "account": "account"},
    ),
    Trigger(
        "crm.opportunity_stage_changed",
        _("An opportunity moved to another stage"),
        (
            Field("pipeline", ID, _("pipeline")),
            Field("from_stage", ID, _("from stage")),
            Field("to_stage", ID, _("to stage")),
            Field("to_kind", CHOICE, _("new stage's kind"), tuple(StageKind.values)),
            Field("status", CHOICE, _("status"), tuple(StageKind.values)),
            Field("owner", ID, _("owner")),
            _AMOUNT,
            _CURRENCY,
        ),
        _WS,
        {"opportunity": "opportunity", "account": "account"},
    ),
    Trigger(
        "tender.published",
        _("The company published a tender"),
        (
            _TENDER,
            Field("title", TEXT, _("title")),
            _CURRENCY,
            Field("category", ID, _("category")),
        ),
        ((PARTY_BUYER, "company"),),
    ),
    Trigger(
        "tender.invited",
        _("A buyer invited a supplier to a tender"),
        (_TENDER, _SUPPLIER),
        _AUCTION,
    ),
    Trigger(
        "application.submitted",
        _("A supplier applied to a lot"),
        (_TENDER, _LOT, _SUPPLIER),
        _AUCTION,
    ),
    Trigger(
        "application.admitted",
        _("A supplier's application was admitted"),
        (_TENDER, _LOT, _SUPPLIER),
        _AUCTION,
    ),
    Trigger(
        "application.rejected",
        _("A supplier's application was rejected"),
        (_TENDER, _LOT, _SUPPLIER, Field("reason", TEXT, _("reason"))),
        _AUCTION,
    ),
    Trigger(
        "lot.awarded",
        _("A lot was awarded"),
        (_TENDER, _LOT, _SUPPLIER, _AMOUNT, _CURRENCY),
        _AUCTION,
    ),
    Trigger(
        "deal.created",
        _("A deal was made"),
        (_TENDER, _LOT, _BUYER, _SUPPLIER, _AMOUNT, _CURRENCY),
        _DEAL,
    ),
    Trigger(
        "order.status_changed",
        _("An order changed its status"),
        (
            Field("number", TEXT, _("number")),
            Field("action", TEXT, _("action")),
            Field("status_before", TEXT, _("status before")),
            Field("status_after", TEXT, _("status after")),
            Field("side", CHOICE, _("changed by"), (PARTY_BUYER, PARTY_SUPPLIER)),
            _BUYER,
            _SUPPLIER,
        ),
        _DEAL,
    ),
    Trigger(
        "delivery.accepted",
        _("A delivery was accepted"),
        (
            Field("days_late", NUMBER, _("days late")),
            Field("quantity_ok", BOOL, _("quantity as ordered")),
            Field("quality_ok", BOOL, _("quality as ordered")),
            Field("claim", BOOL, _("a claim")),
            _BUYER,
            _SUPPLIER,
        ),
        _DEAL,
    ),
    Trigger(
        "review.submitted",
        _("A buyer reviewed an order"),
        (Field("average", DECIMAL, _("average mark")), Field("edited", BOOL, _("edited"))),
        _DEAL,
    ),
    Trigger(
        "case.opened",
        _("A service desk case was opened"),
        (
            Field("kind", CHOICE, _("kind"), _CASE_KINDS),
            Field("priority", CHOICE, _("priority"), _PRIORITIES),
            Field("channel", CHOICE, _("channel"), ("web", "email", "api")),
            Field("subject", TEXT, _("subject")),
            Field("account", ID, _("account")),
            Field("unmatched", BOOL, _("sender not matched")),
        ),
        _WS,
        {"account": "account", "contact": "contact"},
    ),
    Trigger(
        "case.sla_breached",
        _("A service desk case passed its SLA"),
        (
            Field("target", CHOICE, _("target"), ("first_response", "resolution")),
            Field("priority", CHOICE, _("priority"), _PRIORITIES),
            Field("account", ID, _("account")),
        ),
        _WS,
        {"account": "account"},
    ),
]

# Only the types the catalogue has (the service desk's join it when that app is there).
TRIGGERS: dict[str, Trigger] = {t.type: t for t in _TRIGGERS if t.type in catalogue.TYPES}


def trigger_get(event_type: str) -> Trigger | None:
    return TRIGGERS.get(event_type)


def parties_of(*, trigger: Trigger, company_id: int | None, payload: dict) -> dict[int, str]:
    """The workspaces the event concerns -> the side each is on (pure)."""
    found: dict[int, str] = {}
    for party, where in trigger.parties:
        value = company_id if where == "company" else payload.get(where.removeprefix("payload:"))
        if isinstance(value, int) and not isinstance(value, bool) and value not in found:
            found[value] = party
    return found
