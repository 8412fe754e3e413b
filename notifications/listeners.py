"""What people are told when things happen: listeners of the domain events. Each builds its
message in the reader's language (``services.notify`` calls ``build`` under the reader's
language) and names only what that reader may know: a losing supplier hears its own rank,
never who won."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from auctions.models import Application, ApplicationStatus, Lot, LotEvent, Question, Tender
from marketplace.companies.models import Company
from marketplace.core.times import local_text
from marketplace.events.registry import listener
from marketplace.verification.models import VerificationDecision, VerificationDocument

from . import matching
from .models import Kind
from .people import SUPPLIER_ROLES, company_people, reviewers
from .services import notify


def _tender_url(tender_id: int) -> str:
    return reverse("frontend:tender", args=[tender_id])


def _lot_url(lot_id: int) -> str:
    return reverse("frontend:lot-room", args=[lot_id])


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@listener("tender.invited", name="notifications.tender_invited")
def tender_invited(event) -> None:
    tender = Tender.objects.select_related("buyer").filter(pk=event.payload["tender"]).first()
    if tender is None:
        return

    def build():
        subject = _("Invitation to tender: %(title)s") % {"title": tender.title}
        body = _(
            '%(buyer)s invites your company to the tender "%(title)s". Applications are '
            "accepted until %(deadline)s."
        ) % {
            "buyer": tender.buyer.legal_name,
            "title": tender.title,
            "deadline": local_text(tender.applications_deadline),
        }
        return subject, body

    notify(
        users=company_people(event.payload["supplier"], SUPPLIER_ROLES),
        kind=Kind.TENDER_INVITATION,
        key=f"tender_invited:{tender.pk}",
        build=build,
        url=_tender_url(tender.pk),
        event=event,
    )


@listener("application.admitted", "application.rejected", name="notifications.application")
def application_decided(event) -> None:
    application = (
        Application.objects.select_related("lot", "lot__tender")
        .filter(pk=event.payload["application"])
        .first()
    )
    if application is None:
        return
    lot = application.lot
    admitted = event.type == "application.admitted"

    def build():
        names = {"lot": lot.title, "title": lot.tender.title}
        if admitted:
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
            ) % {**names, "reason": event.payload["reason"]}
        return subject, body

    notify(
        users=company_people(application.supplier_id, SUPPLIER_ROLES),
        kind=Kind.APPLICATION_DECIDED,
        key=f"application:{event.pk}",
        build=build,
        url=_tender_url(lot.tender_id),
        event=event,
    )


@listener("question.answered", name="notifications.question_answered")
def question_answered(event) -> None:
    question = (
        Question.objects.select_related("tender", "asked_by")
        .filter(pk=event.payload["question"])
        .first()
    )
    if question is None or not question.answer:
        return

    def build():
        subject = _('Your question on "%(title)s" was answered') % {"title": question.tender.title}
        body = _("Question: %(q)s\n\nAnswer: %(a)s") % {"q": question.text, "a": question.answer}
        return subject, body

    notify(
        users=[question.asked_by],
        kind=Kind.QUESTION_ANSWERED,
        key=f"question_answered:{question.pk}",
        build=build,
        url=_tender_url(question.tender_id),
        event=event,
    )


@listener("lot.outbid", name="notifications.outbid")
def outbid(event) -> None:
    lot = Lot.objects.select_related("tender").filter(pk=event.payload["lot"]).first()
    if lot is None or lot.status != "live":
        return

    def build():
        names = {"lot": lot.title, "title": lot.tender.title}
        return (
            _("You were outbid: %(lot)s") % names,
            _(
                'Another offer now leads the live auction for lot "%(lot)s" of the tender '
                '"%(title)s". Open the auction room to bid again before it closes.'
            )
            % names,
        )

    notify(
        users=company_people(event.payload["supplier"], SUPPLIER_ROLES),
        kind=Kind.OUTBID,
        key=f"outbid:{lot.pk}",
        build=build,
        url=_lot_url(lot.pk),
        event=event,
    )


def _final_ranks(lot: Lot) -> dict[int, tuple[int, int]]:
    """application id -> (rank, of how many), from the lot's chained close event (the ranking
    the engine closed with), or {} for a lot awarded without an auction."""
    closed = (
        LotEvent.objects.filter(lot=lot, kind="status_changed", payload__to="closed")
        .order_by("-seq")
        .first()
    )
    ranking = (closed.payload.get("ranking") if closed else None) or []
    return {row["application"]: (row["rank"], len(ranking)) for row in ranking}


@listener("lot.awarded", name="notifications.auction_result")
def auction_result(event) -> None:
    lot = Lot.objects.select_related("tender").filter(pk=event.payload["lot"]).first()
    if lot is None:
        return
    ranks = _final_ranks(lot)
    winner = event.payload["application"]
    applications = Application.objects.filter(lot=lot, status=ApplicationStatus.ADMITTED)
    for application in applications:
        won = application.pk == winner
        rank = ranks.get(application.pk)
        if not won and rank is None:
            continue  # admitted, made no offer: nothing to tell

        def build(won=won, rank=rank):
            names = {"lot": lot.title, "title": lot.tender.title}
            if won:
                return (
                    _("You won: %(lot)s") % names,
                    _(
                        'Your company\'s offer won lot "%(lot)s" of the tender "%(title)s" at '
                        "%(amount)s %(currency)s. The buyer will be in touch about the order."
                    )
                    % {
                        **names,
                        "amount": event.payload["amount"],
                        "currency": event.payload["currency"],
                    },
                )
            return (
                _("The auction for %(lot)s was awarded to another offer") % names,
                _(
                    'Lot "%(lot)s" of the tender "%(title)s" was awarded to another offer. '
                    "Your company's final rank was %(rank)d of %(count)d."
                )
                % {**names, "rank": rank[0], "count": rank[1]},
            )

        notify(
            users=company_people(application.supplier_id, SUPPLIER_ROLES),
            kind=Kind.AUCTION_RESULT,
            key=f"auction_result:{lot.pk}",
            build=build,
            url=_lot_url(lot.pk),
            event=event,
        )


@listener("company.verification_submitted", name="notifications.verification_submitted")
def verification_submitted(event) -> None:
    company = Company.objects.filter(pk=event.payload["company"]).first()
    if company is None:
        return

    def build():
        return (
            _("%(company)s waits for verification") % {"company": company.legal_name},
            _("%(company)s submitted its documents; the review queue has it.")
            % {"company": company.legal_name},
        )

    notify(
        users=reviewers(),
        kind=Kind.VERIFICATION_SUBMITTED,
        key=f"verification_submitted:{event.payload['submission']}",
        build=build,
        url=reverse("frontend:review-queue"),
        event=event,
    )


@listener("company.verified", "company.verification_changed", name="notifications.verification")
def verification_decided(event) -> None:
    decision_id = event.payload.get("decision")
    decision = (
        VerificationDecision.objects.select_related("company", "document")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return
    context = {"decision": decision, "company": decision.company}

    def build():
        subject = render_to_string("verification/email/decision_subject.txt", context)
        body = render_to_string("verification/email/decision_body.txt", context)
        return _one_line(subject), body

    notify(
        users=company_people(decision.company_id, ("company_admin",)),
        kind=Kind.VERIFICATION_DECIDED,
        key=f"verification_decided:{decision.pk}",
        build=build,
        url=reverse("frontend:company-verification", args=[decision.company_id]),
        event=event,
    )


@listener("company.document_expiring", name="notifications.document_expiring")
def document_expiring(event) -> None:
    document = (
        VerificationDocument.objects.select_related("company")
        .filter(pk=event.payload["document"])
        .first()
    )
    if document is None:
        return
    context = {"document": document, "company": document.company}

    def build():
        subject = render_to_string("verification/email/expiry_warning_subject.txt", context)
        body = render_to_string("verification/email/expiry_warning_body.txt", context)
        return _one_line(subject), body

    notify(
        users=company_people(document.company_id, ("company_admin",)),
        kind=Kind.DOCUMENT_EXPIRING,
        key=f"document_expiring:{document.pk}",
        build=build,
        url=reverse("frontend:company-verification", args=[document.company_id]),
        event=event,
    )


@listener("tender.published", name="notifications.tender_match")
def tender_match(event) -> None:
    tender = (
        Tender.objects.select_related("buyer", "category", "platform")
        .filter(pk=event.payload["tender"])
        .first()
    )
    if tender is None:
        return
    by_company: dict[int, list[str]] = {}
    for subscription in matching.subscriptions_matching(tender):
        by_company.setdefault(subscription.company_id, []).append(subscription.name)
    for company_id, names in by_company.items():

        def build(names=names):
            return (
                _("New tender: %(title)s") % {"title": tender.title},
                _(
                    'The tender "%(title)s" of %(buyer)s matches your subscription '
                    '"%(name)s". Applications are accepted until %(deadline)s.'
                )
                % {
                    "title": tender.title,
                    "buyer": tender.buyer.legal_name,
                    "name": '", "'.join(names),
                    "deadline": local_text(tender.applications_deadline),
                },
            )

        notify(
            users=company_people(company_id, SUPPLIER_ROLES),
            kind=Kind.TENDER_MATCH,
            key=f"tender_match:{tender.pk}",
            build=build,
            url=_tender_url(tender.pk),
            event=event,
        )


@listener("webhook.endpoint_disabled", name="notifications.webhook_disabled")
def webhook_disabled(event) -> None:
    company_id = event.company_id

    def build():
        return (
            _("A webhook endpoint was switched off"),
            _(
                "Deliveries to %(url)s kept failing, so it was switched off: %(reason)s Fix the "
                "endpoint, then switch it on again; the failed deliveries can be sent again."
            )
            % {"url": event.payload["url"], "reason": event.payload["reason"]},
        )

    notify(
        users=company_people(company_id, ("company_admin",)),
        kind=Kind.WEBHOOK_DISABLED,
        key=f"webhook_disabled:{event.pk}",
        build=build,
        event=event,
    )


@listener("crm.activity_reminder", name="notifications.crm_activity_reminder")
def crm_activity_reminder(event) -> None:
    """A CRM activity's reminder, to its assignee alone."""
    payload = event.payload
    user = get_user_model().objects.filter(pk=payload["user"]).first()
    if user is None:
        return

    def build():
        names = {"subject": payload["subject"], "account": payload["account_name"]}
        when = payload["starts_at"] or payload["due_at"]
        title = _("Reminder: %(subject)s") % names
        body = _('"%(subject)s" (%(account)s) is assigned to you.') % names
        if when:
            at = datetime.fromisoformat(when)
            body += " " + _("It is due at %(time)s.") % {"time": local_text(at)}
        return title, body

    notify(
        users=[user],
        kind=Kind.CRM_REMINDER,
        key=f"crm_activity_reminder:{event.pk}",
        build=build,
        url=payload["url"],
        event=event,
    )


# The orders', payments', shipments' and tender approvals' listeners register on import.
from . import (  # noqa: E402, F401
    approval_listeners,
    order_listeners,
    payment_listeners,
    shipment_listeners,
)
