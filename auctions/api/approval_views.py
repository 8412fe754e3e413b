"""The approval chains' API: a buyer's policy (its rules), a tender's approval (where it stands,
asking for it, its history) and the approver's queue with the decision. Thin views over
``auctions.tenders.approval_rules`` and ``auctions.tenders.approvals``.

Scoping: a rule, tender or request of a company the user is not a person of answers 404; a
person of the buyer without the right answers 403 (policy: company admins; asking: procurement
officers and company admins; deciding: the approvers the request names, in their turn)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import input_valid
from marketplace.users.models import User

from ..approval_models import ApprovalRequest, ApprovalRule
from ..tenders import approval_rules as rules
from ..tenders import approvals
from ..tenders.approval_matching import request_waits_for, tender_lots, tender_total
from . import approval_serializers as s
from ._tender_common import E400, E403, E404, E409

TAGS = ["approvals"]


def rule_data(rule: ApprovalRule) -> dict:
    return dict(s.ApprovalRuleSerializer(rule).data)


def request_data(request: ApprovalRequest, *, user) -> dict:
    decisions = list(request.decisions.all())
    waiting = request_waits_for(request, decisions=decisions)
    ids = {u for c in request.chains for u in c["approvers"]} | set(waiting)
    people = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    data = {
        "id": request.pk,
        "tender": request.tender_id,
        "tender_title": request.tender.title,
        "status": request.status,
        "requested_by": s.person(request.requested_by),
        "requested_at": request.requested_at,
        "note": request.note,
        "snapshot": request.snapshot,
        "chains": [
            {**c, "approvers": [s.person(people.get(u)) for u in c["approvers"] if u in people]}
            for c in request.chains
        ],
        "decisions": [
            {
                "approver": s.person(d.approver),
                "decision": d.decision,
                "comment": d.comment,
                "decided_at": d.decided_at,
            }
            for d in decisions
        ],
        "waiting_for": [s.person(people[u]) for u in waiting if u in people],
        "may_decide": user.pk in waiting,
        "closed_at": request.closed_at,
    }
    return dict(s.RequestSerializer(data).data)


class _Base(PathIdsInRange, GenericAPIView):
    queryset = ApprovalRule.objects.none()
    path_id_not_found = {
        "rule_id": ("approval_rule_not_found", gettext_lazy("No such approval rule.")),
        "tender_id": ("tender_not_found", gettext_lazy("No such tender.")),
        "request_id": (
            "approval_request_not_found",
            gettext_lazy("No such approval request."),
        ),
    }


# --- The policy --------------------------------------------------------------------------------


class RuleListApi(_Base):
    serializer_class = s.ApprovalRuleSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="approval_rules_list",
        summary="The approval rules of your buyer companies",
        parameters=[s.RuleQuerySerializer],
        responses={200: s.ApprovalRuleSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.RuleQuerySerializer, request.query_params)
        found = rules.rule_list(user=request.user, buyer_id=query.get("buyer"))
        page = self.paginate_queryset(found)
        return self.get_paginated_response(s.ApprovalRuleSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="approval_rules_create",
        summary="Add a rule to a buyer's approval policy (its company admins)",
        request=s.RuleCreateSerializer,
        responses={201: s.ApprovalRuleSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request):
        data = s.rule_input(input_valid(s.RuleCreateSerializer, request.data))
        rule = rules.rule_create(actor=request.user, buyer_id=data.pop("buyer"), **data)
        rule = rules.rule_get(user=request.user, rule_id=rule.pk)
        return Response(rule_data(rule), status=status.HTTP_201_CREATED)


class RuleDetailApi(_Base):
    serializer_class = s.ApprovalRuleSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="approval_rules_get",
        summary="One rule (the buyer's people)",
        responses={200: s.ApprovalRuleSerializer, 404: E404},
    )
    def get(self, request, rule_id: int):
        return Response(rule_data(rules.rule_get(user=request.user, rule_id=rule_id)))

    @extend_schema(
        tags=TAGS,
        operation_id="approval_rules_update",
        summary="Change a rule (the fields given; lists are replaced whole)",
        request=s.ApprovalRuleUpdateSerializer,
        responses={200: s.ApprovalRuleSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, rule_id: int):
        data = s.rule_input(input_valid(s.ApprovalRuleUpdateSerializer, request.data, partial=True))
        rules.rule_update(actor=request.user, rule_id=rule_id, **data)
        return Response(rule_data(rules.rule_get(user=request.user, rule_id=rule_id)))

    @extend_schema(
        tags=TAGS,
        operation_id="approval_rules_delete",
        summary="Delete a rule (requests made under it keep their approvers)",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, rule_id: int):
        rules.rule_delete(actor=request.user, rule_id=rule_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- A tender's approval -----------------------------------------------------------------------


class TenderApprovalApi(_Base):
    serializer_class = s.TenderApprovalSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="tender_approval_get",
        summary="Where a tender stands with its buyer's approval policy",
        responses={200: s.TenderApprovalSerializer, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = approvals.tender_get_for_member(user=request.user, tender_id=tender_id)
        state = approvals.tender_approval_state(tender=tender)
        latest = state["latest"]
        data = {
            "tender": tender.pk,
            "status": tender.status,
            "needed": state["needed"],
            "approved": state["holds"] is not None,
            "total": tender_total(tender_lots(tender)),
            "currency": tender.currency,
            "rules": [
                {"rule": m.rule.pk, "name": m.rule.name, "amount": m.amount, "category": m.category}
                for m in state["matches"]
            ],
            "latest": None if latest is None else request_data(latest, user=request.user),
            "changed_since_request": state["changed"],
        }
        return Response(s.TenderApprovalSerializer(data).data)


class TenderApprovalAskApi(_Base):
    serializer_class = s.RequestSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="tender_approval_ask",
        summary="Ask for the approval the policy wants before the draft is published",
        request=s.AskSerializer,
        responses={201: s.RequestSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, tender_id: int):
        data = input_valid(s.AskSerializer, request.data)
        tender = approvals.tender_get_for_member(user=request.user, tender_id=tender_id)
        made = approvals.approval_request(actor=request.user, tender=tender, **data)
        made = approvals.request_get_visible(user=request.user, request_id=made.pk)
        return Response(request_data(made, user=request.user), status=status.HTTP_201_CREATED)


class TenderHistoryApi(_Base):
    serializer_class = s.HistorySerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="tender_history",
        summary="A tender's history: approvals asked, given, rejected, void; its publication",
        responses={200: s.HistorySerializer(many=True), 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = approvals.tender_get_for_member(user=request.user, tender_id=tender_id)
        rows = [
            {
                "kind": h.kind,
                "actor": s.person(h.actor),
                "at": h.at,
                "request": h.request_id,
                "comment": h.comment,
            }
            for h in approvals.history_list(tender=tender)
        ]
        return Response(s.HistorySerializer(rows, many=True).data)


# --- The approver's queue and decision ---------------------------------------------------------


class ApprovalQueueApi(_Base):
    serializer_class = s.RequestSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="approvals_awaiting_me",
        summary="The approval requests waiting for your decision now, oldest first",
        responses={200: s.RequestSerializer(many=True)},
    )
    def get(self, request):
        queue = approvals.request_queue(user=request.user)
        return Response([request_data(r, user=request.user) for r in queue])


class ApprovalRequestApi(_Base):
    serializer_class = s.RequestSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="approvals_get",
        summary="One approval request (the buyer's people)",
        responses={200: s.RequestSerializer, 404: E404},
    )
    def get(self, request, request_id: int):
        found = approvals.request_get_visible(user=request.user, request_id=request_id)
        return Response(request_data(found, user=request.user))


class ApprovalDecideApi(_Base):
    serializer_class = s.RequestSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="approvals_decide",
        summary="Approve, or reject with a comment, when it is your turn",
        request=s.DecideSerializer,
        responses={200: s.RequestSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, request_id: int):
        data = input_valid(s.DecideSerializer, request.data)
        approvals.approval_decide(actor=request.user, request_id=request_id, **data)
        found = approvals.request_get_visible(user=request.user, request_id=request_id)
        return Response(request_data(found, user=request.user))


class ApprovalWithdrawApi(_Base):
    serializer_class = s.RequestSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="approvals_withdraw",
        summary="Take back a request still waiting (the buyer's managers)",
        request=None,
        responses={200: s.RequestSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, request_id: int):
        approvals.approval_withdraw(actor=request.user, request_id=request_id)
        found = approvals.request_get_visible(user=request.user, request_id=request_id)
        return Response(request_data(found, user=request.user))
