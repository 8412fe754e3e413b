"""The Stripe payment provider: an invoice is paid by card through a PaymentIntent that the
payer's page confirms with Stripe.js (``payment_start`` gives it the client secret); Stripe's
webhook tells us something happened (``deals/payments/webhooks.py``) and ``payment_read`` reads
the PaymentIntent back from Stripe before we believe anything.

* **API version**: the ``stripe`` package pins it. We never pass ``stripe_version``, so every
  call is made with the version the installed SDK is typed for (``stripe.api_version``; stripe
  16.1.0 is ``2026-10-28.endive``, pinned in pyproject.toml): upgrading the package upgrades the
  API, on purpose and in one place.
* **Idempotency**: every call that creates something at Stripe carries an idempotency key
  derived from our own record (the invoice's id and number, and the payment it replaces), never
  a random one: a start retried after a timeout, or two people pressing "pay" at once, get the
  same PaymentIntent back from Stripe instead of a second charge.
* **Stripe away** (a connection error, its 5xx, its rate limit): ``PaymentsUnavailableError``, a
  503 with the code ``payments_unavailable``: the API says "try again" and nothing is written
  (the invoice's services call the provider before their transaction).
* **Bid securities** (``CardSaver``): a card is saved for the supplier through a Customer and a
  SetupIntent for off-session use (``setup_start``, ``setup_read``), and charged without its
  holder only if the security is forfeited (``charge_off_session``): once, under the key
  ``tradefloor-security-<id>-forfeit``. A decline is an answer there, not an error: a
  ``PaymentState`` "failed".
* **Card only**: ``allowed_payment_method_types=["card"]``. The pinned version (Endive) refuses
  the older ``payment_method_types`` (400 ``payment_method_types_no_longer_supported``), which
  is the only one localstripe knows: when ``STRIPE_API_BASE`` points the SDK at another server
  than Stripe (localstripe in the tests), that one is sent instead. Everything else is sent the
  same to both.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status

from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError

from .money import from_minor_units, normalize_currency, to_minor_units
from .providers import PaymentStart, PaymentState, SetupState

if TYPE_CHECKING:
    from stripe.params import PaymentIntentCreateParams, SetupIntentCreateParams

logger = logging.getLogger(__name__)

# A PaymentIntent in these states still waits for the payer: hand it out again.
PAYABLE = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})
# In these the money is moving or moved: a second PaymentIntent could charge twice.
UNDER_WAY = frozenset({"processing", "requires_capture", "succeeded"})
# Stripe (or the way to it) is away: worth trying again later.
UNAVAILABLE = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


class PaymentsUnavailableError(ApplicationError):
    """Stripe cannot be reached now: try again shortly."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "payments_unavailable"


def _unavailable(exc: stripe.StripeError) -> PaymentsUnavailableError:
    logger.warning("Stripe is unavailable: %s: %s", type(exc).__name__, exc)
    return PaymentsUnavailableError(
        _("Card payments are briefly unavailable. Try again in a few minutes.")
    )


def idempotency_key(*, invoice_id: int, number: str, replaces: str = "") -> str:
    """The key of the PaymentIntent of an invoice: the same for as long as the invoice has no
    payment yet, a new one only once the payment ``replaces`` is over (cancelled)."""
    key = f"tradefloor-invoice-{invoice_id}-{number}"
    return f"{key}-after-{replaces}" if replaces else key


def security_key(*, security_id: int, step: str, replaces: str = "") -> str:
    """The key of what is created at Stripe for a bid security (``step``: its ``customer``,
    its ``setup``, its ``forfeit`` charge): one of each per security, a new SetupIntent only
    once the one it ``replaces`` is over (cancelled)."""
    key = f"tradefloor-security-{security_id}-{step}"
    return f"{key}-after-{replaces}" if replaces else key


def _metadata(obj: stripe.StripeObject) -> dict[str, Any]:
    metadata = getattr(obj, "metadata", None)
    return metadata.to_dict() if metadata is not None else {}


