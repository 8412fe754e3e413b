from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "marketplace.verification"
    label = "verification"
