"""The supplier's catalogue pages (``/my-catalogue/<company_id>/products/...`` and
``.../price-lists/...``): products listed (paged, filtered by text), made, changed and removed;
price lists with their items (a product, from which quantity on, at which price; the price
list's currency), each item added, changed or removed on its own; a price list's items replaced
from a CSV or XLSX file, checked first if wished, with the validation report row by row (nothing
written while one problem is left); and the price list as a CSV or XLSX file.

Any member of the supplier reads; ``suppliers.services`` say who writes (company admins, account
managers, bidders). Thin views: ``suppliers.selectors`` read (another company's product, price
list or item is not found: 404), the services check and write, one service call per change."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.files import download_response
from marketplace.core.ids import is_id
from suppliers import pricelist_io, selectors, services
from suppliers.models import PriceList, PriceListItem, Product

from .supplier_forms import (
    ItemChangeForm,
    ItemCreateForm,
    PriceListFileForm,
    PriceListForm,
    ProductForm,
    add_service_error,
)
from .supplier_views import catalogue_context, not_found, own_supplier

PER_PAGE = 50


def _product(company: Company, product_id: int) -> Product:
    if not is_id(product_id):
        raise Http404(_("No such product."))
    try:
        return selectors.product_get(supplier=company, product_id=product_id)
    except NotFoundError as exc:
        raise not_found(exc) from exc


def _price_list(company: Company, price_list_id: int) -> PriceList:
    if not is_id(price_list_id):
        raise Http404(_("No such price list."))
    try:
        return selectors.price_list_get(supplier=company, price_list_id=price_list_id)
    except NotFoundError as exc:
        raise not_found(exc) from exc


def _item(price_list: PriceList, item_id: int) -> PriceListItem:
    if not is_id(item_id):
        raise Http404(_("No such price list item."))
    try:
        return selectors.price_list_item_get(price_list=price_list, item_id=item_id)
    except NotFoundError as exc:
        raise not_found(exc) from exc


def _read_only_refusal(context: dict, request, refusal, status: int):
    """A person who may read the catalogue but not change it, posting: the refusal."""
    if not context["may_edit_catalogue"] and refusal is None and request.method == "POST":
        return (
            PermissionDeniedError(_("Your role lets you read the catalogue, not change it.")),
            403,
        )
    return refusal, status


# --- Products ----------------------------------------------------------------------------------


@login_required
@require_GET
def product_list_page(request, company_id: int):
    """The supplier's products, 50 a page; ``q`` finds a SKU, name or description."""
    company = own_supplier(request, company_id)
    query = (request.GET.get("q") or "").strip()[:200]
    products = selectors.filter_products_by_text(selectors.product_list(supplier=company), query)
    page = Paginator(products, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/suppliers/products.html",
        {**catalogue_context(request, company, "products"), "page": page, "query": query},
    )


