"""The servicedesk app's event types (joined into ``catalogue.TYPES``)."""

from __future__ import annotations

from .catalogue_parts import EventType

TYPES: list[EventType] = []
