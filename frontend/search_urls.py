"""The supplier directory and the catalogue (included by frontend/urls.py)."""

from django.urls import path

from . import search_views as views

urlpatterns = [
    path("suppliers/", views.supplier_directory, name="supplier-directory"),
    path("catalogue/", views.catalogue, name="catalogue"),
]
