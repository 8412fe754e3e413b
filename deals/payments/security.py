"""Bid security (services): a lot may require a security of a percentage of its start price;
a supplier that applies provides it, and the buyer may admit the application only once it is
provided (``auctions`` hears of it through ``bid_security.changed`` and its listener).

Two ways to provide it (``models.BidSecurity`` explains why a card is saved, not held):

* **card** (Stripe): the supplier saves a card in the page (a SetupIntent confirmed with
  Stripe.js); Stripe's webhook says it succeeded, we re-read the SetupIntent, and the security
  is provided. Stripe unreachable: the start answers 503 and nothing is written; the
  application stays "awaiting security", never admitted.
* **bank guarantee**: the supplier uploads the bank's guarantee (PDF or an image, stored
  privately with its SHA-256); the buyer accepts it, or rejects it with a reason (the supplier
  may then provide another).

When the lot is awarded, every other supplier's security is released. The winner's is released
when it accepts the order's contract; it is forfeited when it declines the order, or has not
accepted it within ``BID_SECURITY_SIGN_DAYS`` of its sending (``securities_forfeit_overdue``,
from Celery beat): a saved card is then charged off-session for the amount (once: the
idempotency key is the security's), a guarantee is the buyer's to claim from its bank.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auctions.models import Application, ApplicationStatus, Lot
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.events.services import event_emit

from ..models import (
    BUYER_ROLES,
    SUPPLIER_ROLES,
    BidSecurity,
    Order,
    OrderHistory,
    OrderStatus,
    SecurityMethod,
    SecurityState,
)
from .gateway import provider
from .providers import PaymentStart

logger = logging.getLogger(__name__)

GUARANTEE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
GUARANTEE_MAX_BYTES = 10 * 2**20
LIVE = (SecurityState.PENDING, SecurityState.PROVIDED)


def security_amount(lot: Lot) -> Decimal:
    return (lot.start_price * lot.security_percent / Decimal(100)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )


def _emit(security: BidSecurity, *, actor=None) -> None:
    event_emit(
        "bid_security.changed",
        company=security.supplier_id,
        audience={security.buyer_id},
        actor=actor,
        payload={
            "security": security.pk,
            "application": security.application_id,
            "lot": security.lot_id,
            "supplier": security.supplier_id,
            "status": security.state,
            "method": security.method,
            "reason": security.reason,
        },
    )


def _application_for_security(*, user, application_id: int) -> Application:
    """The supplier's application that awaits its security, for its staff; 404 to others."""
    application = (
        Application.objects.select_related("lot__tender").filter(pk=application_id).first()
    )
    if application is None or not user_has_company_role(
        user=user, company=application.supplier_id, roles=SUPPLIER_ROLES
    ):
        raise NotFoundError(_("No such application."), code="application_not_found")
    if application.lot.security_percent <= 0:
        raise ConflictError(_("This lot requires no bid security."), code="security_not_required")
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ADMITTED):
        raise ConflictError(
            _("This application is no longer open."), code="application_not_pending"
        )
    return application


def _live(application: Application) -> BidSecurity | None:
    return BidSecurity.objects.filter(application=application, state__in=LIVE).first()


def security_card_start(*, user, application_id: int) -> PaymentStart:
    """Start saving a card for the application's security (or resume the card being saved):
    the SetupIntent's client secret for Stripe.js."""
    application = _application_for_security(user=user, application_id=application_id)
    chosen = provider()
    if not hasattr(chosen, "setup_start"):
        raise ConflictError(
            _("Card payments are not available here: upload a bank guarantee instead."),
            code="card_unavailable",
        )
    live = _live(application)
    if live is not None and live.setup_ref and live.state == SecurityState.PENDING:
        # A card saved whose webhook was lost (or is late): Stripe knows, so ask it first.
        security_card_saved(security_id=live.pk)
        live.refresh_from_db()
    if live is not None and live.state == SecurityState.PROVIDED:
        raise ConflictError(_("The bid security is already provided."), code="security_provided")
    if live is not None and live.method != SecurityMethod.CARD:
        raise ConflictError(
            _("A bank guarantee is being checked for this application."), code="security_pending"
        )
    with transaction.atomic():
        if live is None:
            live = BidSecurity.objects.create(
                application=application,
                lot=application.lot,
                supplier_id=application.supplier_id,
                buyer_id=application.lot.tender.buyer_id,
                method=SecurityMethod.CARD,
                amount=security_amount(application.lot),
                currency=application.lot.tender.currency,
                provider=chosen.name,
                created_by=user,
            )
        started = chosen.setup_start(
            security_id=live.pk,
            customer_name=application.supplier.legal_name,
            existing_reference=live.setup_ref,
        )
        live.setup_ref = started.reference
        live.save(update_fields=["setup_ref", "updated_at"])
    return started


