"""Amounts and client bid ids as people and programs send them, checked before any arithmetic:
anything malformed is refused with ``invalid_amount`` or ``invalid_client_bid_id``, never an
exception of the decimal context (``auctions/bidding`` and the REST quote and proxy use these)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from marketplace.core.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

from .. import rules
from .outcomes import BidRejected

# The largest amount a bid, floor or quote may name: what a money column holds (18 digits, two
# of them after the point). Checked before any arithmetic, which would otherwise overflow the
# decimal context on an amount like "1e309" (more than 28 digits).
AMOUNT_MAX_INTEGER_DIGITS = MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES


AMOUNT_MAX_TEXT = 64


def parse_amount(amount) -> Decimal:
    """A bid's amount from what a person or program sent: a positive decimal number with at
    most two decimal places and 16 digits before the point, as text or a number.

    Text is normalised by Unicode NFKC first, so full-width digits ("１２３.００") mean what they
    show, the same over REST and the websocket. Anything else is refused with
    ``invalid_amount``, never an exception of the decimal arithmetic."""
    if isinstance(amount, bool) or not isinstance(amount, str | int | float | Decimal):
        raise BidRejected(_("The amount is not a number."), code="invalid_amount")
    text = unicodedata.normalize("NFKC", str(amount)).strip()
    if len(text) > AMOUNT_MAX_TEXT:
        raise BidRejected(_("The amount is not a number."), code="invalid_amount")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise BidRejected(_("The amount is not a number."), code="invalid_amount") from None
    if not value.is_finite():
        raise BidRejected(_("The amount is not a number."), code="invalid_amount")
    if value <= 0:
        raise BidRejected(_("The amount must be greater than zero."), code="invalid_amount")
    if value.adjusted() >= AMOUNT_MAX_INTEGER_DIGITS:
        raise BidRejected(
            _("The amount is too large: at most %(digits)d digits before the decimal point.")
            % {"digits": AMOUNT_MAX_INTEGER_DIGITS},
            code="invalid_amount",
        )
    # At most 16 digits before the point: the quantized value has at most 18, inside the
    # context's 28, so quantize cannot raise.
    quantized = value.quantize(rules.CENT)
    if value != quantized:
        raise BidRejected(
            _("The amount may have at most two decimal places."), code="invalid_amount"
        )
    return quantized


def parse_client_bid_id(value) -> str:
    """The client's id for a bid (its idempotency key): printable text of at most 64 characters,
    or empty for none."""
    text = str(value or "").strip()
    if len(text) > 64:
        raise BidRejected(
            _("The bid id may have at most 64 characters."), code="invalid_client_bid_id"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BidRejected(
            _("The bid id may not contain control characters."), code="invalid_client_bid_id"
        )
    return text
