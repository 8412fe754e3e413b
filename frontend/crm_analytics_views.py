"""The CRM's forecast and analytics pages: the weighted pipeline (by month, owner or stage),
plan versus fact, win rate and cycle, a supplier's auctions and a buyer's savings. Each page is
one table of ``crm.forecast`` / ``crm.analytics`` over a period, with a chart (uPlot, drawn by
``static/frontend/crm-charts.js`` from the figures the page embeds) and CSV/XLSX links to this
page's own export, which calls the same function and writes the file as the API does
(``crm.api.analytics_views.table_csv`` / ``table_xlsx``). Money is never added across
currencies: a chart has a series per currency."""

from __future__ import annotations

from babel.numbers import format_decimal
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, to_locale
from django.utils.translation import gettext as _

from crm.analytics import Table, buyer_savings, supplier_auctions, win_rate
from crm.api.analytics_views import EXPORT_TYPES, table_csv, table_xlsx
from crm.api.documents_views import file_response
from crm.forecast import pipeline_weighted, plan_fact

from .crm_pipeline_forms import GROUP_LABELS, AnalyticsForm
from .crm_pipeline_views import T, Workspace, crm_page, page_context, people, pipelines_of
from .templatetags.money import money

REPORTS = {
    "pipeline": gettext_lazy("Weighted pipeline"),
    "plan-fact": gettext_lazy("Plan versus fact"),
    "win-rate": gettext_lazy("Win rate and cycle"),
    "auctions": gettext_lazy("Our auctions"),
    "savings": gettext_lazy("Savings"),
}
# Id columns stay in the files (to join them with other data), not in the page.
ID_COLUMNS = {"owner", "pipeline", "stage", "category", "target", "supplier"}
TEXT_KINDS = ("text", "month", "date")


def _form(request, ws: Workspace, report: str) -> AnalyticsForm:
    form = AnalyticsForm(
        request.GET,
        report=report,
        pipelines=pipelines_of(request, ws) if report == "pipeline" else (),
        people=people(ws) if report == "plan-fact" else (),
    )
    form.is_valid()
    return form


def _table(request, ws: Workspace, report: str, data: dict) -> Table:
    """The report's table, by the function the API's endpoint calls."""
    common = {
        "user": request.user,
        "workspace_id": ws.id,
        "date_from": data.get("date_from"),
        "date_to": data.get("date_to"),
    }
    group = data.get("group") or None
    if report == "pipeline":
        return pipeline_weighted(**common, group=group or "month", pipeline_id=data.get("pipeline"))
    if report == "plan-fact":
        return plan_fact(**common, owner_id=data.get("owner"))
    if report == "win-rate":
        return win_rate(**common, group=group or "owner")
    if report == "auctions":
        return supplier_auctions(**common, group=group or "category")
    return buyer_savings(**common, group=group or "category")


def _number(value, digits: int = 2) -> str:
    locale = to_locale(get_language() or "en")
    return format_decimal(value, format=f"#,##0.{'0' * digits}", locale=locale)


def cell_text(row: dict, key: str, kind: str) -> str:
    """A cell as the page shows it: money in its row's currency, numbers in the reader's
    language."""
    value = row.get(key)
    if value is None or value == "":
        return "—"
    if kind == "money":
        return money(value, row.get("currency") or "UAH")
    if kind == "percent":
        return f"{_number(value)} %"
    if kind == "days":
        return _number(value, 1)
    if kind == "int":
        return _number(value, 0)
    if kind == "date":
        return value.isoformat()
    return str(value)


def _label(report: str, group: str, row: dict) -> str:
    if report == "plan-fact":
        return f"{row['owner_name']} {row['period_start']:%Y-%m-%d}…{row['period_end']:%Y-%m-%d}"
    if group == "month":
        return row.get("month") or _("No date")
    if group == "owner":
        return row["owner_name"]
    if group == "stage":
        return f"{row['pipeline_name']}: {row['stage_name']}"
    if group == "pipeline":
        return row["pipeline_name"]
    if group == "category":
        return row.get("category_name") or row.get("category_code") or _("No category")
    if group == "supplier":
        return row["supplier_name"]
    return _("Total")


