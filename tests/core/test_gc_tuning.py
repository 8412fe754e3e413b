"""A serving process keeps what it loaded out of the cyclic collector's sight
(marketplace/core/gc_tuning.py): Daphne's entry point freezes it, unless told not to."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = "import gc, marketplace.asgi; print(gc.get_freeze_count(), gc.get_threshold()[0])"


def probe(**env: str) -> tuple[int, int]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings", **env}
    environment.pop("TRADEFLOOR_GC_TUNING", None)
    environment.update(env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), int(out[1])


def test_the_asgi_entry_point_freezes_what_it_loaded():
    frozen, young = probe()
    # Django, DRF, Channels and every app's views and models: far more than a bare interpreter.
    assert frozen > 100_000
    assert young == 50_000


def test_tuning_can_be_turned_off():
    frozen, young = probe(TRADEFLOOR_GC_TUNING="0")
    assert frozen == 0
    assert young == 700
