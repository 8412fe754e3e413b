"""The pricing pages (included by frontend/urls.py)."""

urlpatterns: list = []
