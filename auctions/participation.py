"""Who takes part in a lot's auction, and how they stand.

The admitted applications with what says whether each supplier may trade now (read under the
lot's lock by the bid path), the refusals that follow from it, the standings the formats rank,
and the final ranking a closed lot keeps. Reads only: nothing here writes a row.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from marketplace.companies.models import Company, MembershipRole
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError
from marketplace.platforms.models import ParticipationStatus, PlatformMembership
from marketplace.platforms.selectors import user_is_platform_admin

from . import rules
from .bidding.outcomes import BidRejected
from .models import Application, ApplicationStatus, Lot, LotStatus, ProxyBid
from .tenders.selectors import user_may_manage_tender

BIDDER_ROLES = (MembershipRole.BIDDER, MembershipRole.COMPANY_ADMIN)
# What the engine reads of a bidder's company: its name (for the buyer's view) and what says
# whether it may trade now. The rest of the row stays in the database.
SUPPLIER_FIELDS = ("id", "legal_name", "verification_status", "verified_at")


_ONE = Fraction(1)
_ZERO = Decimal(0)


def coeff(application: Application) -> Fraction:
    value = application.coefficient
    if not value or value == 1:
        return _ONE
    # Fraction(Decimal) is exact, as Fraction(str(Decimal)) is, and much cheaper.
    return Fraction(value) if isinstance(value, Decimal) else Fraction(str(value))


def delivery(application: Application) -> Decimal:
    """The delivery cost a lot ranked by landed cost adds to the bidder's prices (0 else)."""
    cost = application.delivery_cost
    return _ZERO if cost is None else cost


def comparable(amount: Decimal, application: Application) -> Fraction:
    """What ``amount`` from ``application`` ranks as (``rules.weighted``)."""
    return rules.weighted(amount, coeff(application), delivery(application))


def standing_of(
    application: Application, *, amount: Decimal | None = None, at: datetime | None = None
) -> rules.Standing:
    """The bidder's position: at its current price (which must be set), or at ``amount``
    reached ``at`` (a price it considers)."""
    current = amount is None and at is None
    if current:
        # The bid path ranks every bidder after each bid; only the bidder's own standing
        # changed. Kept on the instance with what it was made of (the same objects: a value
        # set anew, equal or not, makes it again).
        made = application.__dict__.get("_standing")
        if made is not None and _made_of(made[0], application):
            return made[1]
    amount = application.current_amount if amount is None else amount
    at = application.current_at if at is None else at
    if amount is None or at is None:
        raise ValueError("a standing needs a price and the time it was reached")
    standing = rules.Standing(
        key=application.pk,
        amount=amount,
        at=at,
        coeff=coeff(application),
        label=application.label or 0,
        delivery=delivery(application),
    )
    if current:
        application.__dict__["_standing"] = (_standing_inputs(application), standing)
    return standing


def _made_of(inputs: tuple, application: Application) -> bool:
    amount, at, coefficient, delivery_cost, label, pk = inputs
    return (
        amount is application.current_amount
        and at is application.current_at
        and coefficient is application.coefficient
        and delivery_cost is application.delivery_cost
        and label is application.label
        and pk is application.pk
    )


def _standing_inputs(application: Application) -> tuple:
    """What an application's standing is made of: the objects themselves, compared by
    identity (``standing_of``; kept, so that no other object can take their ids)."""
    return (
        application.current_amount,
        application.current_at,
        application.coefficient,
        application.delivery_cost,
        application.label,
        application.pk,
    )


def standings(applications: list[Application]) -> list[rules.Standing]:
    return [
        standing_of(a)
        for a in applications
        if a.current_amount is not None
        and a.current_at is not None  # written together
        and a.status == ApplicationStatus.ADMITTED
    ]


def proxy_of(application: Application) -> ProxyBid | None:
    """The application's proxy bid, or None. Read from what was read with the application
    (``select_related``'s cache, or the bid path's) without asking the descriptor, which
    raises and catches an exception for each bidder without one: the bid path asks for every
    bidder's after each bid."""
    cache = application._state.fields_cache
    if "proxy" in cache:
        return cache["proxy"]
    return getattr(application, "proxy", None)


def participation_status(lot: Lot) -> Subquery:
    """The supplier's participation status in the lot's platform (None: no row), read in the
    same statement as its application (``supplier_participation``; ``participation_check``)."""
    return Subquery(
        PlatformMembership.objects.filter(
            platform_id=lot.tender.platform_id, company_id=OuterRef("supplier_id")
        ).values("status")[:1]
    )


