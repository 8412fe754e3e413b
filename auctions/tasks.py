"""Celery tasks of the tender lifecycle: closing applications when the deadline passes, and the
e-mails. Each task loads its rows and calls a service or sends one message; each is safe to run
twice (a closed lot is skipped, an e-mail about a vanished row is not sent)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.companies.models import Membership, MembershipRole
from marketplace.core.exceptions import ApplicationError

from . import tender_selectors, tender_services
from .models import Application, ApplicationStatus, Question, TenderInvitation
from .scheduler import send_lot_rescheduled_email  # noqa: F401 - registered for the workers

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def close_due_applications() -> int:
    """Close the applications of every published lot whose deadline has passed. Returns how
    many lots were closed; a lot closed meanwhile (by the buyer or a parallel run) is skipped."""
    now = timezone.now()
    closed = 0
    for lot_id in list(tender_selectors.lots_due_for_closing(now=now).values_list("pk", flat=True)):
        try:
            tender_services.lot_applications_close(lot_id=lot_id, now=now)
        except ApplicationError as exc:
            logger.info("lot %s not closed: %s", lot_id, exc.code)
            continue
        closed += 1
    return closed


def _people(company_id: int, roles) -> list:
    memberships = (
        Membership.objects.filter(company_id=company_id, role__in=list(roles), user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    seen: dict[int, object] = {}
    for m in memberships:
        seen.setdefault(m.user_id, m.user)
    return list(seen.values())


def _send(company_id: int, roles, build) -> int:
    sent = 0
    for user in _people(company_id, roles):
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            subject, body = build()
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return sent


SUPPLIER_ROLES = (MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER)


@shared_task(acks_late=True)
def send_tender_invitation_email(invitation_id: int) -> int:
    invitation = (
        TenderInvitation.objects.select_related("tender", "tender__buyer")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return 0
    tender = invitation.tender

    def build():
        subject = _("Invitation to tender: %(title)s") % {"title": tender.title}
        body = _(
            '%(buyer)s invites your company to the tender "%(title)s". Applications are '
            "accepted until %(deadline)s (UTC)."
        ) % {
            "buyer": tender.buyer.legal_name,
            "title": tender.title,
            "deadline": tender.applications_deadline.strftime("%Y-%m-%d %H:%M"),
        }
        return subject, body

    return _send(invitation.supplier_id, SUPPLIER_ROLES, build)


@shared_task(acks_late=True)
def send_application_decision_email(application_id: int) -> int:
    application = (
        Application.objects.select_related("lot", "lot__tender").filter(pk=application_id).first()
    )
    if application is None or application.status not in (
        ApplicationStatus.ADMITTED,
        ApplicationStatus.REJECTED,
    ):
        return 0
    lot = application.lot

    def build():
        names = {"lot": lot.title, "title": lot.tender.title}
        if application.status == ApplicationStatus.ADMITTED:
            subject = _("Admitted to the auction: %(lot)s") % names
            body = _(
                'Your company\'s application to lot "%(lot)s" of the tender "%(title)s" was '
                "admitted. You will take part as Bidder #%(label)s."
            ) % {**names, "label": application.label}
        else:
            subject = _("Application rejected: %(lot)s") % names
            body = _(
                'Your company\'s application to lot "%(lot)s" of the tender "%(title)s" was '
                "rejected. Reason: %(reason)s"
            ) % {**names, "reason": application.reason}
        return subject, body

    return _send(application.supplier_id, SUPPLIER_ROLES, build)


@shared_task(acks_late=True)
def send_question_answered_email(question_id: int) -> int:
    question = Question.objects.select_related("tender", "asked_by").filter(pk=question_id).first()
    if question is None or not question.answer or not question.asked_by.is_active:
        return 0
    user = question.asked_by
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        subject = _('Your question on "%(title)s" was answered') % {"title": question.tender.title}
        body = _("Question: %(q)s\n\nAnswer: %(a)s") % {"q": question.text, "a": question.answer}
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
