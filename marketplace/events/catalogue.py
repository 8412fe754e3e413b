"""The catalogue of domain events: each type, what it means, who may read it, and the JSON Schema
of its payload. ``services.event_emit`` refuses a type not listed here and a payload that does
not match its schema, so a listener can rely on both. ``docs/events.md`` is generated from this
table's content (``manage.py events_catalogue``) and checked against it by the tests.

Payloads carry ids and the few values a listener needs, never a competitor's identity beyond
what the event's readers may know. The events of a lot's auction name the lot's own
hash-chained event (``lot_event_seq``): the chain stays the one truth of the auction.
"""

from __future__ import annotations

from . import (
    catalogue_approvals,
    catalogue_automation,
    catalogue_marketing,
    catalogue_platform_services,
    catalogue_servicedesk,
)
from .catalogue_parts import (  # noqa: F401 (re-exported: the schemas' pieces)
    COUNTRY,
    CURRENCY,
    DATE,
    ID,
    MONEY,
    OPTIONAL_ID,
    OPTIONAL_TEXT,
    OPTIONAL_TIME,
    TEXT,
    TIME,
    EventType,
    _object,
)

_TYPES = [
    EventType(
        "tender.published",
        "A buyer published a tender; its lots open for questions and applications.",
        "the buyer; every signed-in user when the tender's platform is public, else the "
        "platform's participants",
        _object(
            tender=ID,
            platform=ID,
            title=TEXT,
            currency=CURRENCY,
            category=OPTIONAL_ID,
            auction_start=OPTIONAL_TIME,
            lots={"type": "array", "items": ID},
        ),
    ),
    EventType(
        "tender.cancelled",
        "A buyer cancelled a published tender with a reason.",
        "the buyer and every supplier that applied to one of its lots",
        _object(tender=ID, reason=TEXT),
    ),
    EventType(
        "tender.invited",
        "A buyer invited a supplier to a tender.",
        "the buyer and the invited supplier",
        _object(tender=ID, supplier=ID, invitation=ID),
    ),
    EventType(
        "tender.uninvited",
        "A buyer took back a supplier's invitation to a tender (it had not applied).",
        "the buyer and the supplier",
        _object(tender=ID, supplier=ID),
    ),
    EventType(
        "application.submitted",
        "A supplier applied to take part in a lot's auction.",
        "the buyer and the supplier",
        _object(application=ID, lot=ID, tender=ID, supplier=ID),
    ),
    EventType(
        "application.admitted",
        "The buyer admitted a supplier's application: it may bid in the lot's auction.",
        "the buyer and the supplier",
        _object(application=ID, lot=ID, tender=ID, supplier=ID),
    ),
    EventType(
        "application.rejected",
        "The buyer rejected a supplier's application, with a reason.",
        "the buyer and the supplier",
        _object(application=ID, lot=ID, tender=ID, supplier=ID, reason=TEXT),
    ),
    EventType(
        "question.asked",
        "A supplier asked a clarification question about a tender (its author is not named).",
        "the buyer",
        _object(question=ID, tender=ID),
    ),
    EventType(
        "question.answered",
        "The buyer answered a clarification question; the answer is published to all.",
        "the buyer; the readers of the tender (as for tender.published)",
        _object(question=ID, tender=ID),
    ),
    EventType(
        "lot.started",
        "A lot's live auction started.",
        "the buyer and the lot's admitted suppliers",
        _object(lot=ID, tender=ID, ends_at=OPTIONAL_TIME, lot_event_seq=ID),
    ),
    EventType(
        "lot.outbid",
        "A supplier lost the lead of a live lot while none of its people had the auction room "
        "open: at most once per supplier and lot (not an event per bid).",
        "the outbid supplier",
        _object(lot=ID, tender=ID, application=ID, supplier=ID),
    ),
    EventType(
        "lot.closed",
        "A lot's auction closed. The bids themselves are in the lot's hash-chained log and its "
        "protocol; this summarises them.",
        "the buyer and the lot's admitted suppliers",
        _object(
            lot=ID,
            tender=ID,
            bid_count={"type": "integer", "minimum": 0},
            bidders={"type": "integer", "minimum": 0},
            lot_event_seq=ID,
        ),
    ),
    EventType(
        "lot.awarded",
        "The buyer awarded a lot to a supplier's offer.",
        "the buyer and the winning supplier",
        _object(
            lot=ID,
            tender=ID,
            application=ID,
            supplier=ID,
            amount=MONEY,
            currency=CURRENCY,
            lot_event_seq=ID,
        ),
    ),
    EventType(
        "supplier.changed",
        "A supplier's profile, certificates, products or price lists changed (``part`` says "
        "which); the search indexes the supplier and its catalogue again.",
        "the supplier",
        _object(supplier=ID, part=TEXT),
    ),
    EventType(
        "deal.created",
        "The award made a deal between the buyer and the winning supplier.",
        "the buyer and the supplier",
        _object(deal=ID, lot=ID, tender=ID, buyer=ID, supplier=ID, amount=MONEY, currency=CURRENCY),
    ),
    EventType(
        "invoice.issued",
        "The platform billed a company: the commission of a deal (owed on its ledger).",
        "the paying company",
        _object(
            invoice=ID, number=TEXT, company=ID, order=OPTIONAL_ID, amount=MONEY, currency=CURRENCY
        ),
    ),
    EventType(
        "invoice.paid",
        "An invoice was paid: by card (confirmed by the provider) or by a bank transfer a "
        "platform admin recorded.",
        "the paying company",
        _object(
            invoice=ID,
            number=TEXT,
            company=ID,
            order=OPTIONAL_ID,
            amount=MONEY,
            currency=CURRENCY,
            provider=TEXT,
        ),
    ),
    EventType(
        "bid_security.changed",
        "A supplier's bid security for a lot changed: a bank guarantee uploaded for the buyer "
        "to check (pending), provided (a card saved, or the guarantee accepted), rejected, "
        "released, or forfeited.",
        "the supplier and the buyer",
        _object(
            security=ID,
            application=ID,
            lot=ID,
            supplier=ID,
            status=TEXT,
            method=TEXT,
            reason=TEXT,
        ),
    ),
    EventType(
        "order.created",
        "A deal became an order (a draft the buyer sends to the supplier).",
        "the buyer and the supplier",
        _object(
            order=ID,
            deal=ID,
            number=TEXT,
            buyer=ID,
            supplier=ID,
            total=MONEY,
            currency=CURRENCY,
        ),
    ),
    EventType(
        "order.status_changed",
        "An order moved between states (sent, accepted by the supplier, in fulfilment, "
        "delivered, accepted by the buyer, closed, disputed, cancelled), by one side.",
        "the buyer and the supplier",
        _object(
            order=ID,
            number=TEXT,
            buyer=ID,
            supplier=ID,
            action=TEXT,
            status_before=TEXT,
            status_after=TEXT,
            side=TEXT,
            reason=TEXT,
        ),
    ),
    EventType(
        "order.document_added",
        "A document was generated for an order (contract, specification, invoice, delivery "
        "note), with its SHA-256.",
        "the buyer and the supplier",
        _object(
            order=ID,
            number=TEXT,
            buyer=ID,
            supplier=ID,
            document=ID,
            kind=TEXT,
            document_number=TEXT,
            sha256={"type": "string", "pattern": "^[0-9a-f]{64}$"},
        ),
    ),
    EventType(
        "shipment.created",
        "The supplier made a shipment of an order (some or all of its lines' quantities), with "
        "its carrier, tracking number and planned dates. ``number`` is the order's number and "
        "the shipment's within it (PO-2027-00012/2).",
        "the buyer and the supplier",
        _object(
            shipment=ID,
            order=ID,
            number=TEXT,
            buyer=ID,
            supplier=ID,
            carrier=OPTIONAL_ID,
            planned_arrival={"type": ["string", "null"], "format": "date"},
        ),
    ),
    EventType(
        "shipment.status_changed",
        "A shipment's status changed by a status event (picked up, in transit, at customs, "
        "delivered, exception) entered by the supplier or pushed by the carrier (``source``).",
        "the buyer and the supplier",
        _object(
            shipment=ID,
            order=ID,
            number=TEXT,
            buyer=ID,
            supplier=ID,
            status_before=TEXT,
            status_after=TEXT,
            source=TEXT,
        ),
    ),
    EventType(
        "delivery.accepted",
        "The buyer accepted a delivered shipment (once): how many days late, quantity and "
        "quality as ordered, or a claim.",
        "the buyer and the supplier",
        _object(
            shipment=ID,
            order=ID,
            buyer=ID,
            supplier=ID,
            days_late={"type": "integer", "minimum": 0},
            quantity_ok={"type": "boolean"},
            quality_ok={"type": "boolean"},
            claim={"type": "boolean"},
        ),
    ),
    EventType(
        "company.registered",
        "A company was registered (it starts unverified); its country and identifiers are on "
        "the company.",
        "the company",
        _object(company=ID),
    ),
    EventType(
        "company.verification_submitted",
        "A company submitted its verification documents for review.",
        "the company (platform admins are told through their notifications)",
        _object(company=ID, submission=ID),
    ),
    EventType(
        "company.verified",
        "A reviewer approved a company's verification: it may trade.",
        "the company",
        _object(company=ID, decision=ID),
    ),
    EventType(
        "company.verification_changed",
        "A company's verification status changed (rejected, more information requested, "
        "re-verification needed after a document expired).",
        "the company",
        _object(
            company=ID, decision=OPTIONAL_ID, status_before=TEXT, status_after=TEXT, reason=TEXT
        ),
    ),
    EventType(
        "company.document_expiring",
        "A verification document of a company expires soon.",
        "the company",
        _object(company=ID, document=ID, expiry_date=DATE),
    ),
    EventType(
        "company.access_changed",
        "A company's right to take part may have changed (its verification, a platform's "
        "membership, an application's admission): open auction sockets re-check it.",
        "the company",
        _object(company=ID, reason=TEXT),
    ),
    EventType(
        "webhook.endpoint_disabled",
        "A webhook endpoint of the company was switched off after its deliveries kept failing.",
        "the company",
        _object(endpoint=ID, url=TEXT, reason=TEXT),
    ),
    EventType(
        "platform.membership_changed",
        "A platform admin decided on a company's membership of a platform.",
        "the company",
        _object(
            platform=ID, company=ID, membership=ID, status_before=OPTIONAL_TEXT, status_after=TEXT
        ),
    ),
    EventType(
        "crm.activity_reminder",
        "The reminder time of a CRM activity (a call, meeting, task...) came: its assignee is "
        "told once, by e-mail and in the app.",
        "the assignee only, through their notification: the event has no company and no "
        "audience, so no company's change feed or webhooks carry one person's reminder",
        _object(
            activity=ID,
            workspace=ID,
            user=ID,
            kind=TEXT,
            subject=TEXT,
            account_name=TEXT,
            due_at=OPTIONAL_TIME,
            starts_at=OPTIONAL_TIME,
            url=TEXT,
        ),
    ),
    EventType(
        "review.submitted",
        "The buyer reviewed an order after a delivery was accepted (1-5 per criterion and a "
        "comment), or changed its review within the 14 days it may (edited).",
        "the buyer and the supplier",
        _object(
            review=ID,
            order=ID,
            buyer=ID,
            supplier=ID,
            average={"type": "string", "pattern": r"^[1-5]\.[0-9]{2}$"},
            edited={"type": "boolean"},
        ),
    ),
    EventType(
        "supplier.standing_changed",
        "A supplier's standing band (blocked, warning, average, excellent) with a buyer, or "
        "platform-wide (buyer null), changed after its scorecard was recomputed; band_after "
        "null: no facts left in the window.",
        "the supplier, and the buyer of a standing with one",
        _object(
            supplier=ID,
            buyer=OPTIONAL_ID,
            band_before=TEXT,
            band_after=OPTIONAL_TEXT,
            score={"type": ["string", "null"], "pattern": r"^[0-9]{1,3}\.[0-9]{2}$"},
        ),
    ),
    EventType(
        "sourcing.prospect_invited",
        "A buyer invited a company that is not registered yet to one of its tenders, by e-mail "
        "and its identifier (``identifier``: EDRPOU in Ukraine, INN in Russia, the VAT number "
        "in the EU, as given elsewhere); the e-mail with the sign-up link goes out after the "
        "commit.",
        "the buyer",
        _object(
            invitation=ID,
            tender=ID,
            buyer=ID,
            company_name=TEXT,
            person_name=TEXT,
            email=TEXT,
            country=COUNTRY,
            identifier=TEXT,
        ),
    ),
    EventType(
        "plan.published",
        "A buyer published its procurement plan for a year (its lines' budgets per currency); "
        "a published plan is no longer edited, tenders are linked to its lines as they come.",
        "every signed-in user (a published plan is public)",
        _object(
            plan=ID,
            buyer=ID,
            year={"type": "integer", "minimum": 2000, "maximum": 2100},
            title=TEXT,
            lines={"type": "integer", "minimum": 1},
            budgets={
                "type": "array",
                "items": _object(currency=CURRENCY, amount=MONEY),
            },
        ),
    ),
    EventType(
        "plan_line.linked",
        "A buyer linked one of its tenders (or one lot of it, ``lot``; null: every lot) to a "
        "line of its procurement plan: the lot's award counts toward the line's fact.",
        "the buyer",
        _object(plan=ID, line=ID, tender=ID, lot=OPTIONAL_ID),
    ),
]

_TYPES += [
    *catalogue_marketing.TYPES,
    *catalogue_servicedesk.TYPES,
    *catalogue_automation.TYPES,
    *catalogue_approvals.TYPES,
    *catalogue_platform_services.TYPES,
]

TYPES: dict[str, EventType] = {t.name: t for t in _TYPES}
