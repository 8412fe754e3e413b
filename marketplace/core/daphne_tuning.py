"""Daphne's websocket side, adjusted where it exposes no option (``install``, called by
``marketplace.asgi`` before Daphne builds its factory: the CLI imports the application first).

- **Oversize frames closed with 1009.** Daphne drops a websocket whose message exceeds its
  size limit (1 MiB by default, ``--websocket-max-message-size``) without a close frame: the
  client only sees the TCP connection vanish. Daphne exposes every other protocol option but
  not autobahn's ``failByDrop``; with it off, the connection is failed by the closing handshake
  instead, with the code 1009 ("message too big") and the reason.
- **Options on the protocol's class, not on each connection.** autobahn copies its 29 protocol
  options from the factory onto every connection's ``__dict__`` unless the protocol already
  has them; the copies were part of each idle socket's memory (``make bench``'s idle). The
  factory gives them to a subclass of the protocol once, when its first connection is built
  (Daphne sets its options before it listens), and again if the options are set later.
- **Warm before listening.** ``before_listening``: what the apps start before the first
  socket (the auctions app's bid workers), so that a reconnecting crowd after a restart does
  not share the CPU with it.
- **No debug text per connection.** autobahn formats those options with ``pprint`` for a
  debug log line on every connection, logged or not: about 5 % of a connect's CPU in a storm.
  The text is now made only if the line is written.
"""

from __future__ import annotations

import inspect
import pprint
from collections.abc import Callable

import autobahn.websocket.protocol
import daphne.server
from daphne.ws_protocol import WebSocketFactory

# What a server starts before it listens: the apps register here (``AppConfig.ready``), and
# Daphne runs them as it builds its websocket factory, just before it opens its sockets.
before_listening: list[Callable[[], None]] = []


class TunedWebSocketFactory(WebSocketFactory):
    _configured = None  # the protocol's subclass holding the options, once made

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # autobahn's sets its default options here
        self.setProtocolOptions(failByDrop=False)
        for start in before_listening:
            start()

    def setProtocolOptions(self, *args, **kwargs):
        super().setProtocolOptions(*args, **kwargs)
        self._configured = None  # made again, with these, for the next connection

    def buildProtocol(self, addr):
        if self._configured is None:
            # A function among them (``perMessageCompressionAccept``) stays a plain function
            # on the class, as it is on a connection: not a method.
            options = {
                name: staticmethod(value) if inspect.isfunction(value) else value
                for name in self.protocol.CONFIG_ATTRS
                for value in [getattr(self, name)]
            }
            self._configured = type(self.protocol.__name__, (self.protocol,), options)
        protocol = self._configured()
        protocol.factory = self
        return protocol


class _LazyText:
    """``pprint.pformat(value)``, made when formatted (a log line written), not before."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(pprint.pformat(self.value), spec)

    def __str__(self) -> str:
        return pprint.pformat(self.value)


def install() -> None:
    daphne.server.WebSocketFactory = TunedWebSocketFactory
    autobahn.websocket.protocol.pformat = _LazyText  # type: ignore[assignment]
