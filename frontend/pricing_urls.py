"""The pricing pages (included by frontend/urls.py), and the supplier's stock page."""

from django.urls import path

from . import pricing_views as views
from . import supplier_stock_views

urlpatterns = [
    path("pricing/<int:company_id>/", views.pricing_settings_page, name="pricing-settings"),
    path("pricing/<int:company_id>/offer/", views.pricing_offer_page, name="pricing-offer"),
    path("pricing/from/<int:supplier_id>/", views.buyer_prices_page, name="pricing-buyer"),
    path(
        "my-catalogue/<int:company_id>/stock/",
        supplier_stock_views.stock_page,
        name="supplier-stock",
    ),
]
