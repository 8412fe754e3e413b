"""A practice session: one person's private run of a lot's rules against bots (``engine``).
Its own table: nothing of a practice reaches the tenders, lots, bids, events or protocols."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticeSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    # The lot whose rules it copies (kept as they were if the lot goes).
    lot = models.ForeignKey(
        "auctions.Lot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("practice auction")
        verbose_name_plural = _("practice auctions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"practice {self.pk} of {self.user_id}"
