"""The cyclic garbage collector, tuned for a serving process.

A request that builds a few hundred model instances and their serialised dicts (the CRM's
pipeline board: 350 cards) triggers, every few requests, a full collection that walks the
whole heap: every module, class and function Django and the apps loaded, ~140 ms on this
machine (docs/benchmarks.md, "CRM at scale"). Nothing loaded at start-up is ever garbage, so
a serving process, once everything is imported, moves it out of the collector's sight with
``gc.freeze()`` (what CPython documents it for, and what Instagram does in its Django
workers): the full collections that still happen walk only what requests made since. The
young generation's threshold is raised too, so a request's burst of short-lived objects costs
fewer young collections.

Called by the ASGI entry point (Daphne), by Celery's worker processes, and by the benchmark's
measuring process, after the URL configuration (and so every view, serialiser and model) is
imported. ``TRADEFLOOR_GC_TUNING=0`` leaves the collector as CPython sets it.
"""

from __future__ import annotations

import gc
import os

YOUNG_THRESHOLD = 50_000


def tune_for_serving() -> bool:
    """Import what requests will need, collect once, freeze the survivors and raise the
    young generation's threshold. Returns whether it did (the environment may turn it off)."""
    if os.environ.get("TRADEFLOOR_GC_TUNING", "1") == "0":
        return False
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view, serialiser and model
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    return True
