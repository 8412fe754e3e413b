"""The pricing REST API (included under /api/ by marketplace/urls.py)."""

from django.urls import path

from . import views

base = "pricing/suppliers/<int:company_id>/"

urlpatterns = [
    path(base + "kinds/", views.KindListApi.as_view(), name="pricing-kinds"),
    path(base + "kinds/<int:kind_id>/", views.KindDetailApi.as_view(), name="pricing-kind"),
    path(base + "promotions/", views.PromotionListApi.as_view(), name="pricing-promotions"),
    path(
        base + "promotions/<int:promotion_id>/",
        views.PromotionDetailApi.as_view(),
        name="pricing-promotion",
    ),
    path(base + "assignments/", views.AssignmentListApi.as_view(), name="pricing-assignments"),
    path(
        base + "assignments/<int:assignment_id>/",
        views.AssignmentDetailApi.as_view(),
        name="pricing-assignment",
    ),
    path(base + "offers/", views.OfferApi.as_view(), name="pricing-offers"),
    path(base + "my-prices/", views.MyPricesApi.as_view(), name="pricing-my-prices"),
    path(base + "quote/", views.QuoteApi.as_view(), name="pricing-quote"),
]
