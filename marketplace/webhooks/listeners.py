"""The webhooks' listener: every event is fanned out to the endpoints that may receive it."""

from __future__ import annotations

from marketplace.events import catalogue
from marketplace.events.registry import listener

from .services import deliveries_create


@listener(*catalogue.TYPES, name="webhooks.fan_out")
def fan_out(event) -> None:
    deliveries_create(event)
