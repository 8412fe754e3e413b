"""Websocket routes of all apps."""

from auctions.routing import websocket_urlpatterns as auction_routes

websocket_urlpatterns: list = [*auction_routes]
