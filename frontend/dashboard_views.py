"""The person's home after log-in (``/home/``): a section for each role it holds, in every
company it belongs to (a procurement officer's, a supplier's, the CRM's "today", a platform
admin's), each figure a number (or money, one per currency) linking to the page that lists
those things; a person with no company is pointed at registering or joining one.

The counting is the domains' (``auctions.dashboard``, ``crm.activity_selectors``, the platform
core's selectors); this module only labels the figures and links them. Where a count is of
exactly one tender or lot, its figure links straight to it; otherwise to the closest list:
"My auctions" for lots and applications, the tender search with its status and category
filters for tenders (docs/frontend.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from auctions.dashboard import (
    RESULTS_DAYS,
    BuyerFigures,
    Figure,
    SupplierFigures,
    dashboard_buyer,
    dashboard_supplier,
)
from auctions.models import ApplicationStatus, TenderStatus
from crm.activity_selectors import activity_counts_mine
from marketplace.companies.selectors import companies_of_user
from marketplace.core.money import format_money
from marketplace.platforms.selectors import administered_platform_ids, membership_requests_waiting
from marketplace.verification.selectors import (
    documents_expiring_count,
    review_queue_count,
    user_is_reviewer,
)


@dataclass
class Tile:
    id: str
    label: str
    value: str
    url: str
    note: str = ""
    money: bool = False  # an amount in its currency: a smaller type than a count


@dataclass
class Group:
    title: str
    tiles: list[Tile] = field(default_factory=list)


@dataclass
class Section:
    id: str
    title: str
    companies: str = ""
    groups: list[Group] = field(default_factory=list)


def _url(name: str, *args, query: dict | None = None, anchor: str = "") -> str:
    url = reverse(f"frontend:{name}", args=args)
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


def _span(start: date, end: date) -> str:
    return f"{date_format(start, 'SHORT_DATE_FORMAT')}–{date_format(end, 'SHORT_DATE_FORMAT')}"


def _names(companies) -> str:
    return ", ".join(company.legal_name for company in companies)


def _lots(figure: Figure) -> str:
    """The only lot's room, else "My auctions"."""
    return _url("lot-room", figure.one) if figure.one else _url("workspace")


# --- The procurement officer -------------------------------------------------------------------


def _tender_status_url(status: str, figure: Figure) -> str:
    if figure.one:
        return _url("tender-manage", figure.one)
    if status == TenderStatus.DRAFT:  # drafts are in no list: "My auctions" is the nearest
        return _url("workspace")
    return _url("home", query={"status": status})


def buyer_section(figures: BuyerFigures) -> Section:
    names = {company.pk: company.legal_name for company in figures.companies}
    several = len(names) > 1
    tenders = Group(
        _("My tenders by stage"),
        [
            Tile(
                f"buyer-tenders-{status}",
                str(TenderStatus(status).label),
                str(figure.count),
                _tender_status_url(status, figure),
            )
            for status, figure in figures.tenders.items()
        ],
    )
    week = figures.week
    auctions = Group(
        _("Auctions"),
        [
            Tile(
                "buyer-auctions-today",
                _("Today"),
                str(figures.auctions_today.count),
                _lots(figures.auctions_today),
            ),
            Tile(
                "buyer-auctions-week",
                _("This week"),
                str(figures.auctions_week.count),
                _lots(figures.auctions_week),
                note=_span(week.start, week.end),
            ),
        ],
    )
    questions, applications = figures.questions, figures.applications
    waiting = Group(
        _("Waiting for me"),
        [
            Tile(
                "buyer-questions",
                _("Questions to answer"),
                str(questions.count),
                _url("tender-manage", questions.one, anchor="questions")
                if questions.one
                else _url("workspace"),
            ),
            Tile(
                "buyer-applications",
                _("Applications to decide"),
                str(applications.count),
                _url("tender-manage", applications.one) if applications.one else _url("workspace"),
            ),
        ],
    )
    quarter = figures.quarter
    period = {"date_from": quarter.start.isoformat(), "date_to": quarter.end.isoformat()}
    savings = Group(
        _("Savings this quarter (%(period)s)") % {"period": _span(quarter.start, quarter.end)},
        [
            Tile(
                f"buyer-savings-{saving.company_id}-{saving.currency}",
                saving.currency
                if not several
                else f"{names[saving.company_id]}, {saving.currency}",
                format_money(saving.amount, saving.currency),
                _url("crm-analytics-report", saving.company_id, "savings", query=period),
                note=ngettext("%(count)s lot awarded", "%(count)s lots awarded", saving.lots)
                % {"count": saving.lots},
                money=True,
            )
            for saving in figures.savings
        ]
        or [
            Tile(
                f"buyer-savings-{company_id}",
                name if several else _("No lots awarded yet"),
                "—",
                _url("crm-analytics-report", company_id, "savings", query=period),
            )
            for company_id, name in names.items()
        ],
    )
    return Section(
        "dashboard-buyer",
        _("Procurement"),
        _names(figures.companies),
        [tenders, auctions, waiting, savings],
    )


