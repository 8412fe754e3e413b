from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "marketplace.platforms"
    label = "platforms"
