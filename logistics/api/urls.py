"""The logistics API: ``/api/logistics/...`` (docs/api/logistics.md)."""

from django.urls import path

from . import carriers_views as c
from . import places_views as p

base = "logistics/"

urlpatterns = [
    path(base + "places/", p.PlaceListApi.as_view(), name="logistics-places"),
    path(base + "places/<int:place_id>/", p.PlaceDetailApi.as_view(), name="logistics-place"),
    path(base + "gazetteer/", p.GazetteerApi.as_view(), name="logistics-gazetteer"),
    path(base + "quotes/", p.QuoteApi.as_view(), name="logistics-quotes"),
    path(base + "carriers/", c.CarrierListApi.as_view(), name="logistics-carriers"),
    path(
        base + "carriers/<int:carrier_id>/",
        c.CarrierDetailApi.as_view(),
        name="logistics-carrier",
    ),
    path(
        base + "carriers/<int:carrier_id>/rate-cards/",
        c.RateCardListApi.as_view(),
        name="logistics-rate-cards",
    ),
    path(
        base + "rate-cards/<int:card_id>/",
        c.RateCardDetailApi.as_view(),
        name="logistics-rate-card",
    ),
    path(
        base + "rate-cards/<int:card_id>/import/",
        c.RateCardImportApi.as_view(),
        name="logistics-rate-card-import",
    ),
]
