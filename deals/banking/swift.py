"""SWIFT MT940 (customer statement) through the ``mt-940`` package: ``:25:`` the account,
``:60F:``/``:62F:`` the balances that give the currency and the period, ``:61:`` each line
(``//`` the bank's reference), ``:86:`` its details, free text or the structured ``?20``…
sub-fields (purpose, ``?31`` the counterparty's IBAN, ``?32``/``?33`` its name). A file may
hold several statements (``:20:`` blocks) of one account: their lines are read together."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import mt940
from django.utils.translation import gettext as _
from mt940.processors import transaction_details_post_processor_with_space

from .parsed import (
    ParsedLine,
    ParsedStatement,
    StatementError,
    amount_of,
    checked,
    clip,
    statement_account,
)

OPTIONS = mt940.Options.all()  # the fixes the next major release turns on (signs, BOM, IBAN)
PROCESSORS: dict[str, list[Callable[..., dict[str, Any]]]] = {
    "post_transaction_details": [transaction_details_post_processor_with_space]
}
# The package logs every pattern it failed to match; our refusal says it once.
logging.getLogger("mt940").setLevel(logging.CRITICAL)


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError(_("The file is neither UTF-8 nor Windows-1251 text."))  # unreachable


def _line_of(text: str, value: str) -> int | None:
    """The file's line where ``value`` (a field's content the package refused) starts."""
    first = (value or "").splitlines()[0] if value else ""
    for number, line in enumerate(text.splitlines(), start=1):
        if first and first in line:
            return number
    return None


def _blocks(text: str) -> list[mt940.models.Transactions]:
    try:
        return mt940.parse_statements(text, processors=PROCESSORS, options=OPTIONS)
    except RuntimeError as exc:
        value = exc.args[2] if len(exc.args) > 2 and isinstance(exc.args[2], str) else ""
        tag = getattr(exc.args[1], "id", "?") if len(exc.args) > 1 else "?"
        raise StatementError(
            _("The field :%(tag)s: “%(value)s” cannot be read.")
            % {"tag": tag, "value": clip(value, 60)},
            line=_line_of(text, value),
        ) from None
    except Exception as exc:  # the package's own failure on a shape it does not expect
        raise StatementError(
            _("The statement cannot be read: %(problem)s") % {"problem": clip(str(exc), 120)}
        ) from None


def _balance_date(block: mt940.models.Transactions, *keys: str) -> date | None:
    for key in keys:
        balance = block.data.get(key)
        if balance is not None and getattr(balance, "date", None) is not None:
            return date(balance.date.year, balance.date.month, balance.date.day)
    return None


def _balance_currency(block: mt940.models.Transactions) -> str:
    for key in ("final_opening_balance", "opening_balance", "final_closing_balance"):
        balance = block.data.get(key)
        amount = getattr(balance, "amount", None)
        if amount is not None and getattr(amount, "currency", None):
            return str(amount.currency).upper()
    return ""


def _line(transaction: mt940.models.Transaction, currency: str) -> ParsedLine:
    data = transaction.data
    amount: Decimal = data["amount"].amount
    status = str(data.get("status") or "").upper()
    credit = status in ("C", "RD")
    purpose = data.get("purpose") or data.get("transaction_details") or ""
    extra = data.get("additional_purpose") or ""
    reference = data.get("bank_reference") or ""
    customer = data.get("customer_reference") or ""
    if not reference and customer.upper() != "NONREF":
        reference = customer
    booked = data["date"]
    return ParsedLine(
        booked_on=date(booked.year, booked.month, booked.day),
        amount=amount_of(f"{abs(amount):f}"),
        credit=credit,
        currency=currency,
        counterparty_name=clip(data.get("applicant_name"), 300),
        counterparty_account=clip(data.get("applicant_iban"), 64),
        purpose=clip(f"{purpose} {extra}", 2000),
        reference=clip(reference, 100),
    )


def parse_mt940(data: bytes) -> ParsedStatement:
    text = _text(data).replace("\r\n", "\n")
    if not re.search(r"(?m)^:20:", text):
        raise StatementError(_("This is not an MT940 statement: it has no :20: field."))
    blocks = _blocks(text)
    accounts = {str(b.data.get("account_identification") or "").strip() for b in blocks}
    if len(accounts) != 1:
        raise StatementError(_("The file holds statements of several accounts: one per file."))
    raw_account = accounts.pop()
    if not raw_account:
        raise StatementError(_("The statement has no account (:25:)."))
    # ``:25:`` may carry the bank code before the account (``BANKCODE/ACCOUNT``).
    account = statement_account(raw_account.rsplit("/", 1)[-1])
    currencies = {_balance_currency(b) for b in blocks} - {""}
    if len(currencies) != 1:
        raise StatementError(_("The statement has no opening balance (:60F:) with a currency."))
    currency = currencies.pop()
    # The period: the closing balances' dates and the lines' (the opening balance's date is
    # often the day before the statement's).
    dates: list[date] = []
    lines: list[ParsedLine] = []
    for block in blocks:
        closing = _balance_date(block, "final_closing_balance", "closing_balance")
        if closing is None:
            raise StatementError(_("Each statement needs its closing balance (:62F:)."))
        dates.append(closing)
        lines += [_line(transaction, currency) for transaction in block]
    dates += [line.booked_on for line in lines]
    return checked(
        ParsedStatement(
            format="mt940",
            account=account,
            currency=currency,
            period_start=min(dates),
            period_end=max(dates),
            lines=lines,
        )
    )
