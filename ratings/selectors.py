"""Reading ratings, each read authorised:

* a buyer's people read the scorecards of their company's suppliers (their own buyer's rows)
  and the platform-wide scorecards of the suppliers that applied to their tenders or supplied
  them;
* a supplier's people read their own company's scorecards (with every buyer, and
  platform-wide), with each criterion's figure and what lowered it; never another supplier's;
* a platform admin reads the scorecards of the suppliers taking part in their platforms.

To anyone else a scorecard does not exist (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from deals.models import BUYER_ROLES, Order
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError
from marketplace.platforms.models import ParticipationStatus, PlatformMembership
from marketplace.platforms.selectors import administered_platform_ids

from . import facts, scoring
from .models import RatingSettings, Review, Scorecard


def settings_of(*, buyer_id: int | None) -> tuple[dict[str, int], scoring.Bands]:
    """The weights and bands a buyer's scorecards use (the defaults for the platform-wide ones
    and for a buyer that kept them)."""
    row = RatingSettings.objects.filter(buyer_id=buyer_id).first() if buyer_id else None
    if row is None:
        return dict(scoring.DEFAULT_WEIGHTS), scoring.DEFAULT_BANDS
    return row.weights, row.bands


def _platform_suppliers(*, user) -> Q | None:
    platforms = administered_platform_ids(user=user)
    if not platforms:
        return None
    suppliers = PlatformMembership.objects.filter(
        platform_id__in=platforms, status=ParticipationStatus.ACCEPTED
    ).values("company_id")
    return Q(supplier_id__in=suppliers)


def scorecards_visible(*, user) -> QuerySet[Scorecard]:
    if administered_platform_ids(user=user) is None:  # staff: every platform's
        return Scorecard.objects.all()
    companies = user_company_ids(user=user)
    buyers = user_company_ids(user=user, roles=BUYER_ROLES)
    visible = Q(supplier_id__in=companies) | Q(buyer_id__in=buyers)
    if buyers:
        from auctions.models import Application

        applied = Application.objects.filter(lot__tender__buyer_id__in=buyers).values("supplier_id")
        supplied = Order.objects.filter(buyer_id__in=buyers).values("supplier_id")
        visible |= Q(buyer__isnull=True) & (
            Q(supplier_id__in=applied) | Q(supplier_id__in=supplied)
        )
    platform = _platform_suppliers(user=user)
    if platform is not None:
        visible |= platform
    return Scorecard.objects.filter(visible)


def scorecard_list(
    *,
    user,
    supplier_id: int | None = None,
    buyer_id: int | None = None,
    platform_wide: bool | None = None,
    period_kind: str = "",
) -> QuerySet[Scorecard]:
    rows = scorecards_visible(user=user)
    if supplier_id is not None:
        rows = rows.filter(supplier_id=supplier_id)
    if buyer_id is not None:
        rows = rows.filter(buyer_id=buyer_id)
    if platform_wide is not None:
        rows = rows.filter(buyer__isnull=platform_wide)
    if period_kind:
        rows = rows.filter(period_kind=period_kind)
    return rows.select_related("buyer", "supplier").order_by(
        "supplier__legal_name", "supplier_id", "buyer_id", "period_kind", "-period_start"
    )


def scorecard_get(*, user, scorecard_id: int) -> Scorecard:
    row = scorecard_list(user=user).filter(pk=scorecard_id).first()
    if row is None:
        raise NotFoundError(_("No such scorecard."), code="scorecard_not_found")
    return row


def buyer_company_for_settings(*, user, buyer_id: int, write: bool = False) -> int:
    """``buyer_id`` if ``user`` acts for that buyer (404 to strangers; writing needs a company
    admin or procurement officer: 403 to the other members)."""
    if buyer_id not in user_company_ids(user=user):
        raise NotFoundError(_("Company not found."), code="company_not_found")
    if write and buyer_id not in user_company_ids(user=user, roles=BUYER_ROLES):
        raise PermissionDeniedError(
            _("Only the company's admins and procurement officers may change its ratings."),
            code="not_buyer_staff",
        )
    return buyer_id


def lowered_by(scorecard: Scorecard) -> list[dict]:
    """What lowered the scorecard, costliest first: each criterion, its figure and score and the
    points of the total it cost."""
    figures, scores = scorecard.figures(), scorecard.scores()
    return [
        {
            "criterion": code,
            "label": str(scoring.CRITERION_LABELS[code]),
            "figure": figures[code],
            "score": scores[code],
            "points": scoring.q(points),
        }
        for code, points in scorecard.lowered_by
    ]


def criteria_rows(scorecard: Scorecard) -> list[dict]:
    """Each criterion of a scorecard: its figure, score and the weight it had (renormalised
    share of the total, per cent; None: no data, left out)."""
    scores, figures = scorecard.scores(), scorecard.figures()
    weights = {code: int(scorecard.weights.get(code, 0)) for code in scoring.CRITERIA}
    used = sum(weights[c] for c in scoring.CRITERIA if scores[c] is not None)
    rows = []
    for code in scoring.CRITERIA:
        share = None
        if scores[code] is not None and used:
            share = scoring.q(scoring.HUNDRED * weights[code] / used)
        rows.append(
            {
                "criterion": code,
                "label": str(scoring.CRITERION_LABELS[code]),
                "figure": figures[code],
                "score": scores[code],
                "weight": weights[code],
                "share": share,
            }
        )
    return rows


# --- Reviews -----------------------------------------------------------------------------------


def order_for_review(*, user, order_id: int) -> Order:
    """The order if ``user`` belongs to its buyer or supplier (404 otherwise)."""
    companies = user_company_ids(user=user)
    order = (
        Order.objects.filter(pk=order_id)
        .filter(Q(buyer_id__in=companies) | Q(supplier_id__in=companies))
        .select_related("buyer", "supplier")
        .first()
    )
    if order is None:
        raise NotFoundError(_("No such order."), code="order_not_found")
    return order


def review_of(*, user, order_id: int) -> Review | None:
    order = order_for_review(user=user, order_id=order_id)
    return Review.objects.filter(order=order).first()


def reviews_visible(*, user) -> QuerySet[Review]:
    companies = user_company_ids(user=user)
    return Review.objects.filter(Q(buyer_id__in=companies) | Q(supplier_id__in=companies))


def may_review(*, user, order: Order) -> bool:
    return order.buyer_id in user_company_ids(user=user, roles=BUYER_ROLES)


def review_open(*, order: Order) -> bool:
    """Whether the order may be reviewed: one of its deliveries was accepted (or the buyer
    accepted the whole delivery through the order's "receive" move)."""
    return order.status in ("received", "closed") or facts.order_has_accepted_delivery(
        order_id=order.pk
    )
