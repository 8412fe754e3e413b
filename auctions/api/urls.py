from django.urls import include, path

urlpatterns = [
    path("", include("auctions.api.tender_urls")),
    path("", include("auctions.api.bidding_urls")),
    path("", include("auctions.api.protocol_urls")),
]
