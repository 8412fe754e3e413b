"""Reads of translation orders, and who may read what.

Who sees an order (anyone else: it does not exist, 404):

* the ordering company's people (any role) see it whole: its documents, the files delivered,
  its steps; the roles that place orders for that side act on it (a buyer's procurement
  officers and company admins; a supplier's company admins and bidders), the others read only
  (403 on a write);
* a translator of the order's platform (an active ``PlatformTranslator``) sees the platform's
  queue: the orders placed and not yet taken, with their languages, the documents' names, types,
  sizes and word counts, but not the documents themselves (403 ``take_the_order_first``). Once
  it takes an order, the order is its own: it reads the documents and delivers; the other
  translators no longer see it (404). A revoked translator sees none of them any more;
* the platform's admins (``platforms.selectors.user_is_platform_admin``: operator staff for
  every platform) see every order of the platform and its steps, as the queue does (the
  documents stay with the orderer and the translator).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from auctions.models import TenderDocument
from auctions.tenders.selectors import BUYER_MANAGER_ROLES, SUPPLIER_ACTOR_ROLES
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids, user_has_company_role
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError
from marketplace.platforms.models import Platform
from marketplace.platforms.selectors import administered_platform_ids, user_is_platform_admin
from suppliers.models import Certificate

from .models import (
    OrderStatus,
    PlatformTranslator,
    Side,
    TranslationDeliveredFile,
    TranslationOrder,
    TranslationRate,
    TranslationSourceDocument,
)

ORDERER_ROLES: dict[str, tuple[str, ...]] = {
    Side.BUYER: BUYER_MANAGER_ROLES,
    Side.SUPPLIER: SUPPLIER_ACTOR_ROLES,
}
SCOPES = ("mine", "queue", "translating", "platform")


def translator_platform_ids(*, user) -> set[int]:
    """The platforms ``user`` translates for now (active grants)."""
    if not user or not user.is_authenticated:
        return set()
    return set(
        PlatformTranslator.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "platform_id", flat=True
        )
    )


def user_is_translator(*, user, platform_id: int) -> bool:
    return platform_id in translator_platform_ids(user=user)


def _in_queue(platform_ids) -> Q:
    return Q(platform_id__in=platform_ids, translator__isnull=True, status=OrderStatus.ORDERED)


def orders_visible(*, user) -> QuerySet[TranslationOrder]:
    if not user or not user.is_authenticated:
        return TranslationOrder.objects.none()
    translating = translator_platform_ids(user=user)
    scope = Q(company_id__in=user_company_ids(user=user))
    scope |= _in_queue(translating) | Q(platform_id__in=translating, translator=user)
    administered = administered_platform_ids(user=user)
    if administered is None:
        return TranslationOrder.objects.all()
    return TranslationOrder.objects.filter(scope | Q(platform_id__in=administered))


def order_list(
    *, user, scope: str = "mine", platform_id: int | None = None, status: str = ""
) -> QuerySet[TranslationOrder]:
    """``mine``: my companies' orders; ``queue``: the orders waiting for a translator on the
    platforms I translate for; ``translating``: the orders I took; ``platform``: every order
    of the platforms I administer (``platform_id`` narrows any scope)."""
    if scope not in SCOPES:
        raise ValueError(scope)
    qs = orders_visible(user=user).select_related("platform", "company", "translator", "tender")
    if scope == "mine":
        qs = qs.filter(company_id__in=user_company_ids(user=user))
    elif scope == "queue":
        qs = qs.filter(_in_queue(translator_platform_ids(user=user)))
    elif scope == "translating":
        qs = qs.filter(translator=user, platform_id__in=translator_platform_ids(user=user))
    else:
        administered = administered_platform_ids(user=user)
        if administered is not None:
            qs = qs.filter(platform_id__in=administered)
    if platform_id is not None:
        qs = qs.filter(platform_id=platform_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def order_get(*, user, order_id: int) -> TranslationOrder:
    order = (
        orders_visible(user=user)
        .select_related("platform", "company", "translator", "tender", "ordered_by", "invoice")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFoundError(_("Translation order not found."), code="order_not_found")
    return order


@dataclass(frozen=True)
class Roles:
    member: bool  # one of the ordering company's people
    orderer: bool  # acts for the ordering company
    translator: bool  # the order's translator, still granted
    may_take: bool  # a translator of the platform, the order waiting in its queue
    admin: bool  # the platform's admin

    @property
    def reads_documents(self) -> bool:
        return self.member or self.translator


def roles_of(*, user, order: TranslationOrder) -> Roles:
    member = order.company_id in user_company_ids(user=user)
    translating = user_is_translator(user=user, platform_id=order.platform_id)
    return Roles(
        member=member,
        orderer=member
        and user_has_company_role(
            user=user, company=order.company_id, roles=ORDERER_ROLES[order.side]
        ),
        translator=translating and order.translator_id == user.pk,
        may_take=translating
        and order.translator_id is None
        and order.status == OrderStatus.ORDERED,
        admin=user_is_platform_admin(user=user, platform=order.platform_id),
    )


def _documents_readable(*, user, order: TranslationOrder) -> None:
    if not roles_of(user=user, order=order).reads_documents:
        raise PermissionDeniedError(
            _(
                "Only the ordering company and the order's translator read its documents: take "
                "the order first."
            ),
            code="take_the_order_first",
        )


def document_get(*, user, order_id: int, document_id: int) -> TranslationSourceDocument:
    order = order_get(user=user, order_id=order_id)
    _documents_readable(user=user, order=order)
    document = order.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFoundError(_("No such document in the order."), code="document_not_found")
    return document


def delivered_file_get(*, user, order_id: int, file_id: int) -> TranslationDeliveredFile:
    order = order_get(user=user, order_id=order_id)
    _documents_readable(user=user, order=order)
    found = order.files.filter(pk=file_id).first()
    if found is None:
        raise NotFoundError(_("No such file in the order."), code="file_not_found")
    return found


# --- What a company may order translated -------------------------------------------------------


def companies_ordering(*, user) -> QuerySet[Company]:
    """The companies ``user`` may place orders for (as a buyer's manager or a supplier's
    company admin or bidder)."""
    ids = user_company_ids(user=user, roles=set(BUYER_MANAGER_ROLES) | set(SUPPLIER_ACTOR_ROLES))
    return Company.objects.filter(pk__in=ids).order_by("legal_name")


def sides_for(*, user, company: Company) -> list[str]:
    sides: list[str] = []
    if company.is_buyer and user_has_company_role(
        user=user, company=company, roles=BUYER_MANAGER_ROLES
    ):
        sides.append(Side.BUYER)
    if company.is_supplier and user_has_company_role(
        user=user, company=company, roles=SUPPLIER_ACTOR_ROLES
    ):
        sides.append(Side.SUPPLIER)
    return sides


def tender_documents_orderable(*, company_id: int) -> QuerySet[TenderDocument]:
    return (
        TenderDocument.objects.filter(tender__buyer_id=company_id)
        .select_related("tender")
        .order_by("-tender__created_at", "tender_id", "pk")
    )


def certificates_orderable(*, company_id: int) -> QuerySet[Certificate]:
    """The company's certificates with a scan (only a scan can be translated)."""
    return Certificate.objects.filter(profile__company_id=company_id).exclude(file_name="")


