"""Approval chains: which rules of the buyer's policy (``approval_rules``) catch a tender, asking
for approval, the approvers' decisions, and the gate ``drafting.tender_publish`` passes through.

Rules:

* a rule catches a tender when the tender's total (the sum of its lots' start prices, in the
  tender's currency) is above the rule's threshold for that currency, or when the tender's
  category is one of the rule's categories or lies under one (lots carry no category of their
  own here: the tender's is theirs). Only active rules count;
* every rule that catches the tender must be satisfied: each becomes a chain of the request (its
  approvers, in order, and its mode). An in-order chain is satisfied when each approver has
  approved, one after the other: only the first who has not yet approved may decide. An any-of
  chain is satisfied by the first approval of any of its approvers. A person approves a request
  once, and the approval counts in every chain that names the person (in an in-order chain, from
  the person's turn on);
* a rejection (with a comment) ends the request: the officer changes the tender and asks again;
* the request keeps a snapshot of the values asked about and their fingerprint (currency,
  category, each lot's title, quantity, unit and start price). Publishing needs an approved
  request whose fingerprint is the tender's now and whose chains cover every rule catching the
  tender now; otherwise it is refused (409) naming who must approve. An approved request whose
  tender has changed is marked void on the tender's history (``approval_void_stale``);
* each step is a line of the tender's history (``TenderHistoryEntry``) and a domain event
  (``tender.approval_requested``, ``tender.approval_decided``: the notifications app tells the
  next approvers and the officer).

Requests and decisions take the tender's row lock (``lock_objects.tender_lock``), as publishing
does: two approvers deciding at once, or a decision and the publication, are serialised.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from marketplace.companies.selectors import user_company_ids, user_is_company_member
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.events.services import event_emit

from ..approval_models import (
    ApprovalDecision,
    ApprovalDecisionKind,
    ApprovalRequest,
    ApprovalStatus,
    TenderHistoryEntry,
    TenderHistoryKind,
)
from ..lock_objects import tender_lock
from ..models import Lot, Tender, TenderStatus
from ._common import clean_reason, current_time, require_draft, require_manager
from .approval_matching import (
    approval_holds,
    chains_for,
    chains_in_words,
    fingerprint,
    names_of,
    request_waits_for,
    rules_catching,
    tender_lots,
    tender_values,
)

NOTE_MAX = 2000


# --- History -----------------------------------------------------------------------------------


def history_append(
    *,
    tender: Tender,
    kind: str,
    actor,
    at: datetime,
    request: ApprovalRequest | None = None,
    comment: str = "",
    payload: dict | None = None,
) -> TenderHistoryEntry:
    """One line of the tender's history (in the caller's transaction, under the tender's
    lock)."""
    return TenderHistoryEntry.objects.create(
        tender=tender,
        kind=kind,
        actor=actor,
        at=at,
        request=request,
        comment=comment,
        payload=payload or {},
    )


def history_list(*, tender: Tender) -> QuerySet[TenderHistoryEntry]:
    return (
        TenderHistoryEntry.objects.filter(tender=tender)
        .select_related("actor")
        .order_by("at", "pk")
    )


# --- Events ------------------------------------------------------------------------------------


def _emit_requested(*, request: ApprovalRequest, tender: Tender, actor, waiting: list[int]):
    event_emit(
        "tender.approval_requested",
        company=tender.buyer_id,
        actor=actor,
        now=request.requested_at,
        payload={
            "tender": tender.pk,
            "request": request.pk,
            "requested_by": actor.pk,
            "approvers": waiting,
        },
    )


def _emit_decided(*, request: ApprovalRequest, decision: ApprovalDecision, waiting: list[int]):
    event_emit(
        "tender.approval_decided",
        company=request.tender.buyer_id,
        actor=decision.approver,
        now=decision.decided_at,
        payload={
            "tender": request.tender_id,
            "request": request.pk,
            "approver": decision.approver_id,
            "decision": decision.decision,
            "status": request.status,
            "requested_by": request.requested_by_id,
            "next_approvers": waiting,
        },
    )


# --- Asking, deciding, withdrawing -------------------------------------------------------------


def _close(request: ApprovalRequest, status: str, at: datetime) -> None:
    request.status = status
    request.closed_at = at
    request.save(update_fields=["status", "closed_at"])


def _void_stale(*, tender: Tender, lots: list[Lot], actor, at: datetime) -> None:
    """Mark void each approved request of the tender whose values are no longer the tender's."""
    now_print = fingerprint(tender_values(tender=tender, lots=lots))
    for request in tender.approval_requests.filter(status=ApprovalStatus.APPROVED):
        if request.fingerprint != now_print:
            _close(request, ApprovalStatus.VOIDED, at)
            history_append(
                tender=tender,
                kind=TenderHistoryKind.APPROVAL_VOIDED,
                actor=actor,
                at=at,
                request=request,
            )


