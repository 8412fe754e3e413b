from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo loader (``manage.py load_demo``, run by ``make run``): it knows every domain,
    so it lives in an app of its own, outside the platform core."""

    name = "demo"
