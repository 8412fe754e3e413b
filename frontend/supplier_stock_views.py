"""The supplier's stock page (``/my-catalogue/<company_id>/stock/``): its warehouses (added,
removed), the counts per product and warehouse (a stale count flagged), and a CSV/XLSX file of
counts uploaded (checked first if wished; every problem listed with its row, nothing written
while one is left). Any member reads; those who may change the catalogue write
(``suppliers.stock``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.core.exceptions import ApplicationError
from suppliers import stock, stock_io

from .supplier_views import catalogue_context, own_supplier


@login_required
@require_http_methods(["GET", "POST"])
def stock_page(request, company_id: int):
    company = own_supplier(request, company_id)
    context = catalogue_context(request, company, "stock")
    report, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "warehouse_add":
                stock.warehouse_create(
                    actor=request.user,
                    supplier=company,
                    name=request.POST.get("name", ""),
                    city=request.POST.get("city", ""),
                    country=request.POST.get("country", ""),
                )
                messages.success(request, _("The warehouse is added."))
            elif action == "warehouse_delete":
                warehouse = stock.warehouse_get(
                    supplier=company, warehouse_id=int(request.POST.get("warehouse") or 0)
                )
                stock.warehouse_delete(actor=request.user, warehouse=warehouse)
                messages.success(request, _("The warehouse and its counts are removed."))
            elif action == "import":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ApplicationError(_("Choose a CSV or XLSX file."), code="file_required")
                result = stock.stock_import(
                    actor=request.user,
                    supplier=company,
                    data=upload.read(stock_io.MAX_FILE_BYTES + 1),
                    filename=upload.name,
                    dry_run=bool(request.POST.get("dry_run")),
                )
                if result.dry_run:
                    messages.success(
                        request,
                        _("The file is correct: %(n)d rows would be written.") % {"n": result.rows},
                    )
                else:
                    messages.success(
                        request,
                        _("%(c)d counts added, %(u)d changed, %(s)d unchanged.")
                        % {"c": result.created, "u": result.updated, "s": result.unchanged},
                    )
            else:
                raise ApplicationError(_("Unknown action."), code="unknown_action")
        except stock.StockImportError as exc:
            messages.error(request, exc.message)
            report, status = exc.report, 400
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
        except ValueError:
            messages.error(request, _("No such warehouse."))
            status = 404
        else:
            return redirect("frontend:supplier-stock", company.pk)
    today = timezone.localdate()
    levels = [
        (level, stock.is_stale(level.counted_on, today=today))
        for level in stock.stock_levels(supplier=company)
    ]
    return render(
        request,
        "pricing/stock.html",
        {
            **context,
            "warehouses": stock.warehouse_list(supplier=company),
            "levels": levels,
            "report": report,
            "stale_days": stock.STALE_AFTER_DAYS,
            "columns": ", ".join(stock_io.EXPORT_COLUMNS),
        },
        status=status,
    )