def approval_request(
    *, actor, tender: Tender, note: str = "", now: datetime | None = None
) -> ApprovalRequest:
    """The officer asks for the approval the buyer's policy wants for the draft tender. Refused
    when no rule catches it, while a request waits, or when it is approved as it stands."""
    now = current_time(now)
    note = clean_reason(note, required=False)
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        lots = tender_lots(tender)
        if not lots:
            raise ConflictError(
                _("Add at least one lot before asking for approval."), code="no_lots"
            )
        matches = rules_catching(tender=tender, lots=lots)
        if not matches:
            raise ConflictError(
                _("No rule of your company's approval policy applies to this tender."),
                code="approval_not_needed",
            )
        if tender.approval_requests.filter(status=ApprovalStatus.PENDING).exists():
            raise ConflictError(
                _("Approval has been asked for already; wait for the decisions."),
                code="approval_pending",
            )
        _void_stale(tender=tender, lots=lots, actor=actor, at=now)
        if approval_holds(tender=tender, lots=lots, matches=matches) is not None:
            raise ConflictError(
                _("The tender is approved as it stands: publish it."), code="approval_granted"
            )
        values = tender_values(tender=tender, lots=lots)
        request = ApprovalRequest.objects.create(
            tender=tender,
            requested_by=actor,
            requested_at=now,
            note=note,
            snapshot=values,
            chains=chains_for(matches),
            fingerprint=fingerprint(values),
        )
        waiting = request_waits_for(request, decisions=[])
        history_append(
            tender=tender,
            kind=TenderHistoryKind.APPROVAL_REQUESTED,
            actor=actor,
            at=now,
            request=request,
            comment=note,
            payload={"waiting": waiting},
        )
        _emit_requested(request=request, tender=tender, actor=actor, waiting=waiting)
    return request


def request_get_visible(*, user, request_id: int) -> ApprovalRequest:
    """A request of a tender of one of the user's companies; 404 otherwise."""
    request = (
        ApprovalRequest.objects.select_related("tender", "tender__buyer", "requested_by")
        .filter(pk=request_id, tender__buyer_id__in=user_company_ids(user=user))
        .first()
    )
    if request is None:
        raise NotFoundError(_("No such approval request."), code="approval_request_not_found")
    return request


