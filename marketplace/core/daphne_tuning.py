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
- **No debug text per connection or frame.** autobahn formats its debug log lines' values
  before it knows whether the line is written: those options with ``pprint`` on every
  connection (about 5 % of a connect's CPU in a storm), and on every frame sent or chunk
  received the function's and the peer's names, coloured by ``click`` (``hltype``, ``hlval``:
  some 3 % of a connect's, measured by ``make bench``'s idle with py-spy). The text is now
  made only if the line is written.
"""

from __future__ import annotations

import inspect
import pprint
from collections.abc import Callable

import autobahn.twisted.websocket
import autobahn.util
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


class _Lazy:
    """``fn(*args, **kwargs)``, made when formatted (a log line written), not before."""

    __slots__ = ("args", "fn", "kwargs")

    def __init__(self, fn: Callable[..., str], args: tuple, kwargs: dict):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __str__(self) -> str:
        return self.fn(*self.args, **self.kwargs)


def _lazily(fn: Callable[..., str]) -> Callable[..., _Lazy]:
    def later(*args, **kwargs) -> _Lazy:
        return _Lazy(fn, args, kwargs)

    return later


def install() -> None:
    daphne.server.WebSocketFactory = TunedWebSocketFactory
    autobahn.websocket.protocol.pformat = _lazily(pprint.pformat)  # type: ignore[assignment]
    # Every use of these in the two modules is a value of a debug log line.
    for module in (autobahn.websocket.protocol, autobahn.twisted.websocket):
        module.hltype = _lazily(autobahn.util.hltype)  # type: ignore[attr-defined]
        module.hlval = _lazily(autobahn.util.hlval)  # type: ignore[attr-defined]
