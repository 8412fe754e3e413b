"""The service desk API. The workspace's staff under ``/api/crm/<workspace id>/cases/...`` (the
CRM's rule: managers and admins write, officers and bidders read, others 404); the customer's
own cases under ``/api/support/...`` (their company's cases only, public messages only).
Thin views over ``servicedesk.selectors`` (reads), ``services`` and ``setup`` (writes)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from crm.access import workspace_require
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import selectors, services, setup
from ..models import Case, CaseKind, Channel, MessageKind
from . import serializers as s

TAGS = ["servicedesk"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Your role does not allow this"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not visible to you"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("The case's status does not allow it"))


class _Base(PathIdsInRange, GenericAPIView):
    queryset = Case.objects.none()
    path_id_not_found = {
        "workspace_id": ("workspace_not_found", gettext_lazy("No such CRM workspace.")),
        "case_id": ("case_not_found", gettext_lazy("Case not found.")),
        "queue_id": ("queue_not_found", gettext_lazy("Queue not found.")),
    }


def case_data(case: Case) -> dict:
    return dict(s.CaseSerializer(case).data)


def _fresh(request, workspace_id: int, case_id: int) -> dict:
    return case_data(
        selectors.case_get(user=request.user, workspace_id=workspace_id, case_id=case_id)
    )


def _staff_user(workspace_id: int, user_id: int | None):
    if user_id is None:
        return None
    person = selectors.staff_people(workspace_id=workspace_id).filter(pk=user_id).first()
    if person is None:
        message = _("Cases are assigned to the workspace's own people.")
        raise ApplicationError(message, code="invalid", fields={"assignee": [message]})
    return person


class CaseListApi(_Base):
    serializer_class = s.CaseSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_cases_list",
        summary="The workspace's cases, newest first",
        parameters=[s.CaseQuerySerializer],
        responses={200: s.CaseSerializer(many=True), 400: E400, 404: E404},
    )
    def get(self, request, workspace_id: int):
        query = input_valid(s.CaseQuerySerializer, request.query_params)
        cases = selectors.case_list(user=request.user, workspace_id=workspace_id, **query)
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(s.CaseSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_cases_create",
        summary="Open a case on a customer's behalf",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        workspace_require(user=request.user, workspace_id=workspace_id, edit=True)
        data = input_valid(s.CaseCreateSerializer, request.data)
        case = services.case_open(
            workspace=workspace_id,
            subject=data["subject"],
            body=data["body"],
            account=data.get("account"),
            contact=data.get("contact"),
            kind=data["kind"],
            priority=data["priority"],
            channel=Channel.API,
            opened_by=request.user,
            queue=data.get("queue"),
            order_id=data.get("order"),
            shipment_id=data.get("shipment"),
            requester_email=data["requester_email"],
        )
        return Response(_fresh(request, workspace_id, case.pk), status=status.HTTP_201_CREATED)


class CaseDetailApi(_Base):
    serializer_class = s.CaseSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_cases_get",
        summary="A case",
        responses={200: s.CaseSerializer, 404: E404},
    )
    def get(self, request, workspace_id: int, case_id: int):
        return Response(_fresh(request, workspace_id, case_id))

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_cases_update",
        summary="Change a case's subject, kind, priority, queue or assignee",
        request=s.CaseUpdateSerializer,
        responses={200: s.CaseSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, workspace_id: int, case_id: int):
        selectors.case_get(user=request.user, workspace_id=workspace_id, case_id=case_id, edit=True)
        data = input_valid(s.CaseUpdateSerializer, request.data)
        if "assignee" in data:
            data["assignee"] = _staff_user(workspace_id, data["assignee"])
        services.case_update(case_id=case_id, actor=request.user, **data)
        return Response(_fresh(request, workspace_id, case_id))


class CaseStatusApi(_Base):
    serializer_class = s.CaseSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_cases_status",
        summary="Move a case to another status (the allowed transitions only)",
        request=s.CaseStatusSerializer,
        responses={200: s.CaseSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int, case_id: int):
        selectors.case_get(user=request.user, workspace_id=workspace_id, case_id=case_id, edit=True)
        data = input_valid(s.CaseStatusSerializer, request.data)
        services.case_status_change(case_id=case_id, status=data["status"], actor=request.user)
        return Response(_fresh(request, workspace_id, case_id))


class CaseMessagesApi(_Base):
    serializer_class = s.CaseMessageSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_messages_list",
        summary="A case's messages, internal notes included, oldest first",
        responses={200: s.CaseMessageSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int, case_id: int):
        case = selectors.case_get(user=request.user, workspace_id=workspace_id, case_id=case_id)
        rows = selectors.case_messages(case=case)
        return Response(s.CaseMessageSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_messages_create",
        summary="Reply to the customer (e-mailed) or add an internal note",
        request=s.CaseReplySerializer,
        responses={201: s.CaseMessageSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, workspace_id: int, case_id: int):
        selectors.case_get(user=request.user, workspace_id=workspace_id, case_id=case_id, edit=True)
        data = input_valid(s.CaseReplySerializer, request.data)
        message = services.case_reply(case_id=case_id, author=request.user, **data)
        return Response(s.CaseMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class QueueListApi(_Base):
    serializer_class = s.DeskQueueSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_queues_list",
        summary="The queues",
        responses={200: s.DeskQueueSerializer(many=True), 404: E404},
    )
    def get(self, request, workspace_id: int):
        rows = selectors.queues(user=request.user, workspace_id=workspace_id)
        return Response(s.DeskQueueSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_queues_create",
        summary="Add a queue",
        request=s.DeskQueueSerializer,
        responses={201: s.DeskQueueSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        workspace_require(user=request.user, workspace_id=workspace_id, edit=True)
        data = input_valid(s.DeskQueueSerializer, request.data)
        queue = setup.queue_create(
            actor=request.user,
            workspace_id=workspace_id,
            name=data["name"],
            escalation_to_id=data.get("escalation_to_id"),
            is_default=data["is_default"],
        )
        return Response(s.DeskQueueSerializer(queue).data, status=status.HTTP_201_CREATED)


class PolicyListApi(_Base):
    serializer_class = s.SlaPolicySerializer

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_policies_list",
        summary="The SLA policies",
        responses={200: s.SlaPolicySerializer(many=True)},
    )
    def get(self, request, workspace_id: int):
        rows = selectors.policies(user=request.user, workspace_id=workspace_id)
        return Response(s.SlaPolicySerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_policies_set",
        summary="Make or replace the policy for a priority (empty: every other)",
        request=s.SlaPolicySerializer,
        responses={200: s.SlaPolicySerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        workspace_require(user=request.user, workspace_id=workspace_id, edit=True)
        data = input_valid(s.SlaPolicySerializer, request.data)
        policy = setup.policy_set(actor=request.user, workspace_id=workspace_id, **data)
        return Response(s.SlaPolicySerializer(policy).data)


class MailboxListApi(_Base):
    serializer_class = s.SupportMailboxSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_mailboxes_list",
        summary="The support addresses",
        responses={200: s.SupportMailboxSerializer(many=True)},
    )
    def get(self, request, workspace_id: int):
        rows = selectors.mailboxes(user=request.user, workspace_id=workspace_id)
        return Response(s.SupportMailboxSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="servicedesk_mailboxes_add",
        summary="Add a support address (inbound e-mail to it opens cases)",
        request=s.SupportMailboxSerializer,
        responses={201: s.SupportMailboxSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, workspace_id: int):
        workspace_require(user=request.user, workspace_id=workspace_id, edit=True)
        data = input_valid(s.SupportMailboxSerializer, request.data)
        mailbox = setup.mailbox_add(
            actor=request.user,
            workspace_id=workspace_id,
            address=data["address"],
            queue_id=data.get("queue_id"),
        )
        return Response(s.SupportMailboxSerializer(mailbox).data, status=status.HTTP_201_CREATED)


# --- The customer ------------------------------------------------------------------------------


def customer_case_data(case: Case) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "workspace": {"id": case.workspace_id, "name": case.workspace.legal_name},
        "subject": case.subject,
        "kind": case.kind,
        "status": case.status,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "survey_rating": case.survey_rating,
    }


def customer_messages(case: Case) -> list[dict]:
    return [
        {
            "id": m.pk,
            "from_customer": m.kind == MessageKind.CUSTOMER,
            "body": m.body,
            "created_at": m.created_at,
        }
        for m in selectors.case_messages(case=case, public_only=True)
    ]


class SupportCaseListApi(_Base):
    serializer_class = s.CustomerCaseSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="support_cases_list",
        summary="Your company's cases with the companies you buy from or sell to",
        responses={200: s.CustomerCaseSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.customer_cases(user=request.user))
        return self.get_paginated_response([customer_case_data(c) for c in page])

    @extend_schema(
        tags=TAGS,
        operation_id="support_cases_create",
        summary="Open a case with a company whose customer you are",
        request=s.CustomerCaseCreateSerializer,
        responses={201: s.CustomerCaseSerializer, 400: E400, 404: E404},
    )
    def post(self, request):
        data = input_valid(s.CustomerCaseCreateSerializer, request.data)
        desks = {ws.pk: account for ws, account in selectors.customer_desks(user=request.user)}
        account = desks.get(data["workspace"])
        if account is None:
            raise NotFoundError(
                _("That company has no service desk for you."), code="desk_not_found"
            )
        case = services.case_open(
            workspace=account.workspace_id,
            subject=data["subject"],
            body=data["body"],
            account=account,
            contact=selectors.customer_contact(user=request.user, account=account),
            kind=data["kind"] if data["kind"] in CaseKind.values else CaseKind.REQUEST,
            channel=Channel.API,
            opened_by=request.user,
            order_id=data.get("order"),
            shipment_id=data.get("shipment"),
            requester_email=request.user.email,
        )
        case = selectors.customer_case_get(user=request.user, case_id=case.pk)
        return Response(customer_case_data(case), status=status.HTTP_201_CREATED)


class SupportCaseDetailApi(_Base):
    serializer_class = s.CustomerCaseSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="support_cases_get",
        summary="One of your company's cases with its public messages",
        responses={200: s.CustomerCaseSerializer, 404: E404},
    )
    def get(self, request, case_id: int):
        case = selectors.customer_case_get(user=request.user, case_id=case_id)
        return Response(customer_case_data(case) | {"messages": customer_messages(case)})


class SupportMessageApi(_Base):
    serializer_class = s.CustomerMessageSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="support_messages_create",
        summary="Write on your case",
        request=s.SupportBodySerializer,
        responses={201: s.CustomerMessageSerializer, 400: E400, 404: E404, 409: E409},
    )
    def post(self, request, case_id: int):
        case = selectors.customer_case_get(user=request.user, case_id=case_id)
        data = input_valid(s.SupportBodySerializer, request.data)
        message = services.case_customer_message(
            case_id=case.pk, body=data["body"], author=request.user, from_email=request.user.email
        )
        out = {
            "id": message.pk,
            "from_customer": True,
            "body": message.body,
            "created_at": message.created_at,
        }
        return Response(s.CustomerMessageSerializer(out).data, status=status.HTTP_201_CREATED)


class SupportSurveyApi(_Base):
    serializer_class = s.CaseSurveySerializer

    @extend_schema(
        tags=TAGS,
        operation_id="support_survey_answer",
        summary="Rate a closed case from 1 to 5 (once)",
        request=s.CaseSurveySerializer,
        responses={200: s.CustomerCaseSerializer, 400: E400, 404: E404, 409: E409},
    )
    def post(self, request, case_id: int):
        case = selectors.customer_case_get(user=request.user, case_id=case_id)
        data = input_valid(s.CaseSurveySerializer, request.data)
        services.case_survey_answer(case_id=case.pk, **data)
        case = selectors.customer_case_get(user=request.user, case_id=case_id)
        return Response(customer_case_data(case))


class SupportDesksApi(_Base):
    serializer_class = s.CaseRefSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="support_desks_list",
        summary="The companies you may open a case with",
        responses={200: s.CaseRefSerializer(many=True)},
    )
    def get(self, request):
        rows = selectors.customer_desks(user=request.user)
        return Response([{"id": ws.pk, "name": ws.legal_name} for ws, _account in rows])
