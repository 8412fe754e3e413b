"""Human translation on order, a platform service.

* ``PlatformTranslator``: a person a platform's admins named a translator of the platform
  (granted, later revoked: the row keeps both; one active grant per person and platform).
* ``TranslationRate``: the platform's price per word for a language pair, in a currency, with a
  minimum fee.
* ``TranslationOrder``: a company (a buyer for its tender's documents, a supplier for its
  certificates' scans) orders documents translated from one language into another on a
  platform. Its documents are copied into the private storage when it is placed
  (``TranslationSourceDocument``, each with its word count); a translator of the platform takes
  it, quotes it (the words, the fee), the orderer accepts or declines the quote, the translator
  delivers files (``TranslationDeliveredFile``, one round per delivery), the orderer accepts the
  delivery (done: the fee is invoiced to the orderer, ``deals``) or sends it back with comments.
* ``TranslationOrderStep``: who did what and when, append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, ImmutableModel, MoneyAmountField


class Language(models.TextChoices):
    UK = "uk", _("Ukrainian")
    RU = "ru", _("Russian")
    EN = "en", _("English")


class Side(models.TextChoices):
    BUYER = "buyer", _("Buyer: a tender's documents")
    SUPPLIER = "supplier", _("Supplier: its certificates")


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered: waiting for a quote")
    QUOTED = "quoted", _("Quoted: waiting for the orderer")
    IN_PROGRESS = "in_progress", _("Being translated")
    DELIVERED = "delivered", _("Delivered: waiting for the orderer")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Quote declined")
    CANCELLED = "cancelled", _("Cancelled")


class SourceKind(models.TextChoices):
    TENDER_DOCUMENT = "tender_document", _("Tender document")
    CERTIFICATE = "certificate", _("Certificate")


class PlatformTranslator(models.Model):
    """A translator of a platform, named by its admins. Revoking keeps the row (``revoked_at``);
    granting again makes a new one."""

    platform = models.ForeignKey(
        "platforms.Platform",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("platform"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="translator_grants",
        verbose_name=_("translator"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("platform translator")
        verbose_name_plural = _("platform translators")
        ordering = ["platform_id", "granted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "user"],
                condition=Q(revoked_at__isnull=True),
                name="translation_translator_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.platform_id}"


class TranslationRate(models.Model):
    """What a platform charges for a language pair: ``price_per_word`` times the quoted words,
    at least ``minimum_fee``, in ``currency``."""

    platform = models.ForeignKey(
        "platforms.Platform",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("platform"),
    )
    source_language = models.CharField(_("from"), max_length=2, choices=Language.choices)
    target_language = models.CharField(_("into"), max_length=2, choices=Language.choices)
    price_per_word = models.DecimalField(_("price per word"), max_digits=10, decimal_places=4)
    currency = CurrencyField(_("currency"))
    minimum_fee = MoneyAmountField(_("minimum fee"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("translation rate")
        verbose_name_plural = _("translation rates")
        ordering = ["platform_id", "source_language", "target_language"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "source_language", "target_language"],
                name="translation_rate_one_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(source_language=models.F("target_language")),
                name="translation_rate_two_languages",
            ),
            models.CheckConstraint(
                condition=Q(price_per_word__gt=0), name="translation_rate_price"
            ),
            models.CheckConstraint(
                condition=Q(minimum_fee__gte=0), name="translation_rate_minimum"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.source_language}→{self.target_language} {self.price_per_word} {self.currency}"
        )


class TranslationOrder(models.Model):
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, related_name="+", verbose_name=_("platform")
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="translation_orders",
        verbose_name=_("ordered by company"),
    )
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    tender = models.ForeignKey(
        "auctions.Tender",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tender"),
    )
    source_language = models.CharField(_("from"), max_length=2, choices=Language.choices)
    target_language = models.CharField(_("into"), max_length=2, choices=Language.choices)
    instructions = models.TextField(_("instructions"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrderStatus.choices,
        default=OrderStatus.ORDERED,
        db_index=True,
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("translator"),
    )
    counted_words = models.PositiveIntegerField(
        _("words counted"), null=True, blank=True, help_text=_("Empty: a document had no text")
    )
    quoted_words = models.PositiveIntegerField(_("words quoted"), null=True, blank=True)
    count_reason = models.TextField(_("why the count differs"), blank=True)
    price_per_word = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    minimum_fee = MoneyAmountField(null=True, blank=True)
    fee = MoneyAmountField(_("fee"), null=True, blank=True)
    currency = CurrencyField(_("currency"), blank=True)
    round = models.PositiveSmallIntegerField(
        default=0, help_text="the current delivery round (1 after the quote is accepted)"
    )
    invoice = models.OneToOneField(
        "deals.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translation_order",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    quoted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("translation order")
        verbose_name_plural = _("translation orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_language=models.F("target_language")),
                name="translation_order_two_languages",
            ),
        ]
        indexes = [models.Index(fields=["platform", "status"], name="translation_order_queue")]

    def __str__(self) -> str:
        return f"{self.number} {self.source_language}→{self.target_language}"

    @property
    def number(self) -> str:
        """How people and the ledger name the order."""
        return f"TR-{self.pk}"

    @property
    def words(self) -> int | None:
        """The words quoted, else counted."""
        return self.quoted_words if self.quoted_words is not None else self.counted_words


class TranslationSourceDocument(models.Model):
    """A document to translate: a copy (private storage) of the tender document or certificate
    scan it was made from, as it was when ordered, with the words counted in it."""

    order = models.ForeignKey(TranslationOrder, on_delete=models.CASCADE, related_name="documents")
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=300, help_text="in private storage")
    words = models.PositiveIntegerField(_("words"), null=True, blank=True)
    count_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order_id", "pk"]

    def __str__(self) -> str:
        return self.title


class TranslationDeliveredFile(models.Model):
    """A translated file the translator delivered in a round (private storage)."""

    order = models.ForeignKey(TranslationOrder, on_delete=models.CASCADE, related_name="files")
    round = models.PositiveSmallIntegerField()
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=300, help_text="in private storage")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order_id", "round", "pk"]

    def __str__(self) -> str:
        return self.original_name


class StepAction(models.TextChoices):
    PLACED = "placed", _("Ordered")
    TAKEN = "taken", _("Taken by a translator")
    QUOTED = "quoted", _("Quoted")
    QUOTE_ACCEPTED = "quote_accepted", _("Quote accepted")
    QUOTE_DECLINED = "quote_declined", _("Quote declined")
    CANCELLED = "cancelled", _("Cancelled")
    DELIVERED = "delivered", _("Delivered")
    SENT_BACK = "sent_back", _("Sent back")
    COMPLETED = "completed", _("Delivery accepted")


class TranslationOrderStep(ImmutableModel):
    """One step of an order: who, when, from which status to which, and what was said."""

    order = models.ForeignKey(TranslationOrder, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(max_length=16, choices=StepAction.choices)
    status_before = models.CharField(max_length=16, blank=True)
    status_after = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    words = models.PositiveIntegerField(null=True, blank=True)
    fee = MoneyAmountField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["order_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"
