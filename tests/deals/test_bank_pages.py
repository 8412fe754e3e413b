"""The platform admin's bank reconciliation pages: upload (a refused file's report, nothing
written; twice: "already imported"), a statement's lines with their proposals and a Confirm
button each, confirming, a wrong amount refused, a line set aside; nobody else sees them; no
inline scripts or styles (the CSP)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from deals.models import BankLine, BankStatement, InvoiceStatus, LedgerEntry, LineStatus
from tests.deals.bank_factories import Bank, upload

pytestmark = pytest.mark.django_db
LIST = "/platforms/bank/"


def browser(user) -> Client:
    pages = Client()
    pages.force_login(user)
    return pages


def send(pages: Client, bank: Bank, name: str):
    return pages.post(LIST, {"platform": bank.platform.pk, "file": upload(name)})


def no_inline_code(html: str) -> None:
    assert "<style" not in html and ' style="' not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


def test_upload_and_work_a_statement():
    bank = Bank()
    pages = browser(bank.staff)
    page = pages.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="statement-upload"' in html and "banking.css" in html
    assert 'aria-current="page"' in html  # the "Bank statements" tab
    no_inline_code(html)

    sent = send(pages, bank, "camt053.xml")
    statement = BankStatement.objects.get()
    assert sent.status_code == 302 and sent.url == f"/platforms/bank/{statement.pk}/"
    page = pages.get(sent.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "The statement is imported: 4 new lines." in html
    no_inline_code(html)
    first, second, third, fee = statement.lines.order_by("position")
    for line in (first, second, third):
        assert f'id="line-{line.pk}-proposals"' in html
    assert f'id="line-{third.pk}-invalid-iban"' in html
    assert f'id="line-{fee.pk}-proposals"' not in html
    assert html.count(">Confirm</button>") >= 6  # a proposal each, and "another invoice" each
    assert "Same amount only (weak)" in html

    again = send(pages, bank, "camt053.xml")
    assert again.status_code == 302 and BankStatement.objects.count() == 1
    assert "already imported" in pages.get(again.url).content.decode()

    url = f"/platforms/bank/lines/{first.pk}/confirm/"
    done = pages.post(url, {"invoice": bank.a.pk})
    assert done.status_code == 302 and done.url.endswith(f"#line-{first.pk}")
    bank.a.refresh_from_db()
    assert bank.a.status == InvoiceStatus.PAID and bank.a.paid_reference == "CAMT-0001"
    html = pages.get(done.url.split("#")[0]).content.decode()
    assert "The invoice is paid by this line." in html
    assert "Paid invoice TF-2027-000101." in html

    wrong = pages.post(f"/platforms/bank/lines/{third.pk}/confirm/", {"invoice": bank.b.pk})
    assert wrong.status_code == 302
    html = pages.get(wrong.url.split("#")[0]).content.decode()
    assert "is not the invoice" in html
    assert BankLine.objects.get(pk=third.pk).status == LineStatus.UNMATCHED
    assert (
        pages.post(f"/platforms/bank/lines/{third.pk}/confirm/", {"invoice": "x"}).status_code
        == 302
    )

    aside = pages.post(f"/platforms/bank/lines/{third.pk}/ignore/", {"reason": "A refund"})
    assert aside.status_code == 302
    third.refresh_from_db()
    assert (third.status, third.reason) == (LineStatus.IGNORED, "A refund")
    assert LedgerEntry.objects.filter(kind="paid").count() == 1


def test_a_refused_file_shows_why_and_where_and_writes_nothing():
    bank = Bank()
    pages = browser(bank.staff)
    page = send(pages, bank, "1c_bad_amount.txt")
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="statement-refused"' in html
    assert "Line 42: “1 470,0О” is not an amount." in html
    no_file = pages.post(LIST, {"platform": bank.platform.pk})
    assert no_file.status_code == 400 and "Choose the statement" in no_file.content.decode()
    assert BankStatement.objects.count() == 0 and BankLine.objects.count() == 0


def test_nobody_else_sees_the_pages():
    bank = Bank()
    send(browser(bank.staff), bank, "camt053.xml")
    statement = BankStatement.objects.get()
    first = statement.lines.get(position=1)
    for who, person in bank.outsiders().items():
        pages = browser(person)
        assert pages.get(LIST).status_code == 403, who
        assert send(pages, bank, "mt940.sta").status_code == 403, who
        assert pages.get(f"/platforms/bank/{statement.pk}/").status_code == 404, who
        confirm_url = f"/platforms/bank/lines/{first.pk}/confirm/"
        assert pages.post(confirm_url, {"invoice": bank.a.pk}).status_code == 404, who
        ignore_url = f"/platforms/bank/lines/{first.pk}/ignore/"
        assert pages.post(ignore_url, {"reason": "x"}).status_code == 404, who
        assert "Bank statements" not in pages.get("/platforms/manage/").content.decode(), who
    anonymous = Client()
    assert anonymous.get(LIST).status_code == 302
    assert anonymous.get(f"/platforms/bank/{statement.pk}/").status_code == 302
    assert browser(bank.staff).get(f"/platforms/bank/{2**64}/").status_code == 404
    assert BankStatement.objects.count() == 1
    assert BankLine.objects.exclude(status__in=["unmatched", "outgoing"]).count() == 0
