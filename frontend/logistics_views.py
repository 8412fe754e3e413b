"""The logistics pages: the index (``/logistics/``), the shipping calculator
(``/logistics/calculator/``), the gazetteer's city suggestions it and the place form ask for
(``/logistics/cities/``), and the places: a company's warehouses and delivery places, listed,
made, changed and removed (``/logistics/places/...``). The carriers and their rate cards are in
``logistics_card_views.py``.

Thin views: ``logistics.selectors`` read (a place the person may not read is not found: 404),
``logistics.services`` write and ``logistics.quotes.shipping_quote`` prices (nothing of a quote
is computed here); ``logistics.access`` says who may change what. A refusal shows the service's
message on the page, next to the fields it names, and nothing is written."""

from __future__ import annotations

from babel.numbers import format_decimal
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, to_locale
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from logistics import gazetteer, quotes, selectors, services
from logistics.access import PLACE_EDIT_ROLES, place_may_edit
from logistics.models import Place, PlaceKind, RateBasis
from marketplace.companies.selectors import companies_of_user, user_company_ids
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.ids import is_id
from marketplace.platforms.selectors import administered_platform_ids, platform_list_visible

from .logistics_forms import CalculatorForm, PlaceForm, add_service_error, city_label

PER_PAGE = 50
CITY_SUGGESTIONS = 10
PLATFORM_WIDE = "platform"
KINDS = (
    ("", gettext_lazy("All")),
    (PlaceKind.WAREHOUSE.value, gettext_lazy("Warehouses")),
    (PlaceKind.DELIVERY_PLACE.value, gettext_lazy("Delivery places")),
)


def not_found(exc: NotFoundError):
    return Http404(exc.message)


def number(value) -> str:
    """A decimal in the reader's language, without trailing zeros (``2.0000`` is ``2``)."""
    return format_decimal(value.normalize(), locale=to_locale(get_language() or "en"))


# --- The index ---------------------------------------------------------------------------------


@login_required
@require_GET
def logistics_index(request):
    """What the logistics pages offer: the calculator, the places, the carriers."""
    return render(
        request,
        "frontend/logistics/index.html",
        {
            "section": "index",
            "places": selectors.place_list(user=request.user, platform_wide=False).count(),
            "carriers": selectors.carrier_list(user=request.user).count(),
        },
    )


# --- The shipping calculator -------------------------------------------------------------------


def administered_platforms(user) -> list[tuple[int, str]]:
    """The platforms the person administers (every one, for the operator's staff)."""
    ids = administered_platform_ids(user=user)
    platforms = platform_list_visible(user=user)
    if ids is not None:
        platforms = platforms.filter(pk__in=ids)
    return [(p.pk, p.name) for p in platforms.order_by("name", "pk")]


def _option_rows(quote: quotes.Quote | None) -> list[dict]:
    if quote is None:
        return []
    return [
        {
            "o": option,
            "units": quotes.units_text(option.units, option.terms.basis),
            "unit_price": number(option.unit_price),
            "basis": RateBasis(option.terms.basis).label,
            "cheapest": option is quote.cheapest,
            "fastest": option is quote.fastest,
        }
        for option in quote.options
    ]


@login_required
@require_GET
def calculator(request):
    """The shipping calculator: from one of my warehouses, a city or coordinates to a delivery
    place, a city or coordinates; the distance, the cheapest and the fastest carrier, and every
    option with its cost, transit days and arrival date against the delivery date. The form is
    sent by GET (a quote writes nothing), so a quote's address can be kept and shared."""
    user = request.user
    warehouses = list(selectors.place_list(user=user, kind=PlaceKind.WAREHOUSE))
    delivery_places = list(selectors.place_list(user=user, kind=PlaceKind.DELIVERY_PLACE))
    form = CalculatorForm(
        request.GET or None,
        warehouses=warehouses,
        delivery_places=delivery_places,
        companies=[
            (c.pk, c.legal_name) for c in companies_of_user(user=user).order_by("legal_name")
        ],
        platforms=administered_platforms(user),
    )
    quote, status = None, 200
    places: dict[str, Place] = {}
    if form.is_bound:
        if form.is_valid():
            try:
                quote = quotes.shipping_quote(user=user, **form.quote_args())
            except NotFoundError as exc:  # a place, company or platform not the person's
                raise not_found(exc) from exc
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:  # the places the quote was asked between, to name them above it
                by_id = {p.pk: p for p in (*warehouses, *delivery_places)}
                for side in ("from", "to"):
                    chosen = by_id.get(form.cleaned_data.get(f"{side}_place"))
                    if chosen is not None:
                        places[side] = chosen
        else:
            status = 400
    return render(
        request,
        "frontend/logistics/calculator.html",
        {
            "section": "calculator",
            "form": form,
            "sides": [
                (side, title, form.side_fields(side), form.cities.get(side), places.get(side))
                for side, title in (("from", _("From")), ("to", _("To")))
            ],
            "quote": quote,
            "weight": number(quote.weight_kg) if quote is not None else "",
            "best_boxes": [
                (quote.cheapest, _("The cheapest"), "quote-cheapest"),
                (quote.fastest, _("The fastest"), "quote-fastest"),
            ]
            if quote is not None
            else [],
            "carriers_url": reverse("frontend:logistics-carriers"),
            "rows": _option_rows(quote),
            "all_late": quote is not None
            and bool(quote.options)
            and all(o.on_time is False for o in quote.options),
        },
        status=status,
    )


