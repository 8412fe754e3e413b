"""Which prices a buyer gets from a supplier, and the reads of the pricing pages and API.

Precedence (per buyer company and day), each level giving price lists valid on the day:
1. the supplier's assignment to its CRM account of the buyer company (``Account.company``);
2. its assignments to CRM segments holding that account, lowest ``priority`` first;
3. the supplier's default kind of customer (``CustomerKind.is_default``; "retail" while the
   supplier has not chosen one).
An assignment gives one price list (when valid on the day) or a kind (its lists valid on the
day, newest first). ``price_for`` walks the levels in that order and takes the first list that
prices the product for the quantity; a buyer sees the lists of its levels and the promotions on
them, never another customer's.

Within a list the unit price for a quantity is the lowest price of the tiers the quantity
reaches (``min_quantity`` at most the quantity), so a larger quantity never costs more per unit;
then the best promotion valid on the day, when lower."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from crm.models import Account
from marketing.models import Segment
from marketing.segments import segment_accounts
from marketplace.companies.models import Company, MembershipRole
from marketplace.companies.selectors import user_company_ids, user_has_company_role
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError
from suppliers.models import CustomerKind, PriceList, PriceListItem, PriceListKind, Product

from .models import PriceAssignment, Promotion, PromotionKind

EDITOR_ROLES = (MembershipRole.COMPANY_ADMIN, MembershipRole.ACCOUNT_MANAGER)
FALLBACK_DEFAULT = PriceListKind.RETAIL.value
CENT = Decimal("0.01")


# --- Access -----------------------------------------------------------------------------------


def supplier_for_member(*, user, company_id: int, edit: bool = False) -> Company:
    """The supplier company whose pricing ``user`` reads (any member) or edits (its admins and
    account managers): 404 to everyone else, 403 to a reader asking to edit."""
    company = Company.objects.filter(pk=company_id, is_supplier=True).first()
    if company is None or company.pk not in user_company_ids(user=user):
        raise NotFoundError(_("No such supplier."), code="supplier_not_found")
    if edit and not user_has_company_role(user=user, company=company, roles=EDITOR_ROLES):
        raise PermissionDeniedError(
            _("Only the supplier's company admins and account managers may change its prices."),
            code="pricing_read_only",
        )
    return company


def may_edit(*, user, supplier: Company) -> bool:
    return user_has_company_role(user=user, company=supplier, roles=EDITOR_ROLES)


def buyer_companies_of(*, user) -> QuerySet[Company]:
    """The companies ``user`` may ask prices for: its own buyer companies."""
    return Company.objects.filter(pk__in=user_company_ids(user=user), is_buyer=True).order_by("pk")


def buyer_company_for(*, user, company_id: int | None = None) -> Company:
    """The buyer company a reader asks prices for: the one named (it must be the reader's),
    else the reader's first. 404 when the reader has none (or names another's)."""
    companies = buyer_companies_of(user=user)
    if company_id is not None:
        companies = companies.filter(pk=company_id)
    company = companies.first()
    if company is None:
        raise NotFoundError(_("No such buyer company of yours."), code="buyer_not_found")
    return company


# --- Kinds, promotions, assignments (the supplier's own) --------------------------------------


def customer_kinds(*, supplier: Company) -> QuerySet[CustomerKind]:
    return CustomerKind.objects.filter(supplier=supplier).order_by("position", "name", "pk")


def customer_kind_get(*, supplier: Company, kind_id: int) -> CustomerKind:
    kind = customer_kinds(supplier=supplier).filter(pk=kind_id).first()
    if kind is None:
        raise NotFoundError(_("No such kind of customer."), code="kind_not_found")
    return kind


def default_kind_code(*, supplier: Company) -> str:
    code = (
        CustomerKind.objects.filter(supplier=supplier, is_default=True)
        .values_list("code", flat=True)
        .first()
    )
    return code or FALLBACK_DEFAULT


def promotions(*, supplier: Company) -> QuerySet[Promotion]:
    return (
        Promotion.objects.filter(supplier=supplier)
        .select_related("price_list", "customer_kind")
        .prefetch_related("products")
        .order_by("-valid_from", "name", "pk")
    )


def promotion_get(*, supplier: Company, promotion_id: int) -> Promotion:
    promotion = promotions(supplier=supplier).filter(pk=promotion_id).first()
    if promotion is None:
        raise NotFoundError(_("No such promotion."), code="promotion_not_found")
    return promotion


def assignments(*, supplier: Company) -> QuerySet[PriceAssignment]:
    return (
        PriceAssignment.objects.filter(supplier=supplier)
        .select_related("account", "segment", "price_list", "customer_kind")
        .order_by("segment_id", "priority", "pk")
    )


def assignment_get(*, supplier: Company, assignment_id: int) -> PriceAssignment:
    assignment = assignments(supplier=supplier).filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFoundError(_("No such assignment."), code="assignment_not_found")
    return assignment


def accounts_of(*, supplier: Company) -> QuerySet[Account]:
    return Account.objects.filter(workspace=supplier).order_by("name", "pk")


def segments_of(*, supplier: Company) -> QuerySet[Segment]:
    return Segment.objects.filter(workspace=supplier).order_by("name", "pk")


# --- Resolution -------------------------------------------------------------------------------


@dataclass
class Level:
    """One step of the precedence that applies to a buyer: where it comes from and its lists."""

    source: str  # "account", "segment" or "default"
    label: str
    assignment: PriceAssignment | None
    price_lists: list[PriceList] = field(default_factory=list)


def _valid_on(on_date: date) -> Q:
    return Q(valid_from__lte=on_date) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on_date))


def _lists_of_kind(*, supplier: Company, code: str, on_date: date) -> list[PriceList]:
    return list(
        PriceList.objects.filter(_valid_on(on_date), supplier=supplier, kind=code).order_by(
            "-valid_from", "pk"
        )
    )


def _lists_of(assignment: PriceAssignment, on_date: date) -> list[PriceList]:
    if assignment.price_list is not None:
        price_list = assignment.price_list
        ok = price_list.valid_from <= on_date and (
            price_list.valid_until is None or price_list.valid_until >= on_date
        )
        return [price_list] if ok else []
    kind = assignment.customer_kind
    if kind is None:
        return []
    return _lists_of_kind(supplier=assignment.supplier, code=kind.code, on_date=on_date)


def account_of(*, supplier: Company, buyer_company: Company) -> Account | None:
    return Account.objects.filter(workspace=supplier, company=buyer_company).first()


def levels_for(
    *,
    supplier: Company,
    buyer_company: Company | None,
    on_date: date,
    account: Account | None = None,
) -> list[Level]:
    """The precedence's levels that apply to ``buyer_company`` (or to the CRM ``account``
    given: an offer to an account not on the marketplace), in order."""
    levels: list[Level] = []
    if account is None and buyer_company is not None:
        account = account_of(supplier=supplier, buyer_company=buyer_company)
    if account is not None:
        mine = assignments(supplier=supplier)
        direct = mine.filter(account=account).first()
        if direct is not None:
            levels.append(Level("account", _("your account"), direct, _lists_of(direct, on_date)))
        for assignment in mine.filter(segment__isnull=False).order_by("priority", "pk"):
            segment = assignment.segment
            if segment is None:
                continue
            if segment_accounts(segment=segment).filter(pk=account.pk).exists():
                label = _("segment “%(name)s”") % {"name": segment.name}
                levels.append(Level("segment", label, assignment, _lists_of(assignment, on_date)))
    code = default_kind_code(supplier=supplier)
    levels.append(
        Level(
            "default",
            _("the supplier's default prices"),
            None,
            _lists_of_kind(supplier=supplier, code=code, on_date=on_date),
        )
    )
    return levels


def price_lists_for_buyer(
    *, supplier: Company, buyer_company: Company, on_date: date
) -> list[PriceList]:
    """Every price list meant for the buyer on the day (its levels' lists, in precedence
    order, each once)."""
    out: list[PriceList] = []
    for level in levels_for(supplier=supplier, buyer_company=buyer_company, on_date=on_date):
        out += [pl for pl in level.price_lists if pl.pk not in {o.pk for o in out}]
    return out


def _promotion_q(price_lists: list[PriceList], on_date: date) -> Q:
    scope = Q(price_list__in=[pl.pk for pl in price_lists])
    for price_list in price_lists:
        scope |= Q(customer_kind__supplier_id=price_list.supplier_id) & Q(
            customer_kind__code=price_list.kind
        )
    return scope & Q(valid_from__lte=on_date, valid_until__gte=on_date)


def promotions_for_buyer(
    *, supplier: Company, buyer_company: Company, on_date: date
) -> QuerySet[Promotion]:
    """The promotions valid on the day on the lists meant for the buyer."""
    lists = price_lists_for_buyer(supplier=supplier, buyer_company=buyer_company, on_date=on_date)
    if not lists:
        return Promotion.objects.none()
    return promotions(supplier=supplier).filter(_promotion_q(lists, on_date)).distinct()


def tier_price(
    *, price_list: PriceList, product: Product, quantity: Decimal
) -> PriceListItem | None:
    """The item giving the lowest unit price among the tiers ``quantity`` reaches."""
    return (
        PriceListItem.objects.filter(
            price_list=price_list, product=product, min_quantity__lte=quantity
        )
        .order_by("price", "-min_quantity", "pk")
        .first()
    )


def promoted_price(promotion: Promotion, price: Decimal, currency: str) -> Decimal | None:
    """The promotion's price for a list price (None when it does not apply to the currency)."""
    if promotion.kind == PromotionKind.PERCENT:
        assert promotion.percent is not None
        cut = price * (Decimal(100) - promotion.percent) / Decimal(100)
        return max(cut.quantize(CENT, rounding=ROUND_HALF_UP), CENT)
    if promotion.currency != currency:
        return None
    return promotion.price


