"""The pricing pages. The supplier's (``/pricing/<company_id>/``): its kinds of customer,
promotions and assignments to CRM accounts and segments (any member reads; company admins and
account managers change), and ``.../offer/``: products and quantities priced for one account,
made into a commercial offer (the CRM's OFFER document). The buyer's
(``/pricing/from/<supplier_id>/``): the price lists and promotions meant for its company, and a
quote of chosen products and quantities. Thin: ``pricing.selectors`` read (404 out of reach),
``pricing.services`` and ``pricing.quotes`` write."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id
from pricing import quotes, selectors, services
from suppliers.models import CustomerKind, PriceList, Product
from suppliers.selectors import supplier_get_visible


def _supplier(request, company_id: int):
    if not is_id(company_id):
        raise Http404(_("No such supplier."))
    try:
        return selectors.supplier_for_member(user=request.user, company_id=company_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def _int(value) -> int | None:
    with contextlib.suppress(TypeError, ValueError):
        return int(value)
    return None


def _date(value) -> date | None:
    with contextlib.suppress(TypeError, ValueError):
        return date.fromisoformat(value or "")
    return None


def _decimal(value) -> Decimal | None:
    with contextlib.suppress(InvalidOperation, TypeError, ValueError):
        return Decimal(str(value).replace(",", ".").strip())
    return None


def _act(request, supplier, action: str) -> None:
    """One POSTed change of the settings page, through its service."""
    post, user = request.POST, request.user
    if action == "kind_add":
        services.customer_kind_create(
            actor=user,
            supplier=supplier,
            name=post.get("name", ""),
            code=post.get("code", ""),
            is_default=bool(post.get("is_default")),
        )
        return
    if action in ("kind_default", "kind_delete"):
        kind = selectors.customer_kind_get(supplier=supplier, kind_id=_int(post.get("kind")) or 0)
        if action == "kind_default":
            services.customer_kind_update(actor=user, kind=kind, is_default=True)
        else:
            services.customer_kind_delete(actor=user, kind=kind)
        return
    if action == "promotion_add":
        scope = post.get("scope", "")
        price_list: PriceList | None = None
        scope_kind: CustomerKind | None = None
        if scope.startswith("list:"):
            price_list = PriceList.objects.filter(
                supplier=supplier, pk=_int(scope[5:]) or 0
            ).first()
        elif scope.startswith("kind:"):
            scope_kind = CustomerKind.objects.filter(
                supplier=supplier, pk=_int(scope[5:]) or 0
            ).first()
        ids = [i for i in (_int(v) for v in post.getlist("products")) if i]
        services.promotion_create(
            actor=user,
            supplier=supplier,
            name=post.get("name", ""),
            kind=post.get("kind", ""),
            percent=_decimal(post.get("percent")) if post.get("kind") == "percent" else None,
            price=_decimal(post.get("price")) if post.get("kind") == "fixed_price" else None,
            currency=post.get("currency", ""),
            price_list=price_list,
            customer_kind=scope_kind,
            products=list(Product.objects.filter(supplier=supplier, pk__in=ids)),
            valid_from=_date(post.get("valid_from")),
            valid_until=_date(post.get("valid_until")),
        )
        return
    if action == "promotion_delete":
        promotion = selectors.promotion_get(
            supplier=supplier, promotion_id=_int(post.get("promotion")) or 0
        )
        services.promotion_delete(actor=user, promotion=promotion)
        return
    if action == "assignment_add":
        target, price = post.get("target", ""), post.get("price", "")
        services.assignment_create(
            actor=user,
            supplier=supplier,
            account_id=_int(target[8:]) if target.startswith("account:") else None,
            segment_id=_int(target[8:]) if target.startswith("segment:") else None,
            price_list_id=_int(price[5:]) if price.startswith("list:") else None,
            customer_kind_id=_int(price[5:]) if price.startswith("kind:") else None,
            priority=_int(post.get("priority")) or 100,
        )
        return
    if action == "assignment_delete":
        assignment = selectors.assignment_get(
            supplier=supplier, assignment_id=_int(post.get("assignment")) or 0
        )
        services.assignment_delete(actor=user, assignment=assignment)
        return
    raise ApplicationError(_("Unknown action."), code="unknown_action")


@login_required
@require_http_methods(["GET", "POST"])
def pricing_settings_page(request, company_id: int):
    supplier = _supplier(request, company_id)
    services.customer_kinds_ensure(supplier=supplier)
    status = 200
    if request.method == "POST":
        try:
            _act(request, supplier, request.POST.get("action", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
        else:
            messages.success(request, _("Saved."))
            return redirect("frontend:pricing-settings", supplier.pk)
    return render(
        request,
        "pricing/settings.html",
        {
            "company": supplier,
            "may_edit": selectors.may_edit(user=request.user, supplier=supplier),
            "kinds": selectors.customer_kinds(supplier=supplier),
            "promotions": selectors.promotions(supplier=supplier),
            "assignments": selectors.assignments(supplier=supplier),
            "price_lists": PriceList.objects.filter(supplier=supplier).order_by("name", "pk"),
            "accounts": selectors.accounts_of(supplier=supplier)[:500],
            "segments": selectors.segments_of(supplier=supplier),
            "products": Product.objects.filter(supplier=supplier, is_active=True).order_by("sku")[
                :500
            ],
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pricing_offer_page(request, company_id: int):
    """Products and quantities priced for one CRM account; POST makes the commercial offer."""
    supplier = _supplier(request, company_id)
    data = request.POST if request.method == "POST" else request.GET
    account = (
        selectors.accounts_of(supplier=supplier).filter(pk=_int(data.get("account")) or 0).first()
    )
    on_date = _date(data.get("on_date")) or timezone.localdate()
    quote, status = None, 200
    if account is not None and data.get("lines"):
        try:
            lines = quotes.parse_lines(supplier=supplier, text=data.get("lines", ""))
            if request.method == "POST":
                document, quote = quotes.offer_generate(
                    user=request.user,
                    supplier_id=supplier.pk,
                    account_id=account.pk,
                    template_id=_int(data.get("template")) or 0,
                    lines=lines,
                    on_date=on_date,
                    file_format=data.get("file_format", "pdf"),
                )
                messages.success(
                    request,
                    _("The commercial offer %(number)s is made; it is on the account's timeline.")
                    % {"number": document.number},
                )
            else:
                quote = quotes.quote_build(
                    supplier=supplier,
                    buyer_company=account.company,
                    lines=lines,
                    on_date=on_date,
                    account=account,
                )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
    return render(
        request,
        "pricing/offer.html",
        {
            "company": supplier,
            "may_edit": selectors.may_edit(user=request.user, supplier=supplier),
            "accounts": selectors.accounts_of(supplier=supplier)[:500],
            "account": account,
            "templates": quotes.offer_templates(supplier=supplier),
            "lines": data.get("lines", ""),
            "on_date": on_date,
            "quote": quote,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def buyer_prices_page(request, supplier_id: int):
    """What a buyer company gets from a supplier: its lists, promotions and a quote."""
    if not is_id(supplier_id):
        raise Http404(_("No such supplier."))
    try:
        supplier = supplier_get_visible(user=request.user, company_id=supplier_id)
        buyer = selectors.buyer_company_for(
            user=request.user, company_id=_int(request.GET.get("buyer"))
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    today = timezone.localdate()
    lists = selectors.price_lists_for_buyer(supplier=supplier, buyer_company=buyer, on_date=today)
    quote = None
    if request.GET.get("lines"):
        try:
            lines = quotes.parse_lines(supplier=supplier, text=request.GET["lines"], for_buyer=True)
            quote = quotes.quote_build(
                supplier=supplier, buyer_company=buyer, lines=lines, on_date=today
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "pricing/buyer_prices.html",
        {
            "supplier": supplier,
            "buyer": buyer,
            "buyers": selectors.buyer_companies_of(user=request.user),
            "price_lists": [
                (pl, pl.items.select_related("product").filter(product__is_active=True))
                for pl in lists
            ],
            "promotions": selectors.promotions_for_buyer(
                supplier=supplier, buyer_company=buyer, on_date=today
            ),
            "lines": request.GET.get("lines", ""),
            "quote": quote,
            "back": reverse("frontend:supplier", args=[supplier.pk]),
        },
    )