@login_required
@require_GET
def city_options(request):
    """The gazetteer's cities starting with ``q`` (in ``country``, when given) as the
    ``<option>`` elements of a city box's suggestions (``static/frontend/logistics-pages.js``
    fetches them as the person types)."""
    query = (request.GET.get("q") or "").strip()[:100]
    country = (request.GET.get("country") or "").strip()
    try:
        country = services.country_code(country) if country else ""
    except ValueError:
        country = ""
    cities = []
    if len(query) >= 2:
        cities = gazetteer.city_search(query=query, country=country or None, limit=CITY_SUGGESTIONS)
    return render(
        request,
        "frontend/logistics/_city_options.html",
        {"cities": [{"city": c, "label": city_label(c)} for c in cities]},
    )


# --- Places ------------------------------------------------------------------------------------


def _place(request, place_id: int) -> Place:
    if not is_id(place_id):
        raise Http404(_("Place not found."))
    try:
        return selectors.place_get(user=request.user, place_id=place_id)
    except NotFoundError as exc:
        raise not_found(exc) from exc


def place_companies(user) -> list[tuple[str, str]]:
    """Whose a new place may be: the companies where the person keeps places (else any of its
    companies, for the service to refuse), and platform-wide for the operator's staff."""
    ids = user_company_ids(user=user, roles=PLACE_EDIT_ROLES) or user_company_ids(user=user)
    companies = [
        (str(c.pk), c.legal_name)
        for c in companies_of_user(user=user).filter(pk__in=ids).order_by("legal_name", "pk")
    ]
    if user.is_staff:
        companies.append((PLATFORM_WIDE, _("Platform-wide (no company)")))
    return companies


@login_required
@require_GET
def place_list_page(request):
    """My companies' warehouses and delivery places, and the platform-wide ones (read only but
    for the operator's staff), by kind."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in PlaceKind.values else ""
    places = selectors.place_list(user=request.user, kind=kind or None)
    page = Paginator(places, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/logistics/places.html",
        {
            "section": "places",
            "page": page,
            "rows": [
                {"place": p, "may_edit": place_may_edit(user=request.user, place=p)}
                for p in page.object_list
            ],
            "kind": kind,
            "kinds": KINDS,
            "may_create": bool(
                user_company_ids(user=request.user, roles=PLACE_EDIT_ROLES) or request.user.is_staff
            ),
            "several_companies": len(user_company_ids(user=request.user)) > 1,
        },
    )


def _place_page(request, *, form, place: Place | None = None, refusal=None, status: int = 200):
    may_edit = place is None or place_may_edit(user=request.user, place=place)
    if not may_edit and refusal is None and request.method == "POST":  # a reader's bad form
        refusal = PermissionDeniedError(_("You may read this place but not change it."))
        status = 403
    return render(
        request,
        "frontend/logistics/place_form.html",
        {
            "section": "places",
            "form": form,
            "place": place,
            "may_edit": may_edit,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_create_page(request):
    """A new warehouse or delivery place of one of my companies: typed, or from a gazetteer
    city (which fills its country, region and coordinates)."""
    companies = place_companies(request.user)
    if request.method == "GET":
        initial = {"kind": request.GET.get("kind", "")}
        return _place_page(request, form=PlaceForm(initial=initial, companies=companies))
    form = PlaceForm(request.POST, companies=companies)
    if not form.is_valid():
        return _place_page(request, form=form, status=400)
    chosen = form.cleaned_data.get("company") or (companies[0][0] if len(companies) == 1 else "")
    company_id = int(chosen) if chosen.isdigit() else None
    try:
        place = services.place_create(
            user=request.user, company_id=company_id, **form.service_values()
        )
    except NotFoundError as exc:  # a company not the person's
        raise not_found(exc) from exc
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _place_page(request, form=form, status=exc.status_code)
    messages.success(request, _("The place “%(name)s” is saved.") % {"name": place.name})
    return redirect("frontend:logistics-places")


@login_required
@require_http_methods(["GET", "POST"])
def place_page(request, place_id: int):
    """A place: its form for those who keep it (POST changes it), read only for the others."""
    place = _place(request, place_id)
    if request.method == "GET":
        initial = {field: getattr(place, field) for field in services.PLACE_FIELDS}
        return _place_page(request, form=PlaceForm(initial=initial), place=place)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        return _place_page(request, form=form, place=place, status=400)
    try:
        changed = services.place_update(
            user=request.user, place_id=place.pk, **form.service_values(place)
        )
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except PermissionDeniedError as exc:
        return _place_page(request, form=form, place=place, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _place_page(request, form=form, place=place, status=exc.status_code)
    messages.success(request, _("The place “%(name)s” is saved.") % {"name": changed.name})
    return redirect("frontend:logistics-places")


@login_required
@require_POST
def place_delete_page(request, place_id: int):
    place = _place(request, place_id)
    try:
        services.place_delete(user=request.user, place_id=place.pk)
    except NotFoundError as exc:
        raise not_found(exc) from exc
    except ApplicationError as exc:
        form = PlaceForm(initial={field: getattr(place, field) for field in services.PLACE_FIELDS})
        return _place_page(request, form=form, place=place, refusal=exc, status=exc.status_code)
    messages.success(request, _("The place “%(name)s” is removed.") % {"name": place.name})
    return redirect("frontend:logistics-places")
