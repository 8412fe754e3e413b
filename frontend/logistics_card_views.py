"""The carriers' pages: the carriers I may see (``/logistics/carriers/``: my companies' own and
the partners of the platforms they trade on, or those of the platforms I administer), one
carrier with its rate cards, a rate card with its bands as an editable table, and a card's
bands from an XLSX file (``rate_import``) with its row-by-row report; the file to start from.

A platform's admins keep its carriers, a company's admins the company's own; everyone else who
may see a carrier reads it (no form). Thin views: ``logistics.selectors`` read (another
company's carrier or card is not found: 404), ``logistics.services`` and
``logistics.rate_import`` check and write, the card and all its bands together or nothing; a
refusal shows the service's messages next to the fields and band cells they name."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from logistics import rate_import, selectors, services
from logistics.access import CARRIER_EDIT_ROLES, carrier_may_edit
from logistics.models import Carrier, RateCard
from marketplace.companies.selectors import companies_of_user, user_company_ids
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.files import download_response
from marketplace.core.ids import is_id

from .logistics_forms import (
    BandFormSet,
    CarrierForm,
    RateCardForm,
    RateFileForm,
    add_service_error,
    band_errors_on_rows,
    band_initial,
    band_numbers,
    bands_of,
)
from .logistics_views import administered_platforms, not_found

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "tradefloor-rate-card.xlsx"


def _carrier(request, carrier_id: int) -> Carrier:
    if not is_id(carrier_id):
        raise Http404(_("Carrier not found."))
    try:
        return selectors.carrier_get(user=request.user, carrier_id=carrier_id)
    except NotFoundError as exc:
        raise not_found(exc) from exc


def _card(request, card_id: int) -> RateCard:
    if not is_id(card_id):
        raise Http404(_("Rate card not found."))
    try:
        return selectors.rate_card_get(user=request.user, card_id=card_id)
    except NotFoundError as exc:
        raise not_found(exc) from exc


def carrier_owners(user) -> list[tuple[str, str]]:
    """Whose a new carrier may be: the companies the person is an admin of (else its other
    companies, for the service to refuse) and the platforms it administers."""
    ids = user_company_ids(user=user, roles=CARRIER_EDIT_ROLES) or user_company_ids(user=user)
    owners = [
        (f"company:{c.pk}", c.legal_name)
        for c in companies_of_user(user=user).filter(pk__in=ids).order_by("legal_name", "pk")
    ]
    owners += [
        (f"platform:{pk}", _("%(platform)s (the platform's partners)") % {"platform": name})
        for pk, name in administered_platforms(user)
    ]
    return owners


# --- Carriers ----------------------------------------------------------------------------------


@login_required
@require_GET
def carrier_list_page(request):
    """The carriers I may see, with whose each is; a link to change those I keep."""
    carriers = selectors.carrier_list(user=request.user)
    return render(
        request,
        "frontend/logistics/carriers.html",
        {
            "section": "carriers",
            "rows": [
                {"carrier": c, "may_edit": carrier_may_edit(user=request.user, carrier=c)}
                for c in carriers
            ],
            "may_create": bool(
                user_company_ids(user=request.user, roles=CARRIER_EDIT_ROLES)
                or administered_platforms(request.user)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def carrier_create_page(request):
    owners = carrier_owners(request.user)
    form = CarrierForm(request.POST or None, owners=owners)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                carrier = services.carrier_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    is_active=form.cleaned_data["is_active"],
                    **form.owner_ids(),
                )
            except NotFoundError as exc:  # a platform or company not the person's
                raise not_found(exc) from exc
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request, _("The carrier “%(name)s” is saved.") % {"name": carrier.name}
                )
                return redirect("frontend:logistics-carrier", carrier_id=carrier.pk)
    return render(
        request,
        "frontend/logistics/carrier_form.html",
        {"section": "carriers", "form": form},
        status=status,
    )


def _carrier_page(request, carrier: Carrier, *, form=None, refusal=None, status: int = 200):
    may_edit = carrier_may_edit(user=request.user, carrier=carrier)
    if not may_edit and refusal is None and request.method == "POST":  # a reader's bad form
        refusal = PermissionDeniedError(_("You may read this carrier but not change it."))
        status = 403
    if form is None and may_edit:
        form = CarrierForm(initial={"name": carrier.name, "is_active": carrier.is_active})
    return render(
        request,
        "frontend/logistics/carrier.html",
        {
            "section": "carriers",
            "carrier": carrier,
            "cards": selectors.rate_card_list(user=request.user, carrier_id=carrier.pk),
            "may_edit": may_edit,
            "form": form if may_edit else None,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def carrier_page(request, carrier_id: int):
    """A carrier and its rate cards; for its keepers, its name and whether it is active (POST
    changes them)."""
    carrier = _carrier(request, carrier_id)
    if request.method == "GET":
        return _carrier_page(request, carrier)
    form = CarrierForm(request.POST)
    if not form.is_valid():
        return _carrier_page(request, carrier, form=form, status=400)
    try:
        changed = services.carrier_update(
            user=request.user,
            carrier_id=carrier.pk,
            name=form.cleaned_data["name"],
            is_active=form.cleaned_data["is_active"],
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except PermissionDeniedError as exc:
        return _carrier_page(request, carrier, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _carrier_page(request, carrier, form=form, status=exc.status_code)
    messages.success(request, _("The carrier “%(name)s” is saved.") % {"name": changed.name})
    return redirect("frontend:logistics-carrier", carrier_id=carrier.pk)


@login_required
@require_POST
def carrier_delete_page(request, carrier_id: int):
    """Remove a carrier and its rate cards."""
    carrier = _carrier(request, carrier_id)
    try:
        services.carrier_delete(user=request.user, carrier_id=carrier.pk)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ApplicationError as exc:
        return _carrier_page(request, carrier, refusal=exc, status=exc.status_code)
    messages.success(request, _("The carrier “%(name)s” is removed.") % {"name": carrier.name})
    return redirect("frontend:logistics-carriers")


# --- Rate cards --------------------------------------------------------------------------------


def _card_page(
    request,
    *,
    carrier: Carrier,
    card: RateCard | None = None,
    card_form=None,
    formset=None,
    refusal=None,
    status: int = 200,
):
    may_edit = carrier_may_edit(user=request.user, carrier=carrier)
    if may_edit and card_form is None:
        initial = {}
        if card is not None:
            initial = {field: getattr(card, field) for field in services.CARD_FIELDS}
        card_form = RateCardForm(initial=initial)
        formset = BandFormSet(
            initial=band_initial(card.bands.all()) if card is not None else None, prefix="bands"
        )
    if refusal is None and not may_edit and (card is None or request.method == "POST"):
        refusal = PermissionDeniedError(
            _("You may read this carrier but not change it.")
            if card is None
            else _("You may read this rate card but not change it.")
        )
        status = 403
    return render(
        request,
        "frontend/logistics/card_form.html",
        {
            "section": "carriers",
            "carrier": carrier,
            "card": card,
            "bands": card.bands.all() if card is not None else [],
            "may_edit": may_edit,
            "card_form": card_form if may_edit else None,
            "formset": formset if may_edit else None,
            "band_rows": list(zip(formset.forms, band_numbers(formset), strict=True))
            if may_edit and formset is not None
            else [],
            "refusal": refusal,
        },
        status=status,
    )


def _posted_card(request, card: RateCard | None = None):
    """The card's form and band rows as posted, and the bands they hold (in their rows'
    order) when both parse."""
    card_form = RateCardForm(request.POST)
    initial = band_initial(card.bands.all()) if card is not None else None
    formset = BandFormSet(request.POST, initial=initial, prefix="bands")
    valid = card_form.is_valid() & formset.is_valid()  # both, so every message shows at once
    bands, rows = bands_of(formset) if valid else ([], [])
    return card_form, formset, valid, bands, rows


@login_required
@require_http_methods(["GET", "POST"])
def card_create_page(request, carrier_id: int):
    """A new rate card of the carrier: its terms and its bands, written together or not at
    all."""
    carrier = _carrier(request, carrier_id)
    if request.method == "GET":
        return _card_page(request, carrier=carrier)
    card_form, formset, valid, bands, rows = _posted_card(request)
    if not valid:
        return _card_page(
            request, carrier=carrier, card_form=card_form, formset=formset, status=400
        )
    try:
        card = services.rate_card_create(
            user=request.user, carrier_id=carrier.pk, bands=bands, **card_form.service_values()
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except PermissionDeniedError as exc:
        return _card_page(request, carrier=carrier, refusal=exc, status=403)
    except ApplicationError as exc:
        band_errors_on_rows(exc, card_form=card_form, formset=formset, rows=rows)
        return _card_page(
            request,
            carrier=carrier,
            card_form=card_form,
            formset=formset,
            status=exc.status_code,
        )
    messages.success(request, _("The rate card is saved."))
    return redirect("frontend:logistics-card", card_id=card.pk)


@login_required
@require_http_methods(["GET", "POST"])
def card_page(request, card_id: int):
    """A rate card with its bands; for its carrier's keepers, the form of its terms and the
    table of its bands (POST replaces them all, or changes nothing)."""
    card = _card(request, card_id)
    if request.method == "GET":
        return _card_page(request, carrier=card.carrier, card=card)
    card_form, formset, valid, bands, rows = _posted_card(request, card)
    if not valid:
        return _card_page(
            request,
            carrier=card.carrier,
            card=card,
            card_form=card_form,
            formset=formset,
            status=400,
        )
    try:
        services.rate_card_update(
            user=request.user, card_id=card.pk, bands=bands, **card_form.service_values()
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except PermissionDeniedError as exc:
        return _card_page(request, carrier=card.carrier, card=card, refusal=exc, status=403)
    except ApplicationError as exc:
        band_errors_on_rows(exc, card_form=card_form, formset=formset, rows=rows)
        return _card_page(
            request,
            carrier=card.carrier,
            card=card,
            card_form=card_form,
            formset=formset,
            status=exc.status_code,
        )
    messages.success(request, _("The rate card is saved."))
    return redirect("frontend:logistics-card", card_id=card.pk)


@login_required
@require_POST
def card_delete_page(request, card_id: int):
    card = _card(request, card_id)
    try:
        services.rate_card_delete(user=request.user, card_id=card.pk)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ApplicationError as exc:
        return _card_page(request, carrier=card.carrier, card=card, refusal=exc, status=403)
    messages.success(request, _("The rate card is removed."))
    return redirect("frontend:logistics-carrier", carrier_id=card.carrier_id)


# --- Rate cards from a file --------------------------------------------------------------------


def report_lines(report: rate_import.ImportReport) -> list[dict]:
    """The report's problems, a line each: the spreadsheet's row (none: the file's own), the
    column, the message."""
    lines = [
        {"row": p.row, "column": p.column or "", "problem": p.problem} for p in report.problems
    ]
    for row in report.rows:
        lines += [
            {"row": row.row, "column": column or "", "problem": problem}
            for column, problem in row.errors
        ]
    return lines


def _import_page(
    request,
    *,
    carrier: Carrier,
    card: RateCard | None = None,
    card_form=None,
    file_form=None,
    report: rate_import.ImportReport | None = None,
    refusal=None,
    status: int = 200,
):
    may_edit = carrier_may_edit(user=request.user, carrier=carrier)
    if not may_edit and refusal is None:
        refusal = PermissionDeniedError(_("You may read this carrier but not change it."))
        status = 403
    if card is None and card_form is None:
        card_form = RateCardForm()
    return render(
        request,
        "frontend/logistics/import.html",
        {
            "section": "carriers",
            "carrier": carrier,
            "card": card,
            "card_form": card_form if may_edit else None,
            "file_form": (file_form or RateFileForm()) if may_edit else None,
            "report": report,
            "lines": report_lines(report) if report is not None else [],
            "refusal": refusal,
        },
        status=status,
    )


def _upload(file_form: RateFileForm) -> tuple[bytes, str]:
    upload = file_form.cleaned_data["file"]
    # One byte past the limit is enough to tell the file is too large.
    return upload.read(rate_import.MAX_FILE_BYTES + 1), upload.name


@login_required
@require_http_methods(["GET", "POST"])
def carrier_import_page(request, carrier_id: int):
    """A new rate card from a file: its terms typed, its bands the file's rows. A file with a
    single problem writes nothing and shows the report, row by row; a good one makes the card
    (its page is shown next)."""
    carrier = _carrier(request, carrier_id)
    if request.method == "GET" or not carrier_may_edit(user=request.user, carrier=carrier):
        return _import_page(request, carrier=carrier)  # a reader's: the refusal, no file read
    card_form = RateCardForm(request.POST)
    file_form = RateFileForm(request.POST, request.FILES)
    page = {"carrier": carrier, "card_form": card_form, "file_form": file_form}
    if not (card_form.is_valid() & file_form.is_valid()):
        return _import_page(request, **page, status=400)
    data, filename = _upload(file_form)
    try:
        card, report = rate_import.rate_card_create_from_file(
            user=request.user,
            carrier_id=carrier.pk,
            data=data,
            filename=filename,
            **card_form.service_values(),
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except rate_import.RateImportError as exc:
        return _import_page(request, **page, report=exc.report, status=400)
    except PermissionDeniedError as exc:
        return _import_page(request, **page, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(card_form, exc)
        return _import_page(request, **page, status=exc.status_code)
    count = len(report.bands)
    messages.success(
        request,
        ngettext(
            "The rate card is made from the file, with %(n)d band.",
            "The rate card is made from the file, with %(n)d bands.",
            count,
        )
        % {"n": count},
    )
    return redirect("frontend:logistics-card", card_id=card.pk)


@login_required
@require_http_methods(["GET", "POST"])
def card_import_page(request, card_id: int):
    """Replace a card's bands with a file's rows: ``check`` reports only, ``import`` writes
    when every row is valid (else nothing, and the report)."""
    card = _card(request, card_id)
    if request.method == "GET":
        return _import_page(request, carrier=card.carrier, card=card)
    file_form = RateFileForm(request.POST, request.FILES)
    page = {"carrier": card.carrier, "card": card, "file_form": file_form}
    if not file_form.is_valid():
        return _import_page(request, **page, status=400)
    data, filename = _upload(file_form)
    try:
        report = rate_import.rate_card_import(
            user=request.user,
            card_id=card.pk,
            data=data,
            filename=filename,
            dry_run=request.POST.get("action") != "import",
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except rate_import.RateImportError as exc:
        return _import_page(request, **page, report=exc.report, status=400)
    except ApplicationError as exc:  # a reader of the card (403)
        return _import_page(request, **page, refusal=exc, status=exc.status_code)
    if not report.written:
        return _import_page(request, **page, report=report, status=200 if report.valid else 400)
    count = len(report.bands)
    messages.success(
        request,
        ngettext(
            "The card's bands are replaced by the file's %(n)d band.",
            "The card's bands are replaced by the file's %(n)d bands.",
            count,
        )
        % {"n": count},
    )
    return redirect("frontend:logistics-card", card_id=card.pk)


@login_required
@require_GET
def card_template(request):
    """The XLSX file to fill: the columns the import reads and a few example bands."""
    return download_response(
        rate_import.rate_card_template_xlsx(), filename=TEMPLATE_NAME, content_type=XLSX
    )
