from django.core.management.base import BaseCommand

from marketplace.events.docs import catalogue_markdown, docs_path, docs_with_catalogue


class Command(BaseCommand):
    help = "Print the domain events' catalogue as Markdown, or write it into docs/events.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="update docs/events.md")

    def handle(self, *args, write: bool, **options):
        if not write:
            self.stdout.write(catalogue_markdown())
            return
        path = docs_path()
        path.write_text(docs_with_catalogue(path.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
