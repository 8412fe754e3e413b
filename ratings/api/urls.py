"""The ratings API: ``/api/ratings/...``."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("ratings/scorecards/", v.ScorecardListApi.as_view(), name="ratings-scorecards"),
    path(
        "ratings/scorecards/<int:scorecard_id>/",
        v.ScorecardDetailApi.as_view(),
        name="ratings-scorecard",
    ),
    path(
        "ratings/settings/<int:company_id>/weights/",
        v.WeightsApi.as_view(),
        name="ratings-weights",
    ),
    path("ratings/settings/<int:company_id>/bands/", v.BandsApi.as_view(), name="ratings-bands"),
    path("ratings/orders/<int:order_id>/review/", v.ReviewApi.as_view(), name="ratings-review"),
]
