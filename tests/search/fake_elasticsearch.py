"""A local HTTP server that answers as Elasticsearch 9 does, for the Elasticsearch backend's
tests (no Elasticsearch server can be installed on these machines).

It keeps indices, aliases and documents in memory and answers the APIs the backend calls: the
cluster's root (with ``X-Elastic-Product: Elasticsearch`` on every answer, the header the
client checks on its first request), index create / exists / delete / settings / mapping /
refresh, ``_alias`` and ``_aliases``, ``_bulk`` (ndjson, ``require_alias``) and ``_search``. A
search is evaluated on the stored documents for the query clauses the backend sends (``bool``,
``term``, ``terms``, ``range`` with ``now`` date math, ``prefix``, ``match`` with
``fuzziness``, ``constant_score``, ``dis_max``, ``match_all``, ``match_none``) with
``post_filter``, ``filter`` / ``filters`` / ``terms`` / ``range`` aggregations, ``sort``,
``from`` and ``size``; anything else is answered with a 400 ``parsing_exception``, so a request
the fake does not understand fails the test instead of passing unread. Analysis is
approximated: a haystack field is split on spaces; the ``.ru``/``.uk`` fields compare
``search.text``'s light stems. As on a cluster, only the mapped fields of an index with
``dynamic: false`` are searched (a query on another field matches nothing, a sort on one is a
400); an object's fields are read by their dotted path (``tags.category``).

Every request is recorded (``requests``); ``fail_next`` answers the next requests with an
error status, ``answer_next`` with a body of the test's, ``delay`` makes every answer late
(timeouts). ``serve_fake_elasticsearch`` runs it as a process of its own.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatch
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from search.text import fold, stem, words

VERSION = "9.1.0"
DATE_FIELDS = {"deadline", "published_at"}
HAYSTACKS = {"text", "title_text"}


class Answer(Exception):
    def __init__(self, status: int, body: Any = None):
        super().__init__(status)
        self.status, self.body = status, body


def error(status: int, kind: str, reason: str) -> Answer:
    cause = {"type": kind, "reason": reason}
    return Answer(status, {"error": {"root_cause": [cause], **cause}, "status": status})


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: Any

    @property
    def parts(self) -> list[str]:
        return [unquote(p) for p in self.path.split("/") if p]


@dataclass
class StoredIndex:
    settings: dict = field(default_factory=dict)
    mappings: dict = field(default_factory=dict)
    docs: dict[str, dict] = field(default_factory=dict)


class FakeElasticsearch:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.indices: dict[str, StoredIndex] = {}
        self.aliases: dict[str, set[str]] = {}
        self.canned: list[tuple[int, Any]] = []
        self.delay = 0.0
        self.product = "Elasticsearch"  # the X-Elastic-Product header ("": another product)
        self.lock = threading.RLock()
        self.record = True  # keep every request (a long-running one does not: serve_fake_*)
        self._server: ThreadingHTTPServer | None = None

    # --- running ------------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeElasticsearch:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body in two writes: no 40 ms stall

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body = fake.answer(self.command, self.path, headers, raw)
                data = b"" if body is None else json.dumps(body).encode()
                if fake.delay:
                    time.sleep(fake.delay)
                self.send_response(status)
                if fake.product:
                    self.send_header("X-Elastic-Product", fake.product)
                self.send_header(
                    "Content-Type", "application/vnd.elasticsearch+json;compatible-with=9"
                )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, status: int = 500, count: int = 1) -> None:
        """Answer the next ``count`` requests with an Elasticsearch error of ``status``."""
        body = error(status, "internal_server_error" if status >= 500 else "fake_error", "injected")
        self.canned.extend([(status, body.body)] * count)

    def answer_next(self, status: int, body: Any) -> None:
        """Answer the next request with ``body`` as it is (an answer the client may not expect)."""
        self.canned.append((status, body))

    def calls(self, method: str | None = None, endpoint: str | None = None) -> list[Recorded]:
        """The recorded requests, optionally of one method and whose path ends with
        ``endpoint`` (``_bulk``, ``_search``, ``_aliases``) or is ``/<endpoint>``."""
        out = []
        for r in self.requests:
            if method and r.method != method:
                continue
            if endpoint and not (r.parts[-1:] == [endpoint] or r.path == "/" + endpoint):
                continue
            out.append(r)
        return out

    # --- answering ----------------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: dict, raw: bytes) -> tuple[int, Any]:
        split = urlsplit(target)
        params = dict(parse_qsl(split.query))
        text = raw.decode() if raw else ""
        body: Any = None
        if text:
            if split.path.rstrip("/").endswith("_bulk"):
                body = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                body = json.loads(text)
        record = Recorded(method, split.path, params, headers, body)
        with self.lock:
            if self.record:
                self.requests.append(record)
            if self.canned:
                return self.canned.pop(0)
            try:
                return self._route(record)
            except Answer as a:
                return a.status, a.body

    def _route(self, r: Recorded) -> tuple[int, Any]:
        p, m = r.parts, r.method
        if not p:
            return 200, {
                "name": "fake",
                "cluster_name": "tradefloor-test",
                "version": {"number": VERSION, "build_flavor": "default"},
                "tagline": "You Know, for Search",
            }
        if p == ["_bulk"]:
            return 200, self._bulk(r, None)
        if p == ["_aliases"] and m == "POST":
            return 200, self._update_aliases(r.body or {})
        if p[0] == "_alias" and len(p) == 2:
            return self._get_alias(p[1], head=m == "HEAD")
        if len(p) == 3 and p[1] == "_alias":
            return self._get_alias(p[2], head=m == "HEAD")
        if len(p) == 2 and p[1] == "_bulk":
            return 200, self._bulk(r, p[0])
        if len(p) == 2 and p[1] == "_search":
            return 200, self._search(p[0], r.body or {})
        if len(p) == 2 and p[1] == "_mapping" and m == "GET":
            return 200, {n: {"mappings": self.indices[n].mappings} for n in self._resolve(p[0])}
        if len(p) == 2 and p[1] == "_refresh":
            self._resolve(p[0])
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if len(p) == 2 and p[1] == "_settings" and m == "PUT":
            for name in self._resolve(p[0]):
                _merge(self.indices[name].settings, (r.body or {}).get("settings", r.body or {}))
            return 200, {"acknowledged": True}
        if len(p) == 1 and m == "PUT":
            return 200, self._create(p[0], r.body or {})
        if len(p) == 1 and m == "DELETE":
            return 200, self._delete(p[0], ignore_unavailable=r.params.get("ignore_unavailable"))
        if len(p) == 1 and m in ("HEAD", "GET"):
            try:
                names = self._resolve(p[0])
            except Answer:
                return 404, None if m == "HEAD" else error(
                    404, "index_not_found_exception", p[0]
                ).body
            return 200, None if m == "HEAD" else {
                n: {"settings": self.indices[n].settings} for n in names
            }
        raise error(400, "unsupported_request", f"{m} {r.path}")

    # --- indices and aliases --------------------------------------------------------------------

    def _resolve(self, target: str) -> list[str]:
        names: list[str] = []
        for part in target.split(","):
            if "*" in part:
                names.extend(sorted(n for n in self.indices if fnmatch(n, part)))
            elif part in self.indices:
                names.append(part)
            elif part in self.aliases:
                names.extend(sorted(self.aliases[part]))
            else:
                raise error(404, "index_not_found_exception", f"no such index [{part}]")
        return names

    def _create(self, name: str, body: dict) -> dict:
        if name in self.indices or name in self.aliases:
            raise error(400, "resource_already_exists_exception", f"index [{name}] already exists")
        if name != name.lower() or name.startswith(("_", "-")):
            raise error(400, "invalid_index_name_exception", name)
        self.indices[name] = StoredIndex(
            settings=body.get("settings", {}), mappings=body.get("mappings", {})
        )
        for alias in body.get("aliases", {}):
            self.aliases.setdefault(alias, set()).add(name)
        return {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def _delete(self, target: str, *, ignore_unavailable: Any) -> dict:
        for name in target.split(","):
            if name in self.aliases:
                raise error(400, "illegal_argument_exception", f"[{name}] is an alias")
            if name not in self.indices:
                if ignore_unavailable in ("true", True):
                    continue
                raise error(404, "index_not_found_exception", f"no such index [{name}]")
            del self.indices[name]
            for members in self.aliases.values():
                members.discard(name)
        self.aliases = {a: m for a, m in self.aliases.items() if m}
        return {"acknowledged": True}

    def _get_alias(self, name: str, *, head: bool) -> tuple[int, Any]:
        members = self.aliases.get(name)
        if not members:
            return 404, None if head else {"error": f"alias [{name}] missing", "status": 404}
        return 200, None if head else {index: {"aliases": {name: {}}} for index in sorted(members)}

    def _update_aliases(self, body: dict) -> dict:
        aliases = {a: set(m) for a, m in self.aliases.items()}
        for action in body.get("actions", []):
            ((kind, spec),) = action.items()
            if kind == "add":
                if spec["index"] not in self.indices:
                    raise error(404, "index_not_found_exception", spec["index"])
                aliases.setdefault(spec["alias"], set()).add(spec["index"])
            elif kind == "remove":
                if spec["index"] not in aliases.get(spec["alias"], set()):
                    raise error(404, "aliases_not_found_exception", spec["alias"])
                aliases[spec["alias"]].discard(spec["index"])
            else:
                raise error(400, "parsing_exception", f"unknown action [{kind}]")
        self.aliases = {a: m for a, m in aliases.items() if m}
        return {"acknowledged": True, "errors": False}

    def _bulk(self, r: Recorded, default_index: str | None) -> dict:
        lines = list(r.body or [])
        items = []
        require_alias = r.params.get("require_alias") == "true"
        while lines:
            action = lines.pop(0)
            ((op, meta),) = action.items()
            source = lines.pop(0) if op in ("index", "create", "update") else None
            target = meta.get("_index") or default_index
            doc_id = str(meta.get("_id"))
            item = {"_index": target, "_id": doc_id}
            if require_alias and target not in self.aliases:
                item.update(
                    status=404,
                    error={
                        "type": "index_not_found_exception",
                        "reason": f"[require_alias] request flag is [true] and [{target}] is not an alias",
                    },
                )
                items.append({op: item})
                continue
            if target not in self.indices and target not in self.aliases:
                self.indices[target] = StoredIndex()  # auto-created, as Elasticsearch does
            names = self._resolve(target)
            if len(names) != 1:
                item.update(
                    status=400,
                    error={"type": "illegal_argument_exception", "reason": "no write index"},
                )
                items.append({op: item})
                continue
            index = self.indices[names[0]]
            item["_index"] = names[0]
            if op == "delete":
                found = index.docs.pop(doc_id, None) is not None
                item.update(
                    status=200 if found else 404, result="deleted" if found else "not_found"
                )
            else:
                created = doc_id not in index.docs
                index.docs[doc_id] = source or {}
                item.update(
                    status=201 if created else 200, result="created" if created else "updated"
                )
            items.append({op: item})
        errors = any(i[next(iter(i))].get("error") for i in items)
        return {"took": 1, "errors": errors, "items": items}

    # --- search --------------------------------------------------------------------------------

    def _search(self, target: str, body: dict) -> dict:
        unknown = set(body) - {
            "query",
            "post_filter",
            "aggs",
            "sort",
            "from",
            "size",
            "_source",
            "track_total_hits",
        }
        if unknown:
            raise error(400, "parsing_exception", f"unknown key(s) {sorted(unknown)}")
        size, start = int(body.get("size", 10)), int(body.get("from", 0))
        if start + size > 10_000:
            raise error(400, "illegal_argument_exception", "Result window is too large")
        names = self._resolve(target)
        stored = {
            doc_id: (d, searchable(d, self.indices[name].mappings))
            for name in names
            for doc_id, d in self.indices[name].docs.items()
        }
        docs = [(doc_id, seen) for doc_id, (_d, seen) in stored.items()]
        for entry in body.get("sort", []):
            field_name = entry if isinstance(entry, str) else next(iter(entry))
            if field_name != "_score" and not any(
                _mapped(self.indices[n].mappings, field_name) for n in names
            ):
                raise error(
                    400, "query_shard_exception", f"No mapping found for [{field_name}] to sort on"
                )
        query = body.get("query", {"match_all": {}})
        scored = [(doc_id, d, s) for doc_id, d in docs if (s := evaluate(query, d)) is not None]
        aggs = aggregate(body.get("aggs", {}), [d for _, d, _ in scored])
        if "post_filter" in body:
            scored = [x for x in scored if evaluate(body["post_filter"], x[1]) is not None]
        ordered = sort(scored, body.get("sort", ["_score"]))
        page = ordered[start : start + size]
        hits = [
            {
                "_index": target,
                "_id": doc_id,
                "_score": s,
                **({} if body.get("_source") is False else {"_source": stored[doc_id][0]}),
            }
            for doc_id, _d, s in page
        ]
        out: dict[str, Any] = {
            "took": 1,
            "timed_out": False,
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            "hits": {
                "total": {"value": len(scored), "relation": "eq"},
                "max_score": None,
                "hits": hits,
            },
        }
        if body.get("aggs"):
            out["aggregations"] = aggs
        return out


# --- the query evaluator ------------------------------------------------------------------------


def _dynamic(mappings: dict) -> bool:
    return not mappings or mappings.get("dynamic", True) not in (False, "false")


def _mapped(mappings: dict, path: str) -> bool:
    """Whether ``path`` (``tags.category``; ``title.ru``, a multi-field) is a field of the
    index (any field is, in an index mapped dynamically)."""
    if _dynamic(mappings):
        return True
    properties = mappings.get("properties", {})
    parts = path.split(".")
    for i, part in enumerate(parts):
        spec = properties.get(part)
        if spec is None:
            return False
        if "properties" in spec:
            properties = spec["properties"]
            continue
        return i == len(parts) - 1 or ".".join(parts[i + 1 :]) in spec.get("fields", {})
    return False


def searchable(doc: dict, mappings: dict) -> dict:
    """What a search sees of a stored document: its mapped fields (``dynamic: false`` keeps the
    others in ``_source`` only)."""
    if _dynamic(mappings):
        return doc
    return _project(doc, mappings.get("properties", {}))


def _project(doc: dict, properties: dict) -> dict:
    out = {}
    for name, value in doc.items():
        spec = properties.get(name)
        if spec is None:
            continue
        if "properties" in spec and isinstance(value, dict):
            out[name] = _project(value, spec["properties"])
        else:
            out[name] = value
    return out


def _values(doc: dict, path: str) -> list:
    """The values of ``path`` in ``doc``: an object's field by its dotted path; a multi-field
    (``title.ru``) has its parent's value."""
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, dict):
            break
        value = value.get(part)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or str(a).lower() == str(b).lower()
    return a == b or str(a) == str(b)