# The chart of each report: the measures drawn, and whether they are money (a series per
# currency) or counts and shares (one series each).
CHART_MEASURES = {
    "pipeline": (("amount", gettext_lazy("Amount")), ("weighted", gettext_lazy("Weighted"))),
    "plan-fact": (("plan", gettext_lazy("Plan")), ("fact", gettext_lazy("Fact"))),
    "win-rate": (("win_rate", gettext_lazy("Win rate, %")),),
    "auctions": (("won", gettext_lazy("Won")), ("lost", gettext_lazy("Lost"))),
    "savings": (("saving", gettext_lazy("Saving")),),
}
MONEY_CHARTS = {"pipeline", "plan-fact", "savings"}


def chart_data(report: str, group: str, table: Table) -> dict:
    """``{labels, series: [{label, values}]}``: a bar per label and series; money per currency,
    never added across."""
    labels: list[str] = []
    for row in table.rows:
        label = _label(report, group, row)
        if label not in labels:
            labels.append(label)
    per_currency = report in MONEY_CHARTS
    series: dict[tuple, dict] = {}
    for row in table.rows:
        at = labels.index(_label(report, group, row))
        for key, heading in CHART_MEASURES[report]:
            currency = row.get("currency", "") if per_currency else ""
            name = f"{heading}, {currency}" if currency else str(heading)
            slot = series.setdefault(
                (key, currency), {"label": name, "values": [None] * len(labels)}
            )
            value = row.get(key)
            if value is not None:
                slot["values"][at] = (slot["values"][at] or 0) + float(value)
    axis = str(GROUP_LABELS.get(group, "")) if report != "plan-fact" else _("Target")
    return {"labels": labels, "series": list(series.values()), "money": per_currency, "axis": axis}


def _check(report: str) -> None:
    if report not in REPORTS:
        raise Http404(_("No such report."))


@crm_page()
def analytics_page(request, ws: Workspace, report: str = "pipeline"):
    _check(report)
    return _page(request, ws, report, _form(request, ws, report))


def _page(request, ws: Workspace, report: str, form: AnalyticsForm):
    table = chart = None
    group = ""
    if not form.errors:
        group = form.cleaned_data.get("group") or ""
        table = _table(request, ws, report, form.cleaned_data)
        group = group or {"pipeline": "month", "win-rate": "owner"}.get(report, "category")
        chart = chart_data(report, group, table)
    columns = [c for c in table.columns if c.key not in ID_COLUMNS] if table else []
    rows = [
        [(cell_text(r, c.key, c.kind), c.kind not in TEXT_KINDS) for c in columns]
        for r in (table.rows if table else [])
    ]
    context = page_context(
        ws,
        "analytics",
        report=report,
        reports=REPORTS.items(),
        title=REPORTS[report],
        form=form,
        table=table,
        columns=[(c, c.kind not in TEXT_KINDS) for c in columns],
        rows=rows,
        chart=chart,
        query=request.GET.urlencode(),
    )
    return render(request, T + "analytics.html", context, status=400 if form.errors else 200)


@crm_page()
def analytics_export(request, ws: Workspace, report: str, file_format: str):
    """The page's table as a CSV or XLSX file (the API's format), for the same filters."""
    _check(report)
    if file_format not in EXPORT_TYPES:
        raise Http404(_("No such format."))
    form = _form(request, ws, report)
    if form.errors:
        return _page(request, ws, report, form)  # the page, with the errors
    table = _table(request, ws, report, form.cleaned_data)
    content = table_csv(table) if file_format == "csv" else table_xlsx(table)
    day = timezone.localdate().isoformat()
    return file_response(
        content=content,
        content_type=EXPORT_TYPES[file_format],
        filename=f"crm-{ws.id}-{table.name}-{day}.{file_format}",
    )
