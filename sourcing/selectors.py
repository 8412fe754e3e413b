"""Reads for attracting suppliers, each scoped to what the reader may see.

* A buyer company's shortlists are read by its members (any role) and changed by its managers
  (procurement officers, company admins); anyone else's shortlist is "not found".
* A tender's invitations and funnel are read by the members of the tender's buyer only: a
  tender the reader cannot see is "not found" (404), one it sees from a supplier's side (or as
  a platform admin) is "forbidden" (403, as the tender's own invitations API answers): no
  supplier reads who else was invited, nor a prospect's e-mail.
* An invited company is named (and linked) only when the reader may read its supplier profile
  (``suppliers.selectors.supplier_companies_visible``: a verified supplier); until then the
  funnel shows what the buyer itself typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from auctions.models import Tender, TenderStatus
from auctions.tenders import selectors as tender_selectors
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids, user_has_company_role
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from suppliers.selectors import supplier_companies_visible

from .models import STAGES, Shortlist, ShortlistEntry, SupplierInvitation

MANAGER_ROLES = tender_selectors.BUYER_MANAGER_ROLES
# Tenders that still take suppliers: invitations, applications.
ACCEPTING = (TenderStatus.DRAFT, TenderStatus.PUBLISHED)


# --- Who is who ------------------------------------------------------------------------------


def buyer_ids_read(*, user) -> set[int]:
    """The buyer companies ``user`` belongs to (any role)."""
    ids = user_company_ids(user=user)
    if not ids:
        return set()
    return set(Company.objects.filter(pk__in=ids, is_buyer=True).values_list("pk", flat=True))


def buyers_managed(*, user) -> QuerySet[Company]:
    """The buyer companies whose shortlists and invitations ``user`` keeps."""
    return tender_selectors.buyer_companies_managed(user=user)


def user_manages_buyer(*, user, buyer_id: int) -> bool:
    return user_has_company_role(user=user, company=buyer_id, roles=MANAGER_ROLES)


def buyer_for_user(*, user, buyer_id: int | None) -> Company:
    """The buyer company a request is about: the one named (404 unless the user is one of its
    people), or the user's only buyer company."""
    ids = buyer_ids_read(user=user)
    if buyer_id is not None:
        if buyer_id not in ids:
            raise NotFoundError(_("Company not found."), code="company_not_found")
        return Company.objects.get(pk=buyer_id)
    if not ids:
        raise PermissionDeniedError(
            _("Only the people of a buyer company may do this."), code="not_buyer_member"
        )
    if len(ids) > 1:
        message = _("You belong to several buyer companies: name the company.")
        raise ApplicationError(message, code="company_required", fields={"buyer": [message]})
    return Company.objects.get(pk=next(iter(ids)))


# --- Shortlists ------------------------------------------------------------------------------


def shortlist_list(
    *, user, buyer_id: int | None = None, tender_id: int | None = None
) -> QuerySet[Shortlist]:
    qs = Shortlist.objects.filter(buyer_id__in=buyer_ids_read(user=user))
    if buyer_id is not None:
        qs = qs.filter(buyer_id=buyer_id)
    if tender_id is not None:
        qs = qs.filter(tender_id=tender_id)
    return (
        qs.select_related("buyer", "tender")
        .annotate(size=Count("entries"))
        .order_by("buyer__legal_name", "tender_id", "name", "pk")
    )


def shortlist_get(*, user, shortlist_id: int) -> Shortlist:
    shortlist = shortlist_list(user=user).filter(pk=shortlist_id).first()
    if shortlist is None:
        raise NotFoundError(_("No such shortlist."), code="shortlist_not_found")
    return shortlist


