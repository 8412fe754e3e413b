"""The buyer's pages of a tender in other languages: its original language and versions (who
or what made each, whether the original changed since), a version set or edited by hand, the
machine asked for versions, and documents marked as translations of others.

Thin views: the services of ``auctions.tenders.versions`` decide and write. Only the buyer's
procurement officers and company admins reach these pages (anyone else: 404); the readers'
side is the tender page's (``tender_apply_views``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from auctions.models import Tender, TenderStatus
from auctions.tenders import selectors, versions
from auctions.tenders.version_text import lot_version_rows, version_languages
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.translation.models import LANGUAGE_CHOICES, LANGUAGE_CODES
from marketplace.translation.providers import provider_name

NAMES = dict(LANGUAGE_CHOICES)


def _refused(request, exc: ApplicationError) -> None:
    details = [m for errors in (exc.fields or {}).values() for m in errors if m != exc.message]
    messages.error(request, " ".join([exc.message, *details]))


def _tender(request, tender_id: int) -> Tender:
    try:
        return selectors.tender_get_managed(user=request.user, tender_id=tender_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def _back(tender_id: int):
    return redirect("frontend:tender-languages", tender_id=tender_id)


class VersionForm(forms.Form):
    """The tender's title and description in one language, and each lot's item and
    specification (``lot-<id>-title``, ``lot-<id>-description``; a lot left empty keeps its
    version, or has none)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea({"rows": 4})
    )

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.lots = lots
        for lot in lots:
            self.fields[f"lot-{lot.pk}-title"] = forms.CharField(
                label=_("Lot %(number)s: item") % {"number": lot.number},
                max_length=300,
                required=False,
                help_text=lot.title,
            )
            self.fields[f"lot-{lot.pk}-description"] = forms.CharField(
                label=_("Lot %(number)s: specification") % {"number": lot.number},
                required=False,
                widget=forms.Textarea({"rows": 2}),
            )

    def lot_texts(self) -> dict[int, dict]:
        out = {}
        for lot in self.lots:
            title = self.cleaned_data.get(f"lot-{lot.pk}-title", "")
            description = self.cleaned_data.get(f"lot-{lot.pk}-description", "")
            if title or description:
                out[lot.pk] = {"title": title, "description": description}
        return out


class DocumentTranslationForm(forms.Form):
    translation_of = forms.TypedChoiceField(
        label=gettext_lazy("Translation of"), coerce=int, choices=()
    )
    language = forms.ChoiceField(label=gettext_lazy("Into"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, documents, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["translation_of"].choices = [
            (d.pk, d.title) for d in documents if d.pk != document.pk
        ]


@login_required
@require_GET
def tender_languages(request, tender_id: int):
    tender = _tender(request, tender_id)
    rows = version_languages(tender)
    lots = list(selectors.lot_list_for_tender(tender=tender))
    lot_rows = {lot.pk: lot_version_rows(lot) for lot in lots}
    original = versions.tender_text_for(tender, tender.original_language)
    table = []
    for code in LANGUAGE_CODES:
        if code == tender.original_language:
            continue
        row = rows.get(code)
        shown = versions.tender_text_for(tender, code, lots=lots) if row is not None else None
        table.append(
            {
                "code": code,
                "name": NAMES[code],
                "row": row,
                "text": shown,
                "lots_done": sum(code in lot_rows[lot.pk] for lot in lots),
            }
        )
    documents = list(selectors.document_list(tender=tender))
    return render(
        request,
        "frontend/tenders/languages.html",
        {
            "tender": tender,
            "original": original,
            "original_name": NAMES.get(tender.original_language, tender.original_language),
            "table": table,
            "lot_count": len(lots),
            "provider": provider_name(),
            "is_open": tender.status in (TenderStatus.DRAFT, TenderStatus.PUBLISHED),
            "groups": versions.document_groups(documents),
            "document_forms": [
                (d, DocumentTranslationForm(documents=documents, document=d, prefix=f"d{d.pk}"))
                for d in documents
            ]
            if len(documents) > 1
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request, tender_id: int, language: str):
    tender = _tender(request, tender_id)
    if language not in LANGUAGE_CODES or language == tender.original_language:
        raise Http404(_("No such language."))
    lots = list(selectors.lot_list_for_tender(tender=tender))
    rows = version_languages(tender)
    initial: dict = {}
    if language in rows:
        initial = {"title": rows[language].title, "description": rows[language].description}
    for lot in lots:
        lot_row = lot_version_rows(lot).get(language)
        if lot_row is not None:
            initial[f"lot-{lot.pk}-title"] = lot_row.title
            initial[f"lot-{lot.pk}-description"] = lot_row.description
    form = VersionForm(request.POST or None, initial=initial, lots=lots)
    if request.method == "POST" and form.is_valid():
        try:
            versions.tender_version_set(
                actor=request.user,
                tender=tender,
                language=language,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                lots=form.lot_texts(),
            )
        except ApplicationError as exc:
            for name, errors in (exc.fields or {}).items():
                key = name.replace("lots.", "lot-").replace(".", "-")
                for message in errors:
                    form.add_error(key if key in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The version in %(language)s is saved.") % {"language": NAMES[language]}
            )
            return _back(tender.pk)
    machine = language in rows and rows[language].machine
    return render(
        request,
        "frontend/tenders/version_form.html",
        {
            "tender": tender,
            "form": form,
            "language_name": NAMES[language],
            "original_name": NAMES.get(tender.original_language, tender.original_language),
            "machine": machine,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def version_delete(request, tender_id: int, language: str):
    tender = _tender(request, tender_id)
    try:
        versions.tender_version_delete(actor=request.user, tender=tender, language=language)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The version is removed; readers see the original."))
    return _back(tender.pk)


@login_required
@require_POST
def versions_machine(request, tender_id: int):
    tender = _tender(request, tender_id)
    try:
        asked = versions.tender_versions_request(actor=request.user, tender=tender)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Machine translation asked into: %(languages)s. A version you wrote is kept.")
            % {"languages": ", ".join(str(NAMES[c]) for c in asked)},
        )
    return _back(tender.pk)


@login_required
@require_POST
def document_translation(request, tender_id: int, document_id: int):
    tender = _tender(request, tender_id)
    documents = list(selectors.document_list(tender=tender))
    document = next((d for d in documents if d.pk == document_id), None)
    if document is None:
        raise Http404(_("No such document."))
    if request.POST.get("remove"):
        try:
            versions.document_translation_unmark(actor=request.user, document=document)
        except ApplicationError as exc:
            _refused(request, exc)
        return _back(tender.pk)
    form = DocumentTranslationForm(
        request.POST, documents=documents, document=document, prefix=f"d{document.pk}"
    )
    if not form.is_valid():
        messages.error(request, _("Choose the original document and the language."))
        return _back(tender.pk)
    original = next(d for d in documents if d.pk == form.cleaned_data["translation_of"])
    try:
        versions.document_translation_mark(
            actor=request.user,
            document=document,
            translation_of=original,
            language=form.cleaned_data["language"],
        )
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The document is marked as a translation."))
    return _back(tender.pk)
