"""Reads and scoping for tenders, lots, applications, invitations, documents and questions.

Who sees a tender:

* the buyer's members (any role), drafts included;
* the admins of the tender's platform and operator staff: every tender on it;
* a published (not draft) OPEN tender: verified supplier companies that are accepted
  participants of the tender's platform;
* a published INVITATION tender: invited suppliers only.

Everything else is "not found" (404), never 403, so strangers cannot learn that a tender exists.
Supplier-facing output never carries reserve prices nor other suppliers' identities: the views
choose the buyer-side serializers only when ``tender_is_buyer_side`` says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.categories.selectors import category_ancestors
from marketplace.companies.models import Company, MembershipRole, VerificationStatus
from marketplace.companies.selectors import user_company_ids, user_has_company_role
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError
from marketplace.platforms.models import (
    ParticipationStatus,
    Platform,
    PlatformKind,
    PlatformMembership,
)
from marketplace.platforms.selectors import administered_platform_ids, user_is_platform_admin
from marketplace.verification.selectors import company_can_trade, company_trade_block_reason
from suppliers.models import SupplierProfile

from ..models import (
    Application,
    ApplicationStatus,
    Lot,
    LotStatus,
    Participation,
    Question,
    Tender,
    TenderDocument,
    TenderInvitation,
    TenderStatus,
)

# Roles that act for the buyer (create, edit, publish, decide) and for a supplier (apply, ask).
BUYER_MANAGER_ROLES = (MembershipRole.PROCUREMENT_OFFICER, MembershipRole.COMPANY_ADMIN)
SUPPLIER_ACTOR_ROLES = (MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER)


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


# --- Who is who ------------------------------------------------------------------------------


def user_trading_supplier_ids(*, user, roles: Iterable[str] | None = None) -> set[int]:
    """The user's supplier companies that may trade now (verified, no expired document)."""
    ids = user_company_ids(user=user, roles=roles)
    if not ids:
        return set()
    companies = Company.objects.filter(pk__in=ids, is_supplier=True)
    return {company.pk for company in companies if company_can_trade(company)}


def company_participates(*, company: Company | int, platform: Platform | int) -> bool:
    """An accepted participant of ``platform`` (a dedicated platform's owner always is)."""
    company_id, platform_id = _pk(company), _pk(platform)
    if Platform.objects.filter(pk=platform_id, owner_id=company_id).exists():
        return True
    return PlatformMembership.objects.filter(
        company_id=company_id, platform_id=platform_id, status=ParticipationStatus.ACCEPTED
    ).exists()


def user_is_tender_buyer(*, user, tender: Tender) -> bool:
    """Any member of the buyer company (reads the buyer's view, drafts included)."""
    return tender.buyer_id in user_company_ids(user=user)


def user_may_manage_tender(*, user, tender: Tender) -> bool:
    """A procurement officer or a company admin of the buyer."""
    return user_has_company_role(user=user, company=tender.buyer_id, roles=BUYER_MANAGER_ROLES)


def tender_is_buyer_side(*, user, tender: Tender) -> bool:
    """May ``user`` see the buyer's view (reserve prices, suppliers' names)?"""
    return user_is_tender_buyer(user=user, tender=tender) or user_is_platform_admin(
        user=user, platform=tender.platform_id
    )


# --- Tenders ---------------------------------------------------------------------------------


def _supplier_visible_q(supplier_ids: set[int]) -> Q:
    """Published tenders that one of ``supplier_ids`` (trading suppliers) may see."""
    if not supplier_ids:
        return Q(pk__in=[])
    participant = Exists(
        PlatformMembership.objects.filter(
            platform_id=OuterRef("platform_id"),
            company_id__in=supplier_ids,
            status=ParticipationStatus.ACCEPTED,
        )
    )
    owner = Q(platform__owner_id__in=supplier_ids)
    invited = Exists(
        TenderInvitation.objects.filter(tender_id=OuterRef("pk"), supplier_id__in=supplier_ids)
    )
    open_q = Q(participation=Participation.OPEN) & (Q(participant) | owner)
    invitation_q = Q(participation=Participation.INVITATION) & Q(invited)
    return ~Q(status=TenderStatus.DRAFT) & (open_q | invitation_q)


def tender_list_seen_by_suppliers(*, supplier_ids: set[int]) -> QuerySet[Tender]:
    """The published tenders one of ``supplier_ids`` (trading supplier companies) sees as a
    supplier: open ones of its platforms, invitation-only ones it is invited to."""
    return Tender.objects.filter(_supplier_visible_q(supplier_ids))


