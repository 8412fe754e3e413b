"""Buyer profiles: what a buying company purchases and who buys for it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuyerProfile(models.Model):
    """One per buyer company; created on the first edit."""

    company = models.OneToOneField(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="buyer_profile",
        verbose_name=_("company"),
    )
    description = models.TextField(_("description"), blank=True)
    categories = models.ManyToManyField(
        "categories.Category",
        blank=True,
        related_name="buyer_profiles",
        verbose_name=_("categories bought"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("buyer profile")
        verbose_name_plural = _("buyer profiles")
        ordering = ["company__legal_name", "pk"]

    def __str__(self) -> str:
        return str(self.company)
