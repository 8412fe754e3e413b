"""Leads, pipelines with their stages, opportunities with their stage history, and the sales
targets plan versus fact is measured against."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.core.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class PipelineKind(models.TextChoices):
    SALES = "sales", _("Sales")
    PURCHASE = "purchase", _("Purchases")


class StageKind(models.TextChoices):
    OPEN = "open", pgettext_lazy("crm status", "Open")
    WON = "won", _("Won")
    LOST = "lost", pgettext_lazy("crm status", "Lost")


class Pipeline(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_pipelines"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=16, choices=PipelineKind.choices, default=PipelineKind.SALES
    )
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind"],
                condition=models.Q(is_default=True),
                name="crm_pipeline_one_default_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"))
    probability = models.PositiveSmallIntegerField(
        _("probability, %"), help_text=_("the default chance of winning at this stage")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=StageKind.choices)
    # What moves an auction-linked opportunity here by itself ("applied", "admitted", "bid",
    # "won", "lost"; for a buyer's purchase: "published", "auction", "awarded"), or empty.
    auto = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["pipeline", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline", "position"], name="crm_stage_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LeadSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    WEB_FORM = "web_form", _("Website form")
    INVITATION = "invitation", _("Invitation")
    TENDER_MATCH = "tender_match", _("Matching tender")
    IMPORT = "import", pgettext_lazy("crm lead source", "Import")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    QUALIFIED = "qualified", _("Qualified")
    CONVERTED = "converted", _("Converted")
    DISQUALIFIED = "disqualified", _("Disqualified")


class Lead(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_leads"
    )
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(
        _("source"), max_length=16, choices=LeadSource.choices, default=LeadSource.MANUAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    account = models.ForeignKey(
        "crm.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    company_name = models.CharField(_("company"), max_length=300, blank=True)
    person_name = models.CharField(_("person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    lot = models.ForeignKey(
        "auctions.Lot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The event that made it (a matching tender, an invitation): one lead per event.
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disqualified_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "status"], name="crm_lead_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "event", "lot"],
                condition=models.Q(event__isnull=False),
                name="crm_lead_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OpportunityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("crm status", "Open")
    WON = "won", _("Won")
    LOST = "lost", pgettext_lazy("crm status", "Lost")


class LostReason(models.TextChoices):
    PRICE = "price", _("Price")
    LOST_AT_AUCTION = "lost_at_auction", _("Lost at auction")
    NOT_ADMITTED = "not_admitted", _("Not admitted")
    COMPETITOR = "competitor", _("Went to a competitor")
    NO_DECISION = "no_decision", _("No decision")
    CANCELLED = "cancelled", _("Tender cancelled")
    OTHER = "other", _("Other")


class Opportunity(models.Model):
    """A potential deal with an account, moving through a pipeline's stages. One linked to a
    lot (a supplier's) or to a tender (a buyer's purchase) moves by itself with the auction."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_opportunities"
    )
    account = models.ForeignKey(
        "crm.Account", on_delete=models.CASCADE, related_name="opportunities"
    )
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="opportunities")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField(_("title"), max_length=300)
    amount = models.DecimalField(
        _("amount"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    currency = models.CharField(_("currency"), max_length=3, default="UAH")
    probability = models.PositiveSmallIntegerField(
        _("probability, %"), null=True, blank=True, help_text=_("empty: the stage's")
    )
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    competitors = models.JSONField(_("competitors"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    lost_reason = models.CharField(
        _("lost reason"), max_length=20, choices=LostReason.choices, blank=True
    )
    lost_note = models.CharField(_("why it was lost"), max_length=500, blank=True)
    lot = models.ForeignKey(
        "auctions.Lot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tender = models.ForeignKey(
        "auctions.Tender", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the auction told this workspace, as far as the lot's visibility let it know:
    # {"rank": 2, "gap": "1500.00", "winning_amount": ...}.
    auction_outcome = models.JSONField(default=dict, blank=True)
    won_amount = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, blank=True
    )
    position = models.PositiveIntegerField(default=0, help_text="order within its stage (board)")
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage__position", "position", "pk"]
        indexes = [
            models.Index(
                fields=["workspace", "pipeline", "stage", "position"], name="crm_opp_board"
            ),
            models.Index(fields=["workspace", "status", "expected_close"], name="crm_opp_status"),
            models.Index(fields=["workspace", "lot"], name="crm_opp_lot"),
            models.Index(fields=["workspace", "tender"], name="crm_opp_tender"),
        ]

    def __str__(self) -> str:
        return self.title


class StageChange(models.Model):
    """An opportunity's move from a stage to another: by a person, or by the marketplace
    (``event``: the domain event that moved it; once per event)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "event"],
                condition=models.Q(event__isnull=False),
                name="crm_stage_change_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage_id} -> {self.to_stage_id}"


class SalesTarget(models.Model):
    """What a manager (or the whole workspace: no owner) should win in a period."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_targets"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    amount = models.DecimalField(
        _("target"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    currency = models.CharField(_("currency"), max_length=3, default="UAH")

    class Meta:
        ordering = ["period_start", "pk"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.period_start}..{self.period_end}"
