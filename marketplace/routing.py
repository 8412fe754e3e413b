"""Websocket routes of all apps."""

from django.urls import re_path

from auctions.realtime.routing import websocket_urlpatterns as auction_routes
from marketplace.core.ws_refuse import refuse_unknown_path
from notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns: list = [
    *auction_routes,
    *notification_routes,
    # Last: any other path (a lot id that is not a number, say) is refused with 4404.
    re_path(r"", refuse_unknown_path),  # type: ignore[arg-type]  # an ASGI app, as URLRouter takes
]
