"""The clarifications API: a tender's questions (answered ones, plus one's own; all of them for
the buyer's side), asking, answering."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import ApplicationError

from ..models import Question
from ..tenders import questions, selectors
from ._tender_common import E400, E403, E404, E409, TAGS, acting_company
from .tender_serializers import (
    AnswerInputSerializer,
    QuestionInputSerializer,
    QuestionOutputSerializer,
)


class TenderQuestionListAskApi(GenericAPIView):
    serializer_class = QuestionOutputSerializer
    queryset = Question.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_questions_list",
        summary="Answered questions (plus my companies' own); all of them for the buyer's side",
        responses={200: QuestionOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id, explain=True)
        page = self.paginate_queryset(
            selectors.question_list_visible(user=request.user, tender=tender)
        )
        context = {"company_ids": user_company_ids(user=request.user)}
        return self.get_paginated_response(
            QuestionOutputSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_questions_ask",
        summary="Ask a question before the questions deadline (suppliers who see the tender)",
        request=QuestionInputSerializer,
        responses={201: QuestionOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id, explain=True)
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        company = acting_company(request, fields.pop("company", None), field="company")
        lot = None
        if fields.get("lot") is not None:
            lot = tender.lots.filter(pk=fields["lot"]).first()
            if lot is None:
                message = _("This tender has no such lot.")
                raise ApplicationError(message, code="lot_not_found", fields={"lot": [message]})
        question = questions.question_ask(
            actor=request.user, tender=tender, company=company, lot=lot, text=fields["text"]
        )
        context = {"company_ids": {company.pk}}
        return Response(
            QuestionOutputSerializer(question, context=context).data, status=status.HTTP_201_CREATED
        )


class QuestionAnswerApi(GenericAPIView):
    serializer_class = QuestionOutputSerializer
    queryset = Question.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="questions_answer",
        summary="Answer a question (the buyer's managers); the answer is published to all",
        request=AnswerInputSerializer,
        responses={200: QuestionOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, question_id: int):
        question = selectors.question_get_visible(user=request.user, question_id=question_id)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = questions.question_answer(
            actor=request.user, question=question, answer=data.validated_data["answer"]
        )
        context = {"company_ids": user_company_ids(user=request.user)}
        return Response(QuestionOutputSerializer(question, context=context).data)
