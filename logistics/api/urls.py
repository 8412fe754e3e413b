"""The logistics API: ``/api/logistics/...`` (docs/api/logistics.md)."""

from django.urls import path

from . import carriers_views as c
from . import landed_views as ld
from . import places_views as p
from . import shipment_views as sh

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
    path(base + "shipments/", sh.ShipmentListApi.as_view(), name="logistics-shipments"),
    path(
        base + "shipments/<int:shipment_id>/",
        sh.ShipmentDetailApi.as_view(),
        name="logistics-shipment",
    ),
    path(
        base + "shipments/<int:shipment_id>/events/",
        sh.ShipmentEventApi.as_view(),
        name="logistics-shipment-events",
    ),
    path(
        base + "shipments/<int:shipment_id>/acceptance/",
        sh.ShipmentAcceptApi.as_view(),
        name="logistics-shipment-accept",
    ),
    path(
        base + "shipments/<int:shipment_id>/claim-photos/<int:photo_id>/",
        sh.ClaimPhotoApi.as_view(),
        name="logistics-claim-photo",
    ),
    # A carrier's push of a status event (Authorization: Carrier <key>).
    path(base + "carrier-events/", sh.CarrierPushApi.as_view(), name="logistics-carrier-events"),
    path(
        base + "carriers/<int:carrier_id>/api-keys/",
        sh.CarrierApiKeyListApi.as_view(),
        name="logistics-carrier-api-keys",
    ),
    path(
        base + "carriers/<int:carrier_id>/api-keys/<int:key_id>/revoke/",
        sh.CarrierApiKeyRevokeApi.as_view(),
        name="logistics-carrier-api-key-revoke",
    ),
    # A supplier's delivery cost to a lot ranked by landed cost, from one of its warehouses.
    path(
        base + "applications/<int:application_id>/delivery/",
        ld.ApplicationDeliveryApi.as_view(),
        name="logistics-application-delivery",
    ),
]
