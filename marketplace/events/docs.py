"""The catalogue as Markdown, for ``docs/events.md`` (``manage.py events_catalogue --write``)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from . import catalogue

START = "<!-- catalogue:start (manage.py events_catalogue --write) -->"
END = "<!-- catalogue:end -->"


def catalogue_markdown() -> str:
    parts = []
    for event_type in catalogue.TYPES.values():
        schema = json.dumps(event_type.schema, indent=2, ensure_ascii=False)
        parts.append(
            f"### `{event_type.name}`\n\n{event_type.description}\n\n"
            f"Readers: {event_type.readers}.\n\n```json\n{schema}\n```\n"
        )
    return "\n".join(parts)


def docs_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "events.md"


def docs_with_catalogue(text: str) -> str:
    """``text`` (docs/events.md) with its catalogue section replaced by the current one."""
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n\n{catalogue_markdown()}\n{END}{tail}"
