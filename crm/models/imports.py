"""An import of counterparties or contacts from a CSV/XLSX file: its dry run's row-by-row
report, then (confirmed) the import of the valid rows in one transaction, in Celery with its
progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked: waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", pgettext_lazy("crm import", "Failed")


class ImportJob(models.Model):
    class Entity(models.TextChoices):
        ACCOUNTS = "accounts", _("Accounts")
        CONTACTS = "contacts", _("Contacts")

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_imports"
    )
    entity = models.CharField(max_length=16, choices=Entity.choices)
    file_name = models.CharField(max_length=300)
    storage_name = models.CharField(max_length=300, help_text="the uploaded file, private")
    mapping = models.JSONField(default=dict, blank=True, help_text="file column -> field")
    status = models.CharField(max_length=16, choices=ImportStatus.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0, help_text="progress")
    rows_valid = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True, help_text="[{row, problems}]")
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name
