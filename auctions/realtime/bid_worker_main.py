"""A bid worker process's entry point (``bid_workers`` starts it; ``bid_batches.serve`` is its life): a spawned process imports this module
before Django is set up, so it imports nothing of Django or of the apps at its top."""

from __future__ import annotations

import os


def main(conn, settings_module: str, database_name: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django  # only now: the settings module is known

    django.setup()
    from . import bid_batches  # only now: it imports the models, which need the set-up apps

    bid_batches.serve(conn, database_name)
