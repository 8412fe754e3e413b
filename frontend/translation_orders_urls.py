"""The translation orders pages (included by frontend/urls.py)."""

urlpatterns: list = []
