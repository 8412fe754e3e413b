"""Tenders, lots, applications, bids, the lot's event log, awards and deals.

A tender belongs to a buyer on a platform and has one or more lots. Each lot runs its own reverse
auction under its own rules (copied from the platform's defaults when the lot is created) and
moves through the states of ``LotStatus`` by the transitions in ``auctions.states``. The lot row
is the auction's lock: every bid, close, pause and award takes ``SELECT ... FOR UPDATE`` on it,
and its denormalised standing (best amount, end time, event sequence, chain hash) is updated
under that lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, ImmutableModel, MoneyAmountField
from marketplace.platforms.models import AuctionFormat, Visibility


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETE = "complete", _("Complete")


class Participation(models.TextChoices):
    OPEN = "open", _("Open to the platform's verified suppliers in the category")
    INVITATION = "invitation", _("By invitation only")


class Tender(models.Model):
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, related_name="tenders"
    )
    buyer = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="tenders")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    original_language = models.CharField(_("original language"), max_length=8, default="en")
    category = models.ForeignKey(
        "categories.Category", on_delete=models.PROTECT, related_name="tenders"
    )
    currency = CurrencyField(_("currency"))
    participation = models.CharField(
        _("participation"),
        max_length=16,
        choices=Participation.choices,
        default=Participation.OPEN,
    )
    questions_deadline = models.DateTimeField(_("questions deadline"))
    applications_deadline = models.DateTimeField(_("applications deadline"))
    auction_start = models.DateTimeField(_("auction start"))
    reveal_identities = models.BooleanField(
        _("reveal bidders' names to suppliers in the final results"), default=False
    )
    # A public tender of a platform that publishes open data: anyone may watch (auctions.opendata).
    public_live = models.BooleanField(_("anyone may watch its auctions live"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TenderStatus.choices,
        default=TenderStatus.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(questions_deadline__lte=models.F("applications_deadline"))
                & Q(applications_deadline__lte=models.F("auction_start")),
                name="tender_dates_in_order",
                violation_error_message=_(
                    "The questions deadline must come before the applications deadline, "
                    "and that before the auction start."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class TenderInvitation(models.Model):
    """A supplier invited to an invitation-only tender."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="tender_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tender", "supplier"], name="tender_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} invited to {self.tender}"


