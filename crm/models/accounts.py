"""Accounts (counterparties) and the people at them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Segment(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    SUPPLIER = "supplier", _("Supplier")
    BOTH = "both", _("Customer and supplier")


class Lifecycle(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", pgettext_lazy("crm account stage", "Active")
    DORMANT = "dormant", _("Dormant")
    LOST = "lost", pgettext_lazy("crm account stage", "Lost")


class Tag(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_tags"
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="crm_tag_unique_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A counterparty in a workspace: linked to its marketplace company when there is one
    (matched by its identifiers), or external, to be invited later."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_accounts"
    )
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("the marketplace company this account is, when it is one"),
    )
    name = models.CharField(_("name"), max_length=300)
    # The name folded for duplicate search: lower case, legal forms and punctuation dropped.
    name_key = models.CharField(max_length=300, db_index=True, editable=False)
    country = models.CharField(_("country"), max_length=2, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=40, blank=True)
    tax_id = models.CharField(_("tax identifier"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    domain = models.CharField(_("domain"), max_length=200, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    segment = models.CharField(
        _("segment"), max_length=16, choices=Segment.choices, default=Segment.CUSTOMER
    )
    stage = models.CharField(
        _("lifecycle stage"), max_length=16, choices=Lifecycle.choices, default=Lifecycle.PROSPECT
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="accounts")
    notes = models.TextField(_("notes"), blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "company"],
                condition=Q(company__isnull=False),
                name="crm_account_one_per_company",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "tax_id"], name="crm_account_tax_id"),
            models.Index(fields=["workspace", "stage", "name"], name="crm_account_stage"),
            models.Index(fields=["workspace", "owner", "name"], name="crm_account_owner"),
            models.Index(fields=["workspace", "name"], name="crm_account_name"),
        ]
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at an account."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_contacts"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120)
    position = models.CharField(_("position"), max_length=200, blank=True)
    emails = models.JSONField(_("e-mails"), default=list, blank=True)
    phones = models.JSONField(
        _("phones"), default=list, blank=True, help_text=_("E.164, validated")
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    consent = models.BooleanField(_("consents to be contacted"), default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("the marketplace user this contact is, when it is one"),
    )
    notes = models.TextField(_("notes"), blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "account"], name="crm_contact_account"),
            models.Index(fields=["workspace", "last_name"], name="crm_contact_name"),
        ]
        ordering = ["last_name", "first_name", "pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CustomFieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", pgettext_lazy("custom field type", "Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes or no")


class CustomField(models.Model):
    """A field a workspace adds to its accounts, contacts or opportunities (values in their
    ``custom``, keyed by ``key``, checked against ``type`` by the services)."""

    class Entity(models.TextChoices):
        ACCOUNT = "account", _("Account")
        CONTACT = "contact", _("Contact")
        OPPORTUNITY = "opportunity", _("Opportunity")

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_custom_fields"
    )
    entity = models.CharField(max_length=16, choices=Entity.choices)
    key = models.SlugField(max_length=40)
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(_("type"), max_length=16, choices=CustomFieldType.choices)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "entity", "key"], name="crm_custom_field_unique_key"
            )
        ]
        ordering = ["entity", "label"]

    def __str__(self) -> str:
        return self.label
