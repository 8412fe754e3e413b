"""The CRM's document pages through the test client: the templates (a new one, its versions, a
new version and the preview of the typed text, rename, archive), the placeholders, making a
document for an account and an opportunity, the documents made (an account's) and their
authorised download. Every page renders for each role; readers are offered nothing to change
and their posts are refused; another company gets 404, for its documents' files too; bad input
shows a message and writes nothing (no row, no file, no number)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crm.models import CustomField, DocumentTemplate, DocumentTemplateVersion, GeneratedDocument
from tests.crm.analytics_factories import Workspace
from tests.crm.documents_factories import (
    OFFER_BODY,
    counts,
    docx_text,
    docx_upload,
    make_template,
    pdf_text,
    private_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws():
    return Workspace()


@pytest.fixture
def offer(ws):
    return make_template(ws)


def as_(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def base(ws) -> str:
    return f"/crm/{ws.id}/documents/"


def generate(client, ws, offer, **data):
    payload = {"template": offer["id"], "file_format": "pdf", "account": ws.account.pk, **data}
    return client.post(base(ws) + "new/", payload)


def test_every_page_renders_for_each_role_and_readers_change_nothing(client, ws, offer):
    opportunity = ws.opportunity(title="Oil supply")
    as_(client, ws.manager)
    assert generate(client, ws, offer).status_code == 302
    document = GeneratedDocument.objects.get()
    template = f"{base(ws)}templates/{offer['id']}/"
    for user in ws.readers():
        editor = user in (ws.manager, ws.admin)
        as_(client, user)
        for url in (
            base(ws),
            base(ws) + f"?account={ws.account.pk}",
            base(ws) + f"?opportunity={opportunity.pk}",
            base(ws) + "templates/",
            base(ws) + "placeholders/",
            template,
        ):
            response = client.get(url)
            assert response.status_code == 200, url
        body = html(client.get(template))
        assert ('id="version-form"' in body) is editor
        assert ('id="template-archive"' in body) is editor
        assert ('id="template-form"' in html(client.get(base(ws) + "templates/"))) is editor
        assert ('id="new-document"' in html(client.get(base(ws)))) is editor
        assert client.get(base(ws) + "new/").status_code == (200 if editor else 403)
        response = client.get(f"{base(ws)}{document.pk}/download/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    before = counts()
    for user in (ws.officer, ws.bidder):
        as_(client, user)
        for url, data in (
            (base(ws) + "new/", {"template": offer["id"], "file_format": "pdf"}),
            (
                base(ws) + "templates/",
                {"name": "X", "kind": "offer", "language": "uk", "body": "x"},
            ),
            (template + "versions/", {"body": "<p>new</p>"}),
            (template + "change/", {"name": "Renamed", "language": "en"}),
            (template + "active/", {"active": "0"}),
        ):
            assert client.post(url, data).status_code == 403, url
    assert counts() == before
    assert DocumentTemplate.objects.get().is_active


def test_another_company_gets_404_for_the_pages_and_the_files(client, ws, offer):
    as_(client, ws.manager)
    generate(client, ws, offer)
    document = GeneratedDocument.objects.get()
    version = DocumentTemplateVersion.objects.get()
    as_(client, ws.outsider)
    template = f"{base(ws)}templates/{offer['id']}/"
    for url in (
        base(ws),
        base(ws) + "templates/",
        base(ws) + "placeholders/",
        template,
        f"{base(ws)}{document.pk}/download/",
        f"{template}versions/{version.pk}/preview/pdf/",
    ):
        assert client.get(url).status_code == 404, url
    own = f"/crm/{ws.outsider_company.pk}/documents/"
    assert client.get(f"{own}{document.pk}/download/").status_code == 404
    assert client.get(f"{own}templates/{offer['id']}/").status_code == 404
    assert client.get(f"{base(ws)}?account={ws.account.pk}").status_code == 404


def test_a_template_is_made_with_its_first_version_and_a_docx(client, ws):
    as_(client, ws.manager)
    response = client.post(
        base(ws) + "templates/",
        {
            "name": "Contract",
            "kind": "contract",
            "language": "uk",
            "body": "<p>Договір з {{ account.name }}</p>",
            "docx": docx_upload("Договір з {{ account.name }}"),
        },
    )
    made = DocumentTemplate.objects.get(name="Contract")
    assert response.status_code == 302
    assert response["Location"] == f"{base(ws)}templates/{made.pk}/"
    body = html(client.get(response["Location"]))
    assert 'id="version-1"' in body and "Download to edit" in body
    version = made.versions.get()
    docx = client.get(f"{base(ws)}templates/{made.pk}/versions/{version.pk}/docx/")
    assert docx_text(docx.content) == ["Договір з {{ account.name }}"]
    preview = client.get(f"{base(ws)}templates/{made.pk}/versions/{version.pk}/preview/docx/")
    assert preview.status_code == 200
    assert docx_text(preview.content)[0].startswith("Договір з ТОВ")


def test_bad_templates_show_the_message_and_write_nothing(client, ws, offer):
    as_(client, ws.manager)
    before = counts()
    cases = (
        ({"name": "", "kind": "offer", "language": "uk", "body": "<p>x</p>"}, "required"),
        ({"name": "X", "kind": "offer", "language": "uk", "body": "{% if %}"}, "line 1"),
        ({"name": "X", "kind": "offer", "language": "uk", "body": ""}, "or upload a DOCX"),
        (
            {"name": "X", "kind": "offer", "language": "uk", "docx": docx_upload(name="a.doc")},
            ".docx",
        ),
        ({"name": "X", "kind": "memo", "language": "uk", "body": "x"}, "Select a valid choice"),
    )
    for data, message in cases:
        response = client.post(base(ws) + "templates/", data)
        assert response.status_code == 400, data
        assert message in html(response), data
    template = f"{base(ws)}templates/{offer['id']}/"
    response = client.post(template + "versions/", {"body": "{% for x in %}", "keep_docx": "on"})
    assert response.status_code == 400 and "does not compile" in html(response)
    assert counts() == before


def test_a_new_version_is_added_after_its_typed_preview_which_stores_nothing(client, ws, offer):
    as_(client, ws.manager)
    template = f"{base(ws)}templates/{offer['id']}/"
    assert "{{ account.name }}" in html(client.get(template))  # the latest text, to change
    typed = "<h1>Пропозиція для {{ account.name }}</h1><p>{{ acount.city }}</p>"
    before = counts()
    preview = client.post(template + "versions/", {"body": typed, "preview": "1"})
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert "Пропозиція для ТОВ" in pdf_text(preview.content)
    assert counts() == before
    response = client.post(template + "versions/", {"body": typed, "keep_docx": "on"})
    assert response.status_code == 302
    body = html(client.get(template))
    assert 'id="version-2"' in body
    # A placeholder that fills nothing is told, not refused.
    unknown = body.split('id="unknown-placeholders"')[1].split("</div>")[0]
    assert "acount.city" in unknown
    version = DocumentTemplateVersion.objects.get(template_id=offer["id"], version=2)
    pdf = client.get(f"{template}versions/{version.pk}/preview/pdf/")
    assert "Пропозиція для ТОВ" in pdf_text(pdf.content)
    missing = client.get(f"{template}versions/{version.pk}/preview/docx/")
    assert missing.status_code == 302  # no DOCX in this version: said on the template's page
    assert "has no" in html(client.get(missing["Location"])).lower()


def test_rename_and_archive_a_template(client, ws, offer):
    as_(client, ws.manager)
    template = f"{base(ws)}templates/{offer['id']}/"
    assert (
        client.post(template + "change/", {"name": "Offer 2026", "language": "en"}).status_code
        == 302
    )
    assert client.post(template + "active/", {"active": "0"}).status_code == 302
    made = DocumentTemplate.objects.get()
    assert (made.name, made.language, made.is_active) == ("Offer 2026", "en", False)
    assert 'id="template-archived"' in html(client.get(template))
    page = html(client.get(base(ws) + "new/"))
    assert 'id="no-templates"' in page  # an archived template makes nothing
    assert client.post(template + "change/", {"name": "", "language": "en"}).status_code == 400


def test_a_document_is_made_for_an_account_and_an_opportunity_and_downloaded(client, ws, offer):
    opportunity = ws.opportunity(title="Oil supply", amount=125000)
    as_(client, ws.manager)
    page = html(client.get(base(ws) + f"new/?opportunity={opportunity.pk}"))
    # The opportunity names its account; its contacts and opportunities are offered.
    assert f'<option value="{ws.account.pk}" selected>' in page
    assert f'<option value="{ws.contact.pk}">' in page
    assert f'<option value="{opportunity.pk}" selected>Oil supply</option>' in page
    response = generate(
        client, ws, offer, opportunity=opportunity.pk, contact=ws.contact.pk, file_format="pdf"
    )
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{base(ws)}?account={ws.account.pk}#document-{document.pk}"
    assert re.fullmatch(r"OFFER-\d{4}-0001", document.number)
    listing = html(client.get(response["Location"]))
    assert document.number in listing and "Oil supply" in listing
    assert f"{base(ws)}{document.pk}/download/" in listing
    download = client.get(f"{base(ws)}{document.pk}/download/")
    assert download["Content-Disposition"] == f'attachment; filename="{document.number}.pdf"'
    assert download["X-Document-SHA256"] == document.sha256
    text = pdf_text(download.content)
    assert "Іван Петренко" in text or "Петренко" in text
    detail = html(client.get(f"/crm/{ws.id}/opportunities/{opportunity.pk}/"))
    assert document.number in detail


def test_bad_document_input_shows_the_message_and_writes_nothing(client, ws, offer):
    other = Workspace(name="Other")
    stranger = other.opportunity(title="Theirs")
    mine = ws.opportunity(title="Mine")
    as_(client, ws.manager)
    before = counts()
    for data, message in (
        ({"contact": other.contact.pk}, "No such contact."),
        ({"opportunity": stranger.pk}, "No such opportunity."),
        ({"account": "", "deal": 999999}, "No such deal."),
        ({"account": ""}, "Choose the account the document is for."),
        ({"file_format": "odt"}, "Select a valid choice"),
        ({"template": 424242}, "Select a valid choice"),
    ):
        response = generate(client, ws, offer, **data)
        assert response.status_code == 400, data
        assert message in html(response), data
    # Another workspace's opportunity naming the account: not found.
    response = generate(client, ws, offer, opportunity=stranger.pk, account="")
    assert response.status_code == 404
    assert counts() == before
    assert mine.pk


def test_a_file_that_no_longer_matches_its_checksum_is_refused(client, ws, offer):
    as_(client, ws.manager)
    generate(client, ws, offer)
    document = GeneratedDocument.objects.get()
    Path(private_files()[-1]).write_bytes(b"tampered")
    response = client.get(f"{base(ws)}{document.pk}/download/")
    assert response.status_code == 409
    assert "does not match its recorded checksum" in html(response)


def test_the_placeholders_page_lists_every_source_with_the_workspace_s_custom_fields(client, ws):
    CustomField.objects.create(
        workspace=ws.company, entity="account", key="contract_no", label="Contract no.", type="text"
    )
    body = html(as_(client, ws.bidder).get(base(ws) + "placeholders/"))
    for placeholder in (
        "{{ account.name }}",
        "{{ deal.price }}",
        "{{ account.custom.contract_no }}",
    ):
        assert placeholder in body
    assert OFFER_BODY