def tender_list_visible(*, user) -> QuerySet[Tender]:
    qs = Tender.objects.select_related("platform", "buyer", "category")
    if not user or not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs.all()
    scope = Q(buyer_id__in=user_company_ids(user=user))
    admin_ids = administered_platform_ids(user=user) or set()
    if admin_ids:
        scope |= Q(platform_id__in=admin_ids)
    scope |= _supplier_visible_q(user_trading_supplier_ids(user=user))
    return qs.filter(scope)


def tender_list_public() -> QuerySet[Tender]:
    """What anyone may read, signed in or not: published (or later) open tenders of active
    public platforms. Invitation-only tenders and dedicated platforms stay private."""
    return Tender.objects.select_related("platform", "buyer", "category").filter(
        ~Q(status=TenderStatus.DRAFT),
        participation=Participation.OPEN,
        platform__kind=PlatformKind.PUBLIC,
        platform__is_active=True,
    )


def tender_list_for_page(*, user) -> QuerySet[Tender]:
    """The tenders a page lists for ``user``: the public ones and those the user may see."""
    public = tender_list_public()
    if not user or not user.is_authenticated:
        return public
    return Tender.objects.select_related("platform", "buyer", "category").filter(
        Q(pk__in=public.values("pk")) | Q(pk__in=tender_list_visible(user=user).values("pk"))
    )


def tender_get_for_page(*, user, tender_id: int) -> Tender:
    tender = tender_list_for_page(user=user).filter(pk=tender_id).first()
    if tender is None:
        raise NotFoundError(_("No such tender."), code="tender_not_found")
    return tender


def tender_get_visible(*, user, tender_id: int, explain: bool = False) -> Tender:
    """The tender as a party sees it; 404 for anyone else. ``explain``: where a supplier reads
    the tender or acts as one (its lots, questions, documents, applying), a public tender
    answers the reason instead (``tender_public_refusal``)."""
    tender = tender_list_visible(user=user).filter(pk=tender_id).first()
    if tender is None:
        refusal = explain and tender_public_refusal(user=user, tender_id=tender_id)
        raise refusal or NotFoundError(_("No such tender."), code="tender_not_found")
    return tender


def tender_public_refusal(*, user, tender_id: int) -> PermissionDeniedError | None:
    """Why a signed-in person may not act on a **public** tender (one anyone may read on the
    site, so its existence is no secret): its company is not verified, not an accepted
    participant of the platform, not a supplier; or the person has no company. A 403 naming
    the reason (``company_not_verified``, ``not_platform_participant``, ``not_a_supplier``,
    ``no_company``) instead of a bare 404. None for any other tender, which stays a 404 that
    says nothing of it."""
    if not user or not user.is_authenticated:
        return None
    tender = tender_list_public().filter(pk=tender_id).first()
    if tender is None:
        return None
    companies = list(Company.objects.filter(pk__in=user_company_ids(user=user)).order_by("pk"))
    if not companies:
        return PermissionDeniedError(
            _("Register your company and have it verified to take part in tenders."),
            code="no_company",
        )
    reasons = [tender_supplier_block_reason(tender=tender, company=c) for c in companies]
    # A supplier company's reason first: it is the one that could take part.
    reason = next(
        (r for c, r in zip(companies, reasons, strict=True) if r and c.is_supplier), None
    ) or next((r for r in reasons if r), None)
    if reason is None:
        return None
    code, message = reason
    return PermissionDeniedError(message, code=code)


def tender_supplier_ids_seeing(*, user, tender: Tender) -> set[int]:
    """The user's trading supplier companies that see ``tender`` as suppliers."""
    ids = user_trading_supplier_ids(user=user)
    if not ids or tender.status == TenderStatus.DRAFT:
        return set()
    return {cid for cid in ids if tender_supplier_block_reason(tender=tender, company=cid) is None}


def tender_supplier_block_reason(
    *, tender: Tender, company: Company | int
) -> tuple[str, str] | None:
    """Why ``company`` may not take part in ``tender`` as a supplier: ``(code, message)``.

    Checks the company's supplier role, verification, platform participation, the invitation
    (invitation-only tenders) and the category coverage (open tenders)."""
    company = company if isinstance(company, Company) else Company.objects.get(pk=company)
    if company.pk == tender.buyer_id:
        return "own_tender", _("A company cannot take part in its own tender.")
    if not company.is_supplier:
        return "not_a_supplier", _("Only supplier companies may take part in tenders.")
    blocked = company_trade_block_reason(company)
    if blocked is not None:
        return "company_not_verified", blocked[1]
    if not company_participates(company=company, platform=tender.platform_id):
        return "not_platform_participant", _(
            "Your company is not an accepted participant of this tender's platform."
        )
    invited = TenderInvitation.objects.filter(tender=tender, supplier=company)
    if tender.participation == Participation.INVITATION and not invited.exists():
        return "not_invited", _(
            "This tender is by invitation only and your company is not invited."
        )
    return None


