"""Generated documents: a template version filled from an account (a contact, an
opportunity, a deal), rendered to PDF (WeasyPrint, Cyrillic) or DOCX (docxtpl), kept in the
private storage with its SHA-256, numbered per workspace, kind and year without gaps, put on
the account's timeline; who may make, list and download them; and what a template may not
reach (the server's files)."""

from __future__ import annotations

import hashlib
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from crm import documents
from crm.models import GeneratedDocument, TimelineEntry
from tests.crm.analytics_factories import Workspace, apply, award, client, lot_for, tender_for
from tests.crm.documents_factories import (
    counts,
    documents_url,
    docx_text,
    docx_upload,
    make_template,
    media_files,
    pdf_text,
    private_files,
    versions_url,
)
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year


@pytest.fixture
def ws():
    return Workspace()


@pytest.fixture
def offer(ws):
    return make_template(ws)


def generate(ws, user=None, **data):
    return client(user or ws.manager).post(documents_url(ws), data, format="json")


def test_a_pdf_is_filled_stored_privately_numbered_and_put_on_the_timeline(ws, offer):
    opportunity = ws.opportunity(amount=Decimal("125000.00"), currency="UAH")
    r = generate(
        ws, template=offer["id"], contact=ws.contact.pk, opportunity=opportunity.pk
    )  # the account: the opportunity's
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["number"] == f"OFFER-{YEAR}-0001"
    assert body["kind"] == "offer" and body["file_format"] == "pdf" and body["version"] == 1
    assert body["account"] == ws.account.pk and body["opportunity"] == opportunity.pk
    document = GeneratedDocument.objects.get(pk=body["id"])
    stored = Path(private_files()[0])
    assert len(private_files()) == 1 and media_files() == []
    assert document.storage_name.startswith(f"crm/documents/{ws.id}/OFFER-")
    content = stored.read_bytes()
    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == document.sha256 == body["sha256"]
    text = pdf_text(content)
    assert f"OFFER-{YEAR}-0001" in text
    assert "ТОВ «Покупець» <b>" in text  # escaped in the HTML, shown as written
    assert "Шановний Іван Петренко!" in text and "(Д-17)" in text
    assert "125 000,00 UAH" in text.replace("\xa0", " ")
    assert "ТОВ «Продавець», Олена Коваль" in text
    entry = TimelineEntry.objects.get(document=document)
    assert entry.kind == "document" and entry.account == ws.account
    assert entry.contact == ws.contact and entry.actor == ws.manager
    assert entry.payload["number"] == body["number"] and entry.payload["sha256"] == document.sha256
    assert entry.url == body["file_url"]


def test_numbers_run_per_kind_and_workspace_without_gaps(ws, offer):
    invoice = make_template(ws, kind="invoice", body="<p>{{ document.number }}</p>")
    other = Workspace(name="Other Ltd")
    other_offer = make_template(other)
    numbers = [generate(ws, template=offer["id"], account=ws.account.pk).json()["number"]]
    numbers.append(generate(ws, template=invoice["id"], account=ws.account.pk).json()["number"])
    numbers.append(generate(ws, template=offer["id"], account=ws.account.pk).json()["number"])
    numbers.append(
        generate(other, template=other_offer["id"], account=other.account.pk).json()["number"]
    )
    assert numbers == [
        f"OFFER-{YEAR}-0001",
        f"INVOICE-{YEAR}-0001",
        f"OFFER-{YEAR}-0002",
        f"OFFER-{YEAR}-0001",
    ]


def test_the_sequence_goes_past_9999(ws, offer):
    version = ws.company.crm_templates.get().versions.get()
    GeneratedDocument.objects.create(
        workspace=ws.company,
        template_version=version,
        account=ws.account,
        number=f"OFFER-{YEAR}-9999",
        file_format="pdf",
        storage_name="x",
        sha256="0" * 64,
    )
    first = generate(ws, template=offer["id"], account=ws.account.pk).json()["number"]
    second = generate(ws, template=offer["id"], account=ws.account.pk).json()["number"]
    assert (first, second) == (f"OFFER-{YEAR}-10000", f"OFFER-{YEAR}-10001")


