"""The supplier's own pages (``/my-catalogue/...``): which of my supplier companies (``My
catalogue``), a supplier's profile (description, categories, regions served) and its
certificates; and the public supplier profile every signed-in person may read
(``/suppliers/<company_id>/``) with the certificates' files. The products and price lists are in
``supplier_catalogue_views.py``.

Thin views: ``suppliers.selectors`` read (a supplier the person is not a member of is not found
on the ``/my-catalogue/`` pages, a supplier it may not read on the public one: 404),
``suppliers.services`` write and say who may; a refusal shows the service's message next to the
fields it names and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.categories.models import Category
from marketplace.categories.selectors import category_list
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_is_company_member
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.files import private_file_response
from marketplace.core.ids import is_id
from pricing import selectors as pricing_selectors
from suppliers import selectors, services
from suppliers.models import Certificate
from suppliers.regions import region_name

from .supplier_forms import CertificateForm, ProfileForm, add_service_error

CATEGORIES_FOUND = 30
PUBLIC_PRODUCTS_PER_PAGE = 50


def not_found(exc: NotFoundError) -> Http404:
    return Http404(exc.message)


def own_supplier(request, company_id: int) -> Company:
    """A supplier company the person is a member of (any role); else 404."""
    if not is_id(company_id):
        raise Http404(_("No such supplier."))
    try:
        return selectors.supplier_get_for_member(user=request.user, company_id=company_id)
    except NotFoundError as exc:
        raise not_found(exc) from exc


def catalogue_context(request, company: Company, section: str) -> dict:
    """What every ``/my-catalogue/<id>/`` page needs: the company, the tab, who may change what."""
    return {
        "company": company,
        "section": section,
        "may_edit_profile": selectors.user_may_edit_profile(user=request.user, company=company),
        "may_edit_catalogue": selectors.user_may_edit_catalogue(user=request.user, company=company),
    }


def regions_of(profile) -> list[dict]:
    if profile is None:
        return []
    return [{"code": r.code, "name": region_name(r.code)} for r in profile.regions.all()]


# --- My catalogue ------------------------------------------------------------------------------


@login_required
@require_GET
def catalogue_index(request):
    """The supplier companies I belong to; with one, its catalogue straight away."""
    companies = list(selectors.supplier_companies_of_member(user=request.user))
    if len(companies) == 1:
        return redirect("frontend:supplier-profile-edit", company_id=companies[0].pk)
    return render(request, "frontend/suppliers/index.html", {"companies": companies})


# --- The profile -------------------------------------------------------------------------------


def _category_rows(chosen: list[Category], search: str) -> tuple[list[Category], list[Category]]:
    """The ticked categories, and those ``search`` finds besides them."""
    found: list[Category] = []
    if search.strip():
        ids = [c.pk for c in chosen]
        found = list(category_list(search=search).exclude(pk__in=ids)[:CATEGORIES_FOUND])
    return chosen, found


def _profile_page(request, company: Company, *, form, chosen, search="", refusal=None, status=200):
    profile = selectors.supplier_profile_of(company=company)
    chosen, found = _category_rows(chosen, search)
    context = catalogue_context(request, company, "profile")
    if not context["may_edit_profile"] and refusal is None and request.method == "POST":
        refusal = PermissionDeniedError(_("Your role lets you read the profile, not change it."))
        status = 403
    return render(
        request,
        "frontend/suppliers/profile_form.html",
        {
            **context,
            "profile": profile,
            "form": form,
            "chosen": chosen,
            "found": found,
            "search": search,
            "regions": regions_of(profile),
            "refusal": refusal,
        },
        status=status,
    )


def _posted_categories(request) -> list[Category]:
    return list(Category.objects.filter(pk__in=_ids(request.POST.getlist("categories"))))


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_page(request, company_id: int):
    """The supplier's profile: its form for the company admins and account managers (POST
    saves it; ``find`` only looks categories up, keeping what was typed), read only for the
    company's other people."""
    company = own_supplier(request, company_id)
    profile = selectors.supplier_profile_of(company=company)
    if request.method == "GET":
        chosen = list(profile.categories.order_by("path")) if profile else []
        initial = {
            "description": profile.description if profile else "",
            "regions": ", ".join(r.code for r in profile.regions.all()) if profile else "",
        }
        return _profile_page(request, company, form=ProfileForm(initial=initial), chosen=chosen)
    chosen = _posted_categories(request)
    search = (request.POST.get("category_search") or "").strip()[:100]
    if "find" in request.POST:  # look categories up; nothing is saved
        initial = {
            "description": request.POST.get("description", ""),
            "regions": request.POST.get("regions", ""),
            "category_search": search,
        }
        form = ProfileForm(initial=initial)
        return _profile_page(request, company, form=form, chosen=chosen, search=search)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, company, form=form, chosen=chosen, status=400)
    try:
        services.supplier_profile_update(
            actor=request.user, company=company, **form.service_values()
        )
    except PermissionDeniedError as exc:
        return _profile_page(request, company, form=form, chosen=chosen, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _profile_page(request, company, form=form, chosen=chosen, status=exc.status_code)
    messages.success(request, _("The profile is saved."))
    return redirect("frontend:supplier-profile-edit", company_id=company.pk)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and is_id(int(v))]