def supplier_covers_category(*, company: Company | int, tender: Tender) -> bool:
    """Is the tender's category within the subtree of one of the supplier profile's categories?"""
    profile = SupplierProfile.objects.filter(company_id=_pk(company)).first()
    if profile is None:
        return False
    own = set(profile.categories.values_list("pk", flat=True))
    if not own:
        return False
    if tender.category_id in own:
        return True
    ancestors = set(category_ancestors(category=tender.category).values_list("pk", flat=True))
    return bool(own & ancestors)


# --- Lots ------------------------------------------------------------------------------------


def lot_list_for_tender(*, tender: Tender) -> QuerySet[Lot]:
    return tender.lots.prefetch_related("criteria").order_by("number")


def lot_get_visible(*, user, lot_id: int, explain: bool = False) -> Lot:
    """The lot as a party sees it; 404 for anyone else (``explain``: as ``tender_get_visible``)."""
    lot = (
        Lot.objects.select_related(
            "tender", "tender__platform", "tender__buyer", "tender__category"
        )
        .filter(tender__in=tender_list_visible(user=user).values("pk"), pk=lot_id)
        .first()
    )
    if lot is None:
        tender_id = (
            Lot.objects.filter(pk=lot_id).values_list("tender_id", flat=True).first()
            if explain
            else None
        )
        refusal = tender_id and tender_public_refusal(user=user, tender_id=tender_id)
        raise refusal or NotFoundError(_("No such lot."), code="lot_not_found")
    return lot


def lots_due_for_closing(*, now) -> QuerySet[Lot]:
    """Published lots whose tender's applications deadline has passed."""
    return Lot.objects.filter(
        status=LotStatus.PUBLISHED, tender__applications_deadline__lte=now
    ).order_by("pk")


# --- Applications ----------------------------------------------------------------------------


def _application_qs() -> QuerySet[Application]:
    return Application.objects.select_related(
        "lot", "lot__tender", "supplier", "submitted_by", "decided_by"
    )


def application_list_for_lot(*, lot: Lot) -> QuerySet[Application]:
    return _application_qs().filter(lot=lot).order_by("created_at", "pk")


def application_list_for_user(*, user) -> QuerySet[Application]:
    """The applications of the user's companies."""
    return (
        _application_qs()
        .filter(supplier_id__in=user_company_ids(user=user))
        .order_by("-created_at", "-pk")
    )


def application_get_visible(*, user, application_id: int) -> Application:
    """An application of one of the user's companies, or one on a lot the user sees buyer-side."""
    application = _application_qs().filter(pk=application_id).first()
    if application is not None:
        if application.supplier_id in user_company_ids(user=user):
            return application
        tender = application.lot.tender
        if tender_list_visible(user=user).filter(pk=tender.pk).exists() and tender_is_buyer_side(
            user=user, tender=tender
        ):
            return application
    raise NotFoundError(_("No such application."), code="application_not_found")


def lot_admitted_count(*, lot: Lot) -> int:
    return lot.applications.filter(status=ApplicationStatus.ADMITTED).count()


# --- Invitations, documents, questions -------------------------------------------------------


def invitation_list(*, tender: Tender) -> QuerySet[TenderInvitation]:
    return tender.invitations.select_related("supplier", "invited_by").order_by("created_at", "pk")


def document_list(*, tender: Tender) -> QuerySet[TenderDocument]:
    return tender.documents.order_by("uploaded_at", "pk")


def document_get(*, tender: Tender, document_id: int) -> TenderDocument:
    document = document_list(tender=tender).filter(pk=document_id).first()
    if document is None:
        raise NotFoundError(_("No such document."), code="document_not_found")
    return document


def question_list_visible(*, user, tender: Tender) -> QuerySet[Question]:
    """The buyer's side sees every question; others see the answered ones plus their own
    companies' questions (answered or not)."""
    qs = Question.objects.filter(tender=tender).select_related("lot").order_by("asked_at", "pk")
    if tender_is_buyer_side(user=user, tender=tender):
        return qs
    mine = user_company_ids(user=user)
    return qs.filter(~Q(answer="") | Q(asked_by_company_id__in=mine))


def question_get_visible(*, user, question_id: int) -> Question:
    question = Question.objects.select_related("tender", "lot").filter(pk=question_id).first()
    if question is not None:
        visible = tender_list_visible(user=user).filter(pk=question.tender_id).exists()
        if (
            visible
            and question_list_visible(user=user, tender=question.tender)
            .filter(pk=question.pk)
            .exists()
        ):
            return question
    raise NotFoundError(_("No such question."), code="question_not_found")


