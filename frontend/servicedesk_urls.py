"""The servicedesk pages (included by frontend/urls.py)."""

urlpatterns: list = []
