"""What every statement format is read into, and the checks they share: a statement's
account, currency and period, and its booked lines. Pure: no database, no Django models."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

MAX_STATEMENT_BYTES = 5 * 1024 * 1024
MAX_LINES = 5000
CENT = Decimal("0.01")  # amounts are kept to the cent (``MoneyAmountField``)


class StatementError(Exception):
    """The file is not a statement we can read: ``message`` says what and, where it can, on
    which line of the file."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        if line is not None:
            message = _("Line %(line)d: %(problem)s") % {"line": line, "problem": message}
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedLine:
    booked_on: date
    amount: Decimal  # positive; ``credit`` tells the direction
    credit: bool
    currency: str
    counterparty_name: str = ""
    counterparty_account: str = ""
    counterparty_identifier: str = ""
    purpose: str = ""
    reference: str = ""  # the bank's own reference for the line, when the format has one
    document_number: str = ""  # the payer's document number (1C), part of the line's hash


@dataclass
class ParsedStatement:
    format: str
    account: str
    currency: str
    period_start: date
    period_end: date
    lines: list[ParsedLine] = field(default_factory=list)


IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def compact_account(value: str) -> str:
    return re.sub(r"[\s-]+", "", value or "").upper()


def account_check(value: str) -> str:
    """``iban`` (a valid IBAN), ``invalid_iban`` (shaped like one, failing its checks),
    ``domestic`` (a bank's own account number, e.g. a Russian 20-digit account) or ``""``."""
    account = compact_account(value)
    if not account:
        return ""
    if not IBAN_SHAPE.match(account):
        return "domestic"
    try:
        IBAN(account)
    except SchwiftyException:
        return "invalid_iban"
    return "iban"


def statement_account(value: str, *, line: int | None = None) -> str:
    """The statement's own account, compacted; an IBAN that fails its checks refuses the file."""
    account = compact_account(value)
    if not account:
        raise StatementError(_("The statement does not name its account."), line=line)
    if len(account) > 64:
        raise StatementError(_("The statement's account is too long."), line=line)
    if account_check(account) == "invalid_iban":
        raise StatementError(
            _("The statement's account %(account)s is not a valid IBAN.") % {"account": account},
            line=line,
        )
    return account


def line_keys(lines: list[ParsedLine]) -> list[str]:
    """Each line's key within its account: the bank's reference, or a hash of the line (with
    how many identical lines came before it in the file, so that two equal payments on one
    day stay two lines, and the same file read again gives the same keys)."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for line in lines:
        if line.reference:
            base = f"ref:{line.reference}:{'C' if line.credit else 'D'}"
        else:
            text = "\x1f".join(
                [
                    line.booked_on.isoformat(),
                    "C" if line.credit else "D",
                    f"{line.amount:f}",
                    line.currency,
                    compact_account(line.counterparty_account),
                    line.counterparty_identifier,
                    line.counterparty_name,
                    line.purpose,
                    line.document_number,
                ]
            )
            base = "hash:" + hashlib.sha256(text.encode()).hexdigest()[:40]
        count = seen.get(base, 0)
        seen[base] = count + 1
        key = base if count == 0 else f"{base}#{count}"
        keys.append(key[:100])
    return keys


def amount_of(text: str, *, line: int | None = None) -> Decimal:
    """A positive amount written with a point or a comma (``1470.00``, ``1470,00``)."""
    raw = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d{1,15}(\.\d{1,4})?", raw):
        raise StatementError(
            _("“%(value)s” is not an amount.") % {"value": (text or "").strip()[:40]}, line=line
        )
    amount = Decimal(raw)
    if amount <= 0:
        raise StatementError(_("An amount must be more than zero."), line=line)
    if amount != amount.quantize(CENT):
        raise StatementError(
            _("“%(value)s” has more than two decimals.") % {"value": raw}, line=line
        )
    return amount.quantize(CENT)


def clip(value: str | None, size: int) -> str:
    return " ".join((value or "").split())[:size]


def checked(statement: ParsedStatement) -> ParsedStatement:
    """The checks every format ends with: a currency, a period in order, a bounded number of
    lines."""
    if not re.fullmatch(r"[A-Z]{3}", statement.currency or ""):
        raise StatementError(_("The statement does not say its currency."))
    if statement.period_start > statement.period_end:
        raise StatementError(_("The statement's period ends before it starts."))
    if len(statement.lines) > MAX_LINES:
        raise StatementError(
            _("The statement has more than %(n)d lines: split it.") % {"n": MAX_LINES}
        )
    return statement