# --- Platform settings ---------------------------------------------------------------------------


def platforms_administered(*, user) -> QuerySet[Platform]:
    ids = administered_platform_ids(user=user)
    qs = Platform.objects.order_by("name")
    return qs if ids is None else qs.filter(pk__in=ids)


def platform_get_administered(*, user, platform_id: int) -> Platform:
    """The platform if ``user`` administers it; otherwise 404 (as the platform's admin pages)."""
    platform = platforms_administered(user=user).filter(pk=platform_id).first()
    if platform is None:
        raise NotFoundError(_("Platform not found."), code="platform_not_found")
    return platform


def translator_list(*, platform_id: int, active_only: bool = True) -> QuerySet[PlatformTranslator]:
    qs = PlatformTranslator.objects.filter(platform_id=platform_id).select_related(
        "user", "granted_by", "revoked_by"
    )
    if active_only:
        qs = qs.filter(revoked_at__isnull=True)
    return qs.order_by("-revoked_at", "granted_at", "pk")


def rate_list(*, platform_id: int) -> QuerySet[TranslationRate]:
    return TranslationRate.objects.filter(platform_id=platform_id).order_by(
        "source_language", "target_language"
    )


def rate_for(*, platform_id: int, source: str, target: str) -> TranslationRate | None:
    return TranslationRate.objects.filter(
        platform_id=platform_id, source_language=source, target_language=target
    ).first()