def approval_decide(
    *,
    actor,
    request_id: int,
    decision: str,
    comment: str = "",
    now: datetime | None = None,
) -> ApprovalRequest:
    """An approver approves or rejects (a comment required) the request, when it is the
    approver's turn."""
    now = current_time(now)
    if decision not in ApprovalDecisionKind.values:
        message = _("Approve or reject.")
        raise ApplicationError(message, code="invalid", fields={"decision": [message]})
    comment = clean_reason(comment, required=decision == ApprovalDecisionKind.REJECT)
    seen = request_get_visible(user=actor, request_id=request_id)
    with transaction.atomic():
        tender = tender_lock(tender_id=seen.tender_id)
        request = ApprovalRequest.objects.select_for_update(of=("self",)).get(pk=seen.pk)
        request.tender = tender
        named = {u for chain in request.chains for u in chain["approvers"]}
        if actor.pk not in named:
            raise PermissionDeniedError(
                _("Only the approvers the policy names may decide on this request."),
                code="not_an_approver",
            )
        if not user_is_company_member(user=actor, company=tender.buyer_id):
            raise PermissionDeniedError(
                _("You are no longer a person of the buyer company."), code="not_an_approver"
            )
        if request.status != ApprovalStatus.PENDING:
            raise ConflictError(
                _("This request is decided already (%(status)s).")
                % {"status": ApprovalStatus(request.status).label},
                code="approval_closed",
            )
        decisions = list(request.decisions.all())
        if any(d.approver_id == actor.pk for d in decisions):
            raise ConflictError(
                _("You have decided on this request already."), code="approval_already_decided"
            )
        waiting = request_waits_for(request, decisions=decisions)
        if actor.pk not in waiting:
            raise ConflictError(
                _("It is not your turn yet: waiting for %(people)s.")
                % {"people": ", ".join(names_of(waiting).get(u, "?") for u in waiting)},
                code="approval_not_your_turn",
            )
        made = ApprovalDecision.objects.create(
            request=request,
            approver=actor,
            decision=decision,
            comment=comment,
            decided_at=now,
            chains=[i for i, c in enumerate(request.chains) if actor.pk in c["approvers"]],
        )
        decisions.append(made)
        kind = TenderHistoryKind.APPROVAL_APPROVED
        if decision == ApprovalDecisionKind.REJECT:
            kind = TenderHistoryKind.APPROVAL_REJECTED
            _close(request, ApprovalStatus.REJECTED, now)
        history_append(
            tender=tender, kind=kind, actor=actor, at=now, request=request, comment=comment
        )
        waiting = request_waits_for(request, decisions=decisions)
        if request.status == ApprovalStatus.PENDING and not waiting:
            _close(request, ApprovalStatus.APPROVED, now)
            history_append(
                tender=tender,
                kind=TenderHistoryKind.APPROVAL_GRANTED,
                actor=None,
                at=now,
                request=request,
            )
        _emit_decided(request=request, decision=made, waiting=waiting)
    return request


def approval_withdraw(*, actor, request_id: int, now: datetime | None = None) -> ApprovalRequest:
    """The buyer's managers take back a request still waiting (to change the tender first)."""
    now = current_time(now)
    seen = request_get_visible(user=actor, request_id=request_id)
    with transaction.atomic():
        tender = tender_lock(tender_id=seen.tender_id)
        require_manager(actor=actor, tender=tender)
        request = ApprovalRequest.objects.select_for_update(of=("self",)).get(pk=seen.pk)
        if request.status != ApprovalStatus.PENDING:
            raise ConflictError(
                _("Only a request still waiting can be withdrawn."), code="approval_closed"
            )
        _close(request, ApprovalStatus.WITHDRAWN, now)
        history_append(
            tender=tender,
            kind=TenderHistoryKind.APPROVAL_WITHDRAWN,
            actor=actor,
            at=now,
            request=request,
        )
    return request


# --- Publishing --------------------------------------------------------------------------------


def approval_void_stale(*, actor, tender: Tender, now: datetime | None = None) -> None:
    """Record, in a transaction of its own, that an approval no longer holds because the tender
    changed (called before publishing, whose refusal rolls its own writes back)."""
    if not ApprovalRequest.objects.filter(
        tender_id=tender.pk, status=ApprovalStatus.APPROVED
    ).exists():
        return
    now = current_time(now)
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        if tender.status != TenderStatus.DRAFT or not require_manager_quietly(actor, tender):
            return
        _void_stale(tender=tender, lots=tender_lots(tender), actor=actor, at=now)


