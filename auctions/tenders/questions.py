"""Clarifications: a supplier who sees the tender asks before the questions deadline; the buyer
answers, and the answer is listed to everyone who sees the tender."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError

from .. import outbox
from ..lock_objects import question_lock, tender_lock
from ..models import Lot, Question, Tender, TenderStatus
from ._common import current_time, require_manager, supplier_gate


def question_ask(
    *,
    actor,
    tender: Tender,
    company,
    text: str,
    lot: Lot | None = None,
    now: datetime | None = None,
) -> Question:
    """A supplier who sees the tender asks before the questions deadline."""
    now = current_time(now)
    text = (text or "").strip()
    if not text:
        message = _("Write the question.")
        raise ApplicationError(message, code="invalid", fields={"text": [message]})
    supplier_gate(actor=actor, tender=tender, supplier=company)
    if tender.status != TenderStatus.PUBLISHED:
        raise ConflictError(_("This tender does not take questions."), code="tender_not_published")
    if now >= tender.questions_deadline:
        raise ConflictError(
            _("The deadline for questions has passed."), code="questions_deadline_passed"
        )
    if lot is not None and lot.tender_id != tender.pk:
        message = _("This lot belongs to another tender.")
        raise ApplicationError(message, code="invalid", fields={"lot": [message]})
    with transaction.atomic():
        question = Question.objects.create(
            tender=tender, lot=lot, asked_by_company=company, asked_by=actor, text=text
        )
        outbox.question_changed(kind="asked", question=question, tender=tender, actor=actor)
    return question


def question_answer(
    *, actor, question: Question, answer: str, now: datetime | None = None
) -> Question:
    """The buyer answers; the answer is then listed to everyone who sees the tender."""
    answer = (answer or "").strip()
    if not answer:
        message = _("Write the answer.")
        raise ApplicationError(message, code="invalid", fields={"answer": [message]})
    with transaction.atomic():
        tender = tender_lock(tender_id=question.tender_id)
        require_manager(actor=actor, tender=tender)
        question = question_lock(question_id=question.pk)
        if question.answer:
            raise ConflictError(_("This question is already answered."), code="already_answered")
        if tender.status != TenderStatus.PUBLISHED:
            raise ConflictError(_("This tender is finished."), code="tender_finished")
        question.answer = answer
        question.answered_by = actor
        question.answered_at = current_time(now)
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        outbox.question_changed(kind="answered", question=question, tender=tender, actor=actor)
    return question
