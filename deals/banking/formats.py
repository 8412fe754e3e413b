"""Which format a statement file is, told by its content (never by its name), and its reader."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .camt import parse_camt053
from .onec import HEADER, parse_1c
from .parsed import MAX_STATEMENT_BYTES, ParsedStatement, StatementError
from .swift import parse_mt940


def statement_format(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(HEADER.encode()):
        return "1c"
    if head.startswith(b"<"):
        return "camt053"
    if head.startswith((b":20:", b"{1:")) or b"\n:20:" in head:
        return "mt940"
    return ""


def statement_parse(data: bytes, *, default_currency: str = "") -> ParsedStatement:
    """The statement in ``data``: camt.053, MT940 or 1CClientBankExchange. ``StatementError``
    says why a file cannot be taken."""
    if not data:
        raise StatementError(_("The file is empty."))
    if len(data) > MAX_STATEMENT_BYTES:
        raise StatementError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_STATEMENT_BYTES // 2**20}
        )
    kind = statement_format(data)
    if kind == "1c":
        return parse_1c(data, default_currency=default_currency)
    if kind == "camt053":
        return parse_camt053(data)
    if kind == "mt940":
        return parse_mt940(data)
    raise StatementError(
        _(
            "This is not a statement we read: upload ISO 20022 camt.053 (XML), SWIFT MT940 or "
            "1CClientBankExchange."
        )
    )
