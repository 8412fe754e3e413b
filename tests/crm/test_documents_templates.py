"""Document templates: who may make and change them, versions that are only ever added, the
HTML sandbox (a text that does not compile is refused naming its line; no tag or filter that
loads, includes, debugs or unescapes), DOCX uploads (a real, macro-free .docx of at most 5 MB
whose placeholders compile, kept in the private storage) and the placeholders' list."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from crm.document_selectors import SOURCES, document_context, example_context
from crm.models import CustomField, DocumentTemplate, DocumentTemplateVersion
from marketplace.core import document_engine
from marketplace.core.exceptions import ApplicationError
from tests.crm.analytics_factories import Workspace, client
from tests.crm.documents_factories import (
    OFFER_BODY,
    counts,
    docx_bytes,
    docx_upload,
    make_template,
    media_files,
    private_files,
    template_url,
    templates_url,
    versions_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws():
    return Workspace()


# --- Who may ---------------------------------------------------------------------------------


def test_account_managers_and_admins_make_templates_with_a_first_version(ws):
    for user in (ws.manager, ws.admin):
        r = client(user).post(
            templates_url(ws),
            {"name": "Offer", "kind": "offer", "language": "uk", "body": OFFER_BODY},
            format="json",
        )
        assert r.status_code == 201, r.json()
        body = r.json()
        assert body["kind"] == "offer" and body["is_active"] is True
        assert body["latest_version"]["version"] == 1
        assert body["latest_version"]["has_docx"] is False
    assert DocumentTemplate.objects.filter(workspace=ws.company).count() == 2
    version = DocumentTemplateVersion.objects.filter(template__workspace=ws.company).first()
    assert version.body == OFFER_BODY and version.created_by in (ws.manager, ws.admin)


def test_officers_and_bidders_read_templates_but_may_not_change_them(ws):
    made = make_template(ws)
    before = counts()
    for user in (ws.officer, ws.bidder):
        c = client(user)
        assert c.get(templates_url(ws)).json()["count"] == 1
        assert c.get(template_url(ws, made["id"])).status_code == 200
        assert c.get(versions_url(ws, made["id"])).status_code == 200
        r = c.post(templates_url(ws), {"name": "X", "kind": "offer", "body": "x"}, format="json")
        assert r.status_code == 403 and r.json()["error"]["code"] == "crm_read_only"
        assert c.post(versions_url(ws, made["id"]), {"body": "y"}, format="json").status_code == 403
        r = c.patch(template_url(ws, made["id"]), {"is_active": False}, format="json")
        assert r.status_code == 403
    assert counts() == before
    assert DocumentTemplate.objects.get(pk=made["id"]).is_active is True


def test_another_company_gets_404_on_every_template_endpoint_and_anonymous_is_refused(ws):
    made = make_template(ws)
    version_id = made["latest_version"]["id"]
    paths = [
        templates_url(ws),
        template_url(ws, made["id"]),
        versions_url(ws, made["id"]),
        f"{versions_url(ws, made['id'])}{version_id}/",
        f"{versions_url(ws, made['id'])}{version_id}/docx/",
        f"{versions_url(ws, made['id'])}{version_id}/preview/",
        f"/api/crm/{ws.id}/document-placeholders/",
    ]
    before = counts()
    for user in (ws.outsider, ws.outsider_admin):
        c = client(user)
        for path in paths:
            assert c.get(path).status_code == 404, path
        assert (
            c.post(templates_url(ws), {"name": "X", "kind": "offer", "body": "x"}).status_code
            == 404
        )
        assert c.post(versions_url(ws, made["id"]), {"body": "x"}).status_code == 404
        assert c.patch(template_url(ws, made["id"]), {"name": "Mine"}).status_code == 404
        # The outsider's own workspace does not hold this workspace's template either.
        own = f"/api/crm/{ws.outsider_company.pk}/document-templates/{made['id']}/"
        assert c.get(own).status_code == 404
    for path in paths:
        assert client().get(path).status_code in (401, 403)
    assert counts() == before
    assert DocumentTemplate.objects.get(pk=made["id"]).name == "Стандартна пропозиція"


# --- Versions ----------------------------------------------------------------------------------


def test_a_version_is_never_changed_only_added(ws):
    made = make_template(ws)
    first = DocumentTemplateVersion.objects.get(template_id=made["id"])
    r = client(ws.manager).post(
        versions_url(ws, made["id"]), {"body": "<p>v2 {{ account.name }}</p>"}, format="json"
    )
    assert r.status_code == 201, r.json()
    assert r.json()["version"] == 2 and r.json()["unknown_placeholders"] == []
    first.refresh_from_db()
    assert first.body == OFFER_BODY  # the first version is as it was
    listed = client(ws.officer).get(versions_url(ws, made["id"])).json()["results"]
    assert [v["version"] for v in listed] == [2, 1]
    assert (
        client(ws.manager).get(template_url(ws, made["id"])).json()["latest_version"]["version"]
        == 2
    )
    # No endpoint changes or deletes a version.
    url = f"{versions_url(ws, made['id'])}{first.pk}/"
    for method in ("put", "patch", "delete"):
        assert getattr(client(ws.manager), method)(url, {"body": "x"}).status_code == 405
    assert client(ws.manager).delete(template_url(ws, made["id"])).status_code == 405


def test_the_kind_never_changes_and_a_template_is_archived_not_deleted(ws):
    made = make_template(ws)
    r = client(ws.manager).patch(
        template_url(ws, made["id"]),
        {"name": "Renamed", "kind": "invoice", "is_active": False, "language": "en"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["kind"] == "offer" and r.json()["name"] == "Renamed"
    assert r.json()["is_active"] is False and r.json()["language"] == "en"
    listed = client(ws.manager).get(templates_url(ws), {"active": "true"}).json()
    assert listed["count"] == 0
    assert client(ws.manager).get(templates_url(ws), {"kind": "offer"}).json()["count"] == 1


def test_unknown_placeholders_are_told_to_the_author_not_refused(ws):
    CustomField.objects.create(
        workspace=ws.company, entity="account", key="contract_no", label="Contract", type="text"
    )
    made = make_template(
        ws, body="<p>{{ acount.name }} {{ account.custom.contract_no }} {{ account.name }}</p>"
    )
    detail = (
        client(ws.officer)
        .get(f"{versions_url(ws, made['id'])}{made['latest_version']['id']}/")
        .json()
    )
    assert detail["unknown_placeholders"] == ["acount.name"]


# --- The HTML sandbox ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("<p>one</p>\n<p>two</p>\n{% if account.name %}\n<p>never closed</p>\n", 3, "if"),
        ("<p>{{ account.name }}</p>\n{% load static %}", 2, "load"),
        ('{% include "core/document.html" %}', 1, "include"),
        ('{% extends "core/document.html" %}', 1, "extends"),
        ("<p>\n{% debug %}</p>", 2, "debug"),
        ("{% autoescape off %}{{ account.name }}{% endautoescape %}", 1, "autoescape"),
        ("<p>{{ account.name|safe }}</p>", 1, "safe"),
        ('<p>{{ account.name|ljust:"999999999" }}</p>', 1, "ljust"),
        ('<p>{{ account.name|stringformat:"999999999s" }}</p>', 1, "stringformat"),
        ('<p>{{ opportunity.amount_value|floatformat:"999999999" }}</p>', 1, "floatformat"),
        ("<p>{{ account.__class__ }}</p>", 1, "underscore"),
    ],
)
def test_a_text_that_does_not_compile_in_the_sandbox_is_refused_naming_its_line(
    ws, body, line, words
):
    before = counts()
    r = client(ws.manager).post(
        templates_url(ws), {"name": "Bad", "kind": "letter", "body": body}, format="json"
    )
    assert r.status_code == 400, r.json()
    error = r.json()["error"]
    assert error["code"] == "template_syntax"
    assert f"line {line}" in error["message"]
    assert words in error["message"] or (
        words == "underscore" and "underscores" in error["message"]
    )
    assert error["fields"]["body"]
    assert counts() == before


def test_a_bad_new_version_is_refused_and_the_template_keeps_its_versions(ws):
    made = make_template(ws)
    before = counts()
    r = client(ws.manager).post(
        versions_url(ws, made["id"]), {"body": "<p>\n{% for x in y %}"}, format="json"
    )
    assert r.status_code == 400 and "line 2" in r.json()["error"]["message"]
    assert counts() == before


def test_placeholder_values_are_escaped_and_model_objects_never_reach_a_template(ws):
    html = document_engine.html_render(
        body="<p>{{ account.name }}</p>", context={"account": {"name": "<script>x</script>"}}
    )
    assert html == "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    with pytest.raises(TypeError, match="account: not a plain value: Account"):
        document_engine.html_render(body="{{ account.name }}", context={"account": ws.account})
    with pytest.raises(TypeError, match="not a plain value"):
        document_engine.plain_context({"f": lambda: 1})


def test_no_method_a_template_may_call_changes_its_values(ws):
    context = {"account": {"name": "Acme", "tags": ["a", "b"]}}
    html = document_engine.html_render(
        body=(
            "{{ account.clear }}{{ account.popitem }}{{ account.tags.pop }}"
            "{{ account.tags.clear }}[{{ account.name }}|{{ account.tags|join:',' }}]"
        ),
        context=context,
    )
    assert html.endswith("[Acme|a,b]")
    assert context == {"account": {"name": "Acme", "tags": ["a", "b"]}}
    data = docx_bytes("{{ account.tags.append('c') }}{{ account.name }}")
    with pytest.raises(ApplicationError):
        document_engine.docx_render(data=data, context=context)
    assert context["account"]["tags"] == ["a", "b"]


def test_empty_templates_and_bad_fields_are_refused(ws):
    before = counts()
    c = client(ws.manager)
    r = c.post(templates_url(ws), {"name": "Empty", "kind": "offer", "body": " "}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "template_empty"
    r = c.post(templates_url(ws), {"name": "X", "kind": "memo", "body": "x"}, format="json")
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    r = c.post(templates_url(ws), {"name": "X", "kind": "offer", "body": "x", "language": "de"})
    assert r.status_code == 400 and "language" in r.json()["error"]["fields"]
    r = c.post(templates_url(ws), {"name": "", "kind": "offer", "body": "x"}, format="json")
    assert r.status_code == 400 and "name" in r.json()["error"]["fields"]
    assert counts() == before


# --- DOCX uploads ------------------------------------------------------------------------------


def test_a_docx_template_is_kept_in_the_private_storage_and_downloaded_through_the_api(ws):
    data = docx_bytes("Шановний {{ contact.full_name }}!", "Сума: {{ opportunity.amount }}")
    made = make_template(ws, docx=docx_upload(data=data))
    assert made["latest_version"]["has_docx"] is True
    version = DocumentTemplateVersion.objects.get(template_id=made["id"])
    assert version.docx_name.startswith(f"crm/templates/{ws.id}/")
    assert len(private_files()) == 1 and media_files() == []
    detail = client(ws.bidder).get(f"{versions_url(ws, made['id'])}{version.pk}/").json()
    r = client(ws.bidder).get(detail["docx_url"])
    assert r.status_code == 200 and r.content == data
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert r["Cache-Control"] == "private, no-store"


def test_a_new_version_keeps_the_docx_unless_told_to_drop_it(ws):
    made = make_template(ws, docx=docx_upload("Dear {{ contact.full_name }}"))
    first = DocumentTemplateVersion.objects.get(template_id=made["id"], version=1)
    r = client(ws.manager).post(
        versions_url(ws, made["id"]), {"body": "<p>{{ account.name }}</p>"}, format="multipart"
    )
    assert r.status_code == 201 and r.json()["has_docx"] is True
    second = DocumentTemplateVersion.objects.get(template_id=made["id"], version=2)
    assert second.docx_name == first.docx_name
    r = client(ws.manager).post(
        versions_url(ws, made["id"]),
        {"body": "<p>{{ account.name }}</p>", "keep_docx": "false"},
        format="multipart",
    )
    assert r.status_code == 201 and r.json()["has_docx"] is False
    r = client(ws.manager).post(
        versions_url(ws, made["id"]),
        {"docx": docx_upload("v4 {{ account.name }}")},
        format="multipart",
    )
    assert r.status_code == 201 and r.json()["has_docx"] is True and r.json()["body"] == ""
    assert len(private_files()) == 2


def _macro_docx() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx_bytes("Hello")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"wordprocessingml.document.main+xml",
                    b"ms-word.document.macroEnabled.main+xml",
                )
            target.writestr(item, content)
        target.writestr("word/vbaProject.bin", b"\x00" * 16)
    return out.getvalue()


def _zip_without_word() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("hello.txt", "not a document")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("offer.docx", b"%PDF-1.4\n% a pdf named docx\n", "not a DOCX"),
        ("offer.docx", _zip_without_word(), "not a DOCX"),
        ("offer.docx", b"PK\x03\x04 broken zip", "damaged"),
        ("offer.docm", docx_bytes("Hello"), ".docx"),
        ("offer.docx", _macro_docx(), "macros"),
        ("offer.docx", docx_bytes("Hello", "{% if x %}", "never closed"), "does not compile"),
        ("offer.docx", b"", "empty"),
        ("offer.docx", docx_bytes("{{ contact.full_name|center(999999999) }}"), "center"),
        ("offer.docx", docx_bytes('{{ "%999999999s" % contact.full_name }}'), "not allowed"),
        ("offer.docx", docx_bytes("{{ contact.full_name * 999999999 }}"), "not allowed"),
        ("offer.docx", docx_bytes("{{ contact.__class__.__mro__ }}"), "cannot be filled"),
    ],
)
def test_an_upload_that_is_not_a_real_docx_is_refused_and_nothing_is_written(ws, name, data, says):
    before = counts()
    r = client(ws.manager).post(
        templates_url(ws),
        {"name": "Docx", "kind": "contract", "docx": docx_upload(name=name, data=data)},
        format="multipart",
    )
    assert r.status_code == 400, r.json()
    error = r.json()["error"]
    assert error["code"] in ("docx_invalid", "invalid"), error
    assert says in error["message"] or says in str(error.get("fields")), error
    assert counts() == before


def test_a_docx_whose_placeholders_do_not_compile_names_the_paragraph(ws):
    data = docx_bytes("Вступ", "Шановний {{ contact.full_name }", "Кінець")
    r = client(ws.manager).post(
        templates_url(ws),
        {"name": "Docx", "kind": "letter", "docx": docx_upload(data=data)},
        format="multipart",
    )
    assert r.status_code == 400
    assert "Шановний" in r.json()["error"]["message"], r.json()


def test_a_docx_over_the_size_limit_is_refused(ws, monkeypatch):
    monkeypatch.setattr(document_engine, "DOCX_MAX_BYTES", 1000)
    monkeypatch.setattr("crm.documents.DOCX_MAX_BYTES", 1000)
    before = counts()
    r = client(ws.manager).post(
        templates_url(ws),
        {"name": "Big", "kind": "contract", "docx": docx_upload("x" * 5000)},
        format="multipart",
    )
    assert r.status_code == 400 and "larger than" in r.json()["error"]["message"]
    assert counts() == before


def test_the_real_size_limit_is_five_megabytes():
    assert document_engine.DOCX_MAX_BYTES == 5 * 2**20


# --- Placeholders ----------------------------------------------------------------------------


def test_the_placeholders_are_listed_per_source_with_the_workspaces_custom_fields(ws):
    CustomField.objects.create(
        workspace=ws.company, entity="opportunity", key="po", label="PO number", type="text"
    )
    r = client(ws.bidder).get(f"/api/crm/{ws.id}/document-placeholders/")
    assert r.status_code == 200
    sources = {s["source"]: s for s in r.json()}
    assert set(sources) == {
        "workspace",
        "account",
        "contact",
        "opportunity",
        "deal",
        "document",
        "author",
    }
    keys = {p["key"] for p in sources["opportunity"]["placeholders"]}
    assert {"opportunity.amount", "opportunity.custom.po"} <= keys
    deal = {p["key"]: p for p in sources["deal"]["placeholders"]}
    assert deal["deal.supplier.name"]["placeholder"] == "{{ deal.supplier.name }}"


def test_every_listed_placeholder_is_filled_by_the_context_and_nothing_else_is(ws):
    opportunity = ws.opportunity(amount=Decimal("12500.50"), currency="UAH")
    context = document_context(
        workspace=ws.company,
        account=ws.account,
        contact=ws.contact,
        opportunity=opportunity,
        deal=None,
        number="OFFER-2026-0001",
        kind="offer",
        template_name="T",
        author=ws.manager,
        language="uk",
    )

    def flat(prefix, value):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from flat(f"{prefix}.{k}" if prefix else k, v)
        else:
            yield prefix

    filled = {k for k in flat("", context) if ".custom." not in k}
    filled -= {"contact.emails", "contact.phones"}  # lists, for loops: not placeholders
    listed = {f"{s.key}.{f.key}" for s in SOURCES for f in s.fields if s.key != "deal"}
    assert filled == listed
    assert set(flat("", example_context())) >= {
        f"{s.key}.{f.key}" for s in SOURCES for f in s.fields
    }
    assert context["opportunity"]["amount"] == "12\xa0500,50"
    assert context["opportunity"]["probability"] == "20"  # the stage's
    assert context["account"]["custom"] == {"contract_no": "Д-17"}
    assert context["deal"] == {}
