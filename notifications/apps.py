from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """What people are told, in the app and by e-mail: built from the domain events
    (``listeners.py``), never called by the domains that emit them."""

    name = "notifications"
    verbose_name = _("Notifications")
