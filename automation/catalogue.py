"""What a rule may be made of, as the API and the editor page offer it: the triggers with their
fields (and each field's operators), the kinds of action each trigger allows."""

from __future__ import annotations

from .actions import KINDS, subjects_of
from .conditions import OPERATORS
from .engine import LOOP_LIMIT
from .triggers import TRIGGERS, Trigger

# The actions that need a row the trigger must name.
NEEDS = {"create_task": "account", "send_email": "account", "move_stage": "opportunity"}


def actions_for(trigger: Trigger) -> list[str]:
    subjects = subjects_of(trigger)
    return [k for k in KINDS if NEEDS.get(k) is None or NEEDS[k] in subjects]


def catalogue_data() -> dict:
    return {
        "triggers": [
            {
                "type": t.type,
                "label": str(t.label),
                "fields": [
                    {
                        "name": f.name,
                        "type": f.type,
                        "label": str(f.label),
                        "choices": list(f.choices),
                        "operators": list(OPERATORS[f.type]),
                    }
                    for f in t.field_map().values()
                ],
                "actions": actions_for(t),
            }
            for t in TRIGGERS.values()
        ],
        "actions": {k: str(v) for k, v in KINDS.items()},
        "loop_limit": LOOP_LIMIT,
    }
