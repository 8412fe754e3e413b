"""The CRM API's pipeline routes (filled as the area is built)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
