"""The supplier ratings' pages (included by frontend/urls.py, in the frontend namespace)."""

from django.urls import path

from . import ratings_views as views

urlpatterns = [
    path("ratings/suppliers/<int:company_id>/", views.supplier_page, name="ratings-supplier"),
    # GET: the buyer's scorecards of its suppliers; POST: its weights or bands.
    path("ratings/buyers/<int:company_id>/", views.buyer_page, name="ratings-buyer"),
    # GET: the order's review; POST: write or change it (the buyer's side).
    path("ratings/orders/<int:order_id>/review/", views.review_page, name="ratings-review"),
]
