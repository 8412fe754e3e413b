"""ISO 20022 camt.053 (Bank to Customer Statement), any version from .001.02 on: read through
``defusedxml``, which refuses a document type declaration, entities and external references (a
statement is untrusted input: no entity expansion bombs, no local files read). Namespaces are
ignored, so each version's elements are found by their names.

Each booked entry (``Ntry`` with status ``BOOK``) is a line; an entry that books a batch with
its own amount per transaction (``TxDtls/Amt``) becomes a line per transaction. Pending and
informational entries are left out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from .parsed import (
    ParsedLine,
    ParsedStatement,
    StatementError,
    amount_of,
    checked,
    clip,
    statement_account,
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _all(element: Element | None, path: str) -> list[Element]:
    """Elements under ``element`` along ``path`` (``A/B/C``, names without namespaces)."""
    if element is None:
        return []
    found = [element]
    for name in path.split("/"):
        found = [child for parent in found for child in parent if _local(child.tag) == name]
    return found


def _one(element: Element | None, path: str) -> Element | None:
    found = _all(element, path)
    return found[0] if found else None


def _text(element: Element | None, *paths: str) -> str:
    """The text of the first of ``paths`` that is there."""
    for path in paths:
        found = _one(element, path)
        if found is not None and (found.text or "").strip():
            return (found.text or "").strip()
    return ""


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise StatementError(
            _("%(what)s “%(value)s” is not a date.") % {"what": what, "value": text[:30]}
        ) from None


def _party(tx: Element | None, credit: bool) -> dict[str, str]:
    """The counterparty of a transaction: the debtor of an incoming payment, the creditor of
    an outgoing one (2009 layout ``RltdPties/Dbtr/Nm``, 2019 ``RltdPties/Dbtr/Pty/Nm``)."""
    side, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
    parties = _one(tx, "RltdPties")
    name = _text(parties, f"{side}/Nm", f"{side}/Pty/Nm")
    identifier = _text(
        parties,
        f"{side}/Id/OrgId/Othr/Id",
        f"{side}/Pty/Id/OrgId/Othr/Id",
        f"{side}/Id/PrvtId/Othr/Id",
        f"{side}/Pty/Id/PrvtId/Othr/Id",
    )
    iban = _text(parties, f"{account}/Id/IBAN", f"{account}/Id/Othr/Id")
    return {
        "counterparty_name": clip(name, 300),
        "counterparty_identifier": clip(identifier, 40),
        "counterparty_account": clip(iban, 64),
    }


def _purpose(tx: Element | None, entry: Element) -> str:
    texts = [(e.text or "").strip() for e in _all(tx, "RmtInf/Ustrd")]
    texts += [(e.text or "").strip() for e in _all(tx, "RmtInf/Strd/CdtrRefInf/Ref")]
    if not any(texts):
        texts = [_text(entry, "AddtlNtryInf"), _text(tx, "AddtlTxInf")]
    return clip(" ".join(t for t in texts if t), 2000)


def _tx_amount(tx: Element, default: Element) -> Element:
    found = _one(tx, "Amt")  # an Element without children is falsy: compare with None
    return default if found is None else found


def _lines(entry: Element, number: int, currency: str) -> list[ParsedLine]:
    where = _("Entry %(n)d") % {"n": number}
    amount_element = _one(entry, "Amt")
    if amount_element is None:
        raise StatementError(_("%(where)s has no amount.") % {"where": where})
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise StatementError(
            _("%(where)s is neither a credit nor a debit (CdtDbtInd).") % {"where": where}
        )
    credit = indicator == "CRDT"
    booked = _date(_text(entry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm"), where)
    entry_reference = _text(entry, "AcctSvcrRef", "NtryRef")
    transactions = _all(entry, "NtryDtls/TxDtls")
    split = len(transactions) > 1 and all(_one(tx, "Amt") is not None for tx in transactions)
    parts: list[tuple[Element | None, Element, str]]
    if split:
        parts = [
            (
                tx,
                _tx_amount(tx, amount_element),
                _text(tx, "Refs/AcctSvcrRef")
                or (f"{entry_reference}/{i + 1}" if entry_reference else ""),
            )
            for i, tx in enumerate(transactions)
        ]
    else:
        tx = transactions[0] if transactions else None
        parts = [(tx, amount_element, entry_reference or _text(tx, "Refs/AcctSvcrRef"))]
    lines = []
    for tx, amount, reference in parts:
        line_currency = (amount.get("Ccy") or currency).strip().upper()
        lines.append(
            ParsedLine(
                booked_on=booked,
                amount=_amount(amount.text or "", where),
                credit=credit,
                currency=line_currency,
                purpose=_purpose(tx, entry),
                reference=clip(reference or _text(tx, "Refs/EndToEndId"), 100),
                **_party(tx, credit),
            )
        )
    return lines


def _amount(text: str, where: str) -> Decimal:
    try:
        return amount_of(text)
    except StatementError as exc:
        raise StatementError(f"{where}: {exc.message}") from None


def parse_camt053(data: bytes) -> ParsedStatement:
    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ValueError):
        raise StatementError(
            _("The XML declares a document type or entities, which a statement must not.")
        ) from None
    except LookupError:
        raise StatementError(_("The XML declares an encoding we do not know.")) from None
    except ParseError as exc:
        where = exc.position[0] if getattr(exc, "position", None) else None
        raise StatementError(_("The file is not well-formed XML."), line=where) from None
    statements = _all(root, "BkToCstmrStmt/Stmt")
    if _local(root.tag) != "Document" or not statements:
        raise StatementError(_("This XML is not a camt.053 statement (no BkToCstmrStmt/Stmt)."))
    accounts = {_text(s, "Acct/Id/IBAN", "Acct/Id/Othr/Id") for s in statements}
    if len(accounts) != 1:
        raise StatementError(_("The file holds statements of several accounts: one per file."))
    account = statement_account(accounts.pop())
    currency = _text(statements[0], "Acct/Ccy")
    lines: list[ParsedLine] = []
    starts: list[date] = []
    ends: list[date] = []
    number = 0
    for statement in statements:
        start = _text(statement, "FrToDt/FrDtTm")
        end = _text(statement, "FrToDt/ToDtTm")
        if start and end:
            starts.append(_date(start, "FrDtTm"))
            ends.append(_date(end, "ToDtTm"))
        for entry in _all(statement, "Ntry"):
            number += 1
            status = _text(entry, "Sts", "Sts/Cd")
            if status and status != "BOOK":
                continue  # pending or informational: not on the account yet
            made = _lines(entry, number, currency)
            currency = currency or made[0].currency
            lines += made
    if not currency:
        raise StatementError(_("The statement does not say its currency (Acct/Ccy)."))
    for line in lines:
        if line.currency != currency:
            raise StatementError(
                _("A line in %(line)s on an account in %(account)s.")
                % {"line": line.currency, "account": currency}
            )
    dates = [line.booked_on for line in lines]
    if not starts:
        created = _text(root, "BkToCstmrStmt/GrpHdr/CreDtTm")
        if not dates and not created:
            raise StatementError(_("The statement gives no period (FrToDt) and has no lines."))
        starts = ends = dates or [_date(created, "CreDtTm")]
    return checked(
        ParsedStatement(
            format="camt053",
            account=account,
            currency=currency,
            period_start=min(starts + dates),
            period_end=max(ends + dates),
            lines=lines,
        )
    )