def test_a_failed_render_uses_no_number_and_leaves_no_file_row_or_entry(ws, offer, monkeypatch):
    real = documents.version_render
    monkeypatch.setattr(documents, "version_render", lambda **kw: b"%PDF-partial")

    def broken_create(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(GeneratedDocument.objects, "create", broken_create)
    before = counts()
    with pytest.raises(RuntimeError):
        generate(ws, template=offer["id"], account=ws.account.pk)
    assert counts() == before  # the file written before the failure is gone too
    monkeypatch.undo()
    assert documents.version_render is real
    r = generate(ws, template=offer["id"], account=ws.account.pk)
    assert r.json()["number"] == f"OFFER-{YEAR}-0001"


def test_a_later_version_makes_later_documents_and_each_records_its_own(ws, offer):
    first = generate(ws, template=offer["id"], account=ws.account.pk).json()
    client(ws.manager).post(
        versions_url(ws, offer["id"]), {"body": "<p>v2 {{ account.name }}</p>"}, format="json"
    )
    second = generate(ws, template=offer["id"], account=ws.account.pk).json()
    pinned = generate(ws, template=offer["id"], account=ws.account.pk, version=1).json()
    assert (first["version"], second["version"], pinned["version"]) == (1, 2, 1)
    assert GeneratedDocument.objects.get(pk=second["id"]).template_version.version == 2
    r = generate(ws, template=offer["id"], account=ws.account.pk, version=9)
    assert r.status_code == 404 and r.json()["error"]["code"] == "version_not_found"


def test_a_docx_is_made_from_the_versions_docx(ws):
    made = make_template(
        ws,
        body="",
        kind="contract",
        docx=docx_upload(
            "Договір № {{ document.number }}",
            "Покупець: {{ account.name }}, {{ contact.position }} {{ contact.full_name }}",
            "{% if opportunity.title %}Предмет: {{ opportunity.title }}{% endif %}",
        ),
    )
    r = generate(ws, template=made["id"], contact=ws.contact.pk, file_format="docx")
    assert r.status_code == 201, r.json()
    assert r.json()["number"] == f"CONTRACT-{YEAR}-0001"
    download = client(ws.officer).get(r.json()["file_url"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download["X-Document-SHA256"] == hashlib.sha256(download.content).hexdigest()
    lines = docx_text(download.content)
    assert lines[0] == f"Договір № CONTRACT-{YEAR}-0001"
    assert lines[1] == "Покупець: ТОВ «Покупець» <b>, Директор Іван Петренко"
    assert lines[2] == ""  # no opportunity chosen: its placeholders print nothing
    # The HTML-only version cannot make a DOCX, and the DOCX-only one no PDF.
    r = generate(ws, template=made["id"], account=ws.account.pk, file_format="pdf")
    assert r.status_code == 400 and r.json()["error"]["code"] == "template_has_no_html"
    offer = make_template(ws)
    r = generate(ws, template=offer["id"], account=ws.account.pk, file_format="docx")
    assert r.status_code == 400 and r.json()["error"]["code"] == "template_has_no_docx"


def test_a_deal_fills_the_document_when_the_workspace_is_its_supplier(ws):
    buyer = ws.counterparty
    tender = tender_for(buyer)
    lot = lot_for(tender, start_price="100000.00")
    deal = award(lot, apply(lot, ws.company), amount="98000.00")
    made = make_template(
        ws,
        kind="specification",
        body=(
            "<p>{{ deal.lot_title }}: {{ deal.quantity }} {{ deal.unit }} × {{ deal.unit_price }}"
            " = {{ deal.price }} {{ deal.currency }}</p>"
            "<p>{{ deal.buyer.name }} ← {{ deal.supplier.name }}, {{ deal.delivery_place }}</p>"
        ),
    )
    r = generate(ws, template=made["id"], deal=deal.pk)  # the account: the buyer's
    assert r.status_code == 201, r.json()
    assert r.json()["account"] == ws.account.pk
    entry = TimelineEntry.objects.get(document_id=r.json()["id"])
    assert entry.payload["deal"] == deal.pk
    content = client(ws.manager).get(r.json()["file_url"]).content
    text = pdf_text(content).replace("\xa0", " ")
    assert "Дизельне пальне EN 590: 100 т × 980,00 = 98 000,00 UAH" in text
    assert "ТОВ «Покупець» ← ТОВ «Продавець», Київ" in text


def test_a_deal_of_other_companies_is_not_found_and_a_mismatch_is_refused(ws, offer):
    strangers = CompanyFactory(), CompanyFactory()
    tender = tender_for(strangers[0])
    lot = lot_for(tender, start_price="10.00")
    foreign = award(lot, apply(lot, strangers[1]), amount="9.00")
    before = counts()
    r = generate(ws, template=offer["id"], deal=foreign.pk)
    assert r.status_code == 404 and r.json()["error"]["code"] == "deal_not_found"
    # A deal with a company that is not an account yet.
    newcomer = CompanyFactory(legal_name="Newcomer Ltd")
    tender = tender_for(newcomer)
    lot = lot_for(tender, start_price="10.00")
    own = award(lot, apply(lot, ws.company), amount="9.00")
    r = generate(ws, template=offer["id"], deal=own.pk)
    assert r.status_code == 400 and r.json()["error"]["code"] == "deal_account_missing"
    assert "Newcomer Ltd" in r.json()["error"]["message"]
    r = generate(ws, template=offer["id"], deal=own.pk, account=ws.account.pk)
    assert r.status_code == 400 and r.json()["error"]["code"] == "sources_mismatch"
    assert counts() == before


def test_sources_must_be_the_workspaces_and_about_one_account(ws, offer):
    other = Workspace(name="Other Ltd")
    other_offer = make_template(other)
    other_opportunity = other.opportunity()
    elsewhere = ws.opportunity()
    second_account = type(ws.account).objects.create(
        workspace=ws.company, name="Second", name_key="second"
    )
    before = counts()
    for data, status, code in [
        ({"account": other.account.pk}, 404, "account_not_found"),
        ({"contact": other.contact.pk}, 404, "contact_not_found"),
        ({"opportunity": other_opportunity.pk}, 404, "opportunity_not_found"),
        ({"account": second_account.pk, "contact": ws.contact.pk}, 400, "sources_mismatch"),
        ({"account": second_account.pk, "opportunity": elsewhere.pk}, 400, "sources_mismatch"),
        ({}, 400, "account_required"),
    ]:
        r = generate(ws, template=offer["id"], **data)
        assert r.status_code == status, (data, r.json())
        assert r.json()["error"]["code"] == code
    r = generate(ws, template=other_offer["id"], account=ws.account.pk)
    assert r.status_code == 404 and r.json()["error"]["code"] == "template_not_found"
    r = generate(ws, template=offer["id"], account=ws.account.pk, file_format="html")
    assert r.status_code == 400 and "file_format" in r.json()["error"]["fields"]
    r = generate(ws, template=offer["id"], account=2**70)
    assert r.status_code == 400 and "account" in r.json()["error"]["fields"]
    assert counts() == before


def test_an_archived_template_makes_no_documents(ws, offer):
    client(ws.manager).patch(
        f"/api/crm/{ws.id}/document-templates/{offer['id']}/", {"is_active": False}
    )
    r = generate(ws, template=offer["id"], account=ws.account.pk)
    assert r.status_code == 409 and r.json()["error"]["code"] == "template_archived"


def test_readers_list_and_download_but_only_editors_make_documents(ws, offer):
    made = generate(ws, template=offer["id"], account=ws.account.pk).json()
    before = counts()
    for user in (ws.officer, ws.bidder):
        r = generate(ws, user, template=offer["id"], account=ws.account.pk)
        assert r.status_code == 403 and r.json()["error"]["code"] == "crm_read_only"
        listed = client(user).get(documents_url(ws), {"account": ws.account.pk}).json()
        assert [d["number"] for d in listed["results"]] == [made["number"]]
        assert client(user).get(f"{documents_url(ws)}{made['id']}/").status_code == 200
        download = client(user).get(made["file_url"], HTTP_ACCEPT="application/pdf")
        assert download.status_code == 200 and download.content.startswith(b"%PDF-")
        assert download["Cache-Control"] == "private, no-store"
        assert "attachment" in download["Content-Disposition"]
    assert counts() == before
    assert generate(ws, ws.admin, template=offer["id"], account=ws.account.pk).status_code == 201
    assert client(ws.manager).get(documents_url(ws), {"kind": "invoice"}).json()["count"] == 0
    assert client(ws.manager).get(documents_url(ws), {"account": "x"}).json()["count"] == 0


def test_another_company_gets_404_for_every_document_endpoint(ws, offer):
    made = generate(ws, template=offer["id"], account=ws.account.pk).json()
    before = counts()
    for user in (ws.outsider, ws.outsider_admin):
        c = client(user)
        for path in (documents_url(ws), f"{documents_url(ws)}{made['id']}/", made["file_url"]):
            r = c.get(path)
            assert r.status_code == 404 and "Покупець" not in r.content.decode(), path
        r = c.post(
            documents_url(ws), {"template": offer["id"], "account": ws.account.pk}, format="json"
        )
        assert r.status_code == 404
        # Its own workspace with this workspace's ids: not found either.
        own = f"/api/crm/{ws.outsider_company.pk}/documents/"
        assert c.get(f"{own}{made['id']}/file/").status_code == 404
        r = c.post(own, {"template": offer["id"], "account": ws.account.pk}, format="json")
        assert r.status_code == 404 and r.json()["error"]["code"] == "template_not_found"
    for path in (documents_url(ws), made["file_url"]):
        assert client().get(path).status_code in (401, 403)
    assert counts() == before


def test_a_changed_file_is_refused_on_download(ws, offer):
    made = generate(ws, template=offer["id"], account=ws.account.pk).json()
    Path(private_files()[0]).write_bytes(b"%PDF-1.7 tampered")
    r = client(ws.manager).get(made["file_url"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "file_corrupted"


def test_a_template_cannot_read_the_servers_files_or_reach_its_network(ws, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    made = make_template(
        ws,
        body=(
            f'<p>ok</p><img src="file://{secret}">'
            f'<link rel="attachment" href="file://{secret}">'
            '<img src="http://127.0.0.1:9/x.png">'
            f"<style>@import url(file://{secret});</style>"
        ),
    )
    r = generate(ws, template=made["id"], account=ws.account.pk)
    assert r.status_code == 201, r.json()
    content = client(ws.manager).get(r.json()["file_url"]).content
    assert b"TOP-SECRET-42" not in content and b"EmbeddedFile" not in content
    assert "ok" in pdf_text(content)


def test_a_preview_fills_every_placeholder_with_its_example(ws, offer):
    version = offer["latest_version"]["id"]
    before = counts()
    r = client(ws.bidder).get(f"{versions_url(ws, offer['id'])}{version}/preview/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "OFFER-2026-0001" in text and "Іван Петренко" in text
    r = client(ws.bidder).get(
        f"{versions_url(ws, offer['id'])}{version}/preview/", {"file_format": "rtf"}
    )
    assert r.status_code == 400
    assert counts() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_documents_made_at_once_get_consecutive_numbers():
    ws = Workspace()
    offer = make_template(ws)
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def make():
        try:
            barrier.wait(timeout=30)
            document = documents.document_generate(
                user=ws.manager,
                workspace_id=ws.id,
                template_id=offer["id"],
                account_id=ws.account.pk,
            )
            numbers.append(document.number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    for _round in range(3):
        threads = [threading.Thread(target=make) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        barrier.reset()
    assert errors == []
    assert sorted(numbers) == [f"OFFER-{YEAR}-{n:04d}" for n in range(1, 7)]
    assert GeneratedDocument.objects.filter(workspace=ws.company).count() == 6
    assert TimelineEntry.objects.filter(account=ws.account, kind="document").count() == 6