def _id(value: Any) -> str:
    """The id of a field Stripe answers as an id, or as the object when expanded."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(getattr(value, "id", "") or "")


def state_of(intent: stripe.PaymentIntent) -> PaymentState:
    """A PaymentIntent as a ``PaymentState``: Stripe's statuses folded into ours."""
    stripe_status = intent.status
    if stripe_status == "succeeded":
        state = "succeeded"
    elif stripe_status in ("processing", "requires_capture"):
        state = "processing"  # under way: authorised or settling
    elif stripe_status == "canceled":
        state = "canceled"
    elif stripe_status == "requires_payment_method" and getattr(intent, "last_payment_error", None):
        state = "failed"  # the card was declined: the payer may try another
    else:
        state = "requires_action"  # waiting for the payer (a card, a confirmation, 3-D Secure)
    invoice = str(_metadata(intent).get("invoice") or "")
    currency = normalize_currency(intent.currency)
    return PaymentState(
        reference=intent.id,
        status=state,
        amount=from_minor_units(intent.amount, currency),
        currency=currency,
        invoice_id=int(invoice) if invoice.isdigit() else None,
    )


class StripeProvider:
    """Card payments through Stripe PaymentIntents (``STRIPE_SECRET_KEY``)."""

    name = "stripe"

    def __init__(self) -> None:
        base = settings.STRIPE_API_BASE
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": base} if base else None,
            max_network_retries=2,
        )

    def _start(self, intent: stripe.PaymentIntent | stripe.SetupIntent) -> PaymentStart:
        return PaymentStart(
            provider=self.name,
            reference=intent.id,
            client_secret=intent.client_secret or "",
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
        )

    def _existing(self, reference: str) -> stripe.PaymentIntent | None:
        try:
            return self.client.v1.payment_intents.retrieve(reference)
        except stripe.InvalidRequestError:  # not at this Stripe account (any more): start anew
            return None

    def payment_start(
        self,
        *,
        invoice_id: int,
        number: str,
        amount: Decimal,
        currency: str,
        customer: str,
        existing_reference: str = "",
    ) -> PaymentStart:
        """The PaymentIntent of the invoice: the one already started while the payer can still
        pay it, else a new one. ``customer`` is not sent: no Stripe customer is made for a
        commission, the invoice's number in the metadata names it."""
        try:
            replaces = ""
            if existing_reference:
                intent = self._existing(existing_reference)
                if intent is not None and intent.status in PAYABLE:
                    return self._start(intent)
                if intent is not None and intent.status in UNDER_WAY:
                    raise ConflictError(
                        _(
                            "A card payment of this invoice is already under way: "
                            "wait for its result."
                        ),
                        code="payment_in_progress",
                    )
                replaces = existing_reference
            params: PaymentIntentCreateParams = {
                "amount": to_minor_units(amount, currency),
                "currency": currency.lower(),
                "allowed_payment_method_types": ["card"],
                "capture_method": "automatic",
                "metadata": {"invoice": str(invoice_id), "number": number},
            }
            if settings.STRIPE_API_BASE:
                # Not Stripe (localstripe): it knows only the parameter the pinned API version
                # removed (Endive answers 400 "payment_method_types_no_longer_supported").
                del params["allowed_payment_method_types"]
                params["payment_method_types"] = ["card"]  # type: ignore[typeddict-unknown-key]
            intent = self.client.v1.payment_intents.create(
                params=params,
                options={
                    "idempotency_key": idempotency_key(
                        invoice_id=invoice_id, number=number, replaces=replaces
                    )
                },
            )
        except UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        return self._start(intent)

    def payment_read(self, *, reference: str) -> PaymentState:
        """The PaymentIntent ``reference`` as Stripe has it now. ``NotFoundError`` if Stripe does
        not know it, ``PaymentsUnavailableError`` if Stripe cannot be asked."""
        try:
            intent = self.client.v1.payment_intents.retrieve(reference)
        except UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        except stripe.InvalidRequestError as exc:
            raise NotFoundError(_("No such payment."), code="payment_not_found") from exc
        return state_of(intent)

    # --- Bid securities: a card saved for off-session use (``providers.CardSaver``) ----------

    def _existing_setup(self, reference: str) -> stripe.SetupIntent | None:
        try:
            return self.client.v1.setup_intents.retrieve(reference)
        except stripe.InvalidRequestError:  # not at this Stripe account (any more): start anew
            return None

    def setup_start(
        self, *, security_id: int, customer_name: str, existing_reference: str = ""
    ) -> PaymentStart:
        """The SetupIntent that saves the supplier's card for the security ``security_id``: the
        one already started while the card is still to be given, else a new one for a Customer
        named after the supplier (the replaced SetupIntent's Customer, if there was one)."""
        try:
            customer = ""
            replaces = ""
            if existing_reference:
                setup = self._existing_setup(existing_reference)
                if setup is not None and setup.status in PAYABLE:
                    return self._start(setup)
                if setup is not None and setup.status in ("processing", "succeeded"):
                    # Saved (or being saved), Stripe's webhook not handled yet: a second
                    # SetupIntent would replace the security's reference and lose this one.
                    raise ConflictError(
                        _("The card is already being saved: wait for its confirmation."),
                        code="card_saving_in_progress",
                    )
                if setup is not None:
                    customer = _id(setup.customer)
                replaces = existing_reference
            if not customer:
                customer = self.client.v1.customers.create(
                    params={"name": customer_name, "metadata": {"security": str(security_id)}},
                    options={
                        "idempotency_key": security_key(security_id=security_id, step="customer")
                    },
                ).id
            params: SetupIntentCreateParams = {
                "customer": customer,
                "usage": "off_session",
                "allowed_payment_method_types": ["card"],
                "metadata": {"security": str(security_id)},
            }
            if settings.STRIPE_API_BASE:  # localstripe: see payment_start
                del params["allowed_payment_method_types"]
                params["payment_method_types"] = ["card"]  # type: ignore[typeddict-unknown-key]
            setup = self.client.v1.setup_intents.create(
                params=params,
                options={
                    "idempotency_key": security_key(
                        security_id=security_id, step="setup", replaces=replaces
                    )
                },
            )
        except UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        return self._start(setup)

    def setup_read(self, *, reference: str) -> SetupState:
        """The SetupIntent ``reference`` as Stripe has it now. ``NotFoundError`` if Stripe does
        not know it, ``PaymentsUnavailableError`` if Stripe cannot be asked."""
        try:
            setup = self.client.v1.setup_intents.retrieve(reference)
        except UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        except stripe.InvalidRequestError as exc:
            raise NotFoundError(_("No such card setup."), code="setup_not_found") from exc
        security = str(_metadata(setup).get("security") or "")
        return SetupState(
            reference=setup.id,
            status=setup.status,
            payment_method=_id(setup.payment_method),
            customer=_id(setup.customer),
            security_id=int(security) if security.isdigit() else None,
        )

    def charge_off_session(
        self,
        *,
        security_id: int,
        amount: Decimal,
        currency: str,
        customer: str,
        payment_method: str,
    ) -> PaymentState:
        """Charge the saved card of a forfeited security, without its holder, once (the
        idempotency key is the security's: a retry gets the first answer back). A declined
        card is an answer, not an error: a ``PaymentState`` "failed" (with the PaymentIntent's
        id when Stripe gives it). ``PaymentsUnavailableError`` if Stripe cannot be asked."""
        params: PaymentIntentCreateParams = {
            "amount": to_minor_units(amount, currency),
            "currency": currency.lower(),
            "customer": customer,
            "payment_method": payment_method,
            "allowed_payment_method_types": ["card"],
            "capture_method": "automatic",
            "off_session": True,
            "confirm": True,
            "metadata": {"security": str(security_id), "kind": "bid_security_forfeit"},
        }
        if settings.STRIPE_API_BASE:  # localstripe: see payment_start
            del params["allowed_payment_method_types"]
            params["payment_method_types"] = ["card"]  # type: ignore[typeddict-unknown-key]
        try:
            intent = self.client.v1.payment_intents.create(
                params=params,
                options={"idempotency_key": security_key(security_id=security_id, step="forfeit")},
            )
        except stripe.CardError as exc:
            declined = exc.error.payment_intent if exc.error is not None else None
            logger.warning(
                "The card of bid security %s was declined off-session: %s (%s)",
                security_id,
                exc.user_message or exc,
                exc.code,
            )
            return PaymentState(
                reference=_id(declined),
                status="failed",
                amount=amount,
                currency=normalize_currency(currency),
                invoice_id=None,
            )
        except UNAVAILABLE as exc:
            raise _unavailable(exc) from exc
        return state_of(intent)

    def refund(self, *, invoice_id: int, reference: str) -> str:
        """Refund the whole of the invoice's PaymentIntent ``reference``, once (the key is the
        invoice's: a retry gets the first refund back). Returns the refund's id."""
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": reference},
                options={"idempotency_key": f"tradefloor-invoice-{invoice_id}-refund"},
            )
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise _unavailable(exc) from exc
        return refund.id