def require_manager_quietly(actor, tender: Tender) -> bool:
    try:
        require_manager(actor=actor, tender=tender)
    except PermissionDeniedError:
        return False
    return True


def approval_publish_gate(*, actor, tender: Tender, lots: list[Lot], now: datetime) -> None:
    """Called by ``tender_publish`` under the tender's lock: refuses (409) a tender the policy
    catches without an approval that holds for it now; notes on the history that the
    publication used one."""
    matches = rules_catching(tender=tender, lots=lots)
    if not matches:
        return
    held = approval_holds(tender=tender, lots=lots, matches=matches)
    if held is not None:
        history_append(
            tender=tender,
            kind=TenderHistoryKind.PUBLISHED,
            actor=actor,
            at=now,
            request=held,
        )
        return
    pending = tender.approval_requests.filter(status=ApprovalStatus.PENDING).first()
    if pending is not None:
        approved = {
            d.approver_id
            for d in pending.decisions.all()
            if d.decision == ApprovalDecisionKind.APPROVE
        }
        raise ConflictError(
            _("This tender waits for approval before it can be published: %(who)s.")
            % {"who": chains_in_words(pending.chains, approved=approved)},
            code="approval_pending",
        )
    latest = tender.approval_requests.order_by("-requested_at", "-pk").first()
    who = chains_in_words(chains_for(matches))
    if latest is not None and latest.status == ApprovalStatus.REJECTED:
        message = _(
            "The approval was rejected. Change the tender and ask for approval again: %(who)s."
        )
        code = "approval_rejected"
    elif latest is not None and latest.status in (ApprovalStatus.APPROVED, ApprovalStatus.VOIDED):
        message = _(
            "The tender changed after it was approved (or the policy did): the approval no "
            "longer holds. Ask for approval again: %(who)s."
        )
        code = "approval_void"
    else:
        message = _("This tender needs approval before it can be published: %(who)s.")
        code = "approval_required"
    raise ConflictError(message % {"who": who}, code=code)


# --- Reads -------------------------------------------------------------------------------------


def request_list_for_tender(*, tender: Tender) -> QuerySet[ApprovalRequest]:
    return (
        tender.approval_requests.select_related("requested_by")
        .prefetch_related("decisions__approver")
        .order_by("-requested_at", "-pk")
    )


def request_queue(*, user) -> list[ApprovalRequest]:
    """The pending requests of the user's companies that wait for the user's decision now."""
    if not user or not user.is_authenticated:
        return []
    candidates = (
        ApprovalRequest.objects.filter(
            status=ApprovalStatus.PENDING, tender__buyer_id__in=user_company_ids(user=user)
        )
        .select_related("tender", "tender__buyer", "requested_by")
        .prefetch_related("decisions")
        .order_by("requested_at", "pk")
    )
    return [r for r in candidates if user.pk in request_waits_for(r)]


def tender_approval_state(*, tender: Tender) -> dict:
    """Where the tender stands with the policy now: the rules catching it, the approved request
    that holds (if any), the latest request and who it waits for."""
    lots = tender_lots(tender)
    matches = rules_catching(tender=tender, lots=lots) if lots else []
    latest = request_list_for_tender(tender=tender).first()
    return {
        "matches": matches,
        "needed": bool(matches),
        "holds": approval_holds(tender=tender, lots=lots, matches=matches) if matches else None,
        "latest": latest,
        "waiting": request_waits_for(latest) if latest is not None else [],
        "changed": latest is not None
        and latest.fingerprint != fingerprint(tender_values(tender=tender, lots=lots)),
    }


def tender_get_for_member(*, user, tender_id: int) -> Tender:
    """A tender of one of the user's companies (any role); 404 otherwise."""
    tender = (
        Tender.objects.select_related("buyer", "category", "platform")
        .filter(pk=tender_id, buyer_id__in=user_company_ids(user=user))
        .first()
    )
    if tender is None:
        raise NotFoundError(_("No such tender."), code="tender_not_found")
    return tender
