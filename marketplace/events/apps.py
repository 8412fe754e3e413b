from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "marketplace.events"
    label = "events"
    verbose_name = _("Domain events")

    def ready(self) -> None:
        # Each installed app declares its listeners in its own ``listeners`` module; importing
        # them here registers them, as the admin site finds ``admin`` modules. The app that
        # emits an event never imports the one that listens.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("listeners")