@dataclass(frozen=True)
class PriceSource:
    """Why the price is what it is."""

    level: str  # "account", "segment" or "default"
    level_label: str
    price_list: PriceList
    item: PriceListItem
    promotion: Promotion | None

    @property
    def list_price(self) -> Decimal:
        return self.item.price

    def explain(self) -> str:
        text = _("%(list)s (%(level)s), from %(qty)s %(unit)s") % {
            "list": self.price_list.name,
            "level": self.level_label,
            "qty": f"{self.item.min_quantity.normalize():f}",
            "unit": self.item.product.unit,
        }
        if self.promotion is not None:
            text += "; " + _("promotion “%(name)s” until %(until)s") % {
                "name": self.promotion.name,
                "until": self.promotion.valid_until.isoformat(),
            }
        return text


@dataclass(frozen=True)
class ResolvedPrice:
    price: Decimal
    currency: str
    source: PriceSource

    def __iter__(self):  # (price, currency, source), as a tuple unpacks
        return iter((self.price, self.currency, self.source))


def price_in_list(
    *, price_list: PriceList, product: Product, quantity: Decimal, on_date: date
) -> tuple[Decimal, PriceListItem, Promotion | None] | None:
    """The unit price of the product in one list for the quantity on the day: its tier, then
    the best valid promotion when lower. None when the list does not price it."""
    item = tier_price(price_list=price_list, product=product, quantity=quantity)
    if item is None:
        return None
    best, chosen = item.price, None
    candidates = Promotion.objects.filter(_promotion_q([price_list], on_date), products=product)
    for promotion in candidates.order_by("pk"):
        price = promoted_price(promotion, item.price, price_list.currency)
        if price is not None and price < best:
            best, chosen = price, promotion
    return best, item, chosen


def price_for(
    *,
    supplier: Company,
    buyer_company: Company | None,
    product: Product,
    quantity: Decimal,
    on_date: date,
    account: Account | None = None,
) -> ResolvedPrice | None:
    """The unit price ``buyer_company`` pays ``supplier`` for ``quantity`` of ``product`` on
    ``on_date``, its currency and why (see the module's precedence); None when no list meant
    for the buyer prices it (for that quantity)."""
    if product.supplier_id != supplier.pk or quantity <= 0:
        return None
    levels = levels_for(
        supplier=supplier, buyer_company=buyer_company, on_date=on_date, account=account
    )
    for level in levels:
        for price_list in level.price_lists:
            found = price_in_list(
                price_list=price_list, product=product, quantity=quantity, on_date=on_date
            )
            if found is None:
                continue
            price, item, promotion = found
            source = PriceSource(level.source, level.label, price_list, item, promotion)
            return ResolvedPrice(price, price_list.currency, source)
    return None
