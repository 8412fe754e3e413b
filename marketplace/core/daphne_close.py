"""Daphne drops a websocket whose message exceeds its size limit (1 MiB by default,
``--websocket-max-message-size``) without a close frame: the client only sees the TCP
connection vanish. Daphne exposes every other protocol option but not autobahn's
``failByDrop``; with it off, the connection is failed by the closing handshake instead, with
the code 1009 ("message too big") and the reason. ``marketplace.asgi`` installs this before
Daphne builds its factory (the CLI imports the application first)."""

from __future__ import annotations

import daphne.server
from daphne.ws_protocol import WebSocketFactory


class ClosingWebSocketFactory(WebSocketFactory):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setProtocolOptions(failByDrop=False)


def install() -> None:
    daphne.server.WebSocketFactory = ClosingWebSocketFactory
