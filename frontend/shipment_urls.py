"""The shipments' pages (included by frontend/urls.py, in the frontend namespace): an order's
shipments and the forms of its two sides, and the public tracking page."""

from django.urls import path

from . import shipment_views as views

urlpatterns = [
    path("orders/<int:order_id>/shipments/", views.shipments_page, name="order-shipments"),
    # POST: a new shipment (the supplier's).
    path(
        "orders/<int:order_id>/shipments/new/",
        views.shipment_create_page,
        name="order-shipment-create",
    ),
    # POST: a status event of a shipment (the supplier's).
    path(
        "orders/<int:order_id>/shipments/<int:shipment_id>/events/",
        views.shipment_event_page,
        name="order-shipment-event",
    ),
    # POST: the buyer's acceptance of a delivered shipment, with a claim's photos.
    path(
        "orders/<int:order_id>/shipments/<int:shipment_id>/accept/",
        views.shipment_accept_page,
        name="order-shipment-accept",
    ),
    # The public tracking page: no log-in, the token is the key.
    path("track/<str:token>/", views.tracking_page, name="tracking"),
]
