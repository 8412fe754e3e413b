from django.apps import AppConfig


class DealsConfig(AppConfig):
    """After the award: orders, their documents, and payments (bid security, commission)."""

    name = "deals"
