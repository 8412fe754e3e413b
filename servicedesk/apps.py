from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    label = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        # E-mail to a support address (anymail's inbound webhook): servicedesk/inbound.py.
        from anymail.signals import inbound

        from .inbound import on_inbound

        inbound.connect(on_inbound, dispatch_uid="servicedesk.inbound")
