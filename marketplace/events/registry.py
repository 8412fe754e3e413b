"""Listeners by event type. A domain package declares its listeners in its ``listeners``
module (found at start-up by ``EventsConfig.ready``)::

    from marketplace.events.registry import listener

    @listener("company.access_changed")
    def close_sockets(event): ...

A listener takes the ``Event`` row. It runs inside a transaction that also marks its delivery
done, so what it writes to the database happens exactly once per event; what it does outside
(a socket message, an e-mail) happens at least once, and must be safe to repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import catalogue


@dataclass(frozen=True)
class Listener:
    name: str
    types: tuple[str, ...]
    fn: Callable


_listeners: dict[str, Listener] = {}


def listener(*types: str, name: str | None = None):
    """Register the decorated function for ``types`` (each from the catalogue). ``name`` (by
    default ``module.function``) identifies its deliveries: keep it when the code moves."""

    def register(fn: Callable) -> Callable:
        unknown = [t for t in types if t not in catalogue.TYPES]
        if unknown:
            raise ValueError(f"{fn.__qualname__} listens to unknown event types: {unknown}")
        key = name or f"{fn.__module__}.{fn.__qualname__}"
        existing = _listeners.get(key)
        same = existing is not None and (existing.fn.__module__, existing.fn.__qualname__) == (
            fn.__module__,
            fn.__qualname__,
        )
        if existing is not None and not same:
            raise ValueError(f"two listeners are named {key!r}")
        _listeners[key] = Listener(name=key, types=tuple(types), fn=fn)
        return fn

    return register


def listeners_for(event_type: str) -> list[Listener]:
    return [entry for entry in _listeners.values() if event_type in entry.types]


def get(name: str) -> Listener | None:
    return _listeners.get(name)


def all_listeners() -> list[Listener]:
    return list(_listeners.values())
