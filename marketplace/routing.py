"""Websocket routes of all apps (the live auction endpoints arrive with the auctions app)."""

websocket_urlpatterns: list = []
