"""Which open invoices an incoming line may pay, strongest first. Pure: the caller gives the
line and the platform's open invoices.

1. ``number``: the invoice's number is in the payment's purpose (exact, whatever the case,
   spaces, dashes, or Cyrillic letters for Latin ones: "тф 2027 000012" is TF-2027-000012;
   a longer number that starts with it is not it).
2. ``payer``: the same amount and currency, and the payer's identifier (EDRPOU, INN, tax id)
   is the invoiced company's registration number or tax id.
3. ``amount``: the same amount and currency alone: weak, shown as such.

An invoice proposed by a stronger rule is not repeated by a weaker one. A person confirms one
proposal, or picks another open invoice: nothing is paid by a proposal alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

RULES = ("number", "payer", "amount")
STRENGTH = {"number": "strong", "payer": "strong", "amount": "weak"}
# Cyrillic capitals people type for Latin ones in an invoice's number: the look-alikes, and Ф
# for F ("ТФ-2027-000012" is how TF-2027-000012 comes out on a Cyrillic keyboard).
LOOKALIKES = str.maketrans("АВЕКМНОРСТУХІФ", "ABEKMHOPCTYXIF")


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    amount: Decimal
    currency: str
    identifiers: frozenset[str]  # the company's registration number and tax id, normalised


@dataclass(frozen=True)
class Proposal:
    invoice_id: int
    rule: str
    strength: str
    amount_matches: bool


def normalised(text: str) -> str:
    """Upper case, Cyrillic look-alikes as Latin, without spaces and separators."""
    return re.sub(r"[\s\-_/.№#]+", "", (text or "").upper().translate(LOOKALIKES))


def identifier_forms(value: str) -> set[str]:
    """An identifier as it may be written: ``UA12345678`` is also ``12345678``."""
    value = re.sub(r"[^0-9A-Z]", "", (value or "").upper())
    if not value:
        return set()
    forms = {value}
    if re.fullmatch(r"[A-Z]{2}\d+", value):
        forms.add(value[2:])
    return forms


def _number_in(number: str, purpose: str) -> bool:
    start = purpose.find(number)
    while start != -1:
        after = purpose[start + len(number) : start + len(number) + 1]
        if not after.isdigit():
            return True
        start = purpose.find(number, start + 1)
    return False


def proposals(
    *,
    purpose: str,
    amount: Decimal,
    currency: str,
    payer_identifier: str,
    invoices: list[OpenInvoice],
) -> list[Proposal]:
    text = normalised(purpose)
    payer = identifier_forms(payer_identifier)
    found: list[Proposal] = []
    taken: set[int] = set()

    def add(invoice: OpenInvoice, rule: str) -> None:
        taken.add(invoice.id)
        same = invoice.amount == amount and invoice.currency == currency
        found.append(Proposal(invoice.id, rule, STRENGTH[rule], same))

    for invoice in invoices:
        number = normalised(invoice.number)
        if number and _number_in(number, text):
            add(invoice, "number")
    same_money = [
        i for i in invoices if i.id not in taken and i.amount == amount and i.currency == currency
    ]
    for invoice in same_money:
        if payer and payer & invoice.identifiers:
            add(invoice, "payer")
    for invoice in same_money:
        if invoice.id not in taken:
            add(invoice, "amount")
    return found
