"""Reads of places, carriers and rate cards, each scoped to what the user may see
(``logistics/access.py``): a row outside it is not found."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError

from .access import carrier_scope, place_scope
from .models import Carrier, Place, RateBand, RateCard


def place_list(
    *, user, kind: str | None = None, company: int | None = None, platform_wide: bool = True
) -> QuerySet[Place]:
    """The places ``user`` may read (its companies' and the platform-wide ones)."""
    qs = Place.objects.filter(place_scope(user=user)).select_related("owner")
    if kind:
        qs = qs.filter(kind=kind)
    if company is not None:
        qs = qs.filter(owner_id=company)
    if not platform_wide:
        qs = qs.filter(owner__isnull=False)
    return qs.order_by("name", "pk")


def place_get(*, user, place_id: int) -> Place:
    place = place_list(user=user).filter(pk=place_id).first()
    if place is None:
        raise NotFoundError(_("Place not found."), code="place_not_found")
    return place


def carrier_list(
    *, user, company: int | None = None, platform: int | None = None
) -> QuerySet[Carrier]:
    qs = Carrier.objects.filter(carrier_scope(user=user)).select_related("platform", "company")
    if company is not None:
        qs = qs.filter(company_id=company)
    if platform is not None:
        qs = qs.filter(platform_id=platform)
    return qs.order_by("name", "pk")


def carrier_get(*, user, carrier_id: int) -> Carrier:
    carrier = carrier_list(user=user).filter(pk=carrier_id).first()
    if carrier is None:
        raise NotFoundError(_("Carrier not found."), code="carrier_not_found")
    return carrier


def _cards() -> QuerySet[RateCard]:
    return RateCard.objects.select_related("carrier").prefetch_related(
        Prefetch("bands", queryset=RateBand.objects.order_by("distance_from_km", "weight_from"))
    )


def rate_card_list(*, user, carrier_id: int) -> QuerySet[RateCard]:
    carrier = carrier_get(user=user, carrier_id=carrier_id)
    return _cards().filter(carrier=carrier).order_by("-valid_from", "pk")


def rate_card_get(*, user, card_id: int) -> RateCard:
    card = (
        _cards()
        .filter(pk=card_id, carrier__in=Carrier.objects.filter(carrier_scope(user=user)))
        .first()
    )
    if card is None:
        raise NotFoundError(_("Rate card not found."), code="rate_card_not_found")
    return card
