"""White-label platforms' pages: the brand editor with its preview (a platform's admins and
staff; anyone else 404), the generated stylesheet (``/brand.css``), the logo, and the brand's
terms of participation on its host.

The colours reach the pages only through ``/brand.css``: the Content-Security-Policy allows no
inline style. The preview links the same stylesheet with the draft colours in its query
(``?primary_color=...``), each checked to be a ``#rrggbb`` colour (anything else: 400)."""

from __future__ import annotations

import copy
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import etag, require_GET, require_http_methods, require_POST

from marketplace.core.exceptions import ApplicationError
from marketplace.platforms import selectors as platform_selectors
from marketplace.platforms.branding import (
    BRAND_FIELDS,
    brand_errors,
    brand_logo_remove,
    brand_logo_set,
    brand_save,
)
from marketplace.platforms.colours import COLOUR_FIELDS, palette_errors, palette_from, stylesheet
from marketplace.platforms.models import Platform, PlatformBrand, PlatformKind

from .branding_forms import BrandForm, LogoForm
from .onboarding_forms import add_service_error

TEMPLATE = "frontend/branding/editor.html"


def _administered(request, platform_id: int) -> Platform:
    platform = platform_selectors.platform_get_administered(
        user=request.user, platform_id=platform_id
    )
    if platform is None:
        raise Http404(_("No such platform."))
    return platform


def _page(request, platform, brand, *, form, logo_form=None, preview=None, status=200):
    return render(
        request,
        TEMPLATE,
        {
            "platform": platform,
            "brand": brand,
            "form": form,
            "logo_form": logo_form or LogoForm(),
            "preview": preview,
            "dedicated": platform.kind == PlatformKind.DEDICATED,
            "tab": "platforms",
        },
        status=status,
    )


def _preview(platform, brand, values: dict, form) -> dict | None:
    """The draft as a preview (its colours as the stylesheet's query), or None with the
    refusals shown on ``form``; nothing is written."""
    draft = copy.copy(brand) if brand is not None else PlatformBrand(platform=platform)
    for field, value in values.items():
        setattr(draft, field, value)
    errors = brand_errors(draft)
    if errors:
        add_service_error(
            form, ApplicationError(_("The preview needs valid settings."), fields=errors)
        )
        return None
    query = urlencode({field: getattr(draft, field) for field in COLOUR_FIELDS})
    return {"brand": draft, "query": query}


@login_required
@require_http_methods(["GET", "POST"])
def brand_edit(request, platform_id: int):
    """A dedicated platform's brand: name, colours, sender, terms, footer (and, for staff, its
    host names); "Preview" shows the draft on this page without saving it."""
    platform = _administered(request, platform_id)
    brand = platform_selectors.brand_get(platform=platform)
    may_bind = bool(request.user.is_staff)
    if request.method == "GET":
        initial = BrandForm.initial_for(brand, name=platform.name)
        return _page(
            request, platform, brand, form=BrandForm(initial=initial, may_bind_hosts=may_bind)
        )
    form = BrandForm(request.POST, may_bind_hosts=may_bind)
    if not form.is_valid():
        return _page(request, platform, brand, form=form, status=400)
    values = {field: form.cleaned_data[field] for field in BRAND_FIELDS}
    if request.POST.get("action") == "preview":
        preview = _preview(platform, brand, values, form)
        return _page(
            request, platform, brand, form=form, preview=preview, status=200 if preview else 400
        )
    hosts = form.cleaned_data["hosts"] if may_bind else None
    try:
        brand_save(actor=request.user, platform=platform, hosts=hosts, **values)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _page(request, platform, brand, form=form, status=exc.status_code)
    messages.success(request, _("The brand is saved."))
    return redirect("frontend:platform-brand", platform.pk)


@login_required
@require_POST
def brand_logo(request, platform_id: int):
    """Upload the logo (checked: PNG, JPEG or WebP, size and dimensions) or remove it."""
    platform = _administered(request, platform_id)
    brand = platform_selectors.brand_get(platform=platform)
    if brand is None:
        raise Http404(_("Save the brand before its logo."))
    try:
        if request.POST.get("action") == "remove":
            brand_logo_remove(actor=request.user, brand=brand)
            messages.success(request, _("The logo is removed."))
            return redirect("frontend:platform-brand", platform.pk)
        logo_form = LogoForm(request.POST, request.FILES)
        if not logo_form.is_valid():
            initial = BrandForm.initial_for(brand, name=platform.name)
            form = BrandForm(initial=initial, may_bind_hosts=request.user.is_staff)
            return _page(request, platform, brand, form=form, logo_form=logo_form, status=400)
        brand_logo_set(actor=request.user, brand=brand, file=logo_form.cleaned_data["logo"])
    except ApplicationError as exc:
        logo_form = LogoForm(request.POST, request.FILES)
        logo_form.is_valid()
        add_service_error(logo_form, exc)
        initial = BrandForm.initial_for(brand, name=platform.name)
        form = BrandForm(initial=initial, may_bind_hosts=request.user.is_staff)
        return _page(
            request, platform, brand, form=form, logo_form=logo_form, status=exc.status_code
        )
    messages.success(request, _("The logo is saved."))
    return redirect("frontend:platform-brand", platform.pk)


def _is_preview(request) -> bool:
    return any(field in request.GET for field in COLOUR_FIELDS)


def _stylesheet_etag(request) -> str | None:
    brand = getattr(request, "brand", None)
    if brand is None or _is_preview(request):
        return None
    return f'"brand-{brand.pk}-{brand.version}"'


def _css(text: str, *, status: int = 200) -> HttpResponse:
    return HttpResponse(text, content_type="text/css; charset=utf-8", status=status)


@require_GET
@etag(_stylesheet_etag)
def brand_stylesheet(request):
    """The brand's colours as site.css's custom properties: the host's brand, or (a preview)
    the colours in the query, refused with 400 unless each is a readable ``#rrggbb``."""
    if _is_preview(request):
        values = {field: request.GET.get(field, "") for field in COLOUR_FIELDS}
        if palette_errors(values):
            return _css("/* Not a valid palette. */\n", status=400)
        response = _css(stylesheet(palette_from(values)))
        response["Cache-Control"] = "private, max-age=300"
        return response
    brand = getattr(request, "brand", None)
    if brand is None:
        raise Http404(_("This site has no brand."))
    response = _css(stylesheet(palette_from({f: getattr(brand, f) for f in COLOUR_FIELDS})))
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def brand_logo_file(request, brand_id: int):
    """A brand's logo (public, as on its pages), with the type it was checked as."""
    brand = get_object_or_404(PlatformBrand, pk=brand_id)
    if not brand.logo:
        raise Http404(_("This brand has no logo."))
    try:
        stream = brand.logo.open("rb")
    except OSError as exc:  # the row names a file the storage no longer has
        raise Http404(_("This brand has no logo.")) from exc
    response = FileResponse(stream, content_type=brand.logo_content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Disposition"] = "inline"
    return response


@require_GET
def brand_terms(request):
    """The terms of participation of the host's brand (none elsewhere)."""
    brand = getattr(request, "brand", None)
    if brand is None or not brand.terms:
        raise Http404(_("No terms here."))
    return render(request, "frontend/branding/terms.html", {"brand": brand})
