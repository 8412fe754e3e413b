"""Bank reconciliation through the API: upload (a malformed file: 400 naming the problem,
nothing written; twice: "already imported"), a statement with its lines and proposals in their
order, a line confirmed pays its invoice through the invoices' own service (the ledger's
"paid" row, ``invoice.paid``), a wrong amount and a second confirm refused, a line set aside;
the permission matrix, the canary, and a double confirm racing on PostgreSQL."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from deals.models import BankLine, BankStatement, Invoice, InvoiceStatus, LedgerEntry, LineStatus
from marketplace.events.models import Event
from tests.crm.test_pipeline_concurrency import together
from tests.deals.bank_factories import Bank, invoice, upload
from tests.deals.factories import client

BASE = "/api/payments/bank/"


def post_statement(user, bank: Bank, name: str, *, platform=None, data: bytes | None = None):
    return client(user).post(
        BASE + "statements/",
        {"platform": (platform or bank.platform).pk, "file": upload(name, data)},
        format="multipart",
    )


def imported(bank: Bank, name: str = "camt053.xml") -> BankStatement:
    answer = post_statement(bank.staff, bank, name)
    assert answer.status_code == 201, answer.content
    return BankStatement.objects.get(pk=answer.json()["statement"]["id"])


def line(statement: BankStatement, position: int) -> BankLine:
    return statement.lines.get(position=position)


def confirm(user, line_id: int, invoice_id: int):
    return client(user).post(f"{BASE}lines/{line_id}/confirm/", {"invoice": invoice_id}, "json")


def counts() -> dict:
    return {
        "statements": BankStatement.objects.count(),
        "lines": BankLine.objects.count(),
        "decided": BankLine.objects.exclude(status__in=["unmatched", "outgoing"]).count(),
        "paid": LedgerEntry.objects.filter(kind="paid").count(),
        "events": Event.objects.filter(type="invoice.paid").count(),
    }


pytestmark = pytest.mark.django_db


def test_upload_then_again_changes_nothing_the_second_time():
    bank = Bank()
    first = post_statement(bank.staff, bank, "camt053.xml")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["already_imported"] is False and body["lines_new"] == 4
    assert body["statement"]["account"] == "UA213223130000026007233566001"
    assert body["statement"]["lines_waiting"] == 3
    before = counts()
    again = post_statement(bank.staff, bank, "camt053.xml")
    assert again.status_code == 200, again.content
    assert again.json()["already_imported"] is True
    assert again.json()["statement"]["id"] == body["statement"]["id"]
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("1c_bad_amount.txt", "Line 42"),
        ("1c_unclosed_document.txt", "Line 37"),
        ("mt940_bad_line.sta", "Line 7"),
        ("camt053_broken.xml", "Line 10"),
        ("camt053_entities.xml", "entities"),
    ],
)
def test_a_malformed_statement_is_a_clear_400_and_nothing_is_written(name, named):
    bank = Bank()
    before = counts()
    answer = post_statement(bank.staff, bank, name)
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["code"] == "statement_invalid" and named in error["message"]
    assert error["fields"]["file"] == [error["message"]]
    assert counts() == before


def test_upload_input_is_checked():
    bank = Bank()
    no_file = client(bank.staff).post(
        BASE + "statements/", {"platform": bank.platform.pk}, format="multipart"
    )
    assert no_file.status_code == 400 and "file" in no_file.json()["error"]["fields"]
    huge = post_statement(bank.staff, bank, "x.sta", data=b":20:X\n" + b"x" * 5 * 2**20)
    assert huge.status_code == 400 and "larger than 5 MB" in huge.json()["error"]["message"]
    missing = client(bank.staff).post(
        BASE + "statements/", {"platform": 2**62, "file": upload("mt940.sta")}, format="multipart"
    )
    assert missing.status_code == 404
    assert BankStatement.objects.count() == 0
    out_of_range = client(bank.staff).post(
        BASE + "statements/", {"platform": 2**64, "file": upload("mt940.sta")}, format="multipart"
    )
    assert out_of_range.status_code == 400


def test_a_statement_shows_each_waiting_line_with_its_proposals_in_order():
    bank = Bank()
    statement = imported(bank)
    answer = client(bank.staff).get(f"{BASE}statements/{statement.pk}/")
    assert answer.status_code == 200, answer.content
    lines = answer.json()["lines"]
    assert [item["line"]["status"] for item in lines] == [
        "unmatched",
        "unmatched",
        "unmatched",
        "outgoing",
    ]

    def shape(item):
        return [(p["number"], p["rule"], p["strength"]) for p in item["proposals"]]

    # 1: the number in the purpose (typed in Cyrillic, lower case) before the amount alone.
    assert shape(lines[0]) == [("TF-2027-000101", "number", "strong")]
    # 2: amount and the payer's EDRPOU.
    assert shape(lines[1]) == [("TF-2027-000102", "payer", "strong")]
    # 3: amount alone, weak; its payer's account is not a valid IBAN, kept and flagged.
    assert shape(lines[2]) == [("TF-2027-000103", "amount", "weak")]
    assert lines[2]["line"]["account_check"] == "invalid_iban"
    assert lines[2]["line"]["account_valid"] is False
    assert lines[3]["proposals"] == []
    # Another platform's invoice of the same amount is never proposed.
    numbers = {p["number"] for item in lines for p in item["proposals"]}
    assert "TF-2027-000201" not in numbers


def test_confirm_pays_the_invoice_through_the_invoices_service():
    bank = Bank()
    statement = imported(bank)
    first = line(statement, 1)
    answer = confirm(bank.staff, first.pk, bank.a.pk)
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "matched"
    assert answer.json()["invoice_number"] == "TF-2027-000101"
    bank.a.refresh_from_db()
    assert bank.a.status == InvoiceStatus.PAID and bank.a.provider == "offline"
    assert bank.a.paid_reference == "CAMT-0001"
    paid = LedgerEntry.objects.get(invoice=bank.a, kind="paid")
    assert (paid.reference, paid.actor, paid.amount) == ("CAMT-0001", bank.staff, bank.a.amount)
    event = Event.objects.get(type="invoice.paid")
    assert event.payload["invoice"] == bank.a.pk and event.payload["provider"] == "offline"
    assert event.company_id == bank.baltic.pk
    # The line now shows its invoice and no proposals; the invoice is no one's proposal.
    detail = client(bank.staff).get(f"{BASE}statements/{statement.pk}/").json()
    assert detail["lines"][0]["proposals"] == []
    assert detail["statement"]["lines_waiting"] == 2


def test_a_line_without_a_bank_reference_pays_with_its_place_in_the_statement():
    bank = Bank()
    statement = imported(bank, "1c_statement.txt")
    volyn = line(statement, 1)
    assert volyn.reference == "512 17.03.2027"
    assert confirm(bank.staff, volyn.pk, bank.b.pk).status_code == 200
    bank.b.refresh_from_db()
    assert bank.b.paid_reference == "512 17.03.2027"


def test_a_person_may_pick_another_open_invoice_of_the_same_amount():
    bank = Bank()
    statement = imported(bank)
    other = invoice(bank.third, bank.platform, "TF-2027-000150", "2500.00")
    answer = confirm(bank.staff, line(statement, 2).pk, other.pk)
    assert answer.status_code == 200, answer.content
    assert Invoice.objects.get(pk=other.pk).status == InvoiceStatus.PAID
    assert Invoice.objects.get(pk=bank.b.pk).status == InvoiceStatus.OPEN


def test_a_wrong_amount_is_refused_and_nothing_changes():
    bank = Bank()
    statement = imported(bank)
    before = counts()
    answer = confirm(bank.staff, line(statement, 3).pk, bank.a.pk)  # 900.00 for 1470.00
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "amount_mismatch"
    # Written as money in the reader's language (English here), as every refusal writes it.
    assert "900.00" in error["message"] and "1,470.00" in error["message"]
    assert counts() == before
    assert Invoice.objects.get(pk=bank.a.pk).status == InvoiceStatus.OPEN


def test_a_line_pays_once_and_an_invoice_is_paid_once():
    bank = Bank()
    statement = imported(bank)
    first, second = line(statement, 1), line(statement, 2)
    assert confirm(bank.staff, first.pk, bank.a.pk).status_code == 200
    before = counts()
    twice = confirm(bank.staff, first.pk, bank.a.pk)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "line_already_matched"
    # The same invoice by another line (its amount is the line's: a second statement's copy).
    copy = invoice(bank.volyn, bank.platform, "TF-2027-000160", "2500.00")
    assert confirm(bank.staff, second.pk, copy.pk).status_code == 200
    again = invoice(bank.volyn, bank.platform, "TF-2027-000161", "2500.00")
    again.status = InvoiceStatus.PAID
    again.save()
    third_line = line(statement, 3)
    paid_already = confirm(bank.staff, third_line.pk, bank.a.pk)
    assert paid_already.status_code == 409
    assert paid_already.json()["error"]["code"] == "invoice_paid"
    assert counts()["paid"] == before["paid"] + 1
    assert LedgerEntry.objects.filter(invoice=bank.a, kind="paid").count() == 1


def test_outgoing_lines_cancelled_and_foreign_invoices_are_refused():
    bank = Bank()
    statement = imported(bank)
    outgoing = confirm(bank.staff, line(statement, 4).pk, bank.a.pk)
    assert outgoing.status_code == 409 and outgoing.json()["error"]["code"] == "line_outgoing"
    foreign = confirm(bank.staff, line(statement, 1).pk, bank.elsewhere.pk)
    assert foreign.status_code == 400
    assert "invoice" in foreign.json()["error"]["fields"]
    Invoice.objects.filter(pk=bank.a.pk).update(status=InvoiceStatus.VOID)
    void = confirm(bank.staff, line(statement, 1).pk, bank.a.pk)
    assert void.status_code == 409 and void.json()["error"]["code"] == "invoice_void"
    assert confirm(bank.staff, 2**62, bank.a.pk).status_code == 404
    assert confirm(bank.staff, 2**64, bank.a.pk).status_code == 404
    assert confirm(bank.staff, line(statement, 1).pk, 2**64).status_code == 400
    assert counts()["paid"] == 0


def test_a_line_is_set_aside_with_a_reason_and_pays_nothing_after():
    bank = Bank()
    statement = imported(bank)
    third = line(statement, 3)
    url = f"{BASE}lines/{third.pk}/ignore/"
    blank = client(bank.staff).post(url, {"reason": "  "}, "json")
    assert blank.status_code == 400 and "reason" in blank.json()["error"]["fields"]
    answer = client(bank.staff).post(url, {"reason": "A supplier's refund of a deposit"}, "json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "ignored"
    third.refresh_from_db()
    assert (third.status, third.decided_by) == (LineStatus.IGNORED, bank.staff)
    assert third.reason == "A supplier's refund of a deposit"
    refused = confirm(bank.staff, third.pk, bank.c.pk)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "line_ignored"
    assert client(bank.staff).post(url, {"reason": "again"}, "json").status_code == 409


def test_the_permission_matrix():
    bank = Bank()
    statement = imported(bank)
    first = line(statement, 1)
    detail = f"{BASE}statements/{statement.pk}/"
    before = counts()
    for who, person in bank.outsiders().items():
        api = client(person)
        listed = api.get(BASE + "statements/")
        assert listed.status_code == 200 and listed.json()["results"] == [], who
        assert api.get(detail).status_code == 404, who
        upload_answer = post_statement(person, bank, "mt940.sta")
        assert upload_answer.status_code == 403, who
        assert upload_answer.json()["error"]["code"] == "not_platform_admin"
        assert confirm(person, first.pk, bank.a.pk).status_code == 404, who
        ignored = api.post(f"{BASE}lines/{first.pk}/ignore/", {"reason": "x"}, "json")
        assert ignored.status_code == 404, who
    anonymous = APIClient()
    assert anonymous.get(BASE + "statements/").status_code in (401, 403)
    assert anonymous.get(detail).status_code in (401, 403)
    assert anonymous.post(f"{BASE}lines/{first.pk}/confirm/", {"invoice": 1}).status_code in (
        401,
        403,
    )
    assert counts() == before
    # The staff: every platform's.
    listed = client(bank.staff).get(BASE + "statements/").json()["results"]
    assert [row["id"] for row in listed] == [statement.pk]


def test_canary_one_platforms_statements_never_reach_another_platforms_admin():
    bank = Bank()
    statement = imported(bank)
    first = line(statement, 1)
    secrets = ["UA213223130000026007233566001", "CAMT-0001", "Балтік", "TF-2027-000101"]
    before = counts()
    api = client(bank.other_platform_admin)
    asked = [
        ("get", BASE + "statements/", {}),
        ("get", BASE + f"statements/?platform={bank.platform.pk}", {}),
        ("get", f"{BASE}statements/{statement.pk}/", {}),
        ("post", f"{BASE}lines/{first.pk}/confirm/", {"invoice": bank.a.pk}),
        ("post", f"{BASE}lines/{first.pk}/ignore/", {"reason": "not ours"}),
        ("put", f"{BASE}statements/{statement.pk}/", {}),
        ("delete", f"{BASE}statements/{statement.pk}/", {}),
    ]
    for method, path, data in asked:
        answer = getattr(api, method)(path, data, format="json")
        body = answer.content.decode()
        assert answer.status_code in (200, 403, 404, 405), (method, path, answer.status_code)
        for secret in secrets:
            assert secret not in body, (method, path, secret)
    # The pages too.
    from django.test import Client

    pages = Client()
    pages.force_login(bank.other_platform_admin)
    assert pages.get("/platforms/bank/").status_code == 403
    assert pages.get(f"/platforms/bank/{statement.pk}/").status_code == 404
    assert (
        pages.post(f"/platforms/bank/lines/{first.pk}/confirm/", {"invoice": bank.a.pk}).status_code
        == 404
    )
    assert counts() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_confirming_at_once_pay_once():
    bank = Bank()
    second_admin = type(bank.staff).objects.create_user(
        email="second-staff@example.com", password="x", is_staff=True
    )
    statement = imported(bank)
    first = line(statement, 1)
    # The same line for the same invoice, twice at once.
    results = together(
        [
            lambda: confirm(bank.staff, first.pk, bank.a.pk),
            lambda: confirm(second_admin, first.pk, bank.a.pk),
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.content for r in results]
    # Two lines of the same amount for one invoice at once: one pays it.
    late = invoice(bank.volyn, bank.platform, "TF-2027-000170", "2500.00")
    twin = imported(bank, "1c_statement.txt")
    results = together(
        [
            lambda: confirm(bank.staff, line(statement, 2).pk, late.pk),
            lambda: confirm(second_admin, line(twin, 1).pk, late.pk),
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.content for r in results]
    assert LedgerEntry.objects.filter(invoice=late, kind="paid").count() == 1
    assert LedgerEntry.objects.filter(invoice=bank.a, kind="paid").count() == 1
    assert BankLine.objects.filter(invoice=late).count() == 1
    assert Event.objects.filter(type="invoice.paid").count() == 2
