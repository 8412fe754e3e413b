import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    PENDING = "pending", _("Verification pending")
    INFO_REQUESTED = "info_requested", _("More information requested")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    REVERIFICATION_NEEDED = "reverification_needed", _("Re-verification needed")


class Company(models.Model):
    """A legal entity trading on the marketplace, as a buyer, a supplier or both."""

    legal_name = models.CharField(_("legal name"), max_length=300)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    registration_number = models.CharField(
        _("registration number"),
        max_length=40,
        blank=True,
        help_text=_("EDRPOU in Ukraine, OGRN in Russia, the trade register number elsewhere"),
    )
    tax_id = models.CharField(
        _("tax identifier"),
        max_length=40,
        blank=True,
        help_text=_("INN in Russia, the VAT number in the EU"),
    )
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_buyer = models.BooleanField(_("buys"), default=False)
    is_supplier = models.BooleanField(_("supplies"), default=False)
    verification_status = models.CharField(
        _("verification status"),
        max_length=32,
        choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
        db_index=True,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                condition=~Q(registration_number=""),
                name="company_unique_registration_number",
                violation_error_message=_(
                    "A company with this registration number is already registered."
                ),
            ),
            models.UniqueConstraint(
                fields=["country", "tax_id"],
                condition=~Q(tax_id=""),
                name="company_unique_tax_id",
                violation_error_message=_(
                    "A company with this tax identifier is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_buyer=True) | Q(is_supplier=True),
                name="company_has_a_role",
                violation_error_message=_("A company must buy, supply or both."),
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class MembershipRole(models.TextChoices):
    COMPANY_ADMIN = "company_admin", _("Company admin")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    BIDDER = "bidder", _("Bidder (sales)")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")


class Membership(models.Model):
    """A person's role in a company. A person with several roles has several rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=MembershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.company} ({self.get_role_display()})"


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


class Invitation(models.Model):
    """A company admin's invitation for a colleague to join with a role. It expires."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=MembershipRole.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expired_at = models.DateTimeField(
        _("marked expired at"),
        null=True,
        blank=True,
        help_text=_("Set when an expired invitation is closed, so a new one may be sent."),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=Q(
                    accepted_at__isnull=True, revoked_at__isnull=True, expired_at__isnull=True
                ),
                name="invitation_one_open_per_email",
                violation_error_message=_(
                    "This person already has an open invitation to this company."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"

    @property
    def is_expired(self) -> bool:
        return self.expired_at is not None or self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.is_expired:
            return InvitationStatus.EXPIRED
        return InvitationStatus.OPEN
