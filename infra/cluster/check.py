"""``make cluster-check``: the scripted auction on the embedded default and on the cluster, and
the two protocols compared.

1. Both stacks are prepared at once (the SQLite file and the cluster's PostgreSQL database are
   migrated side by side, or the cluster's database is copied from a migrated template), then
   started: ``Embedded`` (one Daphne, SQLite, the in-memory layer, the scheduler) and
   ``Cluster`` (HAProxy over 3 Daphnes, 2 bid workers, 2 schedulers, Celery worker and beat,
   PostgreSQL, Redis).
2. Each gets its own lot (``seed.py``) and the script (``script.py``) plays it, on both stacks
   at once (a run is mostly waiting for the lots' clocks): on the embedded
   stack all three suppliers on its one Daphne, on the cluster each through HAProxy and each on
   a different Daphne process (the balancer names the process serving each socket).
3. The lots' protocols, less ids and wall-clock times (``protocol.py``), must be equal: every
   event of the chain with its payload, every bid, the ranks and amounts each supplier saw
   after each step, the refusals, both extensions, the close and the award; and each chain
   must verify (the server's check and a recomputation here). A difference prints as a
   unified diff, section by section.
4. On the cluster also: every process still running at the end; the lot started once and
   closed once over the two schedulers (their SKIP LOCKED claims; their logs say which acted);
   the Celery worker ran the protocol's PDF task (sent by the close and by the award).
"""

from __future__ import annotations

import json
import re
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

from infra.bench.stack import log

from . import protocol
from .script import ScriptError, play
from .stacks import Cluster, Embedded, wait_all

LOG_NAMES = (
    "migrate",
    "daphne",
    "scheduler",
    "daphne1",
    "daphne2",
    "daphne3",
    "scheduler1",
    "scheduler2",
    "celery-worker",
    "celery-beat",
    "haproxy",
)


def seed_lot(stack) -> dict:
    out = stack.run_python(["-m", "infra.cluster.seed", json.dumps({"lead": 3})], timeout=180)
    return json.loads(out.strip().splitlines()[-1])


def play_on(stack, spread: bool) -> tuple[dict, dict]:
    """Seed a lot on the stack and play the script on it."""
    seed = seed_lot(stack)
    begun = time.monotonic()
    script = play(ws_bases=stack.bidder_bases(3), http=stack.http, seed=seed, spread=spread)
    log(f"{stack.name}: the scripted auction took {time.monotonic() - begun:.0f} s")
    return seed, script


def scheduler_actions(cluster: Cluster, lot: int) -> dict[str, list[str]]:
    """Which scheduler logged which action on the lot."""
    acted: dict[str, list[str]] = {}
    for name in ("scheduler1", "scheduler2"):
        for action in re.findall(rf"lot {lot}: (\w+) \(due", cluster.log_text(name)):
            acted.setdefault(action, []).append(name)
    return acted


def protocol_tasks(cluster: Cluster) -> int:
    text = cluster.log_text("celery-worker")
    return len(re.findall(r"protocol_generate\[[^\]]+\] succeeded", text))


def cluster_problems(cluster: Cluster, lot: int, script: dict) -> tuple[list[str], list[str]]:
    problems, facts = [], []
    backends = script["backends"]
    facts.append(
        "sockets: " + ", ".join(f"{n} on {b}" for n, b in backends.items()) + " (through HAProxy)"
    )
    facts.append("REST requests served by: " + ", ".join(script["rest_backends"]))
    if len(set(backends.values())) != len(backends) or None in backends.values():
        problems.append(f"the suppliers' sockets did not sit on different Daphnes: {backends}")
    acted = scheduler_actions(cluster, lot)
    facts.append(
        "schedulers: " + "; ".join(f"{a} by {', '.join(who)}" for a, who in sorted(acted.items()))
    )
    for action in ("started", "closed"):
        if len(acted.get(action, [])) != 1:
            problems.append(f"the lot was {action} {len(acted.get(action, []))} times, not once")
    deadline = time.monotonic() + 120
    while protocol_tasks(cluster) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    ran = protocol_tasks(cluster)
    facts.append(f"Celery worker: the protocol's PDF task succeeded {ran} times (close, award)")
    if ran < 2:
        problems.append(f"the Celery worker ran the protocol task {ran} times, not 2")
    exited = cluster.exited()
    if exited:
        problems.append(f"processes exited during the run: {', '.join(exited)}")
    return problems, facts


def summary(rec: dict) -> list[str]:
    lines = []
    for e in rec["events"]:
        payload = json.dumps(e["payload"], sort_keys=True, separators=(",", ":"))
        lines.append(f"  {e['seq']:>3} {e['kind']:<15} {e['actor']:<7} {payload}")
    return lines


def run(
    *,
    database_server: str | None = None,
    redis_url: str | None = None,
    template: str | None = None,
    embedded: Embedded | None = None,
    out=sys.stdout,
) -> bool:
    """The whole check; prints what it did and found, returns whether everything agreed.
    ``embedded``: a stack whose migrations may have begun already (closed here)."""

    def say(line: str = "") -> None:
        print(line, file=out, flush=True)

    started = time.monotonic()
    embedded = embedded or Embedded()
    cluster = Cluster(database_server=database_server, redis_url=redis_url, template=template)
    stacks = (embedded, cluster)
    records: dict[str, dict] = {}
    problems: list[str] = []
    try:
        cluster.start_services()
        wait_all([embedded.migrate_start(), cluster.migrate_start()], list(stacks))
        log(f"migrated in {time.monotonic() - started:.0f} s")
        for stack in stacks:
            stack.launch()
        for stack in stacks:
            stack.ready()
        # Both auctions at once (most of a run is waiting for the lots' clocks).
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = {stack.name: pool.submit(play_on, stack, stack is cluster) for stack in stacks}
            for stack in stacks:
                seed, script = runs[stack.name].result()
                records[stack.name] = protocol.record(http=stack.http, seed=seed, script=script)
                problems += protocol.chain_problems(stack.name, records[stack.name])
                if stack is cluster:
                    found, facts = cluster_problems(cluster, seed["lot"], script)
                    problems += found
                    for fact in facts:
                        say(f"cluster: {fact}")
    except (ScriptError, RuntimeError, OSError) as exc:
        problems.append(f"the run stopped: {exc}")
        say(traceback.format_exc())
        for stack in stacks:
            for name in LOG_NAMES:
                tail = stack.log_tail(name, 25)
                if tail:
                    say(f"--- {stack.name}: {name}.log (end) ---\n{tail}")
    finally:
        for stack in stacks:
            stack.close()
    if len(records) == 2:
        difference = protocol.diff("embedded", records["embedded"], "cluster", records["cluster"])
        if difference:
            problems.append("the two protocols disagree (diff above)")
            say(difference)
        else:
            rec = records["cluster"]
            say("The protocol both runs agree on (less ids and times):")
            for line in summary(rec):
                say(line)
            say(
                f"bids: {len(rec['bids'])}, extensions: {rec['standing']['extensions']}, "
                f"final ladder: {rec['standing']['ladder']}; chains verify on both "
                f"({rec['chain']['detail']})"
            )
    took = time.monotonic() - started
    if problems:
        say(f"cluster-check FAILED in {took:.0f} s:")
        for problem in problems:
            say(f"  - {problem}")
        return False
    say(f"cluster-check passed in {took:.0f} s: the embedded default and the cluster agree")
    return True