def admitted(lot: Lot) -> list[Application]:
    # Of a bidder's company the engine reads its name (for the buyer's view) and what says
    # whether it may trade now (its verification, its participation in the lot's platform);
    # the rest of the row stays in the database.
    deferred = [
        f"supplier__{f.name}"
        for f in Company._meta.concrete_fields
        if f.name not in SUPPLIER_FIELDS
    ]
    rows = (
        Application.objects.filter(lot=lot, status=ApplicationStatus.ADMITTED)
        .select_related("proxy", "supplier")
        .defer(*deferred)
    )
    # django-stubs takes the attribute the model declares for this annotation for a clash
    # (Django does not: it is no field).
    with_status = rows.annotate(supplier_participation=participation_status(lot))  # type: ignore[no-redef]
    return list(with_status.order_by("pk"))


def participation_refusal(application: Application) -> BidRejected | None:
    """Why the application's supplier may no longer bid on the lot's platform, or None.

    ``supplier_participation`` is read with the admitted applications (``admitted``, or
    ``bidding.postgres`` on PostgreSQL), under the lot's lock. A suspended participation (or any
    other not accepted) refuses; no participation row at all does not: admission required an
    accepted one (or the platform's ownership, which always has one), and the rows go only
    with their company or platform."""
    status = application.supplier_participation
    if status is None or status == ParticipationStatus.ACCEPTED:
        return None
    if status == ParticipationStatus.SUSPENDED:
        message = _(
            "Your company's participation in this platform is suspended; it may not bid "
            "until the platform's admins lift the suspension."
        )
    else:
        message = _("Your company is not an accepted participant of this platform.")
    return BidRejected(message, code="not_platform_participant", status_code=403)


def participation_check(application: Application) -> None:
    refusal = participation_refusal(application)
    if refusal is not None:
        raise refusal


def best_refresh(lot: Lot, applications: list[Application]) -> list[rules.Standing]:
    ranking = rules.rank(standings(applications))
    if ranking:
        lot.best_amount = ranking[0].amount
        lot.best_application_id = ranking[0].key
    else:
        lot.best_amount = None
        lot.best_application_id = None
    return ranking


def final_ranking(lot: Lot, applications: list[Application] | None = None) -> list[dict]:
    applications = applications if applications is not None else admitted(lot)
    by_id = {a.pk: a for a in applications}
    return [
        {
            "rank": i,
            "application": s.key,
            "supplier": by_id[s.key].supplier_id,
            "label": s.label,
            "amount": s.amount,
            "weighted": rules.as_decimal(s.weighted),
            "delivery": s.delivery,
            "at": s.at,
        }
        for i, s in enumerate(rules.rank(standings(applications)), 1)
    ]


def bidder_application(*, lot_id: int, user) -> Application:
    companies = user_company_ids(user=user, roles=BIDDER_ROLES)
    application = (
        Application.objects.filter(lot_id=lot_id, supplier_id__in=companies).order_by("pk").first()
    )
    if application is None:
        if Lot.objects.filter(pk=lot_id).exists() and user_company_ids(user=user) & set(
            Application.objects.filter(lot_id=lot_id).values_list("supplier_id", flat=True)
        ):
            raise PermissionDeniedError(
                _("Only your company's bidders and admins may bid."), code="not_a_bidder"
            )
        raise BidRejected(
            _("Your company is not admitted to this lot's auction."),
            code="not_admitted",
            status_code=403,
        )
    return application


def user_may_run_lot(*, user, lot: Lot) -> bool:
    """The buyer's managers (as for the tender itself) and platform admins run the auction:
    pause, resume, surrogate bids, close, award. The buyer's other people only watch."""
    return user_may_manage_tender(user=user, tender=lot.tender) or user_is_platform_admin(
        user=user, platform=lot.tender.platform_id
    )


def require_buyer(*, user, lot: Lot) -> None:
    """Refuses anyone but those who run the auction (``user_may_run_lot``)."""
    if user_may_run_lot(user=user, lot=lot):
        return
    if user_company_ids(user=user) & {lot.tender.buyer_id}:
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers may do this."), code="not_procurement_officer"
        )
    raise NotFoundError(_("No such lot."), code="lot_not_found")


def not_live_message(lot: Lot) -> str:
    if lot.status == LotStatus.PAUSED:
        return _("The auction is paused: %(reason)s") % {"reason": lot.pause_reason}
    if lot.status in (LotStatus.CLOSED, LotStatus.AWARDED, LotStatus.FAILED):
        return _("The auction has ended; bids are no longer accepted.")
    if lot.status == LotStatus.AUCTION_SCHEDULED and lot.pause_reason:
        return _("The auction is rescheduled to %(start)s: %(reason)s") % {
            "start": lot.starts_at.isoformat() if lot.starts_at else "",
            "reason": lot.pause_reason,
        }
    return _("The auction is not live (it is %(status)s).") % {
        "status": LotStatus(lot.status).label
    }
