"""1CClientBankExchange: the text file Ukrainian and Russian banks export for 1C accounting.

::

    1CClientBankExchange
    ВерсияФормата=1.03
    Кодировка=Windows
    ДатаНачала=01.03.2027
    ДатаКонца=15.03.2027
    РасчСчет=UA213223130000026007233566001
    СекцияРасчСчет
    ...
    КонецРасчСчет
    СекцияДокумент=Платіжне доручення
    Номер=123
    Дата=15.03.2027
    Сумма=1470.00
    ПлательщикСчет=...
    ...
    КонецДокумента
    КонецФайла

Read strictly, as no library does it: the header line first, every other line ``Key=Value`` or
a section's keyword, sections never nested, ``КонецФайла`` last; any other shape refuses the
file with the line it is on. Windows-1251 (``Кодировка=Windows``, the usual), DOS (cp866) or
UTF-8. A document is incoming when its recipient's account is the statement's, outgoing when
its payer's is. The format carries no currency: an account's own says it (a Ukrainian IBAN is
in hryvnias, a Russian account's digits 6-8 name its currency), else the platform's."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils.translation import gettext as _

from .parsed import (
    ParsedLine,
    ParsedStatement,
    StatementError,
    amount_of,
    checked,
    clip,
    compact_account,
    statement_account,
)

HEADER = "1CClientBankExchange"
KEYWORDS = {"СекцияРасчСчет", "КонецРасчСчет", "КонецДокумента", "КонецФайла"}
# A Russian account's digits 6-8: its currency's ISO 4217 number (810 is the old rouble's).
RU_CURRENCIES = {"810": "RUB", "643": "RUB", "840": "USD", "978": "EUR", "156": "CNY"}


def _declared(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise StatementError(
            _("The file says it is in %(encoding)s, but this line is not.")
            % {"encoding": encoding},
            line=data[: exc.start].count(b"\n") + 1,
        ) from None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if "Кодировка=Windows".encode("cp1251") in data[:400]:
        return _declared(data, "cp1251")
    if "Кодировка=DOS".encode("cp866") in data[:400]:
        return _declared(data, "cp866")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1251")
        except UnicodeDecodeError:
            raise StatementError(_("The file is neither UTF-8 nor Windows-1251 text.")) from None


def _date(value: str, line: int) -> date:
    try:
        return datetime.strptime(value.strip(), "%d.%m.%Y").date()  # noqa: DTZ007 (a date)
    except ValueError:
        raise StatementError(
            _("“%(value)s” is not a date (DD.MM.YYYY).") % {"value": value[:20]}, line=line
        ) from None


def currency_of_account(account: str) -> str:
    """The currency an account's number says, or ``""``."""
    if account.startswith("UA"):
        return "UAH"
    if re.fullmatch(r"\d{20}", account):
        return RU_CURRENCIES.get(account[5:8], "")
    return ""


class _Document:
    def __init__(self, line: int) -> None:
        self.line = line
        self.values: dict[str, tuple[str, int]] = {}

    def get(self, *keys: str) -> str:
        for key in keys:
            if self.values.get(key, ("", 0))[0].strip():
                return self.values[key][0].strip()
        return ""

    def line_of(self, key: str) -> int:
        return self.values.get(key, ("", self.line))[1]


