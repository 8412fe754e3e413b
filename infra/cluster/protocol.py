"""A lot's protocol as the buyer reads it over the REST API, less ids and wall-clock times, and
the comparison of two of them.

What is compared (``record``):
- ``events``: the lot's hash-chained log (``GET /api/lots/{id}/events/``) in order: each entry's
  number, kind and actor (as a role: ``buyer``, ``S1``..``S3``, ``system``) and its payload with
  the ids (bid, application, supplier) and times left out and an extension's ``from`` → ``to``
  kept as its length in seconds;
- ``bids``: every accepted bid (``GET /api/lots/{id}/bids/``): label, amount, kind;
- ``standing``: the buyer's final view: status, bid count, extensions, the ranked ladder;
- ``chain``: that the chain verifies, twice: by the server (``GET .../events/verify/``) and
  recomputed here from the exported entries by docs/protocol.md's rule, with the number of
  entries (the final hash differs between runs: it covers the times and ids);
- ``script``: what each step answered and what each supplier saw after it (script.py).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import urllib.request
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
DROPPED = {"bid", "application", "supplier", "at", "ends_at", "remaining_seconds", "due_at"}


def get(http: str, token: str, path: str) -> Any:
    request = urllib.request.Request(
        f"{http}{path}", headers={"Authorization": f"Token {token}", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def get_all(http: str, token: str, path: str) -> list:
    rows: list = []
    url = f"{path}?page_size=200"
    while url:
        page = get(http, token, url)
        if isinstance(page, list):
            return page
        rows.extend(page["results"])
        url = page.get("next") or ""
        if url.startswith("http"):
            url = url[url.index("/api/") :]
    return rows


def recompute(entries: list[dict]) -> tuple[bool, str]:
    """docs/protocol.md's "Verifying by hand", on the entries as the API exports them."""
    prev = GENESIS
    for expected, e in enumerate(entries, 1):
        at = datetime.fromisoformat(e["created_at"].replace("Z", "+00:00")).astimezone(UTC)
        body = json.dumps(
            {
                "seq": e["seq"],
                "kind": e["kind"],
                "at": at.isoformat(),
                "actor": e["actor"],
                "payload": e["payload"],
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        digest = hashlib.sha256((prev + body).encode()).hexdigest()
        if e["seq"] != expected or e["prev_hash"] != prev or e["hash"] != digest:
            return False, f"entry {e['seq']} does not verify"
        prev = digest
    return True, f"{len(entries)} entries verify"


def _payload(kind: str, payload: dict) -> dict:
    out = {k: v for k, v in payload.items() if k not in DROPPED}
    if kind == "extended":
        start = datetime.fromisoformat(out.pop("from"))
        end = datetime.fromisoformat(out.pop("to"))
        out["by_seconds"] = (end - start).total_seconds()
    if "ranking" in out:
        out["ranking"] = [
            {k: v for k, v in row.items() if k not in DROPPED} for row in out["ranking"]
        ]
    return out


def record(*, http: str, seed: dict, script: dict) -> dict:
    token, lot = seed["buyer"]["token"], seed["lot"]
    roles = {seed["buyer"]["user"]: "buyer"} | {s["user"]: s["name"] for s in seed["suppliers"]}
    entries = get_all(http, token, f"/api/lots/{lot}/events/")
    entries.sort(key=lambda e: e["seq"])
    server = get(http, token, f"/api/lots/{lot}/events/verify/")
    ok, detail = recompute(entries)
    bids = get_all(http, token, f"/api/lots/{lot}/bids/")
    standing = get(http, token, f"/api/lots/{lot}/standing/")
    return {
        "events": [
            {
                "seq": e["seq"],
                "kind": e["kind"],
                "actor": "system" if e["actor"] is None else roles.get(e["actor"], "another"),
                "payload": _payload(e["kind"], e["payload"]),
            }
            for e in entries
        ],
        "bids": sorted(
            ({"label": b.get("label"), "amount": b["amount"], "kind": b["kind"]} for b in bids),
            key=lambda b: (-float(b["amount"]), b["label"] or 0),
        ),
        "standing": {
            "status": standing.get("status"),
            "bid_count": standing.get("bid_count"),
            "extensions": standing.get("extensions"),
            "ladder": [
                [row.get("rank"), row.get("label"), row.get("amount")]
                for row in standing.get("ladder") or []
            ],
        },
        "chain": {
            "server": bool(server.get("ok")),
            "recomputed": ok,
            "entries": len(entries),
            "detail": detail if ok else f"{detail}; server: {server.get('detail')}",
        },
        "script": script["transcript"],
    }


def chain_problems(name: str, rec: dict) -> list[str]:
    chain = rec["chain"]
    if chain["server"] and chain["recomputed"]:
        return []
    return [f"{name}: the hash chain does not verify ({chain['detail']})"]


def diff(a_name: str, a: dict, b_name: str, b: dict) -> str:
    """A unified diff, section by section, of two records; empty when they agree."""
    parts = []
    for section in ("events", "bids", "standing", "chain", "script"):
        left = json.dumps(a.get(section), indent=1, sort_keys=True).splitlines()
        right = json.dumps(b.get(section), indent=1, sort_keys=True).splitlines()
        if left != right:
            lines = difflib.unified_diff(
                left, right, f"{a_name}:{section}", f"{b_name}:{section}", lineterm="", n=4
            )
            parts.append("\n".join(lines))
    return "\n".join(parts)
