from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationConfig(AppConfig):
    name = "marketplace.translation"
    label = "machine_translation"
    verbose_name = _("Machine translation")
