"""``manage.py ratings_recompute [--buyer ID --supplier ID]``: the scorecards and standings of
every pair with facts in the current and previous periods (what the nightly task does), or of
one pair."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ratings import services


class Command(BaseCommand):
    help = "Recompute the supplier scorecards and standings (current and previous periods)."

    def add_arguments(self, parser):
        parser.add_argument("--buyer", type=int, help="the buyer company's id (with --supplier)")
        parser.add_argument("--supplier", type=int, help="the supplier company's id")

    def handle(self, *args, buyer=None, supplier=None, **options):
        if (buyer is None) != (supplier is None):
            raise CommandError("--buyer and --supplier go together")
        if buyer is not None and supplier is not None:
            services.pair_recompute(buyer_id=buyer, supplier_id=supplier)
            self.stdout.write(f"recomputed buyer {buyer}, supplier {supplier}")
            return
        count = services.recompute_all()
        self.stdout.write(f"recomputed {count} pair(s)")