def security_card_saved(*, security_id: int) -> bool:
    """Stripe says a card was saved: re-read the SetupIntent from Stripe and, if it succeeded,
    the security is provided (once). Returns whether this call provided it."""
    security = BidSecurity.objects.filter(pk=security_id).first()
    if security is None or not security.setup_ref:
        return False
    state = provider().setup_read(reference=security.setup_ref)  # type: ignore[attr-defined]
    if state.status != "succeeded" or state.security_id != security.pk:
        return False
    with transaction.atomic():
        security = BidSecurity.objects.select_for_update().get(pk=security_id)
        if security.state != SecurityState.PENDING:
            return False
        security.state = SecurityState.PROVIDED
        security.payment_method_ref = state.payment_method
        security.customer_ref = state.customer
        security.save(update_fields=["state", "payment_method_ref", "customer_ref", "updated_at"])
        _emit(security)
    return True


def security_guarantee_upload(*, user, application_id: int, upload) -> BidSecurity:
    """The supplier's bank guarantee for the application: stored privately, for the buyer to
    check. A PDF, JPEG or PNG of at most 10 MiB."""
    application = _application_for_security(user=user, application_id=application_id)
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in GUARANTEE_TYPES:
        message = _("Upload the guarantee as a PDF, JPEG or PNG.")
        raise ApplicationError(message, code="invalid_file_type", fields={"file": [message]})
    if upload.size > GUARANTEE_MAX_BYTES:
        message = _("The file is larger than 10 MB.")
        raise ApplicationError(message, code="file_too_large", fields={"file": [message]})
    content = upload.read()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if _live(application) is not None:
            raise ConflictError(
                _("A bid security is already provided or being checked."),
                code="security_pending",
            )
        name = storages["private"].save(
            f"securities/{application.supplier_id}/{application.pk}-{digest[:16]}."
            f"{GUARANTEE_TYPES[content_type]}",
            ContentFile(content),
        )
        security = BidSecurity.objects.create(
            application=application,
            lot=application.lot,
            supplier_id=application.supplier_id,
            buyer_id=application.lot.tender.buyer_id,
            method=SecurityMethod.GUARANTEE,
            amount=security_amount(application.lot),
            currency=application.lot.tender.currency,
            provider="offline",
            document_name=name,
            document_sha256=digest,
            document_filename=(getattr(upload, "name", "") or "guarantee")[:200],
            created_by=user,
        )
        _emit(security, actor=user)  # "pending": the buyer has a guarantee to check
    return security