def lot_workspace_filters(*, company_ids: Iterable[int]) -> tuple[Q, Q]:
    """The two sets of lots the people of ``company_ids`` work on, as filters of ``Lot``:
    ``bidding`` (one of the companies is an admitted supplier) and ``buying`` (the lots of
    the companies' tenders). "My auctions" and the calendar of my auctions read both."""
    ids = list(company_ids)
    bidding = Q(
        Exists(
            Application.objects.filter(
                lot_id=OuterRef("pk"), supplier_id__in=ids, status=ApplicationStatus.ADMITTED
            )
        )
    )
    return bidding, Q(tender__buyer_id__in=ids)


def lot_list_for_workspace(*, user) -> dict[str, list[Lot]]:
    """The lots a person works on, newest first: ``bidding`` (lots where one of the user's
    companies is an admitted supplier) and ``buying`` (lots of the user's companies' tenders),
    drafts left out."""
    bidding_q, buying_q = lot_workspace_filters(company_ids=user_company_ids(user=user))
    lots = Lot.objects.select_related("tender", "tender__buyer").exclude(status=LotStatus.DRAFT)
    bidding = lots.filter(bidding_q)
    buying = lots.filter(buying_q)
    order = ("-tender__auction_start", "tender_id", "number")
    return {
        "bidding": list(bidding.order_by(*order)[:100]),
        "buying": list(buying.order_by(*order)[:100]),
    }


# --- The web pages ---------------------------------------------------------------------------


def buyer_companies_managed(*, user) -> QuerySet[Company]:
    """The buyer companies whose tenders ``user`` may create and manage."""
    ids = user_company_ids(user=user, roles=BUYER_MANAGER_ROLES)
    return Company.objects.filter(pk__in=ids, is_buyer=True).order_by("legal_name", "pk")


def platform_list_for_buyers(*, companies: Iterable[Company | int]) -> QuerySet[Platform]:
    """The active platforms on which one of ``companies`` may publish (accepted participant
    or owner)."""
    ids = [_pk(c) for c in companies]
    member = PlatformMembership.objects.filter(
        company_id__in=ids, status=ParticipationStatus.ACCEPTED
    ).values("platform_id")
    return (
        Platform.objects.filter(is_active=True)
        .filter(Q(pk__in=member) | Q(owner_id__in=ids))
        .order_by("name", "pk")
    )


def tender_get_managed(*, user, tender_id: int) -> Tender:
    """A tender ``user`` manages (a procurement officer or company admin of its buyer); any
    other tender is "not found"."""
    tender = tender_list_visible(user=user).filter(pk=tender_id).first()
    if tender is None or not user_may_manage_tender(user=user, tender=tender):
        raise NotFoundError(_("No such tender."), code="tender_not_found")
    return tender


def question_list_for_page(*, user, tender: Tender) -> QuerySet[Question]:
    """What a tender page lists: ``question_list_visible`` for a signed-in person, the answered
    questions for anyone else."""
    if user and user.is_authenticated:
        return question_list_visible(user=user, tender=tender)
    return Question.objects.filter(tender=tender).exclude(answer="").order_by("asked_at", "pk")


def supplier_companies_acting(*, user) -> QuerySet[Company]:
    """The supplier companies ``user`` may apply and ask for (company admin or bidder)."""
    ids = user_company_ids(user=user, roles=SUPPLIER_ACTOR_ROLES)
    return Company.objects.filter(pk__in=ids, is_supplier=True).order_by("legal_name", "pk")


def invitation_candidates(*, tender: Tender) -> QuerySet[Company]:
    """Suppliers a manager may invite: verified supplier companies taking part in the tender's
    platform, not the buyer, not invited yet."""
    member = PlatformMembership.objects.filter(
        platform_id=tender.platform_id, status=ParticipationStatus.ACCEPTED
    ).values("company_id")
    return (
        Company.objects.filter(
            pk__in=member, is_supplier=True, verification_status=VerificationStatus.VERIFIED
        )
        .exclude(pk=tender.buyer_id)
        .exclude(pk__in=tender.invitations.values("supplier_id"))
        .order_by("legal_name", "pk")
    )


def lot_list_running_for_page(*, user, within: timedelta = timedelta(hours=1)) -> QuerySet[Lot]:
    """Lots of the tenders ``user`` may see (or anyone: the public ones) that are live, paused,
    or scheduled to start within ``within``: the home page's "live now"."""
    now = timezone.now()
    running = Q(status__in=[LotStatus.LIVE, LotStatus.PAUSED]) | Q(
        status=LotStatus.AUCTION_SCHEDULED, starts_at__lte=now + within
    )
    return (
        Lot.objects.select_related("tender", "tender__buyer")
        .filter(running, tender__in=tender_list_for_page(user=user).values("pk"))
        .order_by("starts_at", "pk")
    )
