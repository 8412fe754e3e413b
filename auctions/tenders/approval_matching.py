"""Which rules of a buyer's approval policy catch a tender, the tender's values an approval holds
for (its snapshot and fingerprint), and where a request stands: pure reads, no writes. The rules
are told in ``approvals``'s docstring."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.events.services import money
from marketplace.users.models import User

from ..approval_models import (
    ApprovalDecisionKind,
    ApprovalMode,
    ApprovalRequest,
    ApprovalRule,
    ApprovalStatus,
)
from ..models import Lot, Tender
from .approval_rules import rules_with_parts

# --- The tender's values -------------------------------------------------------------------------


def tender_total(lots) -> Decimal:
    return sum((lot.start_price for lot in lots), Decimal(0))


def tender_values(*, tender: Tender, lots: list[Lot]) -> dict:
    """What the approvers decide on, as the request's snapshot keeps it."""
    return {
        "currency": tender.currency,
        "total": money(tender_total(lots)),
        "category": tender.category_id,
        "category_code": tender.category.code,
        "lots": [
            {
                "id": lot.pk,
                "number": lot.number,
                "title": lot.title,
                "quantity": f"{lot.quantity.normalize():f}",
                "unit": lot.unit,
                "start_price": money(lot.start_price),
            }
            for lot in sorted(lots, key=lambda lot: lot.number)
        ],
    }


def fingerprint(values: dict) -> str:
    """A digest of the values an approval holds for (the tender's title and dates aside)."""
    body = {
        "currency": values["currency"],
        "category": values["category"],
        "lots": [
            [lot["id"], lot["title"], lot["quantity"], lot["unit"], lot["start_price"]]
            for lot in values["lots"]
        ],
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def tender_lots(tender: Tender) -> list[Lot]:
    return list(Lot.objects.filter(tender_id=tender.pk).order_by("number"))


# --- Which rules catch a tender ------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    rule: ApprovalRule
    amount: bool  # the total is above the rule's threshold for the tender's currency
    category: bool  # the category is one of the rule's or under one


def rule_matches(*, rule: ApprovalRule, currency: str, total: Decimal, category_path: str) -> Match:
    thresholds = {t.currency: t.amount for t in rule.thresholds.all()}
    amount = currency in thresholds and total > thresholds[currency]
    category = any(
        category_path == c.path or category_path.startswith(f"{c.path}/")
        for c in rule.categories.all()
    )
    return Match(rule=rule, amount=amount, category=category)


def rules_catching(*, tender: Tender, lots: list[Lot]) -> list[Match]:
    """The buyer's active rules that catch the tender as it is now, by rule id."""
    rules = rules_with_parts(ApprovalRule.objects.filter(buyer_id=tender.buyer_id, active=True))
    total = tender_total(lots)
    found = []
    for rule in rules.order_by("pk"):
        match = rule_matches(
            rule=rule, currency=tender.currency, total=total, category_path=tender.category.path
        )
        if match.amount or match.category:
            found.append(match)
    return found


def chains_for(matches: list[Match]) -> list[dict]:
    return [
        {
            "rule": m.rule.pk,
            "name": m.rule.name,
            "mode": m.rule.mode,
            "approvers": [a.user_id for a in m.rule.approvers.all()],
        }
        for m in matches
    ]


# --- Where a request stands (pure) -------------------------------------------------------------


def chain_waits_for(chain: dict, approved: set[int]) -> list[int]:
    """Who may decide in ``chain`` now, given who has approved: [] once it is satisfied."""
    approvers = chain["approvers"]
    if chain["mode"] == ApprovalMode.ANY_OF:
        return [] if approved & set(approvers) else list(approvers)
    for user_id in approvers:
        if user_id not in approved:
            return [user_id]
    return []


def request_waits_for(request: ApprovalRequest, decisions=None) -> list[int]:
    """Who may decide the pending request now (each once, in chain order)."""
    if request.status != ApprovalStatus.PENDING:
        return []
    decisions = list(request.decisions.all()) if decisions is None else decisions
    approved = {d.approver_id for d in decisions if d.decision == ApprovalDecisionKind.APPROVE}
    waiting: list[int] = []
    for chain in request.chains:
        waiting += [u for u in chain_waits_for(chain, approved) if u not in waiting]
    return waiting


def names_of(user_ids) -> dict[int, str]:
    return {u.pk: str(u) for u in User.objects.filter(pk__in=list(user_ids))}


def chains_in_words(chains: list[dict], *, approved: set[int] | None = None) -> str:
    """ "Olena, then Ivan (rule “Above 1M”); any one of Petro, Anna (rule “IT”)", leaving out
    the approvals already given when ``approved`` is set."""
    names = names_of({u for c in chains for u in c["approvers"]})
    parts = []
    for chain in chains:
        left = [u for u in chain["approvers"] if u not in (approved or set())]
        if approved is not None and not chain_waits_for(chain, approved):
            continue
        people = [names.get(u, "?") for u in left]
        if chain["mode"] == ApprovalMode.ANY_OF:
            who = _("any one of %(people)s") % {"people": ", ".join(people)}
        else:
            who = _(", then ").join(people)
        parts.append(_("%(who)s (rule “%(rule)s”)") % {"who": who, "rule": chain["name"]})
    return "; ".join(parts)


def approval_holds(
    *, tender: Tender, lots: list[Lot], matches: list[Match]
) -> ApprovalRequest | None:
    """The approved request that lets the tender be published as it is now, or None."""
    now_print = fingerprint(tender_values(tender=tender, lots=lots))
    wanted = {m.rule.pk for m in matches}
    for request in tender.approval_requests.filter(status=ApprovalStatus.APPROVED):
        if request.fingerprint == now_print and wanted <= {c["rule"] for c in request.chains}:
            return request
    return None
