from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationOrdersConfig(AppConfig):
    name = "translation_orders"
    label = "translation_orders"
    verbose_name = _("Translation orders")