class TenderDocument(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    storage_name = models.CharField(max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class Incoterms(models.TextChoices):
    EXW = "EXW", "EXW"
    FCA = "FCA", "FCA"
    CPT = "CPT", "CPT"
    CIP = "CIP", "CIP"
    DAP = "DAP", "DAP"
    DPU = "DPU", "DPU"
    DDP = "DDP", "DDP"
    FAS = "FAS", "FAS"
    FOB = "FOB", "FOB"
    CFR = "CFR", "CFR"
    CIF = "CIF", "CIF"


class LotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published: accepting applications")
    APPLICATIONS_CLOSED = "applications_closed", _("Applications closed")
    AUCTION_SCHEDULED = "auction_scheduled", _("Auction scheduled")
    LIVE = "live", _("Live")
    PAUSED = "paused", _("Paused")
    SUSPENDED = "suspended", _("Suspended after an outage")
    CLOSED = "closed", _("Closed")
    AWARDED = "awarded", _("Awarded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class StepKind(models.TextChoices):
    AMOUNT = "amount", _("Fixed amount")
    PERCENT = "percent", _("Percentage of the start price")


class TieRule(models.TextChoices):
    EARLIER_FIRST = "earlier_first", _("The earlier bid ranks first")
    REFUSE_EQUAL = "refuse_equal", _("Equal bids are refused")


class StepReference(models.TextChoices):
    BEST = "best", _("Beat the current best price")
    OWN = "own", _("Beat the bidder's own previous bid")


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("item"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=18,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit = models.CharField(_("unit"), max_length=32)
    start_price = MoneyAmountField(
        _("start (ceiling) price"), validators=[MinValueValidator(Decimal("0.01"))]
    )
    reserve_price = MoneyAmountField(
        _("reserve price (hidden)"),
        null=True,
        blank=True,
        help_text=_("The lot is not awarded above this price; never shown to suppliers."),
    )
    delivery_place = models.CharField(_("delivery place"), max_length=300, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    incoterms = models.CharField(
        _("Incoterms"), max_length=3, choices=Incoterms.choices, blank=True
    )
    # Where the goods go, for a delivery quote (a lot ranked by landed cost needs it).
    delivery_latitude = models.DecimalField(
        _("delivery place's latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    delivery_longitude = models.DecimalField(
        _("delivery place's longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    unit_weight_kg = models.DecimalField(
        _("weight of one unit, kg"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
    )

    # --- Auction rules ----------------------------------------------------------------------
    auction_format = models.CharField(
        _("auction format"),
        max_length=16,
        choices=AuctionFormat.choices,
        default=AuctionFormat.ENGLISH,
    )
    step_kind = models.CharField(
        _("minimum step given as"),
        max_length=8,
        choices=StepKind.choices,
        default=StepKind.PERCENT,
    )
    step_value = models.DecimalField(
        _("minimum step"),
        max_digits=18,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    step_bands = models.JSONField(
        _("minimum step by price band"),
        default=list,
        blank=True,
        help_text=_(
            'Optional: [{"below": "50000", "step": "500"}, ...]: when the reference '
            "price is below a band's bound, that band's step (in the step's kind) applies."
        ),
    )
    step_reference = models.CharField(
        _("a bid must beat"),
        max_length=8,
        choices=StepReference.choices,
        default=StepReference.BEST,
    )
    max_step_percent = models.DecimalField(
        # xgettext:no-python-format
        _("bids lower than this % under the reference need confirmation"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    security_percent = models.DecimalField(
        # xgettext:no-python-format
        _("bid security, % of the start price"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("0: none. Admission waits until the supplier has provided it."),
    )
    tie_rule = models.CharField(
        _("ties"), max_length=16, choices=TieRule.choices, default=TieRule.EARLIER_FIRST
    )
    duration_seconds = models.PositiveIntegerField(
        _("auction duration, seconds"),
        default=30 * 60,
        validators=[MinValueValidator(10), MaxValueValidator(7 * 24 * 3600)],
    )
    soft_close_window_seconds = models.PositiveIntegerField(
        _("soft close window, seconds"), default=180
    )
    soft_close_extension_seconds = models.PositiveIntegerField(
        _("soft close extension, seconds"), default=180
    )
    soft_close_max_rank = models.PositiveIntegerField(
        _("only bids reaching this rank or better extend"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    soft_close_max_extensions = models.PositiveIntegerField(
        _("at most this many extensions"), null=True, blank=True
    )
    stagger_seconds = models.PositiveIntegerField(
        _("starts this long after the previous lot"), default=0
    )
    visibility = models.CharField(
        _("what suppliers see"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.RANK_AND_BEST,
    )
    min_participants = models.PositiveIntegerField(
        _("minimum admitted participants"), default=2, validators=[MinValueValidator(1)]
    )
    allow_single_award = models.BooleanField(
        _("with one participant, the buyer may award without an auction"), default=True
    )
    rounds = models.PositiveSmallIntegerField(
        _("rounds"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    turn_seconds = models.PositiveIntegerField(_("turn, seconds"), default=120)
    first_pause_seconds = models.PositiveIntegerField(_("first pause, seconds"), default=300)
    round_pause_seconds = models.PositiveIntegerField(
        _("pause between rounds, seconds"), default=120
    )
    # The clock formats (Japanese, Dutch): how long each price level lasts, and the Dutch
    # auction's opening price (the Japanese one's lowest level).
    level_seconds = models.PositiveIntegerField(
        _("each price level, seconds"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(3600)],
    )
    floor_price = MoneyAmountField(
        _("floor price"),
        null=True,
        blank=True,
        help_text=_(
            "Dutch: the price the clock opens at and raises from; Japanese: the lowest level"
        ),
    )
    weighted = models.BooleanField(_("weighted (non-price criteria) ranking"), default=False)
    landed_cost = models.BooleanField(
        _("ranked by landed cost (price plus delivery)"),
        default=False,
        help_text=_(
            "Each bid is ranked by its price plus the bidder's delivery cost to the delivery "
            "place, fixed at admission (E and F Incoterms only)."
        ),
    )

    # --- Live state (written only under the lot's row lock) ---------------------------------
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=LotStatus.choices,
        default=LotStatus.DRAFT,
        db_index=True,
    )
    starts_at = models.DateTimeField(_("auction starts at"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("auction ends at"), null=True, blank=True, db_index=True)
    original_ends_at = models.DateTimeField(null=True, blank=True)
    extensions = models.PositiveIntegerField(default=0)
    paused_remaining = models.DurationField(null=True, blank=True)
    pause_reason = models.TextField(blank=True)
    best_amount = MoneyAmountField(null=True, blank=True)
    best_application = models.ForeignKey(
        "Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bid_count = models.PositiveIntegerField(default=0)
    current_round = models.PositiveSmallIntegerField(default=0)
    current_turn = models.PositiveSmallIntegerField(default=0)
    turn_order = models.JSONField(default=list, blank=True)
    event_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    last_scheduler_tick = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["tender_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique"),
            models.CheckConstraint(
                condition=Q(reserve_price__isnull=True) | Q(reserve_price__gt=0),
                name="lot_reserve_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender.title} / {self.number}. {self.title}"

    def now_passed(self, now) -> bool:
        """Whether the auction's end has come by ``now`` (the server's clock decides)."""
        return self.ends_at is not None and now >= self.ends_at


class LotCriterion(models.Model):
    """A non-price criterion of a weighted lot (Prozorro's "feature"), e.g. delivery time.

    Each option carries a value (a share, e.g. 0.05); a bidder picks one option per criterion
    when applying. The weighted price is price / (1 + Σ values / (1 − Σ criteria's maxima))."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=40)
    title = models.CharField(_("title"), max_length=200)
    options = models.JSONField(
        _("options"), help_text=_('[{"title": "within 10 days", "value": "0.05"}, ...]')
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lot", "code"], name="lot_criterion_code_unique")
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SecurityStatus(models.TextChoices):
    """Where an application's bid security stands (the deals app holds the security itself
    and tells this one through ``bid_security.changed``)."""

    NOT_REQUIRED = "not_required", _("Not required")
    AWAITING = "awaiting", _("Awaiting the bid security")
    PROVIDED = "provided", _("Bid security provided")
    RELEASED = "released", _("Bid security released")
    FORFEITED = "forfeited", _("Bid security forfeited")


class Application(models.Model):
    """A supplier's application to take part in a lot's auction."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="applications")
    supplier = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="lot_applications"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    terms_accepted_at = models.DateTimeField()
    initial_amount = MoneyAmountField(_("initial sealed offer"), null=True, blank=True)
    criteria_values = models.JSONField(
        _("chosen criteria values"),
        default=dict,
        blank=True,
        help_text=_('{"criterion code": "value"} for weighted lots'),
    )
    coefficient = models.DecimalField(
        max_digits=20,
        decimal_places=12,
        default=Decimal(1),
        help_text=_("1 + Σ values / (1 − Σ maxima): the weighted price is price / coefficient"),
    )
    # A lot ranked by landed cost: the delivery cost from the supplier's chosen warehouse to the
    # lot's delivery place, in the tender's currency, fixed when the buyer admits the
    # application; ``delivery_basis`` keeps what the quote was made of (warehouse, carrier,
    # distance, transit days), as shown to the supplier and the buyer.
    delivery_cost = MoneyAmountField(_("delivery cost"), null=True, blank=True)
    delivery_basis = models.JSONField(_("delivery quote"), default=dict, blank=True)
    label = models.PositiveIntegerField(
        _("anonymous label number"),
        null=True,
        blank=True,
        help_text=_('Shown to other suppliers as "Bidder #N"'),
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    security_status = models.CharField(
        _("bid security"),
        max_length=16,
        choices=SecurityStatus.choices,
        default=SecurityStatus.NOT_REQUIRED,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Standing, written under the lot's lock: the bidder's current (lowest valid) price.
    current_amount = MoneyAmountField(null=True, blank=True)
    current_at = models.DateTimeField(null=True, blank=True)
    # Not a column: the supplier's participation status in the lot's platform (None: no row),
    # on the applications the bid path reads with it (``participation.admitted``,
    # ``bidding.pg_reads``, ``bidding.proxy``) for ``participation.participation_refusal``.
    supplier_participation: str | None

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["lot", "supplier"], name="application_one_per_lot"),
            models.UniqueConstraint(
                fields=["lot", "label"],
                condition=Q(label__isnull=False),
                name="application_label_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.lot}"


class BidKind(models.TextChoices):
    INITIAL = "initial", _("Initial offer")
    MANUAL = "manual", _("Bid")
    PROXY = "proxy", _("Proxy bid")
    SURROGATE = "surrogate", _("Surrogate bid entered by the buyer")
    SEALED = "sealed", _("Sealed offer")


class Bid(ImmutableModel):
    """An accepted bid. Never changed or deleted; a withdrawal is a row of its own."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="bids")
    amount = MoneyAmountField()
    weighted_amount = models.DecimalField(max_digits=24, decimal_places=8)
    kind = models.CharField(max_length=16, choices=BidKind.choices, default=BidKind.MANUAL)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    client_bid_id = models.CharField(max_length=64, blank=True)
    round = models.PositiveSmallIntegerField(default=0)
    placed_at = models.DateTimeField(db_index=True)
    note = models.TextField(blank=True)
    seal = models.CharField(
        max_length=64,
        blank=True,
        help_text="Sealed format: the random salt of the offer's commitment in the event log",
    )

    class Meta:
        ordering = ["placed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "application", "client_bid_id"],
                condition=~Q(client_bid_id=""),
                name="bid_client_id_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bid_amount_positive"),
        ]


class BidWithdrawal(ImmutableModel):
    """A bid taken back within its turn (rounds format)."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField()


class ProxyBid(models.Model):
    """A supplier's floor for automatic bidding in the English format."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="proxy")
    floor_amount = MoneyAmountField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"proxy floor {self.floor_amount} for {self.application}"


class LotEvent(ImmutableModel):
    """One entry of a lot's protocol: append-only, each carrying the hash of the previous one.

    ``hash = sha256(prev_hash + canonical JSON of (seq, kind, created_at, actor, payload))``."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["lot_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["lot", "seq"], name="lot_event_seq_unique")]


class Question(models.Model):
    """A supplier's question on a tender; the answer is published to all participants
    without revealing who asked."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="questions")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    asked_by_company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Award(models.Model):
    """The buyer's award of a lot. The one-to-one on the lot makes a second award impossible."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="award")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    bid = models.ForeignKey(Bid, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = MoneyAmountField()
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Required when the award is not to the best ranked")
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    awarded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"award of {self.lot} at {self.amount}"


class DealStatus(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    ORDERED = "ordered", _("Ordered")
    PAID = "paid", _("Paid")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Deal(models.Model):
    """What an award creates: the record later payment, logistics and CRM work builds on."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="deal")
    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="deal")
    buyer = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    price = MoneyAmountField(_("unit price × quantity: the lot's total"))
    currency = CurrencyField()
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    unit = models.CharField(max_length=32)
    terms = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=DealStatus.choices, default=DealStatus.AWARDED)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"deal {self.pk}: {self.buyer} ← {self.supplier}"


class LotProtocol(ImmutableModel):
    """A stored copy of a lot's protocol (the buyer's PDF) as it stood at one point of its chain:
    written when the lot closes and again when it is awarded, so the same document can be
    downloaded later and checked against its sha256."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="protocols")
    event_seq = models.PositiveBigIntegerField()
    last_hash = models.CharField(max_length=64)
    lot_status = models.CharField(max_length=24, choices=LotStatus.choices)
    chain_ok = models.BooleanField()
    language = models.CharField(max_length=8)
    storage_name = models.CharField(max_length=300)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lot_id", "-event_seq"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "event_seq"], name="lot_protocol_seq_unique")
        ]

    def __str__(self) -> str:
        return f"protocol of lot {self.lot_id} at entry {self.event_seq}"


from . import approval_models, version_models  # noqa: E402, F401 (their tables register here)