def _read(text: str) -> tuple[dict[str, list[tuple[str, int]]], list[_Document]]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != HEADER:
        raise StatementError(
            _("The file does not start with “%(header)s”.") % {"header": HEADER}, line=1
        )
    header: dict[str, list[tuple[str, int]]] = {}
    documents: list[_Document] = []
    section: str | None = None
    opened = 0  # the line the open section starts on
    document: _Document | None = None
    ended = False
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line:
            continue
        if ended:
            raise StatementError(_("Text after КонецФайла."), line=number)
        name, equals, value = line.partition("=")
        if (name == "СекцияДокумент" and equals) or line == "СекцияРасчСчет":
            if section is not None:
                raise StatementError(
                    _("A section starts inside the one opened on line %(open)d (close it first).")
                    % {"open": opened},
                    line=number,
                )
            section, opened = ("document" if equals else "account"), number
            if equals:
                document = _Document(number)
            continue
        if line in KEYWORDS:
            expected = {"КонецРасчСчет": "account", "КонецДокумента": "document"}.get(line)
            if line == "КонецФайла":
                if section is not None:
                    raise StatementError(
                        _("The file ends inside the section opened on line %(open)d.")
                        % {"open": opened},
                        line=number,
                    )
                ended = True
            elif section != expected:
                raise StatementError(
                    _("“%(keyword)s” closes no open section.") % {"keyword": line}, line=number
                )
            else:
                if document is not None:
                    documents.append(document)
                section, document = None, None
            continue
        if not equals or not name or " " in name:
            raise StatementError(
                _("“%(text)s” is neither Key=Value nor a section's keyword.") % {"text": line[:60]},
                line=number,
            )
        if document is not None:
            if name in document.values:
                raise StatementError(
                    _("“%(key)s” appears twice in one document.") % {"key": name}, line=number
                )
            document.values[name] = (value, number)
        elif section is None:
            header.setdefault(name, []).append((value, number))
    if not ended:
        raise StatementError(_("The file ends without КонецФайла."), line=len(lines))
    return header, documents


def _line(document: _Document, account: str, currency: str) -> ParsedLine:
    payee = compact_account(document.get("ПолучательСчет", "ПолучательРасчСчет"))
    payer = compact_account(document.get("ПлательщикСчет", "ПлательщикРасчСчет"))
    if payee == account:
        credit, side, when = True, "Плательщик", "ДатаПоступило"
    elif payer == account:
        credit, side, when = False, "Получатель", "ДатаСписано"
    else:
        raise StatementError(
            _("The document names neither as payer nor as recipient the account %(account)s.")
            % {"account": account},
            line=document.line,
        )
    if not document.get("Сумма"):
        raise StatementError(_("The document has no Сумма."), line=document.line)
    amount = amount_of(document.get("Сумма"), line=document.line_of("Сумма"))
    day = document.get(when) or document.get("Дата")
    if not day:
        raise StatementError(_("The document has no Дата."), line=document.line)
    booked = _date(day, document.line_of(when if document.get(when) else "Дата"))
    name = document.get(f"{side}1", side)
    identifier = document.get(f"{side}ИНН", f"{side}ОКПО", f"{side}ЕДРПОУ", f"{side}КодЄДРПОУ")
    # "ИНН 7701234567 ООО Ромашка": the name without the identifier before it.
    name = re.sub(r"^(ИНН|ІПН|ЄДРПОУ|ЕДРПОУ)\s*\d+\s*", "", name)
    purpose = " ".join(
        document.get(key)
        for key in ["НазначениеПлатежа", *[f"НазначениеПлатежа{i}" for i in range(1, 7)]]
    )
    return ParsedLine(
        booked_on=booked,
        amount=amount,
        credit=credit,
        currency=currency,
        counterparty_name=clip(name, 300),
        counterparty_account=clip(document.get(f"{side}Счет", f"{side}РасчСчет"), 64),
        counterparty_identifier=clip(identifier, 40),
        purpose=clip(purpose, 2000),
        document_number=clip(f"{document.get('Номер')} {document.get('Дата')}".strip(), 60),
    )


def parse_1c(data: bytes, *, default_currency: str = "") -> ParsedStatement:
    header, documents = _read(_decode(data))
    accounts = {compact_account(value) for value, _line in header.get("РасчСчет", [])}
    if len(accounts) != 1:
        raise StatementError(
            _("The header must name exactly one account (РасчСчет): one account per file.")
        )
    account_line = header["РасчСчет"][0][1]
    account = statement_account(accounts.pop(), line=account_line)
    period = []
    for key in ("ДатаНачала", "ДатаКонца"):
        if not header.get(key):
            raise StatementError(_("The header has no %(key)s.") % {"key": key})
        value, number = header[key][0]
        period.append(_date(value, number))
    currency = currency_of_account(account) or default_currency
    lines = [_line(document, account, currency) for document in documents]
    return checked(
        ParsedStatement(
            format="1c",
            account=account,
            currency=currency,
            period_start=period[0],
            period_end=period[1],
            lines=lines,
        )
    )