# --- The supplier ------------------------------------------------------------------------------


def supplier_section(figures: SupplierFigures) -> Section:
    if figures.category_ids:
        matching_url = _url(
            "home",
            query={
                "category": ",".join(map(str, figures.category_ids)),
                "status": TenderStatus.PUBLISHED,
            },
        )
    else:  # no categories chosen yet: where they are chosen
        matching_url = _url("supplier-catalogue")
    tenders = Group(
        _("Tenders for us"),
        [
            Tile(
                "supplier-matching",
                _("Open tenders in our categories"),
                str(figures.matching),
                matching_url,
                note="" if figures.category_ids else _("Choose your categories in your profile."),
            ),
            Tile(
                "supplier-auctions-today",
                _("Our auctions today"),
                str(figures.auctions_today.count),
                _lots(figures.auctions_today),
            ),
        ],
    )
    applications = Group(
        _("My applications"),
        [
            Tile(
                f"supplier-applications-{status}",
                str(ApplicationStatus(status).label),
                str(figure.count),
                _url("tender", figure.one) if figure.one else _url("workspace"),
            )
            for status, figure in figures.applications.items()
        ],
    )
    results = Group(
        _("Results of the last %(days)s days") % {"days": RESULTS_DAYS},
        [
            Tile("supplier-won", _("Won"), str(figures.won.count), _lots(figures.won)),
            Tile(
                "supplier-not-won", _("Not won"), str(figures.not_won.count), _lots(figures.not_won)
            ),
            Tile(
                "supplier-awaiting",
                _("Awaiting the award"),
                str(figures.awaiting.count),
                _lots(figures.awaiting),
            ),
        ],
    )
    return Section(
        "dashboard-supplier",
        _("Supplying"),
        _names(figures.companies),
        [tenders, applications, results],
    )


# --- The CRM and the platform admin ------------------------------------------------------------


def crm_section(user, companies) -> Section | None:
    days = activity_counts_mine(user=user)
    if not days:
        return None
    names = {company.pk: company.legal_name for company in companies}
    groups = [
        Group(
            names.get(day.workspace_id, ""),
            [
                Tile(
                    f"crm-today-{day.workspace_id}",
                    _("My activities due today"),
                    str(day.today),
                    _url("crm-activities", day.workspace_id, query={"tab": "today"}),
                ),
                Tile(
                    f"crm-overdue-{day.workspace_id}",
                    _("Overdue"),
                    str(day.overdue),
                    _url("crm-activities", day.workspace_id, query={"tab": "overdue"}),
                ),
            ],
        )
        for day in days
    ]
    return Section("dashboard-crm", _("CRM"), groups=groups)


def admin_section(user, today: date) -> Section | None:
    reviewer = user_is_reviewer(user=user)
    platform_ids = administered_platform_ids(user=user)
    administers = platform_ids is None or bool(platform_ids)
    if not (reviewer or administers):
        return None
    tiles = []
    if reviewer:
        tiles.append(
            Tile(
                "admin-queue",
                _("Verifications to review"),
                str(review_queue_count()),
                _url("review-queue", query={"status": "pending"}),
            )
        )
    if administers:
        count, one = membership_requests_waiting(user=user)
        tiles.append(
            Tile(
                "admin-requests",
                _("Membership requests"),
                str(count),
                _url("platform-participations", one, query={"status": "applied"})
                if one
                else _url("platform-admin"),
            )
        )
    if reviewer:
        days = settings.VERIFICATION_EXPIRY_WARNING_DAYS
        end = today + timedelta(days=days)
        tiles.append(
            Tile(
                "admin-expiring",
                _("Documents expiring within %(days)s days") % {"days": days},
                str(documents_expiring_count(on=today, days=days)),
                reverse("admin:verification_verificationdocument_changelist")
                + "?"
                + urlencode(
                    {"expiry_date__gte": today.isoformat(), "expiry_date__lte": end.isoformat()}
                ),
            )
        )
    return Section("dashboard-admin", _("Platform administration"), groups=[Group("", tiles)])


# --- The page ----------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    """My home: the sections of the roles I hold (see the module's docstring)."""
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    companies = list(companies_of_user(user=user).order_by("legal_name", "pk"))
    sections: list[Section] = []
    buyer = dashboard_buyer(user=user, today=today)
    if buyer is not None:
        sections.append(buyer_section(buyer))
    supplier = dashboard_supplier(user=user, today=today, now=now)
    if supplier is not None:
        sections.append(supplier_section(supplier))
    crm = crm_section(user, companies)
    if crm is not None:
        sections.append(crm)
    admin = admin_section(user, today)
    if admin is not None:
        sections.append(admin)
    return render(
        request,
        "frontend/dashboard.html",
        {"sections": sections, "no_company": not companies and admin is None},
    )
