"""Bank statements read and stored: each format on its samples (``tests/deals/statements/``),
malformed files refused with what is wrong and where, IBANs checked, the matching rules in
their order, and a statement imported twice changing nothing the second time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from deals.banking import matching
from deals.banking.formats import statement_parse
from deals.banking.parsed import StatementError, account_check, line_keys
from deals.banking.services import statement_import
from deals.models import BankLine, BankStatement, LineStatus
from marketplace.core.exceptions import ApplicationError, PermissionDeniedError
from tests.deals.bank_factories import PLATFORM_IBAN, Bank, sample, upload

# --- The formats ------------------------------------------------------------------------------


def test_camt053_gives_the_account_period_and_booked_lines():
    statement = statement_parse(sample("camt053.xml"))
    assert (statement.format, statement.account, statement.currency) == (
        "camt053",
        PLATFORM_IBAN,
        "UAH",
    )
    assert (statement.period_start, statement.period_end) == (date(2027, 3, 15), date(2027, 3, 15))
    # The pending entry (PDNG) is not on the account yet: four booked lines.
    assert [(line.amount, line.credit) for line in statement.lines] == [
        (Decimal("1470.00"), True),
        (Decimal("2500.00"), True),
        (Decimal("900.00"), True),
        (Decimal("250.00"), False),
    ]
    first = statement.lines[0]
    assert first.counterparty_name == "ТОВ Балтік Стіл"
    assert first.counterparty_identifier == "32855961"
    assert first.counterparty_account == "UA753052990000026000050012345"
    assert "тф-2027-000101" in first.purpose
    assert first.reference == "CAMT-0001"
    assert statement.lines[3].counterparty_name == "АТ КБ Приватбанк"  # the creditor of a debit


def test_mt940_reads_structured_and_free_details():
    statement = statement_parse(sample("mt940.sta"))
    assert (statement.format, statement.account, statement.currency) == (
        "mt940",
        PLATFORM_IBAN,
        "UAH",
    )
    assert statement.period_start == statement.period_end == date(2027, 3, 16)
    credit, free, debit = statement.lines
    assert (credit.amount, credit.credit, credit.reference) == (Decimal("1470.00"), True, "MT-0001")
    assert credit.counterparty_name == "TOV Baltic Steel"
    assert credit.counterparty_account == "UA753052990000026000050012345"
    assert credit.purpose.startswith("Oplata rakhunku TF 2027 0")
    assert free.purpose == "Payment for services, contract 17/2027" and free.credit
    assert (debit.amount, debit.credit) == (Decimal("250.00"), False)


@pytest.mark.parametrize("name", ["1c_statement.txt", "1c_statement_utf8.txt"])
def test_1c_client_bank_exchange_in_windows_1251_or_utf8(name):
    statement = statement_parse(sample(name), default_currency="EUR")
    # A Ukrainian IBAN is in hryvnias, whatever the platform's currency.
    assert (statement.format, statement.account, statement.currency) == ("1c", PLATFORM_IBAN, "UAH")
    assert statement.period_start == statement.period_end == date(2027, 3, 17)
    volyn, baltic, fee = statement.lines
    assert (volyn.amount, volyn.credit, volyn.counterparty_identifier) == (
        Decimal("2500.00"),
        True,
        "41234567",
    )
    assert volyn.counterparty_name == 'ТОВ "Волинь Паливо"'
    assert volyn.purpose == "Оплата згідно рахунку ТФ-2027-000102 від 10.03.2027, без ПДВ"
    assert volyn.document_number == "512 17.03.2027"
    assert baltic.counterparty_identifier == "32855961" and baltic.credit
    assert fee.credit is False and fee.counterparty_name == 'АТ КБ "Приватбанк"'


def test_1c_currency_comes_from_a_russian_account_or_the_platform():
    text = sample("1c_statement_utf8.txt").decode()
    russian = text.replace(PLATFORM_IBAN, "40702810900000012345")
    assert statement_parse(russian.encode()).currency == "RUB"
    other = text.replace(PLATFORM_IBAN, "ACC-77")
    assert statement_parse(other.encode(), default_currency="KZT").currency == "KZT"
    with pytest.raises(StatementError, match="currency"):
        statement_parse(other.encode())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("camt053_broken.xml", "Line 10: The file is not well-formed XML."),
        ("camt053_entities.xml", "document type or entities"),
        ("camt053_bad_account.xml", "UA213223130000026007233566009 is not a valid IBAN"),
        ("mt940_bad_line.sta", "Line 7: The field :61: “27031X0316C500,00"),
        ("mt940_no_closing.sta", "closing balance (:62F:)"),
        ("1c_bad_amount.txt", "Line 42: “1 470,0О” is not an amount."),
        ("1c_unclosed_document.txt", "Line 37: A section starts inside the one opened on line 21"),
        ("1c_no_end.txt", "without КонецФайла"),
    ],
)
def test_a_malformed_statement_is_refused_with_what_and_where(name, expected):
    with pytest.raises(StatementError) as refused:
        statement_parse(sample(name))
    assert expected in refused.value.message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 a statement as PDF", "not a statement we read"),
        ("1CClientBankExchange\nNo equals sign here\nКонецФайла\n".encode(), "Line 2"),
        ("1CClientBankExchange\nДатаНачала=01.03.2027\nКонецФайла\n".encode(), "one account"),
        (b"<Document><Other/></Document>", "not a camt.053"),
        ("1CClientBankExchange\nКодировка=Windows\n".encode("cp1251") + b"\x98=\n", "Line 3"),
        (b'<?xml version="1.0" encoding="U2-TF-8"?><Document/>', "encoding"),
    ],
)
def test_other_files_are_refused_clearly(data, expected):
    with pytest.raises(StatementError) as refused:
        statement_parse(data)
    assert expected in refused.value.message


def test_ibans_are_checked_with_schwifty():
    assert account_check("UA75 3052 9900 0002 6000 0500 1234 5") == "iban"
    assert account_check("UA753052990000026000050012346") == "invalid_iban"
    assert account_check("DE89370400440532013000") == "iban"
    assert account_check("40702810900000012345") == "domestic"  # a Russian account: no IBAN
    assert account_check("") == ""


def test_line_keys_are_the_banks_references_or_a_stable_hash():
    lines = statement_parse(sample("1c_statement.txt")).lines
    keys = line_keys(lines)
    assert all(key.startswith("hash:") for key in keys) and len(set(keys)) == 3
    assert line_keys(lines) == keys  # the same file, the same keys
    # Two identical payments on one day stay two lines.
    twice = line_keys([lines[0], lines[0]])
    assert twice[0] != twice[1] and twice[1] == twice[0] + "#1"
    assert line_keys(statement_parse(sample("camt053.xml")).lines)[0] == "ref:CAMT-0001:C"


# --- Matching (pure) ----------------------------------------------------------------------------


def open_invoice(pk, number, amount, identifiers=(), currency="UAH"):
    return matching.OpenInvoice(
        id=pk,
        number=number,
        amount=Decimal(amount),
        currency=currency,
        identifiers=frozenset(identifiers),
    )


INVOICES = [
    open_invoice(1, "TF-2027-000101", "1470.00", {"32855961"}),
    open_invoice(2, "TF-2027-000102", "2500.00", {"41234567"}),
    open_invoice(3, "TF-2027-000103", "2500.00", {"11111111"}),
    open_invoice(4, "TF-2027-0001011", "1470.00"),
]


def propose(purpose, amount, payer=""):
    found = matching.proposals(
        purpose=purpose,
        amount=Decimal(amount),
        currency="UAH",
        payer_identifier=payer,
        invoices=INVOICES,
    )
    return [(p.invoice_id, p.rule, p.strength, p.amount_matches) for p in found]


@pytest.mark.parametrize(
    "purpose",
    [
        "Оплата рахунку TF-2027-000101",
        "oplata tf 2027 000101 bez PDV",
        "Оплата рахунку ТФ-2027-000101",  # typed in Cyrillic
        "рах.№TF-2027-000101, без ПДВ",
    ],
)
def test_the_invoice_number_in_the_purpose_comes_first(purpose):
    found = propose(purpose, "1470.00")
    assert found[0] == (1, "number", "strong", True)
    # TF-2027-0001011 starts with the number but is another invoice: only by its amount.
    assert (4, "amount", "weak", True) in found and len(found) == 2


def test_a_number_with_another_amount_is_still_proposed_and_says_so():
    assert propose("Оплата TF-2027-000101", "1000.00") == [(1, "number", "strong", False)]


def test_then_amount_and_the_payers_identifier_then_amount_alone():
    found = propose("Оплата комісії", "2500.00", payer="41234567")
    assert found == [(2, "payer", "strong", True), (3, "amount", "weak", True)]
    # A VAT-style identifier matches without its country prefix.
    assert propose("Оплата", "2500.00", payer="UA41234567")[0] == (2, "payer", "strong", True)
    # No identifier: the amount alone, weak, for both.
    assert propose("Оплата", "2500.00") == [
        (2, "amount", "weak", True),
        (3, "amount", "weak", True),
    ]
    assert propose("Оплата", "7.00", payer="41234567") == []


def test_another_currency_is_never_the_same_amount():
    found = matching.proposals(
        purpose="x",
        amount=Decimal("1470.00"),
        currency="EUR",
        payer_identifier="32855961",
        invoices=INVOICES,
    )
    assert found == []


# --- Import -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_stores_the_statement_and_its_lines_once():
    bank = Bank()
    first = statement_import(actor=bank.staff, platform=bank.platform, file=upload("camt053.xml"))
    assert first.created and first.lines_new == 4
    statement = first.statement
    assert (statement.account, statement.currency, statement.format) == (
        PLATFORM_IBAN,
        "UAH",
        "camt053",
    )
    assert statement.lines_total == 4 and statement.lines_known == 0
    statuses = list(statement.lines.order_by("position").values_list("status", "account_check"))
    assert statuses == [
        (LineStatus.UNMATCHED, "iban"),
        (LineStatus.UNMATCHED, "iban"),
        (LineStatus.UNMATCHED, "invalid_iban"),  # kept, flagged
        (LineStatus.OUTGOING, ""),
    ]
    again = statement_import(actor=bank.staff, platform=bank.platform, file=upload("camt053.xml"))
    assert not again.created and again.statement == statement and again.lines_new == 0
    assert BankStatement.objects.count() == 1 and BankLine.objects.count() == 4


@pytest.mark.django_db
def test_a_statement_downloaded_again_with_other_bytes_adds_only_new_lines():
    bank = Bank()
    statement_import(actor=bank.staff, platform=bank.platform, file=upload("1c_statement.txt"))
    # The same lines in UTF-8 (another file, another hash): nothing new, already imported.
    same = statement_import(
        actor=bank.staff, platform=bank.platform, file=upload("1c_statement_utf8.txt")
    )
    assert not same.created and BankStatement.objects.count() == 1
    # A later export of the account that repeats one line: only the new lines are stored.
    text = sample("1c_statement_utf8.txt").decode()
    extra = text.replace(
        "КонецФайла",
        "СекцияДокумент=Платіжне доручення\nНомер=90\nДата=18.03.2027\nСумма=900.00\n"
        f"ПлательщикСчет=UA503004650000026001234567890\nПолучательСчет={PLATFORM_IBAN}\n"
        "НазначениеПлатежа=Оплата\nКонецДокумента\nКонецФайла",
    ).replace("ДатаКонца=17.03.2027", "ДатаКонца=18.03.2027")
    later = statement_import(
        actor=bank.staff, platform=bank.platform, file=upload("x.txt", extra.encode())
    )
    assert later.created and later.lines_new == 1
    assert (later.statement.lines_total, later.statement.lines_known) == (4, 3)
    assert BankLine.objects.count() == 4


@pytest.mark.django_db
def test_the_same_statement_on_another_platform_is_that_platforms():
    bank = Bank()
    statement_import(actor=bank.staff, platform=bank.platform, file=upload("mt940.sta"))
    other = statement_import(
        actor=bank.staff, platform=bank.other_platform, file=upload("mt940.sta")
    )
    assert other.created and BankStatement.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_file_and_a_refused_person_write_nothing():
    bank = Bank()
    with pytest.raises(ApplicationError) as refused:
        statement_import(actor=bank.staff, platform=bank.platform, file=upload("1c_bad_amount.txt"))
    assert refused.value.code == "statement_invalid" and "Line 42" in refused.value.message
    assert refused.value.fields["file"] == [refused.value.message]
    for person in bank.outsiders().values():
        with pytest.raises(PermissionDeniedError):
            statement_import(actor=person, platform=bank.platform, file=upload("camt053.xml"))
    assert BankStatement.objects.count() == 0 and BankLine.objects.count() == 0
