"""Reads of procurement plans, and who may read or edit them.

* The buyer's managers (the roles that manage its tenders: ``BUYER_MANAGER_ROLES``, company
  admins and procurement officers) edit its plans.
* Its other people read them, drafts included, with their tenders and their fact.
* Anyone else: a draft does not exist (404); a published plan is read by every signed-in person
  (the plan, its lines and budgets, as Prozorro publishes plans), but not which tenders carry it
  out nor their awarded amounts (a tender may be on a dedicated platform, its award not public):
  those stay with the buyer's people.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from auctions.models import Lot, Tender, TenderStatus
from auctions.tenders.selectors import BUYER_MANAGER_ROLES
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError

from .models import PlanLine, PlanLineTender, PlanStatus, ProcurementPlan

SCOPES = ("mine", "published")


def _plans() -> QuerySet[ProcurementPlan]:
    return ProcurementPlan.objects.select_related("buyer").annotate(line_count=Count("lines"))


def user_reads_buyer(*, user, buyer_id: int) -> bool:
    """Is ``user`` one of the buyer company's people (any role)?"""
    return buyer_id in user_company_ids(user=user)


def user_manages_buyer(*, user, buyer_id: int) -> bool:
    return buyer_id in user_company_ids(user=user, roles=BUYER_MANAGER_ROLES)


def buyers_managed(*, user) -> QuerySet[Company]:
    """The buyer companies whose plans ``user`` may make."""
    ids = user_company_ids(user=user, roles=BUYER_MANAGER_ROLES)
    return Company.objects.filter(pk__in=ids, is_buyer=True).order_by("legal_name")


def plan_list(
    *,
    user,
    scope: str = "mine",
    buyer_id: int | None = None,
    year: int | None = None,
    status: str | None = None,
) -> QuerySet[ProcurementPlan]:
    """``mine``: the plans of the companies ``user`` belongs to, drafts included;
    ``published``: every published plan (any buyer's)."""
    if scope not in SCOPES:
        raise ValueError(scope)
    if not user or not user.is_authenticated:
        return ProcurementPlan.objects.none()
    if scope == "mine":
        qs = _plans().filter(buyer_id__in=user_company_ids(user=user))
    else:
        qs = _plans().filter(status=PlanStatus.PUBLISHED)
    if buyer_id is not None:
        qs = qs.filter(buyer_id=buyer_id)
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "buyer__legal_name", "pk")


def plan_get(*, user, plan_id: int) -> ProcurementPlan:
    """The plan if ``user`` may read it; otherwise NotFoundError (a draft of another company
    does not exist for a stranger)."""
    if not user or not user.is_authenticated:
        raise NotFoundError(_("Plan not found."), code="plan_not_found")
    readable = Q(buyer_id__in=user_company_ids(user=user)) | Q(status=PlanStatus.PUBLISHED)
    plan = _plans().filter(readable, pk=plan_id).first()
    if plan is None:
        raise NotFoundError(_("Plan not found."), code="plan_not_found")
    return plan


def plan_get_managed(*, user, plan_id: int) -> ProcurementPlan:
    """The plan if ``user`` manages its buyer: 404 when it may not read it, 403 when it reads
    it only."""
    plan = plan_get(user=user, plan_id=plan_id)
    if not user_manages_buyer(user=user, buyer_id=plan.buyer_id):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins edit its plans."),
            code="not_plan_manager",
        )
    return plan


def plan_get_for_members(*, user, plan_id: int) -> ProcurementPlan:
    """The plan if ``user`` is one of its buyer's people (its tenders and fact): 404 when it may
    not read the plan at all, 403 when it reads only the published plan."""
    plan = plan_get(user=user, plan_id=plan_id)
    if not user_reads_buyer(user=user, buyer_id=plan.buyer_id):
        raise PermissionDeniedError(
            _("Only the buyer's people see which tenders carry out its plan and their results."),
            code="buyer_members_only",
        )
    return plan


def line_list(*, plan: ProcurementPlan, with_links: bool) -> QuerySet[PlanLine]:
    """The plan's lines, by quarter; with their links (tender and lot) when ``with_links``."""
    qs = PlanLine.objects.filter(plan=plan).select_related("category")
    if with_links:
        qs = qs.prefetch_related(
            Prefetch(
                "links",
                queryset=PlanLineTender.objects.select_related("tender", "lot").order_by("pk"),
            )
        )
    return qs.order_by("quarter", "category__path", "pk")


def line_get(*, plan: ProcurementPlan, line_id: int) -> PlanLine:
    line = PlanLine.objects.select_related("category").filter(plan=plan, pk=line_id).first()
    if line is None:
        raise NotFoundError(_("Plan line not found."), code="line_not_found")
    return line


def link_get(*, line: PlanLine, link_id: int) -> PlanLineTender:
    link = PlanLineTender.objects.filter(line=line, pk=link_id).first()
    if link is None:
        raise NotFoundError(_("This tender is not linked to the line."), code="link_not_found")
    return link


def tenders_linkable(*, plan: ProcurementPlan) -> QuerySet[Tender]:
    """The buyer's tenders a line of ``plan`` may be linked to (not cancelled), newest first,
    with their lots."""
    return (
        Tender.objects.filter(buyer_id=plan.buyer_id)
        .exclude(status=TenderStatus.CANCELLED)
        .select_related("category")
        .prefetch_related(Prefetch("lots", queryset=Lot.objects.order_by("number")))
        .order_by("-created_at", "-pk")
    )
