"""The document engine of the platform: a template and a context of plain values in, a PDF or a
DOCX out. It knows nothing of any app's rows: the caller builds the context. It serves the
CRM's templates (written by a company's people, kept as versions: ``crm.documents``) and the
orders' documents (contracts, specifications, invoices, delivery notes: ``deals``), which may
also ship their default templates as files (``pdf_from_template_file``).

Sandboxed on both sides, because the template's text is written by a company's people and the
placeholders' values come partly from its counterparties:

* the HTML text is a Django template compiled by an engine of its own (``SANDBOX``): only the
  tags and filters of ``register`` below (no ``load``, ``include``, ``extends``, ``debug``, no
  way to turn escaping off, no ``safe``), autoescape on, no template loaders (a template file
  shipped with an app is read through Django's loaders, then compiled here like any text);
* the context holds plain values only (``plain_context`` refuses anything else: no model
  object reaches a template, so no method that writes can be called from one);
* WeasyPrint fetches nothing but ``data:`` URLs (``_fetcher``): a template cannot read the
  server's files (``<img src="file:///...">``, ``<link rel="attachment">``) or reach its network;
* the DOCX is filled by docxtpl through Jinja2's immutable sandbox (``_jinja_env``), escaped.

A template that does not compile is refused with a message naming its line (HTML) or the
paragraph it breaks in (DOCX)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.template import (
    Context,
    Engine,
    Library,
    Template,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError

BODY_MAX_CHARS = 200_000
OUTPUT_MAX_CHARS = 2_000_000
DOCX_MAX_BYTES = 5 * 2**20
DOCX_MAX_UNPACKED_BYTES = 40 * 2**20
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX_CONTENT_TYPE}
FILE_FORMATS = tuple(CONTENT_TYPES)
# The A4 page every PDF is printed in (title, fonts, page numbers); the filled template is its body.
FRAME_TEMPLATE = "core/document.html"

# --- The HTML side: Django's template language, restricted -----------------------------------

SAFE_TAGS = (
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "regroup",
    "resetcycle",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
)
# Not offered: safe/safeseq (escaping stays on), pprint (shows internals), ljust/rjust/center,
# stringformat and floatformat (a width or precision of a billion is a gigabyte: the values
# come formatted), json_script/escapejs (no scripts in a document).
SAFE_FILTERS = (
    "add",
    "addslashes",
    "capfirst",
    "cut",
    "date",
    "default",
    "default_if_none",
    "dictsort",
    "dictsortreversed",
    "divisibleby",
    "escape",
    "filesizeformat",
    "first",
    "force_escape",
    "get_digit",
    "join",
    "last",
    "length",
    "linebreaks",
    "linebreaksbr",
    "linenumbers",
    "lower",
    "make_list",
    "pluralize",
    "slice",
    "slugify",
    "striptags",
    "time",
    "timesince",
    "timeuntil",
    "title",
    "truncatechars",
    "truncatewords",
    "unordered_list",
    "upper",
    "urlize",
    "wordcount",
    "wordwrap",
    "yesno",
)

# The sandbox engine's only built-in library (found by its module path, as Django finds any).
register = Library()
for _name in SAFE_TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name in SAFE_FILTERS:
    register.filters[_name] = defaultfilters.register.filters[_name]


class _SandboxEngine(Engine):
    default_builtins = ["marketplace.core.document_engine"]  # instead of Django's full default set


SANDBOX = _SandboxEngine(debug=True, loaders=[], libraries={}, autoescape=True)
# The same, printing a marker for a placeholder nothing fills (to tell the author of typos).
_UNKNOWN = "\u2063unknown:%s\u2063"
_UNKNOWN_RE = re.compile("\u2063unknown:([^\u2063]*)\u2063")
_SANDBOX_STRICT = _SandboxEngine(
    debug=True, loaders=[], libraries={}, autoescape=True, string_if_invalid=_UNKNOWN
)


def _body_error(message: str) -> ApplicationError:
    return ApplicationError(message, code="template_syntax", fields={"body": [message]})


def html_compile(body: str, *, engine: Engine = SANDBOX) -> Template:
    """The HTML text compiled in the sandbox; a 400 naming the line if it does not compile."""
    if len(body) > BODY_MAX_CHARS:
        raise _body_error(
            _("The template's text is longer than %(n)d characters.") % {"n": BODY_MAX_CHARS}
        )
    try:
        return engine.from_string(body)
    except TemplateSyntaxError as exc:
        line = (getattr(exc, "template_debug", None) or {}).get("line")
        raise _body_error(
            _("The template does not compile, line %(line)s: %(error)s")
            % {"line": line or "?", "error": exc}
        ) from None


PlainValue = str | int | Decimal | date | datetime | bool | None
_PLAIN = (str, int, Decimal, date, bool, type(None))


def _frozen(value: Any, path: str) -> Any:
    if isinstance(value, _PLAIN) and not callable(value):
        return value
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"{path}: a key that is not text: {key!r}")
        return MappingProxyType({k: _frozen(v, f"{path}.{k}") for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(item, f"{path}[{i}]") for i, item in enumerate(value))
    raise TypeError(f"{path}: not a plain value: {type(value).__name__}")


def plain_context(context: Mapping) -> dict:
    """A read-only copy of ``context`` made only of plain values (text, numbers, dates,
    booleans, and mappings and lists of them), or a TypeError naming the first thing that is
    not one. Model objects, functions and anything with methods of its own never reach a
    template, and no method a template may call changes anything (read-only mappings and
    tuples: no ``clear``, ``pop`` or ``append``)."""
    frozen = _frozen(context, "context")
    if not isinstance(frozen, Mapping):
        raise TypeError("context: not a mapping")
    return dict(frozen)  # the top level: Django's Context stacks its own dicts on it


def html_render(*, body: str, context: dict) -> str:
    """The HTML text filled from ``context`` (plain values only) in the sandbox."""
    template = html_compile(body)
    html = template.render(Context(plain_context(context), autoescape=True))
    if len(html) > OUTPUT_MAX_CHARS:
        raise ApplicationError(
            _("The filled template is longer than %(n)d characters.") % {"n": OUTPUT_MAX_CHARS},
            code="document_too_large",
        )
    return html


def html_unknown_placeholders(*, body: str, context: dict) -> list[str]:
    """The placeholders of ``body`` printed with nothing in ``context`` to fill them, in the
    order they first appear (a placeholder only tested by ``{% if %}`` is not one of them)."""
    template = html_compile(body, engine=_SANDBOX_STRICT)
    html = template.render(Context(plain_context(context), autoescape=True))
    return list(dict.fromkeys(_UNKNOWN_RE.findall(html)))


def _fetcher():
    # WeasyPrint is heavy; loaded only when a PDF is made (as auctions.protocol.render does).
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def pdf_render(*, body: str, context: dict, title: str, language: str, created: datetime) -> bytes:
    """A PDF of the HTML text filled from ``context``, in the A4 frame ``core/document.html``
    (DejaVu fonts: Latin and Cyrillic). ``created`` is written as the file's date, so the bytes
    are a function of the content."""
    from weasyprint import HTML  # heavy; loaded only when a PDF is made

    filled = html_render(body=body, context=context)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):  # the frame's words ("Page") in the document's
        html = render_to_string(
            FRAME_TEMPLATE,
            {
                "title": title,
                "language": language,
                "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "body": mark_safe(filled),  # noqa: S308 - rendered in the sandbox, escaped there
            },
        )
    return HTML(string=html, url_fetcher=_fetcher()).write_pdf()


def _template_file_source(template_name: str) -> str:
    """The text of a template file shipped with an app, found by the project's template
    loaders (its apps' ``templates/`` directories, ``TEMPLATES["DIRS"]``) but not compiled by
    them: only its text is taken."""
    tried = []
    for loader in Engine.get_default().template_loaders:
        for origin in loader.get_template_sources(template_name):
            reader: Any = origin.loader  # the loader that found it (inside a cached one)
            try:
                return reader.get_contents(origin)
            except TemplateDoesNotExist:
                tried.append((origin, "Source does not exist"))
    raise TemplateDoesNotExist(template_name, tried=tried)


def pdf_from_template_file(
    template_name: str, context: dict, *, title: str, language: str, created: datetime
) -> bytes:
    """A PDF of the HTML template file ``template_name`` shipped with an app (an order's
    default contract or invoice, say), filled from ``context`` exactly as a template written by
    a company's people is: compiled in the sandbox, plain values only, escaped, in the same A4
    frame. TemplateDoesNotExist if no loader finds it."""
    return pdf_render(
        body=_template_file_source(template_name),
        context=context,
        title=title,
        language=language,
        created=created,
    )


# --- The DOCX side: docxtpl through Jinja2's sandbox -----------------------------------------


def _jinja_env():
    # Jinja2 and docxtpl are loaded only when a DOCX is checked or made.
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    class _Env(ImmutableSandboxedEnvironment):
        """Jinja2's immutable sandbox (no attribute starting with "_", no method that changes
        a list or dict), and no power or repetition that builds a huge value."""

        intercepted_binops = frozenset(["*", "**", "%"])

        def call_binop(self, context, operator, left, right):
            if operator == "**":
                raise SecurityError("** is not allowed in a document template")
            if operator == "*" and (isinstance(left, str | list) or isinstance(right, str | list)):
                raise SecurityError("repeating text is not allowed in a document template")
            if operator == "%" and isinstance(left, str):
                raise SecurityError("%-formatting is not allowed in a document template")
            return super().call_binop(context, operator, left, right)

    env = _Env(autoescape=True)
    for name in _JINJA_REFUSED_FILTERS:
        env.filters.pop(name, None)
    return env


# Padding and formatting to a given width: a width of a billion is a gigabyte.
_JINJA_REFUSED_FILTERS = ("center", "indent", "format")


def _docx_error(message: str) -> ApplicationError:
    return ApplicationError(message, code="docx_invalid", fields={"docx": [message]})


def docx_check(data: bytes, *, context: dict) -> None:
    """Refuse what is not a real, macro-free DOCX of at most ``DOCX_MAX_BYTES`` whose
    placeholders compile and fill from ``context`` (an example of every source: a name no
    source has is refused now, not when a document is made). 400 ``docx_invalid`` with a
    message saying what is wrong."""
    if not data:
        raise _docx_error(_("The DOCX file is empty."))
    if len(data) > DOCX_MAX_BYTES:
        raise _docx_error(
            _("The DOCX file is larger than %(mb)d MB.") % {"mb": DOCX_MAX_BYTES // 2**20}
        )
    if not data.startswith(b"PK\x03\x04"):
        raise _docx_error(_("The file is not a DOCX document (Word 2007 or later)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise _docx_error(_("The file is not a DOCX document (Word 2007 or later)."))
            if sum(entry.file_size for entry in entries) > DOCX_MAX_UNPACKED_BYTES:
                raise _docx_error(_("The DOCX file unpacks to too much data."))
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _docx_error(_("The DOCX file is damaged: it cannot be opened.")) from None
    if b"macroEnabled" in types or any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _docx_error(_("Documents with macros are not accepted: save it as a plain .docx."))
    docx_render(data=data, context=context)


def docx_render(*, data: bytes, context: dict) -> bytes:
    """The DOCX template ``data`` filled from ``context`` (plain values only)."""
    from docxtpl import DocxTemplate  # heavy; loaded only when a DOCX is checked or made
    from jinja2 import TemplateError, TemplateSyntaxError

    frozen = plain_context(context)
    try:
        document = DocxTemplate(io.BytesIO(data))
        document.render(frozen, jinja_env=_jinja_env(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except TemplateSyntaxError as exc:
        raise _docx_error(
            _("The DOCX template does not compile near “%(text)s”: %(error)s")
            % {"text": _docx_near(exc), "error": exc.message}
        ) from None
    except TemplateError as exc:
        raise _docx_error(
            _("The DOCX template cannot be filled: %(error)s") % {"error": exc}
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _docx_error(
            _("The DOCX file is damaged: %(error)s") % {"error": type(exc).__name__}
        ) from None
    return out.getvalue()


def _docx_near(exc) -> str:
    """The text of the paragraph a Jinja2 error in a DOCX points at (docxtpl puts each
    paragraph on its own line and keeps the seven lines around the error)."""
    lines = [line.strip() for line in getattr(exc, "docx_context", None) or []]
    if not lines:
        return "?"
    lineno = getattr(exc, "lineno", None) or 1
    index = min((lineno - 1) - max(lineno - 4, 0), len(lines) - 1)
    text = lines[index] or next((line for line in lines if line), "")
    return re.sub(r"\s+", " ", text)[:120] or "?"


def document_render(
    *,
    body: str,
    docx: bytes | None,
    context: dict,
    file_format: str,
    title: str,
    language: str,
    created: datetime,
) -> bytes:
    """A document from one template version's text (``body``, HTML) or DOCX (``docx``) and a
    context of plain values, as ``file_format`` (pdf: from the HTML; docx: from the DOCX)."""
    if file_format == "pdf":
        if not body.strip():
            raise ApplicationError(
                _("This template version has no HTML text: make a DOCX from it instead."),
                code="template_has_no_html",
            )
        return pdf_render(
            body=body, context=context, title=title, language=language, created=created
        )
    if file_format == "docx":
        if docx is None:
            raise ApplicationError(
                _("This template version has no DOCX: upload one, or make a PDF instead."),
                code="template_has_no_docx",
            )
        return docx_render(data=docx, context=context)
    raise ValueError(file_format)
