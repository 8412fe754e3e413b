"""The pieces the catalogue's payload schemas are made of, shared by ``catalogue`` and the
per-app catalogue modules (``catalogue_<app>``) it joins."""

from __future__ import annotations

from dataclasses import dataclass

ID = {"type": "integer", "minimum": 1}
TEXT = {"type": "string"}
MONEY = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"}
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$"}
COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$"}
TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
OPTIONAL_TEXT = {"type": ["string", "null"]}
OPTIONAL_TIME = {"type": ["string", "null"], "format": "date-time"}
OPTIONAL_ID = {"type": ["integer", "null"], "minimum": 1}


def _object(**properties) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    readers: str  # who may read it, in words (docs/events.md)
    schema: dict
