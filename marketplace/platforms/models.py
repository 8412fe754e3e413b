from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, ImmutableModel


class PlatformKind(models.TextChoices):
    PUBLIC = "public", _("Public")
    DEDICATED = "dedicated", _("Dedicated to one client")


class AuctionFormat(models.TextChoices):
    ENGLISH = "english", _("English reverse with soft close")
    ROUNDS = "rounds", _("Turn-based rounds")
    SEALED = "sealed", _("Sealed bid")
    JAPANESE = "japanese", _("Japanese reverse: confirm each lower price to stay in")
    DUTCH = "dutch", _("Dutch: the price rises until a supplier accepts it")


class Visibility(models.TextChoices):
    RANK_ONLY = "rank_only", _("Own rank only")
    RANK_AND_BEST = "rank_and_best", _("Rank and best price")
    LADDER = "ladder", _("Anonymous ladder of all bids")


class Platform(models.Model):
    """A trading platform: public, or dedicated to one client with its own participants and
    rules. The ``default_*`` fields are the auction rules its tenders start from."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PlatformKind.choices)
    owner = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_platforms",
        verbose_name=_("client"),
        help_text=_("The client a dedicated platform belongs to"),
    )
    description = models.TextField(_("description"), blank=True)
    default_currency = CurrencyField(_("default currency"), default="UAH")
    is_active = models.BooleanField(_("active"), default=True)
    # Default auction rules
    default_auction_format = models.CharField(
        _("default auction format"),
        max_length=16,
        choices=AuctionFormat.choices,
        default=AuctionFormat.ENGLISH,
    )
    default_min_step_percent = models.DecimalField(
        # xgettext:no-python-format
        _("default minimum step, % of the start price"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("50"))],
    )
    default_soft_close_window_minutes = models.PositiveIntegerField(
        _("soft close window, minutes"), default=3, validators=[MaxValueValidator(120)]
    )
    default_soft_close_extension_minutes = models.PositiveIntegerField(
        _("soft close extension, minutes"), default=3, validators=[MaxValueValidator(120)]
    )
    default_auction_duration_minutes = models.PositiveIntegerField(
        _("auction duration, minutes"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    default_visibility = models.CharField(
        _("default visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.RANK_AND_BEST,
    )
    min_participants = models.PositiveIntegerField(
        _("minimum admitted participants per lot"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    membership_requires_approval = models.BooleanField(
        _("participation needs the admins' approval"), default=True
    )
    publishes_open_data = models.BooleanField(
        _("publish public tenders' results and open data (OCDS)"),
        default=True,
        help_text=_(
            "Anyone may read a public tender's finished lots' results, bidders anonymised, and "
            "its OCDS release package"
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trading platform")
        verbose_name_plural = _("trading platforms")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="public", owner__isnull=True)
                | Q(kind="dedicated", owner__isnull=False),
                name="platform_dedicated_has_owner",
                violation_error_message=_(
                    "A dedicated platform belongs to exactly one client; a public one to none."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlatformAdmin(models.Model):
    """A person who runs a platform: decides on participation and the platform's rules."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="admins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="administered_platforms"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("platform admin")
        verbose_name_plural = _("platform admins")
        constraints = [
            models.UniqueConstraint(fields=["platform", "user"], name="platform_admin_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.platform}"


class ParticipationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    SUSPENDED = "suspended", _("Suspended")


class PlatformMembership(models.Model):
    """A company's participation in a platform: applied for, then accepted or refused."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="platform_memberships"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.APPLIED,
        db_index=True,
    )
    message = models.TextField(_("applicant's message"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("platform participation")
        verbose_name_plural = _("platform participations")
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "company"], name="platform_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} @ {self.platform}: {self.status}"


class ParticipationAction(models.TextChoices):
    APPLIED = "applied", _("Applied")
    REAPPLIED = "reapplied", _("Applied again")
    ADDED = "added", _("Added by the platform admins")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    SUSPENDED = "suspended", _("Suspended")


class PlatformMembershipEvent(ImmutableModel):
    """One step in a participation's history: who did what, when and why. Append-only."""

    membership = models.ForeignKey(
        PlatformMembership,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("participation"),
    )
    action = models.CharField(_("action"), max_length=16, choices=ParticipationAction.choices)
    status_before = models.CharField(
        _("status before"), max_length=16, choices=ParticipationStatus.choices, blank=True
    )
    status_after = models.CharField(
        _("status after"), max_length=16, choices=ParticipationStatus.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason or message"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("participation event")
        verbose_name_plural = _("participation events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.action} at {self.created_at:%Y-%m-%d %H:%M}"


# --- White-label brands -----------------------------------------------------------------------


def _brand_logo_path(instance: "PlatformBrand", filename: str) -> str:
    # The file's name is ours (the service names it after the logo's checked format), never the
    # uploader's.
    return f"brands/{instance.platform_id}/{filename}"


class PlatformBrand(models.Model):
    """A dedicated platform's own look on its own host names (``BrandHost``): its name, logo,
    colours, e-mail sender, terms of participation and footer. Written only through
    ``marketplace.platforms.branding`` (which checks the colours' contrast, the logo and the
    sender); ``version`` grows with every change and names the generated stylesheet."""

    platform = models.OneToOneField(
        Platform, on_delete=models.CASCADE, related_name="brand", verbose_name=_("platform")
    )
    display_name = models.CharField(_("name shown"), max_length=80)
    logo = models.FileField(_("logo"), upload_to=_brand_logo_path, blank=True, max_length=200)
    logo_content_type = models.CharField(max_length=32, blank=True)
    logo_width = models.PositiveIntegerField(null=True, blank=True)
    logo_height = models.PositiveIntegerField(null=True, blank=True)
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#14324f")
    accent_color = models.CharField(_("accent colour (links)"), max_length=7, default="#0b5cad")
    text_on_primary_color = models.CharField(
        _("text on the primary colour"), max_length=7, default="#ffffff"
    )
    sender_name = models.CharField(_("e-mail sender's name"), max_length=80, blank=True)
    sender_email = models.EmailField(_("e-mail sender's address"), blank=True)
    terms = models.TextField(_("terms of participation"), blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)
    footer_links = models.JSONField(_("footer links"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("platform brand")
        verbose_name_plural = _("platform brands")

    def __str__(self) -> str:
        return self.display_name


class BrandHost(models.Model):
    """A host name (lower case, no port) whose pages show ``brand`` and only its platform."""

    brand = models.ForeignKey(PlatformBrand, on_delete=models.CASCADE, related_name="hosts")
    host = models.CharField(_("host name"), max_length=253, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("brand host name")
        verbose_name_plural = _("brand host names")
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host
