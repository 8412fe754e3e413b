from django.urls import include, path

from .award_scenario_views import AwardScenariosApi
from .opendata_views import LotResultsApi, ReleasePackageApi
from .signal_views import LotSignalsApi, SignalsApi

urlpatterns = [
    path("", include("auctions.api.tender_urls")),
    path("", include("auctions.api.bidding_urls")),
    path("", include("auctions.api.protocol_urls")),
    path("", include("auctions.api.approval_urls")),
    path(
        "tenders/<int:tender_id>/award-scenarios/",
        AwardScenariosApi.as_view(),
        name="tender-award-scenarios",
    ),
    path("tenders/<int:tender_id>/ocds/", ReleasePackageApi.as_view(), name="tender-ocds"),
    path("lots/<int:lot_id>/results/", LotResultsApi.as_view(), name="lot-results"),
    path("lots/<int:lot_id>/signals/", LotSignalsApi.as_view(), name="lot-signals"),
    path("signals/", SignalsApi.as_view(), name="signals"),
]
