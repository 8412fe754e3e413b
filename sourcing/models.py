"""Attracting suppliers to a tender (the "seed service"): a buyer's shortlists of suppliers, and
one invitation row per company invited to a tender, which keeps the company's way through the
funnel (invited → registered → verified → applied → bid) as one timestamp per stage.

A registered supplier is invited through the auction app's own invitation
(``auctions.tenders.invitations``); a company that is not registered yet is a *prospect*: its
e-mail and identifier are kept here until a company with that identifier registers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Shortlist(models.Model):
    """A buyer company's saved suppliers: a named list ("Diesel suppliers"), or the list of one
    of its tenders (at most one per tender)."""

    buyer = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="sourcing_shortlists"
    )
    name = models.CharField(_("name"), max_length=200)
    tender = models.ForeignKey(
        "auctions.Tender",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sourcing_shortlists",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "name"],
                condition=Q(tender__isnull=True),
                name="sourcing_shortlist_unique_name",
            ),
            models.UniqueConstraint(
                fields=["tender"],
                condition=Q(tender__isnull=False),
                name="sourcing_shortlist_one_per_tender",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    supplier = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shortlisted supplier")
        verbose_name_plural = _("shortlisted suppliers")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "supplier"], name="sourcing_entry_once_per_shortlist"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shortlist} · {self.supplier_id}"


class Origin(models.TextChoices):
    SUPPLIER = "supplier", _("Registered supplier")
    PROSPECT = "prospect", _("Not registered when invited")


class Stage(models.TextChoices):
    """The funnel's stages in their order; each later one implies the earlier ones."""

    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified")
    APPLIED = "applied", _("Applied")
    BID = "bid", pgettext_lazy("funnel stage", "Bid")


STAGES: tuple[str, ...] = tuple(Stage.values)


class SupplierInvitation(models.Model):
    """One company invited to one tender, and how far it went. ``company`` is the registered
    company: from the start for a registered supplier, once a company with the prospect's
    identifier registers for a prospect. ``tender_invitation`` is the auction app's
    invitation, once made (at once for a registered supplier, automatically once a prospect
    is verified, for an invitation-only tender)."""

    tender = models.ForeignKey(
        "auctions.Tender", on_delete=models.CASCADE, related_name="sourcing_invitations"
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tender_invitation = models.ForeignKey(
        "auctions.TenderInvitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the buyer gave of a prospect (empty for a registered supplier).
    email = models.EmailField(_("e-mail"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    identifier = models.CharField(_("tax identifier"), max_length=40, blank=True)
    company_name = models.CharField(_("company"), max_length=300, blank=True)
    person_name = models.CharField(_("person"), max_length=200, blank=True)
    language = models.CharField(max_length=8, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    bid_at = models.DateTimeField(pgettext_lazy("funnel stage", "bid"), null=True, blank=True)
    # When the auction app's invitation was made (it stays set if the buyer takes it back, so
    # a prospect is invited automatically once only).
    tender_invited_at = models.DateTimeField(null=True, blank=True)
    # When the buyer took the tender's invitation back (``tender.uninvited``); cleared when it
    # invites the company again. The stages reached stay as they were.
    withdrawn_at = models.DateTimeField(_("invitation taken back"), null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # Why the automatic tender invitation of a verified prospect could not be made (the
    # refusal's code), until it is made.
    auto_invite_problem = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("supplier invitation")
        verbose_name_plural = _("supplier invitations")
        ordering = ["-invited_at", "-pk"]
        indexes = [
            models.Index(fields=["country", "identifier"], name="sourcing_inv_identifier"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "country", "identifier"],
                condition=~Q(identifier=""),
                name="sourcing_identifier_once_per_tender",
            ),
            models.UniqueConstraint(
                fields=["tender", "company"],
                condition=Q(company__isnull=False),
                name="sourcing_company_once_per_tender",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}: {self.company_name or self.company_id}"

    @property
    def stage(self) -> str:
        """The furthest stage reached."""
        for stage in reversed(STAGES):
            if getattr(self, f"{stage}_at") is not None:
                return stage
        return Stage.INVITED