@login_required
@require_GET
def category_options(request):
    """The profile's category picker, as the person types (htmx): the categories ticked among
    those found before (``categories`` not ``shown`` among the chosen ones), still ticked, then
    the categories the search finds besides, to tick."""
    search = (request.GET.get("category_search") or "").strip()[:100]
    ticked = _ids(request.GET.getlist("categories"))
    shown = set(_ids(request.GET.getlist("shown")))
    kept = list(category_list().filter(pk__in=[i for i in ticked if i not in shown]))
    found = []
    if search:
        found = list(
            category_list(search=search).exclude(pk__in=[*ticked, *shown])[:CATEGORIES_FOUND]
        )
    return render(
        request,
        "frontend/suppliers/_category_options.html",
        {"kept": kept, "found": found, "search": search},
    )


# --- Certificates ------------------------------------------------------------------------------


def _certificate(request, company: Company, certificate_id: int) -> Certificate:
    if not is_id(certificate_id):
        raise Http404(_("No such certificate."))
    try:
        return selectors.certificate_get_visible(
            user=request.user, company_id=company.pk, certificate_id=certificate_id
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc


def _certificates_page(request, company, *, form=None, refusal=None, status=200):
    context = catalogue_context(request, company, "certificates")
    if not context["may_edit_profile"] and refusal is None and request.method == "POST":
        refusal = PermissionDeniedError(
            _("Your role lets you read the certificates, not change them.")
        )
        status = 403
    profile = selectors.supplier_profile_of(company=company)
    return render(
        request,
        "frontend/suppliers/certificates.html",
        {
            **context,
            "certificates": profile.certificates.order_by("name", "pk") if profile else [],
            "form": (form or CertificateForm()) if context["may_edit_profile"] else None,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_list_page(request, company_id: int):
    """The supplier's certificates; POST adds one (its file too, or nothing)."""
    company = own_supplier(request, company_id)
    if request.method == "GET":
        return _certificates_page(request, company)
    form = CertificateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _certificates_page(request, company, form=form, status=400)
    try:
        cert = services.certificate_create(
            actor=request.user,
            company=company,
            file=form.cleaned_data["file"],
            **form.changes(),
        )
    except PermissionDeniedError as exc:
        return _certificates_page(request, company, form=form, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _certificates_page(request, company, form=form, status=exc.status_code)
    messages.success(request, _("The certificate “%(name)s” is added.") % {"name": cert.name})
    return redirect("frontend:supplier-certificates", company_id=company.pk)


def _certificate_page(request, company, cert, *, form=None, refusal=None, status=200):
    context = catalogue_context(request, company, "certificates")
    if not context["may_edit_profile"] and refusal is None and request.method == "POST":
        refusal = PermissionDeniedError(
            _("Your role lets you read the certificates, not change them.")
        )
        status = 403
    if form is None:
        form = CertificateForm(initial=CertificateForm.initial_for(cert))
    return render(
        request,
        "frontend/suppliers/certificate_form.html",
        {
            **context,
            "certificate": cert,
            "form": form if context["may_edit_profile"] else None,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_page(request, company_id: int, certificate_id: int):
    """A certificate: its form (POST changes it; a new file replaces the old one)."""
    company = own_supplier(request, company_id)
    cert = _certificate(request, company, certificate_id)
    if request.method == "GET":
        return _certificate_page(request, company, cert)
    form = CertificateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _certificate_page(request, company, cert, form=form, status=400)
    try:
        services.certificate_update(
            actor=request.user,
            certificate=cert,
            changes=form.changes(),
            file=form.cleaned_data["file"],
        )
    except PermissionDeniedError as exc:
        return _certificate_page(request, company, cert, form=form, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _certificate_page(request, company, cert, form=form, status=exc.status_code)
    messages.success(request, _("The certificate is saved."))
    return redirect("frontend:supplier-certificates", company_id=company.pk)


@login_required
@require_POST
def certificate_delete_page(request, company_id: int, certificate_id: int):
    company = own_supplier(request, company_id)
    cert = _certificate(request, company, certificate_id)
    try:
        services.certificate_delete(actor=request.user, certificate=cert)
    except ApplicationError as exc:
        return _certificate_page(request, company, cert, refusal=exc, status=exc.status_code)
    messages.success(request, _("The certificate “%(name)s” is removed.") % {"name": cert.name})
    return redirect("frontend:supplier-certificates", company_id=company.pk)


@login_required
@require_GET
def certificate_file(request, company_id: int, certificate_id: int):
    """A certificate's file, for whoever may read the supplier's profile (as the API serves
    it)."""
    if not (is_id(company_id) and is_id(certificate_id)):
        raise Http404(_("No such certificate."))
    try:
        cert = selectors.certificate_get_visible(
            user=request.user, company_id=company_id, certificate_id=certificate_id
        )
        return private_file_response(
            name=cert.file_name,
            filename=cert.original_file_name or "certificate",
            content_type=cert.content_type,
            missing_code="file_not_found",
            missing_message=_("This certificate has no file."),
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc


# --- The public profile ------------------------------------------------------------------------


def _prices_for_you(user, company: Company) -> list | None:
    """The price lists the supplier gives the reader's (first) buyer company today (the
    pricing app decides: never another customer's); None for a reader with no buyer company."""
    buyer = pricing_selectors.buyer_companies_of(user=user).first()
    if buyer is None:
        return None
    return pricing_selectors.price_lists_for_buyer(
        supplier=company, buyer_company=buyer, on_date=timezone.localdate()
    )


@login_required
@require_GET
def supplier_public_page(request, company_id: int):
    """A supplier as buyers see it: name, verification, description, categories, regions,
    certificates, its products and the price lists the reader may see."""
    if not is_id(company_id):
        raise Http404(_("No such supplier."))
    try:
        company = selectors.supplier_get_visible(user=request.user, company_id=company_id)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    profile = selectors.supplier_profile_of(company=company)
    query = (request.GET.get("q") or "").strip()[:200]
    products = selectors.filter_products_by_text(
        selectors.product_list_public(user=request.user, company=company), query
    )
    page = Paginator(products, PUBLIC_PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    is_member = user_is_company_member(user=request.user, company=company)
    return render(
        request,
        "frontend/suppliers/public.html",
        {
            "company": company,
            "profile": profile,
            "categories": profile.categories.order_by("path") if profile else [],
            "regions": regions_of(profile),
            "certificates": profile.certificates.all() if profile else [],
            "page": page,
            "query": query,
            "price_lists": selectors.price_list_list_public(user=request.user, company=company),
            "is_member": is_member,
            "prices_for_you": None if is_member else _prices_for_you(request.user, company),
        },
    )
