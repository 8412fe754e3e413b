"""The flow of a translation order and its refusals (translation_orders.services): placing
(documents copied and counted), taking, quoting (the count, adjusted with a reason), accepting,
delivering (files checked), sending back, accepting the delivery (the fee invoiced on the
orderer's ledger); each refusal a clear 4xx that writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import storages

from deals.models import Invoice, InvoiceStatus, LedgerEntry, LedgerKind
from deals.payments.selectors import ledger_of
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.events.models import Event
from notifications.models import Kind, Notification
from tests.factories import member
from translation_orders import platform_settings, services
from translation_orders.models import OrderStatus, StepAction, TranslationOrder

from .factories import Translations, docx_bytes, snapshot, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return Translations()


def refused(exc_type, call, code: str):
    before = snapshot()
    with pytest.raises(exc_type) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert snapshot() == before
    return caught.value


def test_placing_copies_and_counts_the_documents(w):
    order = w.order(w.spec, w.terms, w.sheet, instructions="Keep the table layout")
    assert order.status == OrderStatus.ORDERED and order.translator is None
    assert order.platform == w.platform and order.tender == w.tender
    docs = {d.title: d for d in order.documents.all()}
    assert {name: d.words for name, d in docs.items()} == {
        "spec.docx": 12,
        "terms.pdf": 7,
        "prices.xlsx": 4,
    }
    assert order.counted_words == 23
    copy = docs["spec.docx"]
    assert copy.storage_name != w.spec.storage_name and copy.sha256 == w.spec.sha256
    assert storages["private"].exists(copy.storage_name)
    [step] = order.steps.all()
    assert (step.action, step.actor, step.status_after) == ("placed", w.officer, "ordered")
    event = Event.objects.get(type="translation_order.placed")
    assert event.company_id == w.buyer.pk and event.payload["words"] == 23


def test_the_whole_flow_to_done_invoices_the_fee_on_the_ledger(w):
    order = w.order()  # 12 + 7 words: 19 × 0.50 = 9.50, below the 100.00 minimum
    services.order_take(actor=w.translator, order_id=order.pk)
    order = services.order_quote(actor=w.translator, order_id=order.pk, words=300, reason="Stamps")
    assert (order.quoted_words, order.fee, order.currency) == (300, Decimal("150.00"), "UAH")
    assert order.count_reason == "Stamps"
    services.order_quote_accept(actor=w.buyer_admin, order_id=order.pk)
    services.order_deliver(
        actor=w.translator, order_id=order.pk, uploads=[upload("en.docx", docx_bytes("Done"))]
    )
    order = services.order_send_back(actor=w.officer, order_id=order.pk, comments="Fix the units")
    assert (order.status, order.round) == (OrderStatus.IN_PROGRESS, 2)
    services.order_deliver(
        actor=w.translator,
        order_id=order.pk,
        uploads=[upload("en-2.docx", docx_bytes("Done again")), upload("note.txt", b"ok")],
        note="Units fixed",
    )
    order = services.order_delivery_accept(actor=w.officer, order_id=order.pk)
    assert order.status == OrderStatus.DONE and order.done_at
    assert [f.round for f in order.files.all()] == [1, 2, 2]
    assert [s.action for s in order.steps.all()] == [
        "placed",
        "taken",
        "quoted",
        "quote_accepted",
        "delivered",
        "sent_back",
        "delivered",
        "completed",
    ]
    invoice = order.invoice
    assert (invoice.kind, invoice.company, invoice.platform) == ("translation", w.buyer, w.platform)
    assert (invoice.amount, invoice.currency, invoice.status) == (
        Decimal("150.00"),
        "UAH",
        InvoiceStatus.OPEN,
    )
    assert invoice.order is None and invoice.number.startswith("TF-")
    [owed] = LedgerEntry.objects.filter(invoice=invoice)
    assert (owed.kind, owed.company, owed.reference) == (LedgerKind.OWED, w.buyer, f"TR-{order.pk}")
    assert ledger_of(company_id=w.buyer.pk)["balances"]["UAH"]["balance"] == Decimal("150.00")
    assert Event.objects.filter(type="invoice.issued", company=w.buyer).count() == 1
    # Done is done: nothing is invoiced twice.
    refused(
        ConflictError,
        lambda: services.order_delivery_accept(actor=w.officer, order_id=order.pk),
        "wrong_status",
    )
    assert Invoice.objects.filter(kind="translation").count() == 1


def test_the_fee_is_words_times_price_at_least_the_minimum(w):
    order = w.order(w.spec, w.terms)
    services.order_take(actor=w.translator, order_id=order.pk)
    assert services.order_quote(actor=w.translator, order_id=order.pk).fee == Decimal("100.00")
    quoted = services.order_quote(actor=w.translator, order_id=order.pk, words=301, reason="x")
    assert quoted.fee == Decimal("150.50")  # quoted again while the orderer has not decided
    assert services.fee_for(
        words=3, price_per_word=Decimal("0.3333"), minimum_fee=Decimal(0), currency="UAH"
    ) == Decimal("1.00")


def test_a_supplier_orders_its_certificates_and_the_translator_counts_a_scan(w):
    order = w.supplier_order(w.certificate, w.scan)
    assert (order.side, order.company, order.platform) == ("supplier", w.supplier, w.platform)
    assert order.counted_words is None  # the PNG has no text
    services.order_take(actor=w.translator, order_id=order.pk)
    refused(
        ApplicationError,
        lambda: services.order_quote(actor=w.translator, order_id=order.pk),
        "words_required",
    )
    refused(
        ApplicationError,
        lambda: services.order_quote(actor=w.translator, order_id=order.pk, words=40),
        "reason_required",
    )
    quoted = services.order_quote(
        actor=w.translator, order_id=order.pk, words=40, reason="The scan has 35 words"
    )
    assert quoted.fee == Decimal("100.00")
    services.order_quote_accept(actor=w.supplier_bidder, order_id=order.pk)


def test_placing_refusals(w):
    refused(ApplicationError, lambda: w.order(target="uk"), "same_language")
    refused(ApplicationError, lambda: w.order(target="ru"), "no_rate")
    refused(PermissionDeniedError, lambda: w.order(actor=w.buyer_bidder), "not_orderer")
    refused(PermissionDeniedError, lambda: w.order(actor=w.supplier_admin), "not_orderer")
    other = w.draft(title="Another tender")
    elsewhere = w.document("other.pdf", b"%PDF-1.4 x")
    elsewhere.tender = other
    elsewhere.save()
    refused(ApplicationError, lambda: w.order(w.spec, elsewhere), "documents_of_several_tenders")
    rival = w._company("Rival Buyer", buyer=True)
    rival_officer = member(rival, "procurement_officer")
    refused(
        ApplicationError,
        lambda: services.order_place(
            actor=rival_officer,
            company_id=rival.pk,
            side="buyer",
            source_language="uk",
            target_language="en",
            tender_document_ids=[w.spec.pk],
        ),
        "documents_invalid",
    )
    refused(
        ApplicationError,
        lambda: services.order_place(
            actor=w.outsider_admin,
            company_id=w.outsider.pk,
            side="supplier",
            source_language="uk",
            target_language="en",
            certificate_ids=[w.certificate.pk],
            platform_id=w.platform.pk,
        ),
        "documents_invalid",
    )


def test_flow_refusals_write_nothing(w):
    order = w.order()
    # Not the translator's yet; the orderer cannot quote; another company does not see it.
    refused(
        PermissionDeniedError,
        lambda: services.order_quote(actor=w.translator, order_id=order.pk),
        "not_translator",
    )
    refused(
        NotFoundError,
        lambda: services.order_take(actor=w.other_admin, order_id=order.pk),
        "order_not_found",
    )
    refused(
        PermissionDeniedError,
        lambda: services.order_take(actor=w.officer, order_id=order.pk),
        "not_translator",
    )
    refused(
        ConflictError,
        lambda: services.order_quote_accept(actor=w.officer, order_id=order.pk),
        "wrong_status",
    )
    services.order_take(actor=w.translator, order_id=order.pk)
    # Taken: the other translator no longer sees it.
    refused(
        NotFoundError,
        lambda: services.order_take(actor=w.other_translator, order_id=order.pk),
        "order_not_found",
    )
    services.order_quote(actor=w.translator, order_id=order.pk)
    refused(
        PermissionDeniedError,
        lambda: services.order_quote_accept(actor=w.buyer_bidder, order_id=order.pk),
        "not_orderer",
    )
    refused(
        PermissionDeniedError,
        lambda: services.order_quote_accept(actor=w.translator, order_id=order.pk),
        "not_orderer",
    )
    refused(
        ConflictError,
        lambda: services.order_cancel(actor=w.officer, order_id=order.pk),
        "wrong_status",
    )
    services.order_quote_accept(actor=w.officer, order_id=order.pk)
    refused(
        ApplicationError,
        lambda: services.order_deliver(actor=w.translator, order_id=order.pk, uploads=[]),
        "files_required",
    )
    for name, content, code in [
        ("en.exe", b"MZ", "file_type_not_allowed"),
        ("en.pdf", b"not a pdf", "file_content_mismatch"),
        ("en.docx", b"PK\x03\x04 not a package", "file_content_mismatch"),
        ("en.txt", b"\xff\xfe\x00bad", "file_content_mismatch"),
        ("en.pdf", b"", "file_empty"),
    ]:
        refused(
            ApplicationError,
            lambda name=name, content=content: services.order_deliver(
                actor=w.translator, order_id=order.pk, uploads=[upload(name, content)]
            ),
            code,
        )
    refused(
        PermissionDeniedError,
        lambda: services.order_deliver(
            actor=w.officer, order_id=order.pk, uploads=[upload("a.txt", b"x")]
        ),
        "not_translator",
    )
    refused(
        ConflictError,
        lambda: services.order_send_back(actor=w.officer, order_id=order.pk, comments="x"),
        "wrong_status",
    )


def test_too_large_a_delivery_is_refused(w, settings):
    settings.TRANSLATION_FILE_MAX_BYTES = 10
    order = w.in_progress()
    refused(
        ApplicationError,
        lambda: services.order_deliver(
            actor=w.translator, order_id=order.pk, uploads=[upload("a.txt", b"x" * 11)]
        ),
        "file_too_large",
    )


def test_sending_back_needs_comments_and_declining_closes(w):
    order = w.delivered()
    refused(
        ApplicationError,
        lambda: services.order_send_back(actor=w.officer, order_id=order.pk, comments="  "),
        "comments_required",
    )
    declined = w.quoted()
    services.order_quote_decline(actor=w.officer, order_id=declined.pk, reason="Too dear")
    assert TranslationOrder.objects.get(pk=declined.pk).status == OrderStatus.DECLINED
    cancelled = w.order()
    services.order_cancel(actor=w.officer, order_id=cancelled.pk)
    assert cancelled.steps.last().action == StepAction.CANCELLED
    assert not Invoice.objects.filter(kind="translation").exists()


def test_a_revoked_translator_loses_the_queue_and_its_orders(w):
    queued = w.order()
    taken = w.order()
    services.order_take(actor=w.translator, order_id=taken.pk)
    platform_settings.translator_revoke(
        actor=w.platform_admin, platform_id=w.platform.pk, user_id=w.translator.pk
    )
    for order in (queued, taken):
        refused(
            NotFoundError,
            lambda order=order: services.order_quote(actor=w.translator, order_id=order.pk),
            "order_not_found",
        )


def test_settings_are_the_platform_admins(w):
    refused(
        NotFoundError,
        lambda: platform_settings.translator_grant(
            actor=w.officer, platform_id=w.platform.pk, email=w.other_admin.email
        ),
        "platform_not_found",
    )
    refused(
        ConflictError,
        lambda: platform_settings.translator_grant(
            actor=w.platform_admin, platform_id=w.platform.pk, email=w.translator.email
        ),
        "already_translator",
    )
    refused(
        ApplicationError,
        lambda: platform_settings.translator_grant(
            actor=w.platform_admin, platform_id=w.platform.pk, email="nobody@example.com"
        ),
        "user_not_found",
    )
    refused(
        ApplicationError,
        lambda: platform_settings.rate_set(
            actor=w.platform_admin,
            platform_id=w.platform.pk,
            source_language="en",
            target_language="en",
            price_per_word="1",
            currency="UAH",
        ),
        "same_language",
    )
    refused(
        ApplicationError,
        lambda: platform_settings.rate_set(
            actor=w.platform_admin,
            platform_id=w.platform.pk,
            source_language="en",
            target_language="uk",
            price_per_word="0",
            currency="UAH",
        ),
        "invalid",
    )
    rate = platform_settings.rate_set(
        actor=w.staff,
        platform_id=w.platform.pk,
        source_language="uk",
        target_language="en",
        price_per_word="0.75",
        currency="EUR",
        minimum_fee="5",
    )
    assert rate.pk == w.rate.pk and (rate.price_per_word, rate.currency) == (Decimal("0.75"), "EUR")


def test_the_parties_are_told(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = w.order()
    told = set(
        Notification.objects.filter(kind=Kind.TRANSLATION_ORDER).values_list("user_id", flat=True)
    )
    assert told == {w.translator.pk, w.other_translator.pk}  # the queue
    with django_capture_on_commit_callbacks(execute=True):
        services.order_take(actor=w.translator, order_id=order.pk)
        services.order_quote(actor=w.translator, order_id=order.pk)
    quoted = Notification.objects.filter(kind=Kind.TRANSLATION_ORDER, title__contains="quoted")
    assert set(quoted.values_list("user_id", flat=True)) == {w.officer.pk, w.buyer_admin.pk}
    assert quoted.first().url == f"/translations/{order.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        services.order_quote_accept(actor=w.officer, order_id=order.pk)
    accepted = Notification.objects.get(kind=Kind.TRANSLATION_ORDER, title__contains="accepted")
    assert accepted.user == w.translator
    with django_capture_on_commit_callbacks(execute=True):
        services.order_deliver(
            actor=w.translator, order_id=order.pk, uploads=[upload("a.txt", b"done")]
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.order_delivery_accept(actor=w.officer, order_id=order.pk)
    invoice = Notification.objects.filter(kind=Kind.PAYMENT_UPDATE, user=w.buyer_admin).get()
    assert "translation your company ordered" in invoice.body and invoice.url == ""