def _product_page(request, company, *, form, product=None, refusal=None, status=200):
    context = catalogue_context(request, company, "products")
    refusal, status = _read_only_refusal(context, request, refusal, status)
    return render(
        request,
        "frontend/suppliers/product_form.html",
        {
            **context,
            "product": product,
            "form": form if context["may_edit_catalogue"] else None,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_create_page(request, company_id: int):
    company = own_supplier(request, company_id)
    if request.method == "GET":
        return _product_page(request, company, form=ProductForm())
    form = ProductForm(request.POST)
    if not form.is_valid():
        return _product_page(request, company, form=form, status=400)
    try:
        product = services.product_create(actor=request.user, supplier=company, **form.values())
    except PermissionDeniedError as exc:
        return _product_page(request, company, form=form, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _product_page(request, company, form=form, status=exc.status_code)
    messages.success(request, _("The product “%(sku)s” is saved.") % {"sku": product.sku})
    return redirect("frontend:supplier-products", company_id=company.pk)


@login_required
@require_http_methods(["GET", "POST"])
def product_page(request, company_id: int, product_id: int):
    """A product: its form (POST changes it) for those who keep the catalogue."""
    company = own_supplier(request, company_id)
    product = _product(company, product_id)
    if request.method == "GET":
        form = ProductForm(initial=ProductForm.initial_for(product))
        return _product_page(request, company, form=form, product=product)
    form = ProductForm(request.POST)
    if not form.is_valid():
        return _product_page(request, company, form=form, product=product, status=400)
    try:
        services.product_update(actor=request.user, product=product, changes=form.values())
    except PermissionDeniedError as exc:
        return _product_page(request, company, form=form, product=product, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _product_page(request, company, form=form, product=product, status=exc.status_code)
    messages.success(request, _("The product “%(sku)s” is saved.") % {"sku": form.values()["sku"]})
    return redirect("frontend:supplier-products", company_id=company.pk)


@login_required
@require_POST
def product_delete_page(request, company_id: int, product_id: int):
    company = own_supplier(request, company_id)
    product = _product(company, product_id)
    try:
        services.product_delete(actor=request.user, product=product)
    except ApplicationError as exc:  # in a price list (409), or a reader (403)
        form = ProductForm(initial=ProductForm.initial_for(product))
        return _product_page(
            request, company, form=form, product=product, refusal=exc, status=exc.status_code
        )
    messages.success(request, _("The product “%(sku)s” is removed.") % {"sku": product.sku})
    return redirect("frontend:supplier-products", company_id=company.pk)


# --- Price lists -------------------------------------------------------------------------------


@login_required
@require_GET
def price_list_list_page(request, company_id: int):
    company = own_supplier(request, company_id)
    return render(
        request,
        "frontend/suppliers/price_lists.html",
        {
            **catalogue_context(request, company, "price_lists"),
            "price_lists": selectors.price_list_list(supplier=company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def price_list_create_page(request, company_id: int):
    """A new price list: its name, kind, currency and period; its items next, on its page or
    from a file."""
    company = own_supplier(request, company_id)
    context = catalogue_context(request, company, "price_lists")
    form, refusal, status = PriceListForm(request.POST or None, supplier=company), None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                price_list = services.price_list_create(
                    actor=request.user, supplier=company, **form.values()
                )
            except PermissionDeniedError as exc:
                refusal, status = exc, 403
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request, _("The price list “%(name)s” is saved.") % {"name": price_list.name}
                )
                return redirect(
                    "frontend:supplier-price-list",
                    company_id=company.pk,
                    price_list_id=price_list.pk,
                )
    refusal, status = _read_only_refusal(context, request, refusal, status)
    return render(
        request,
        "frontend/suppliers/price_list_new.html",
        {**context, "form": form if context["may_edit_catalogue"] else None, "refusal": refusal},
        status=status,
    )


def _price_list_page(
    request,
    company: Company,
    price_list: PriceList,
    *,
    form=None,
    item_form=None,
    changed_item: tuple[int, ItemChangeForm] | None = None,
    refusal=None,
    status: int = 200,
):
    """A price list: its terms' form, its items (each with its own small form) and the form
    adding one; a bound form where a POST was refused, fresh ones elsewhere."""
    context = catalogue_context(request, company, "price_lists")
    refusal, status = _read_only_refusal(context, request, refusal, status)
    may_edit = context["may_edit_catalogue"]
    items = list(selectors.price_list_items(price_list=price_list))
    rows = []
    for item in items:
        item_change = None
        if may_edit:
            if changed_item is not None and changed_item[0] == item.pk:
                item_change = changed_item[1]
            else:
                item_change = ItemChangeForm(
                    initial={"price": item.price, "min_quantity": item.min_quantity},
                    prefix=f"item-{item.pk}",
                )
        rows.append({"item": item, "form": item_change})
    if may_edit and form is None:
        form = PriceListForm(initial=PriceListForm.initial_for(price_list), supplier=company)
    if may_edit and item_form is None:
        item_form = ItemCreateForm(products=selectors.product_list(supplier=company), prefix="new")
    return render(
        request,
        "frontend/suppliers/price_list.html",
        {
            **context,
            "price_list": price_list,
            "form": form if may_edit else None,
            "item_form": item_form if may_edit else None,
            "rows": rows,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def price_list_page(request, company_id: int, price_list_id: int):
    """A price list and its items; POST changes its name, kind, currency or period."""
    company = own_supplier(request, company_id)
    price_list = _price_list(company, price_list_id)
    if request.method == "GET":
        return _price_list_page(request, company, price_list)
    form = PriceListForm(request.POST, supplier=company)
    if not form.is_valid():
        return _price_list_page(request, company, price_list, form=form, status=400)
    try:
        services.price_list_update(actor=request.user, price_list=price_list, changes=form.values())
    except PermissionDeniedError as exc:
        return _price_list_page(request, company, price_list, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _price_list_page(request, company, price_list, form=form, status=exc.status_code)
    messages.success(request, _("The price list is saved."))
    return redirect(
        "frontend:supplier-price-list", company_id=company.pk, price_list_id=price_list.pk
    )


@login_required
@require_POST
def price_list_delete_page(request, company_id: int, price_list_id: int):
    company = own_supplier(request, company_id)
    price_list = _price_list(company, price_list_id)
    try:
        services.price_list_delete(actor=request.user, price_list=price_list)
    except ApplicationError as exc:
        return _price_list_page(request, company, price_list, refusal=exc, status=exc.status_code)
    messages.success(
        request, _("The price list “%(name)s” is removed.") % {"name": price_list.name}
    )
    return redirect("frontend:supplier-price-lists", company_id=company.pk)


# --- Price list items --------------------------------------------------------------------------


@login_required
@require_POST
def item_create_page(request, company_id: int, price_list_id: int):
    """Add an item: a product of the catalogue, from which quantity on, at which price."""
    company = own_supplier(request, company_id)
    price_list = _price_list(company, price_list_id)
    products = selectors.product_list(supplier=company)
    form = ItemCreateForm(request.POST, products=products, prefix="new")
    page = {"item_form": form}
    if not form.is_valid():
        return _price_list_page(request, company, price_list, **page, status=400)
    product = products.filter(pk=form.cleaned_data["product"]).first()
    if product is None:
        form.add_error("product", _("No such product in your catalogue."))
        return _price_list_page(request, company, price_list, **page, status=400)
    try:
        services.price_list_item_create(
            actor=request.user, price_list=price_list, product=product, **form.service_values()
        )
    except PermissionDeniedError as exc:
        return _price_list_page(request, company, price_list, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _price_list_page(request, company, price_list, **page, status=exc.status_code)
    messages.success(request, _("The item “%(product)s” is added.") % {"product": product})
    return redirect(
        "frontend:supplier-price-list", company_id=company.pk, price_list_id=price_list.pk
    )


@login_required
@require_POST
def item_page(request, company_id: int, price_list_id: int, item_id: int):
    """Change an item's quantity from which it applies, or its price."""
    company = own_supplier(request, company_id)
    price_list = _price_list(company, price_list_id)
    item = _item(price_list, item_id)
    form = ItemChangeForm(request.POST, prefix=f"item-{item.pk}")
    if not form.is_valid():
        return _price_list_page(
            request, company, price_list, changed_item=(item.pk, form), status=400
        )
    try:
        services.price_list_item_update(actor=request.user, item=item, **form.service_values())
    except PermissionDeniedError as exc:
        return _price_list_page(request, company, price_list, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _price_list_page(
            request, company, price_list, changed_item=(item.pk, form), status=exc.status_code
        )
    messages.success(request, _("The item “%(product)s” is saved.") % {"product": item.product})
    return redirect(
        "frontend:supplier-price-list", company_id=company.pk, price_list_id=price_list.pk
    )


@login_required
@require_POST
def item_delete_page(request, company_id: int, price_list_id: int, item_id: int):
    company = own_supplier(request, company_id)
    price_list = _price_list(company, price_list_id)
    item = _item(price_list, item_id)
    try:
        services.price_list_item_delete(actor=request.user, item=item)
    except ApplicationError as exc:
        return _price_list_page(request, company, price_list, refusal=exc, status=exc.status_code)
    messages.success(request, _("The item “%(product)s” is removed.") % {"product": item.product})
    return redirect(
        "frontend:supplier-price-list", company_id=company.pk, price_list_id=price_list.pk
    )


# --- Import and export -------------------------------------------------------------------------


def _import_page(
    request, company, price_list, *, form=None, report=None, result=None, refusal=None, status=200
):
    context = catalogue_context(request, company, "price_lists")
    if not context["may_edit_catalogue"] and refusal is None:
        refusal = PermissionDeniedError(_("Your role lets you read the catalogue, not change it."))
        status = 403 if request.method == "POST" else status
    return render(
        request,
        "frontend/suppliers/import.html",
        {
            **context,
            "price_list": price_list,
            "form": (form or PriceListFileForm()) if context["may_edit_catalogue"] else None,
            "report": report,
            "result": result,
            "refusal": refusal,
            "columns": pricelist_io.EXPORT_COLUMNS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def price_list_import_page(request, company_id: int, price_list_id: int):
    """Replace the price list's items with a file's rows (products upserted by SKU): ``check``
    only reports; ``import`` writes when every row is valid, else nothing, and the report."""
    company = own_supplier(request, company_id)
    price_list = _price_list(company, price_list_id)
    if request.method == "GET":
        return _import_page(request, company, price_list)
    form = PriceListFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, company, price_list, form=form, status=400)
    upload = form.cleaned_data["file"]
    # One byte past the limit is enough to tell the file is too large.
    data = upload.read(pricelist_io.MAX_FILE_BYTES + 1)
    dry_run = request.POST.get("action") != "import"
    try:
        result = services.price_list_import(
            actor=request.user,
            price_list=price_list,
            data=data,
            filename=upload.name,
            dry_run=dry_run,
            max_rows=getattr(settings, "PRICE_LIST_IMPORT_MAX_ROWS", pricelist_io.MAX_ROWS),
        )
    except services.PriceListImportError as exc:
        return _import_page(request, company, price_list, form=form, report=exc, status=400)
    except PermissionDeniedError as exc:
        return _import_page(request, company, price_list, form=form, refusal=exc, status=403)
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _import_page(request, company, price_list, form=form, status=exc.status_code)
    if dry_run:
        return _import_page(request, company, price_list, form=form, result=result)
    messages.success(
        request,
        ngettext(
            "The price list now holds the file's %(items)d item.",
            "The price list now holds the file's %(items)d items.",
            result.items,
        )
        % {"items": result.items}
        + " "
        + _("Products added: %(created)d; updated: %(updated)d.")
        % {"created": result.products_created, "updated": result.products_updated},
    )
    return redirect(
        "frontend:supplier-price-list", company_id=company.pk, price_list_id=price_list.pk
    )


@login_required
@require_GET
def price_list_export_page(request, company_id: int, price_list_id: int):
    """The price list's items as a file (``file_format``: csv, the default, or xlsx) in the
    columns the import reads."""
    company = own_supplier(request, company_id)
    price_list = _price_list(company, price_list_id)
    file_format = (request.GET.get("file_format") or "csv").lower()
    if file_format not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("Choose csv or xlsx."))
    content, content_type, filename = selectors.price_list_export(
        price_list=price_list, file_format=file_format
    )
    return download_response(content, filename=filename, content_type=content_type)