def security_guarantee_decide(
    *, user, security_id: int, accept: bool, reason: str = ""
) -> BidSecurity:
    """The buyer accepts the bank guarantee (the security is provided) or rejects it with a
    reason (the supplier may provide another)."""
    security = BidSecurity.objects.filter(pk=security_id).first()
    if security is None or not (
        user_has_company_role(user=user, company=security.buyer_id, roles=BUYER_ROLES)
        or user_has_company_role(user=user, company=security.supplier_id, roles=SUPPLIER_ROLES)
    ):
        raise NotFoundError(_("No such bid security."), code="security_not_found")
    if not user_has_company_role(user=user, company=security.buyer_id, roles=BUYER_ROLES):
        raise PermissionDeniedError(
            _("Only the buyer's staff check a bank guarantee."), code="not_buyer"
        )
    reason = (reason or "").strip()
    if not accept and not reason:
        message = _("Say why the guarantee is rejected.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    with transaction.atomic():
        security = BidSecurity.objects.select_for_update().get(pk=security_id)
        if security.method != SecurityMethod.GUARANTEE or security.state != SecurityState.PENDING:
            raise ConflictError(
                _("This bid security is “%(state)s”: there is nothing to decide.")
                % {"state": security.get_state_display()},
                code="security_decided",
            )
        security.state = SecurityState.PROVIDED if accept else SecurityState.REJECTED
        security.reason = reason[:2000]
        security.decided_by = user
        security.decided_at = timezone.now()
        security.save(update_fields=["state", "reason", "decided_by", "decided_at", "updated_at"])
        _emit(security, actor=user)
    return security


def _release(security: BidSecurity, *, reason: str, actor=None) -> None:
    security.state = SecurityState.RELEASED
    security.reason = reason
    security.save(update_fields=["state", "reason", "updated_at"])
    _emit(security, actor=actor)


def securities_release_losers(*, lot_id: int, winner_supplier_id: int) -> int:
    """The lot is awarded: every other supplier's live security is released. Returns how
    many were."""
    released = 0
    with transaction.atomic():
        rows = BidSecurity.objects.select_for_update().filter(lot_id=lot_id, state__in=LIVE)
        for security in rows.exclude(supplier_id=winner_supplier_id):
            _release(security, reason=_("The lot was awarded to another supplier."))
            released += 1
    return released


def security_release_winner(*, order_id: int) -> bool:
    """The winner accepted the order's contract: its security is released."""
    with transaction.atomic():
        order = Order.objects.select_related("deal").filter(pk=order_id).first()
        if order is None:
            return False
        security = (
            BidSecurity.objects.select_for_update()
            .filter(lot_id=order.deal.lot_id, supplier_id=order.supplier_id, state__in=LIVE)
            .first()
        )
        if security is None:
            return False
        _release(security, reason=_("The contract was accepted."))
    return True


def security_forfeit(*, order_id: int, reason: str) -> BidSecurity | None:
    """The winner declined the order, or let the signing deadline pass: its provided security
    is forfeited. A saved card is charged off-session for the amount (once); a guarantee is
    the buyer's to claim from the bank."""
    order = Order.objects.select_related("deal").filter(pk=order_id).first()
    if order is None:
        return None
    security = BidSecurity.objects.filter(
        lot_id=order.deal.lot_id, supplier_id=order.supplier_id, state=SecurityState.PROVIDED
    ).first()
    if security is None:
        return None
    charge_ref = ""
    if security.method == SecurityMethod.CARD:
        charged = provider().charge_off_session(  # type: ignore[attr-defined]
            security_id=security.pk,
            amount=security.amount,
            currency=security.currency,
            customer=security.customer_ref,
            payment_method=security.payment_method_ref,
        )
        charge_ref = charged.reference
        if charged.status != "succeeded":
            logger.warning("security %s: off-session charge %s", security.pk, charged.status)
            reason = _("%(reason)s The card could not be charged.") % {"reason": reason}
    with transaction.atomic():
        security = BidSecurity.objects.select_for_update().get(pk=security.pk)
        if security.state != SecurityState.PROVIDED:
            return security
        security.state = SecurityState.FORFEITED
        security.reason = reason[:2000]
        security.charge_ref = charge_ref
        security.save(update_fields=["state", "reason", "charge_ref", "updated_at"])
        _emit(security)
    return security


def securities_forfeit_overdue(*, now=None) -> int:
    """Forfeit the security of every winner that has not accepted its order within
    ``BID_SECURITY_SIGN_DAYS`` of its sending (Celery beat). Returns how many."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.BID_SECURITY_SIGN_DAYS)
    sent = OrderHistory.objects.filter(action="send", at__lte=limit).values("order_id")
    overdue = Order.objects.filter(pk__in=sent, status=OrderStatus.SENT)
    done = 0
    for order in overdue:
        if security_forfeit(
            order_id=order.pk,
            reason=ngettext(
                "The contract was not accepted within %(days)d day.",
                "The contract was not accepted within %(days)d days.",
                settings.BID_SECURITY_SIGN_DAYS,
            )
            % {"days": settings.BID_SECURITY_SIGN_DAYS},
        ):
            done += 1
    return done
