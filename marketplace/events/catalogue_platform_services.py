"""The platform services' event types (translations, translation orders, brands; joined into
``catalogue.TYPES``)."""

from __future__ import annotations

from .catalogue_parts import EventType

TYPES: list[EventType] = []
