"""The demo's reconciled bank statement: a day of the platform's bank account as its bank exports
it (1CClientBankExchange, as Ukrainian banks do), imported and worked by the platform admin
through ``deals.banking.services``, as a person does on the page:

* the payment of the oldest open commission invoice, its number in the purpose: confirmed, so
  the invoice is paid (its ledger row and ``invoice.paid`` event, as a card payment's);
* the payment of the next one, by its payer's registration number and amount only: proposed,
  left for the admin to confirm on the page;
* a payment no invoice fits: kept for later.

Needs the trading history's invoices (``load_demo --without history`` has none: nothing is
written). Loaded once: a platform that already has a statement gets no other."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from deals.banking.services import line_confirm, statement_import
from deals.models import BankLine, BankStatement, Invoice, InvoiceStatus
from marketplace.platforms.models import Platform
from marketplace.users.models import User

ACCOUNT = "UA213223130000026007233566001"  # the platform's account at its bank (a valid IBAN)
PAYER_ACCOUNTS = ["UA503004650000026001234567890", "UA753052990000026000050012345"]
UNKNOWN = ("UA903052992990004149123456789", "ФОП Коваленко О. П.", "3012345678", "1500.00")


def _document(
    number: int, day: str, amount, payer_account: str, payer: str, payer_id: str, purpose: str
):
    return [
        "СекцияДокумент=Платіжне доручення",
        f"Номер={number}",
        f"Дата={day}",
        f"Сумма={Decimal(amount):.2f}",
        f"ПлательщикСчет={payer_account}",
        f"Плательщик={payer}",
        f"ПлательщикИНН={payer_id}",
        f"ПолучательСчет={ACCOUNT}",
        f"ДатаПоступило={day}",
        "Получатель=Tradefloor",
        f"НазначениеПлатежа={purpose}",
        "КонецДокумента",
    ]


def statement_text(*, on: date, invoices: list[Invoice]) -> str:
    """The day's statement: the invoices paid (the first with its number in the purpose, the
    others without) and one payment no invoice fits."""
    day = on.strftime("%d.%m.%Y")
    documents: list[str] = []
    for n, invoice in enumerate(invoices):
        company = invoice.company
        payer_id = company.registration_number or company.tax_id
        purpose = (
            f"Оплата згідно рахунку {invoice.number}, без ПДВ"
            if n == 0
            else "Оплата комісії за угодою, без ПДВ"
        )
        documents += _document(
            100 + n,
            day,
            invoice.amount,
            PAYER_ACCOUNTS[n % len(PAYER_ACCOUNTS)],
            company.legal_name,
            payer_id,
            purpose,
        )
    account, name, payer_id, amount = UNKNOWN
    documents += _document(200, day, amount, account, name, payer_id, "Поповнення рахунку, без ПДВ")
    incoming = sum((Decimal(i.amount) for i in invoices), Decimal(amount))
    head = [
        "1CClientBankExchange",
        "ВерсияФормата=1.03",
        "Кодировка=UTF-8",
        "Отправитель=Демо-банк",
        "Получатель=Бухгалтерія",
        f"ДатаНачала={day}",
        f"ДатаКонца={day}",
        f"РасчСчет={ACCOUNT}",
        "СекцияРасчСчет",
        f"ДатаНачала={day}",
        f"ДатаКонца={day}",
        f"РасчСчет={ACCOUNT}",
        "НачальныйОстаток=100000.00",
        f"ВсегоПоступило={incoming:.2f}",
        "ВсегоСписано=0.00",
        f"КонечныйОстаток={Decimal('100000.00') + incoming:.2f}",
        "КонецРасчСчет",
    ]
    return "\n".join([*head, *documents, "КонецФайла", ""])


def banking_demo_load(*, now, platform: Platform, admin: User) -> dict:
    """The platform's reconciled statement (see the module's words); its page's path."""
    done = BankStatement.objects.filter(platform=platform).order_by("pk").first()
    if done is not None:
        return {"path": f"/platforms/bank/{done.pk}/"}
    invoices = list(
        Invoice.objects.filter(
            platform=platform, status=InvoiceStatus.OPEN, currency=platform.default_currency
        )
        .select_related("company")
        .order_by("created_at", "pk")[:2]
    )
    if not invoices:
        return {}
    text = statement_text(on=timezone.localdate(now), invoices=invoices)
    result = statement_import(
        actor=admin,
        platform=platform,
        file=ContentFile(text.encode("utf-8"), name="demo-statement-1c.txt"),
    )
    first = BankLine.objects.get(statement=result.statement, position=1)
    line_confirm(actor=admin, line_id=first.pk, invoice_id=invoices[0].pk)
    return {"path": f"/platforms/bank/{result.statement.pk}/"}
