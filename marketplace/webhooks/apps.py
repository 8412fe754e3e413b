from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outgoing webhooks: a company's HTTPS endpoints receive the domain events it may read,
    signed, retried, logged (docs/events.md)."""

    name = "marketplace.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
