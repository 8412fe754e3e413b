"""``manage.py search_index --rebuild``: every searchable document written again, with a
progress bar; on Elasticsearch into a new index whose alias is swapped at the end (no
downtime); the database's index is rebuilt too (``--database-only``: only it).

``manage.py search_index --if-needed``: the deployment's step (``infra/bin/release``). With
``ELASTICSEARCH_URL`` set, each kind whose alias is missing, whose index was made with another
mapping, analysis or settings than this code makes (the body's hash kept in the index's
``_meta``), or whose index a first write made (holding only what was written since) is rebuilt
as ``--rebuild`` does; the others are left as they are. Without
``ELASTICSEARCH_URL`` it does nothing (the database's index is written by the events)."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search import services
from search.backends import BackendUnavailable, database_backend

SAID = {
    "missing": "no index: built",
    "changed": "its mapping or settings changed: rebuilt",
    "partial": "made by a first write, never loaded whole: rebuilt",
    "current": "up to date",
}


class Command(BaseCommand):
    help = "Rebuild the search index (tenders, suppliers, products) from the database."

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--rebuild", action="store_true", help="write every document again")
        what.add_argument(
            "--if-needed",
            action="store_true",
            help="on Elasticsearch, build the kinds whose index is missing or whose mapping "
            "changed; nothing else (the release step)",
        )
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="only the database's index, even when ELASTICSEARCH_URL is set",
        )

    def handle(
        self,
        *args,
        rebuild: bool = False,
        if_needed: bool = False,
        database_only: bool = False,
        **options,
    ):
        if if_needed:
            return self._if_needed()
        if not rebuild:
            raise CommandError("Say --rebuild to rebuild the index (or --if-needed).")
        total = services.document_count()
        targets = [database_backend()] if database_only else services.targets()
        for target in targets:
            done = 0

            def progress(n: int, name: str = target.name) -> None:
                nonlocal done
                done += n
                self._bar(name, done, total)

            written = services.index_rebuild(to=target, progress=progress)
            self._bar(target.name, written, total, end=True)
        self.stdout.write(
            self.style.SUCCESS("Indexed the tenders, the suppliers and their products.")
        )

    def _if_needed(self) -> None:
        if not settings.ELASTICSEARCH_URL:
            self.stdout.write("ELASTICSEARCH_URL is not set: nothing to build.")
            return
        done: dict[str, int] = {}
        totals: dict[str, int] = {}

        def progress(kind: str, n: int) -> None:
            if kind not in totals:
                if totals:
                    self.stdout.write("")  # the previous kind's bar ends
                totals[kind] = services.document_count((kind,))
            done[kind] = done.get(kind, 0) + n
            self._bar(kind, done[kind], totals[kind])

        try:
            states = services.index_if_needed(progress=progress)
        except BackendUnavailable as exc:
            raise CommandError(
                f"{exc}. Searches answer from the database meanwhile; run "
                "`manage.py search_index --if-needed` again once the cluster answers."
            ) from exc
        if totals:
            self.stdout.write("")
        for kind, (state, written) in states.items():
            count = f" ({written} documents)" if state != "current" else ""
            self.stdout.write(f"{kind}: {SAID[state]}{count}")
        self.stdout.write(self.style.SUCCESS("The search indices are up to date."))

    def _bar(self, name: str, done: int, total: int, *, end: bool = False) -> None:
        width = 30
        filled = width if not total else min(width, width * done // total)
        line = f"\r{name:<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        self.stdout.write(line, ending="\n" if end else "")
        if hasattr(sys.stdout, "flush"):
            self.stdout.flush()
