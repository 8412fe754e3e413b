"""Marketing: segments of CRM accounts and contacts, campaigns by e-mail and SMS, and their results."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from anymail.signals import tracking

        from .tracking import on_tracking

        tracking.connect(on_tracking, dispatch_uid="marketing.tracking")
