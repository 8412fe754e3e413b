"""The marketing pages (included by frontend/urls.py)."""

urlpatterns: list = []
