"""Websocket routes of all apps."""

from auctions.routing import websocket_urlpatterns as auction_routes
from notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns: list = [*auction_routes, *notification_routes]
