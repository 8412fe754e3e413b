from django.urls import include, path

from .award_scenario_views import AwardScenariosApi

urlpatterns = [
    path("", include("auctions.api.tender_urls")),
    path("", include("auctions.api.bidding_urls")),
    path("", include("auctions.api.protocol_urls")),
    path(
        "tenders/<int:tender_id>/award-scenarios/",
        AwardScenariosApi.as_view(),
        name="tender-award-scenarios",
    ),
]
