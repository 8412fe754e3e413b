"""The translation orders REST API (included under /api/ by marketplace/urls.py)."""

urlpatterns: list = []