def _date(value: Any) -> datetime:
    text = str(value)
    now = re.fullmatch(r"now(?:([+-])(\d+)([dhm]))?", text)
    if now:
        moment = datetime.now(UTC)
        if now.group(1):
            unit = {"d": "days", "h": "hours", "m": "minutes"}[now.group(3)]
            delta = timedelta(**{unit: int(now.group(2))})
            moment = moment + delta if now.group(1) == "+" else moment - delta
        return moment
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _comparable(name: str, value: Any) -> Any:
    if name in DATE_FIELDS:
        return _date(value)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


def _in_range(name: str, value: Any, bounds: dict) -> bool:
    v = _comparable(name, value)
    for op, bound in bounds.items():
        if op in ("time_zone", "format"):
            continue
        b = _comparable(name, bound)
        if (op == "gte" and not v >= b) or (op == "gt" and not v > b):
            return False
        if (op == "lte" and not v <= b) or (op == "lt" and not v < b):
            return False
        if op not in ("gte", "gt", "lte", "lt"):
            raise error(400, "parsing_exception", f"[range] unknown bound [{op}]")
    return True


def _edits(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _tokens(name: str, doc: dict) -> list[str]:
    values = [str(v) for v in _values(doc, name)]
    if name.split(".")[0] in HAYSTACKS:
        return [t for v in values for t in v.split()]
    tokens = [w for v in values for w in words(v)]
    if "." in name:  # .ru / .uk: the light stem stands for the analysis
        return [stem(t) for t in tokens]
    return tokens


def _single(spec: dict, clause: str) -> tuple[str, Any]:
    if len(spec) != 1:
        raise error(400, "parsing_exception", f"[{clause}] query malformed, must have one field")
    ((name, value),) = spec.items()
    return name, value


def evaluate(query: dict, doc: dict) -> float | None:
    """The document's score under ``query``, or None when it does not match."""
    if not isinstance(query, dict) or len(query) != 1:
        raise error(400, "parsing_exception", f"malformed query {query!r}")
    ((kind, spec),) = query.items()
    if kind == "match_all":
        return float(spec.get("boost", 1.0))
    if kind == "match_none":
        return None
    if kind == "bool":
        return _bool(spec, doc)
    if kind == "constant_score":
        return float(spec.get("boost", 1.0)) if evaluate(spec["filter"], doc) is not None else None
    if kind == "dis_max":
        scores = [s for q in spec["queries"] if (s := evaluate(q, doc)) is not None]
        return max(scores) if scores else None
    if kind == "term":
        name, value = _single(spec, kind)
        value = value["value"] if isinstance(value, dict) else value
        return 1.0 if any(_same(v, value) for v in _values(doc, name)) else None
    if kind == "terms":
        name, values = _single(spec, kind)
        return 1.0 if any(_same(v, w) for v in _values(doc, name) for w in values) else None
    if kind == "range":
        name, bounds = _single(spec, kind)
        return 1.0 if any(_in_range(name, v, bounds) for v in _values(doc, name)) else None
    if kind == "prefix":
        name, value = _single(spec, kind)
        value = value["value"] if isinstance(value, dict) else value
        if name in HAYSTACKS:
            return 1.0 if any(t.startswith(value) for t in _tokens(name, doc)) else None
        return 1.0 if any(str(v).startswith(value) for v in _values(doc, name)) else None
    if kind == "match":
        name, value = _single(spec, kind)
        text = value["query"] if isinstance(value, dict) else value
        fuzzy = isinstance(value, dict) and value.get("fuzziness") == "AUTO"
        have = set(_tokens(name, doc))
        wanted = str(text).split() if name in HAYSTACKS else words(text)
        if "." in name:
            wanted = [stem(fold(w)) for w in wanted]
        for w in wanted:
            if w in have:
                return 1.0
            if fuzzy:
                allowed = 0 if len(w) <= 2 else 1 if len(w) <= 5 else 2
                if any(t[:1] == w[:1] and _edits(w, t) <= allowed for t in have):
                    return 0.5
        return None
    raise error(400, "parsing_exception", f"unknown query [{kind}]")


def _bool(spec: dict, doc: dict) -> float | None:
    unknown = set(spec) - {"must", "filter", "should", "must_not", "minimum_should_match", "boost"}
    if unknown:
        raise error(400, "parsing_exception", f"[bool] unknown keys {sorted(unknown)}")

    def clauses(key: str) -> list[dict]:
        value = spec.get(key, [])
        return value if isinstance(value, list) else [value]

    score = 0.0
    for q in clauses("must"):
        s = evaluate(q, doc)
        if s is None:
            return None
        score += s
    for q in clauses("filter"):
        if evaluate(q, doc) is None:
            return None
    for q in clauses("must_not"):
        if evaluate(q, doc) is not None:
            return None
    should = clauses("should")
    matched = [s for q in should if (s := evaluate(q, doc)) is not None]
    default = 0 if clauses("must") or clauses("filter") else 1
    needed = int(spec.get("minimum_should_match", default if should else 0))
    if len(matched) < needed:
        return None
    return score + sum(matched)


# --- aggregations and sorting -------------------------------------------------------------------


def aggregate(specs: dict, docs: list[dict]) -> dict:
    out = {}
    for name, spec in specs.items():
        sub = spec.get("aggs", {})
        kinds = [k for k in spec if k != "aggs"]
        if len(kinds) != 1:
            raise error(400, "parsing_exception", f"aggregation [{name}] malformed")
        kind, body = kinds[0], spec[kinds[0]]
        if kind == "filter":
            inside = [d for d in docs if evaluate(body, d) is not None]
            out[name] = {"doc_count": len(inside), **aggregate(sub, inside)}
        elif kind == "filters":
            buckets = {}
            for key, q in body["filters"].items():
                inside = [d for d in docs if evaluate(q, d) is not None]
                buckets[key] = {"doc_count": len(inside), **aggregate(sub, inside)}
            out[name] = {"buckets": buckets}
        elif kind == "terms":
            counts: dict[Any, int] = {}
            include = body.get("include")
            for d in docs:
                for v in dict.fromkeys(_values(d, body["field"])):
                    if include is None or v in include:
                        counts[v] = counts.get(v, 0) + 1
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
            size = int(body.get("size", 10))
            out[name] = {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": sum(n for _, n in ranked[size:]),
                "buckets": [{"key": k, "doc_count": n} for k, n in ranked[:size]],
            }
        elif kind == "range":
            buckets = []
            for r in body["ranges"]:
                bounds = {
                    k2: v
                    for k, k2 in (("from", "gte"), ("to", "lt"))
                    if (v := r.get(k)) is not None
                }
                n = sum(
                    1
                    for d in docs
                    if any(_in_range(body["field"], v, bounds) for v in _values(d, body["field"]))
                )
                bucket = {"key": r.get("key", ""), "doc_count": n}
                bucket.update({k: float(r[k]) for k in ("from", "to") if k in r})
                buckets.append(bucket)
            out[name] = {"buckets": buckets}
        else:
            raise error(400, "parsing_exception", f"unknown aggregation [{kind}]")
    return out


def sort(scored: list[tuple[str, dict, float]], spec: list) -> list[tuple[str, dict, float]]:
    rows = list(scored)
    for entry in reversed(spec):
        missing_first = False
        if isinstance(entry, str):
            name, order = entry, "desc" if entry == "_score" else "asc"
        else:
            ((name, options),) = entry.items()
            order = options if isinstance(options, str) else options.get("order", "asc")
            missing_first = isinstance(options, dict) and options.get("missing") == "_first"
        if name == "_score":
            rows.sort(key=lambda x: x[2], reverse=order == "desc")
            continue
        present = [x for x in rows if _values(x[1], name)]
        missing = [x for x in rows if not _values(x[1], name)]
        present.sort(
            key=lambda x: _comparable(name, _values(x[1], name)[0]), reverse=order == "desc"
        )
        rows = missing + present if missing_first else present + missing  # by default last
    return rows


def _merge(target: dict, update: dict) -> None:
    for key, value in update.items():
        if isinstance(value, dict):
            _merge(target.setdefault(key, {}), value)
        else:
            target[key] = value
