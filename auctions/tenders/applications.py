"""Applications to a lot: a supplier applies (with the weighted lot's criteria values, which give
its coefficient) and may withdraw before the deadline; the buyer admits (a stable anonymous
label) or rejects with a reason."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.standings.selectors import admission_refusal

from .. import outbox, rules
from ..events import event_append
from ..lock_objects import application_lock, lot_lock
from ..models import (
    Application,
    ApplicationStatus,
    Lot,
    LotStatus,
    Participation,
    SecurityStatus,
)
from ..realtime.broadcast import lot_changed_on_commit
from . import selectors
from ._common import (
    clean_reason,
    current_time,
    require_manager,
    save_lot,
    supplier_gate,
    to_decimal,
)
from .delivery import admission_delivery_refusal

COEFFICIENT_PLACES = Decimal("0.000000000001")


def _weighted_values(lot: Lot, chosen: dict | None) -> tuple[dict, Decimal]:
    criteria = list(lot.criteria.all().order_by("pk"))
    if not lot.weighted:
        if chosen:
            message = _("This lot has no criteria.")
            raise ApplicationError(message, code="invalid", fields={"criteria_values": [message]})
        return {}, Decimal(1)
    chosen = chosen or {}
    if set(chosen) != {c.code for c in criteria}:
        message = _("Choose one option for each criterion: %(codes)s.") % {
            "codes": ", ".join(c.code for c in criteria)
        }
        raise ApplicationError(
            message, code="invalid_criteria", fields={"criteria_values": [message]}
        )
    values: dict[str, str] = {}
    for criterion in criteria:
        allowed = {Decimal(str(o["value"])) for o in criterion.options}
        value = to_decimal(chosen[criterion.code])
        if value is None or value not in allowed:
            message = _("%(code)s: not one of the criterion's options.") % {"code": criterion.code}
            raise ApplicationError(
                message, code="invalid_criteria", fields={"criteria_values": [message]}
            )
        values[criterion.code] = str(value)
    max_sum = rules.features_max_sum([[o["value"] for o in c.options] for c in criteria])
    coefficient = rules.as_decimal(rules.coefficient(values.values(), max_sum), COEFFICIENT_PLACES)
    return values, coefficient


def application_submit(
    *,
    actor,
    lot: Lot,
    supplier,
    terms_accepted: bool,
    initial_amount: Decimal | None = None,
    criteria_values: dict | None = None,
    now: datetime | None = None,
) -> Application:
    """A supplier applies to a published lot before the applications deadline.

    A withdrawn application may be submitted again (the same row, keeping its label)."""
    now = current_time(now)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot.pk)
        tender = lot.tender
        supplier_gate(actor=actor, tender=tender, supplier=supplier)
        if tender.participation == Participation.OPEN and not selectors.supplier_covers_category(
            company=supplier, tender=tender
        ):
            raise PermissionDeniedError(
                _(
                    "Your supplier profile's categories do not cover this tender's category "
                    "(%(category)s). Add it or a broader category to your profile."
                )
                % {"category": tender.category.code},
                code="category_not_covered",
            )
        if lot.status != LotStatus.PUBLISHED or now >= tender.applications_deadline:
            raise ConflictError(
                _("This lot does not accept applications any more."), code="applications_closed"
            )
        if terms_accepted is not True:
            message = _("You must accept the tender's terms.")
            raise ApplicationError(
                message, code="terms_not_accepted", fields={"terms_accepted": [message]}
            )
        if initial_amount is not None and not (0 < initial_amount <= lot.start_price):
            message = _("The initial offer must be above zero and at most the start price.")
            raise ApplicationError(
                message, code="invalid_initial_amount", fields={"initial_amount": [message]}
            )
        values, coefficient = _weighted_values(lot, criteria_values)
        existing = Application.objects.filter(lot=lot, supplier=supplier).first()
        if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
            raise ConflictError(
                _("Your company has already applied to this lot."), code="already_applied"
            )
        application = existing or Application(lot=lot, supplier=supplier)
        application.submitted_by = actor
        application.status = ApplicationStatus.SUBMITTED
        application.terms_accepted_at = now
        application.initial_amount = initial_amount
        application.criteria_values = values
        application.coefficient = coefficient
        application.reason = ""
        application.decided_by = None
        application.decided_at = None
        if lot.security_percent <= 0:
            application.security_status = SecurityStatus.NOT_REQUIRED
        elif application.security_status != SecurityStatus.PROVIDED:  # kept if resubmitted
            application.security_status = SecurityStatus.AWAITING
        application.save()
        outbox.application_changed(kind="submitted", application=application, lot=lot, actor=actor)
    return application


def application_withdraw(
    *, actor, application: Application, now: datetime | None = None
) -> Application:
    """The supplier takes its application back before the applications deadline."""
    now = current_time(now)
    with transaction.atomic():
        lot = lot_lock(lot_id=application.lot_id)
        application = application_lock(application_id=application.pk)
        if not selectors.user_has_company_role(
            user=actor, company=application.supplier_id, roles=selectors.SUPPLIER_ACTOR_ROLES
        ):
            raise PermissionDeniedError(
                _("Only a supplier's company admins and bidders may do this."),
                code="not_supplier_bidder",
            )
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ADMITTED):
            raise ConflictError(
                _("This application cannot be withdrawn."), code="application_not_withdrawable"
            )
        if lot.status != LotStatus.PUBLISHED or now >= lot.tender.applications_deadline:
            raise ConflictError(
                _("The applications deadline has passed."), code="applications_closed"
            )
        was_admitted = application.status == ApplicationStatus.ADMITTED
        application.status = ApplicationStatus.WITHDRAWN
        application.save(update_fields=["status"])
        if was_admitted:
            event_append(
                lot=lot,
                kind="application_withdrawn",
                actor=actor,
                payload={"application": application.pk, "label": application.label},
                at=now,
            )
            save_lot(lot)
    return application


def _decision_prologue(*, actor, application: Application) -> tuple[Lot, Application]:
    lot = lot_lock(lot_id=application.lot_id)
    require_manager(actor=actor, tender=lot.tender)
    application = application_lock(application_id=application.pk)
    if lot.status not in (LotStatus.PUBLISHED, LotStatus.APPLICATIONS_CLOSED):
        raise ConflictError(
            _("Applications to this lot can no longer be decided."), code="lot_not_deciding"
        )
    return lot, application


def application_admit(
    *, actor, application: Application, now: datetime | None = None
) -> Application:
    """Admit a submitted application. It gets a stable anonymous label: the next free "Bidder
    #N" of the lot (an application that had one keeps it)."""
    now = current_time(now)
    with transaction.atomic():
        lot, application = _decision_prologue(actor=actor, application=application)
        if application.status != ApplicationStatus.SUBMITTED:
            raise ConflictError(
                _("Only a submitted application can be admitted."), code="application_not_pending"
            )
        if not selectors.company_can_trade(application.supplier):
            raise ConflictError(
                _("This supplier is not verified any more and cannot be admitted."),
                code="supplier_not_verified",
            )
        if lot.security_percent > 0 and application.security_status != SecurityStatus.PROVIDED:
            raise ConflictError(
                _(
                    "This supplier has not provided the lot's bid security yet: it can be "
                    "admitted once it has."
                ),
                code="awaiting_security",
            )
        refusal = admission_delivery_refusal(lot, application)
        if refusal is not None:
            raise refusal
        # Supplier ratings (marketplace.standings): a supplier in the blocked band is refused.
        blocked = admission_refusal(
            buyer_id=lot.tender.buyer_id, supplier_id=application.supplier_id
        )
        if blocked:
            raise ConflictError(blocked, code="supplier_blocked")
        if application.label is None:
            application.label = (lot.applications.aggregate(n=Max("label"))["n"] or 0) + 1
        application.status = ApplicationStatus.ADMITTED
        application.reason = ""
        application.decided_by = actor
        application.decided_at = now
        application.save(update_fields=["label", "status", "reason", "decided_by", "decided_at"])
        event_append(
            lot=lot,
            kind="application_admitted",
            actor=actor,
            at=now,
            payload={
                "application": application.pk,
                "label": application.label,
                # Fixed from here on: the supplier's bids rank as price plus this.
                **({"delivery_cost": str(application.delivery_cost)} if lot.landed_cost else {}),
            },
        )
        save_lot(lot)
        lot_changed_on_commit(lot_id=lot.pk, kinds=["admitted"])
        outbox.application_changed(kind="admitted", application=application, lot=lot, actor=actor)
    return application


def application_reject(
    *, actor, application: Application, reason: str, now: datetime | None = None
) -> Application:
    """Reject a submitted (or admitted, before scheduling) application with a reason the
    supplier sees. The event names the application and its label, never the supplier."""
    now = current_time(now)
    reason = clean_reason(reason)
    with transaction.atomic():
        lot, application = _decision_prologue(actor=actor, application=application)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ADMITTED):
            raise ConflictError(
                _("Only a submitted or admitted application can be rejected."),
                code="application_not_pending",
            )
        application.status = ApplicationStatus.REJECTED
        application.reason = reason
        application.decided_by = actor
        application.decided_at = now
        application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        event_append(
            lot=lot,
            kind="application_rejected",
            actor=actor,
            at=now,
            payload={"application": application.pk, "label": application.label},
        )
        save_lot(lot)
        # The auction app's listener of this event closes the supplier's open sockets.
        outbox.application_changed(kind="rejected", application=application, lot=lot, actor=actor)
    return application
