"""Websocket routes of all apps."""

from django.urls import re_path

from auctions.realtime.routing import websocket_urlpatterns as auction_routes
from marketplace.core.ws_refuse import UnknownPathConsumer
from notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns: list = [
    *auction_routes,
    *notification_routes,
    # Last: any other path (a lot id that is not a number, say) is refused with 4404.
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
