"""``manage.py verify_lot_chain <lot id>... | --all``: recompute the hash chain of lots' protocols.

For each lot it prints OK with the number of entries and the final hash, or the first broken
entry and why. Exits with status 1 if any chain is broken (or a named lot does not exist).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auctions.events import chain_verify
from auctions.models import Lot


class Command(BaseCommand):
    # Lazy, so `--help` speaks the reader's language; argparse formats it as a str. The stubs
    # type ``help`` as str only.
    help = gettext_lazy("Verify the hash chain of lots' event logs (their protocols).")  # type: ignore[assignment]

    def add_arguments(self, parser):
        parser.add_argument("lot_ids", nargs="*", type=int, metavar="lot_id")
        parser.add_argument("--all", action="store_true", help=gettext_lazy("Verify every lot."))

    def handle(self, *args, lot_ids: list[int], **options):
        every = options["all"]
        if every == bool(lot_ids):
            raise CommandError(_("Name one or more lot ids, or pass --all."), returncode=2)
        if every:
            ids = list(Lot.objects.order_by("pk").values_list("pk", flat=True))
        else:
            ids = list(dict.fromkeys(lot_ids))
        known = set(Lot.objects.filter(pk__in=ids).values_list("pk", flat=True))
        failures = 0
        for lot_id in ids:
            if lot_id not in known:
                failures += 1
                self.stderr.write(_("lot %(id)s: no such lot") % {"id": lot_id})
                continue
            ok, broken, detail = chain_verify(lot_id=lot_id)
            if ok:
                head = Lot.objects.values_list("event_seq", "last_hash").get(pk=lot_id)
                self.stdout.write(
                    _("lot %(id)s: OK, %(n)s entries, final hash %(hash)s")
                    % {"id": lot_id, "n": head[0], "hash": head[1] or "-"}
                )
            else:
                failures += 1
                self.stdout.write(
                    _("lot %(id)s: BROKEN at entry %(seq)s: %(why)s")
                    % {"id": lot_id, "seq": broken, "why": detail}
                )
        if failures:
            raise CommandError(
                _("%(bad)s of %(all)s lots failed the check.") % {"bad": failures, "all": len(ids)},
                returncode=1,
            )
