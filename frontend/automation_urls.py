"""The automation pages (included by frontend/urls.py)."""

urlpatterns: list = []