def shortlist_entries(*, shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    return (
        ShortlistEntry.objects.filter(shortlist=shortlist)
        .select_related("supplier", "added_by")
        .order_by("supplier__legal_name", "pk")
    )


def shortlist_memberships(*, user, supplier_ids: list[int]) -> dict[int, list[Shortlist]]:
    """supplier id -> the user's shortlists that hold it (the directory's cards)."""
    found: dict[int, list[Shortlist]] = {}
    entries = ShortlistEntry.objects.filter(
        supplier_id__in=supplier_ids, shortlist__buyer_id__in=buyer_ids_read(user=user)
    ).select_related("shortlist")
    for entry in entries.order_by("shortlist__name", "pk"):
        found.setdefault(entry.supplier_id, []).append(entry.shortlist)
    return found


def tenders_for_shortlists(*, user) -> QuerySet[Tender]:
    """The user's buyers' tenders that still take suppliers and have no shortlist yet: the
    directory offers "the shortlist of tender X", made when the first supplier goes in."""
    managed = list(buyers_managed(user=user).values_list("pk", flat=True))
    return (
        Tender.objects.filter(buyer_id__in=managed, status__in=ACCEPTING)
        .exclude(sourcing_shortlists__isnull=False)
        .order_by("-created_at", "-pk")
    )


def supplier_for_shortlist(*, user, supplier_id: int) -> Company:
    """A supplier the user may put on a shortlist: one whose profile it may read (a verified
    supplier; its own companies too); else "not found"."""
    company = supplier_companies_visible(user=user).filter(pk=supplier_id).first()
    if company is None:
        raise NotFoundError(_("No such supplier."), code="supplier_not_found")
    return company


# --- Tenders, their invitations and funnels ---------------------------------------------------


def tender_for_buyer(*, user, tender_id: int) -> Tender:
    """A tender of one of the user's buyer companies: 404 when the user cannot see it, 403 when
    it sees it from another side (a supplier, a platform admin)."""
    tender = tender_selectors.tender_get_visible(user=user, tender_id=tender_id)
    if tender.buyer_id not in user_company_ids(user=user):
        raise PermissionDeniedError(
            _("Only the buyer's people may see this."), code="not_tender_buyer"
        )
    return tender


def invitation_list(*, tender: Tender) -> QuerySet[SupplierInvitation]:
    return SupplierInvitation.objects.filter(tender=tender).select_related(
        "company", "invited_by", "tender"
    )


def visible_company_ids(*, user, company_ids: set[int]) -> set[int]:
    """Of ``company_ids``, those whose supplier profile ``user`` may read."""
    if not company_ids:
        return set()
    return set(
        supplier_companies_visible(user=user)
        .filter(pk__in=company_ids)
        .values_list("pk", flat=True)
    )


def _stage_aggregates() -> dict:
    return {stage: Count("pk", filter=Q(**{f"{stage}_at__isnull": False})) for stage in STAGES}


def stage_counts(rows: QuerySet[SupplierInvitation]) -> dict[str, int]:
    """How many rows reached each stage (a funnel: each count includes the later stages')."""
    counts = rows.order_by().aggregate(**_stage_aggregates())
    return {stage: int(counts[stage] or 0) for stage in STAGES}


@dataclass(frozen=True)
class FunnelRow:
    invitation: SupplierInvitation
    name: str  # the company's name when the reader may read it, else what the buyer typed
    company_id: int | None  # set when the reader may read the company's profile
    stage: str


def funnel_rows(*, user, rows: QuerySet[SupplierInvitation]) -> list[FunnelRow]:
    rows_list = list(rows)
    visible = visible_company_ids(
        user=user, company_ids={r.company_id for r in rows_list if r.company_id}
    )
    out = []
    for row in rows_list:
        shown = row.company_id in visible
        name = (
            row.company.legal_name
            if shown and row.company
            else (row.company_name or row.identifier or row.email)
        )
        out.append(
            FunnelRow(
                invitation=row,
                name=name,
                company_id=row.company_id if shown else None,
                stage=row.stage,
            )
        )
    return out


def tender_funnel(*, user, tender: Tender) -> dict:
    rows = invitation_list(tender=tender)
    return {
        "tender": tender,
        "counts": stage_counts(rows),
        "rows": funnel_rows(user=user, rows=rows.order_by("-invited_at", "-pk")),
    }


def buyer_funnel(*, buyer: Company) -> dict:
    """A buyer's funnel across its tenders: the counts of all its invitations, and each tender
    with invitations and its counts (newest tender first)."""
    rows = SupplierInvitation.objects.filter(tender__buyer=buyer)
    per_tender = {
        row["tender_id"]: {stage: int(row[stage] or 0) for stage in STAGES}
        for row in rows.order_by().values("tender_id").annotate(**_stage_aggregates())
    }
    tenders = Tender.objects.filter(pk__in=per_tender).order_by("-created_at", "-pk")
    return {
        "buyer": buyer,
        "counts": stage_counts(rows),
        "tenders": [{"tender": tender, "counts": per_tender[tender.pk]} for tender in tenders],
    }
