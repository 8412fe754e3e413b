"""Loading the shipped classification (``data/cpv2008.json``) into the category table.

Used by the data migration with the historical model, so it computes ``path``, ``depth`` and
the search columns itself instead of relying on ``Category.save``. Loading is idempotent: a
node is found by its code and its names and place are brought up to date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "cpv2008.json"
LANGUAGES = ("en", "ru", "uk")


def read_tree(path: Path = DATA_FILE) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)["tree"]


def iter_nodes(tree: list[dict], parent_code: str | None = None):
    """(node, parent code) pairs, parents before their children."""
    for node in tree:
        yield node, parent_code
        yield from iter_nodes(node.get("children", []), node["code"])


def load_tree(category_model, tree: list[dict]) -> int:
    """Create or update every node of ``tree``; returns how many nodes were written."""
    # The model's instances: a migration passes its historical model, which has no static type.
    by_code: dict[str, Any] = {}
    count = 0
    for node, parent_code in iter_nodes(tree):
        parent = by_code[parent_code] if parent_code else None
        names = {lang: node["name"].get(lang, "") for lang in LANGUAGES}
        path = f"{parent.path}/{node['code']}" if parent else node["code"]
        fields = {
            "parent": parent,
            "path": path,
            "depth": parent.depth + 1 if parent else 0,
            **{f"name_{lang}": names[lang] for lang in LANGUAGES},
            **{
                f"search_{lang}": f"{node['code']} {names[lang] or names['en']}".casefold()[:240]
                for lang in LANGUAGES
            },
        }
        obj, _ = category_model.objects.update_or_create(code=node["code"], defaults=fields)
        by_code[node["code"]] = obj
        count += 1
    return count
