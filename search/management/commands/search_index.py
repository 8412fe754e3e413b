"""``manage.py search_index --rebuild``: every searchable document written again, with a
progress bar; on Elasticsearch into a new index whose alias is swapped at the end (no
downtime); the database's index is rebuilt too (``--database-only``: only it)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from search import services
from search.backends import database_backend


class Command(BaseCommand):
    help = "Rebuild the search index (tenders, suppliers, products) from the database."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="write every document again")
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="only the database's index, even when ELASTICSEARCH_URL is set",
        )

    def handle(self, *args, rebuild: bool = False, database_only: bool = False, **options):
        if not rebuild:
            raise CommandError("Say --rebuild to rebuild the index.")
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

    def _bar(self, name: str, done: int, total: int, *, end: bool = False) -> None:
        width = 30
        filled = width if not total else min(width, width * done // total)
        line = f"\r{name:<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        self.stdout.write(line, ending="\n" if end else "")
        if hasattr(sys.stdout, "flush"):
            self.stdout.flush()
