"""Writes about shortlists: a buyer company's saved suppliers, in named lists or one list per
tender. Kept by the buyer's procurement officers and company admins; each function is one
transaction and raises ``ApplicationError`` (or a subclass) with a stable code."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from auctions.models import Tender
from marketplace.companies.models import Company
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)

from .models import Shortlist, ShortlistEntry
from .selectors import ACCEPTING, supplier_for_shortlist, user_manages_buyer

NAME_MAX = 200
NOTE_MAX = 500


def _require_manager(*, actor, buyer_id: int) -> None:
    if not user_manages_buyer(user=actor, buyer_id=buyer_id):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins may do this."),
            code="not_buyer_manager",
        )


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        message = _("Give the shortlist a name.")
        raise ApplicationError(message, code="invalid", fields={"name": [message]})
    if len(name) > NAME_MAX:
        message = _("At most %(n)s characters.") % {"n": NAME_MAX}
        raise ApplicationError(message, code="invalid", fields={"name": [message]})
    return name


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        message = _("At most %(n)s characters.") % {"n": NOTE_MAX}
        raise ApplicationError(message, code="invalid", fields={"note": [message]})
    return note


def _name_taken() -> ConflictError:
    message = _("The company already has a shortlist with this name.")
    return ConflictError(message, code="shortlist_name_taken", fields={"name": [message]})


def shortlist_create(
    *, actor, buyer: Company | None = None, name: str = "", tender: Tender | None = None
) -> Shortlist:
    """A named shortlist of ``buyer``, or the shortlist of ``tender`` (named after it unless
    named; one per tender, while the tender still takes suppliers)."""
    if tender is not None:
        if buyer is not None and buyer.pk != tender.buyer_id:
            message = _("The tender belongs to another company.")
            raise ApplicationError(message, code="invalid", fields={"tender": [message]})
        buyer_id = tender.buyer_id
        name = _clean_name(name or tender.title[:NAME_MAX])
    else:
        if buyer is None:
            message = _("Name the buyer company.")
            raise ApplicationError(message, code="company_required", fields={"buyer": [message]})
        buyer_id = buyer.pk
        name = _clean_name(name)
    _require_manager(actor=actor, buyer_id=buyer_id)
    if tender is not None and tender.status not in ACCEPTING:
        raise ConflictError(_("This tender is finished."), code="tender_finished")
    with transaction.atomic():
        if tender is not None and Shortlist.objects.filter(tender=tender).exists():
            raise ConflictError(
                _("This tender already has its shortlist."), code="shortlist_exists"
            )
        if (
            tender is None
            and Shortlist.objects.filter(buyer_id=buyer_id, name=name, tender__isnull=True).exists()
        ):
            raise _name_taken()
        try:
            with transaction.atomic():
                return Shortlist.objects.create(
                    buyer_id=buyer_id, name=name, tender=tender, created_by=actor
                )
        except IntegrityError as exc:  # a racing request made the same list
            if tender is not None:
                raise ConflictError(
                    _("This tender already has its shortlist."), code="shortlist_exists"
                ) from exc
            raise _name_taken() from exc


def shortlist_for_tender(*, actor, tender: Tender) -> Shortlist:
    """The tender's shortlist, made on first use."""
    existing = Shortlist.objects.filter(tender=tender).first()
    if existing is not None:
        _require_manager(actor=actor, buyer_id=existing.buyer_id)
        return existing
    try:
        return shortlist_create(actor=actor, tender=tender)
    except ConflictError as exc:
        if exc.code != "shortlist_exists":
            raise
        return Shortlist.objects.get(tender=tender)


def shortlist_rename(*, actor, shortlist: Shortlist, name: str) -> Shortlist:
    name = _clean_name(name)
    _require_manager(actor=actor, buyer_id=shortlist.buyer_id)
    with transaction.atomic():
        locked = Shortlist.objects.select_for_update().get(pk=shortlist.pk)
        if (
            locked.tender_id is None
            and Shortlist.objects.filter(buyer_id=locked.buyer_id, name=name, tender__isnull=True)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise _name_taken()
        locked.name = name
        try:
            with transaction.atomic():
                locked.save(update_fields=["name", "updated_at"])
        except IntegrityError as exc:
            raise _name_taken() from exc
    shortlist.name = name
    return shortlist


def shortlist_delete(*, actor, shortlist: Shortlist) -> None:
    """Delete a shortlist with its entries (the invitations made from it stay)."""
    _require_manager(actor=actor, buyer_id=shortlist.buyer_id)
    with transaction.atomic():
        Shortlist.objects.filter(pk=shortlist.pk).delete()


def shortlist_add(
    *, actor, shortlist: Shortlist, supplier_id: int, note: str | None = None
) -> tuple[ShortlistEntry, bool]:
    """Put a supplier on the shortlist (a supplier whose profile ``actor`` may read, not the
    buyer itself). Again: nothing new, its note replaced when one is given. Returns the entry
    and whether it was added now."""
    _require_manager(actor=actor, buyer_id=shortlist.buyer_id)
    supplier = supplier_for_shortlist(user=actor, supplier_id=supplier_id)
    if supplier.pk == shortlist.buyer_id:
        message = _("Only other supplier companies can be shortlisted.")
        raise ApplicationError(message, code="not_a_supplier", fields={"supplier": [message]})
    cleaned = None if note is None else _clean_note(note)
    with transaction.atomic():
        entry = ShortlistEntry.objects.filter(shortlist=shortlist, supplier=supplier).first()
        created = False
        if entry is None:
            try:
                with transaction.atomic():
                    entry = ShortlistEntry.objects.create(
                        shortlist=shortlist, supplier=supplier, note=cleaned or "", added_by=actor
                    )
                created = True
            except IntegrityError:  # added meanwhile by another request
                entry = ShortlistEntry.objects.get(shortlist=shortlist, supplier=supplier)
        if not created and cleaned is not None and entry.note != cleaned:
            entry.note = cleaned
            entry.save(update_fields=["note"])
    return entry, created


def shortlist_remove(*, actor, shortlist: Shortlist, supplier_id: int) -> None:
    _require_manager(actor=actor, buyer_id=shortlist.buyer_id)
    with transaction.atomic():
        deleted, _rows = ShortlistEntry.objects.filter(
            shortlist=shortlist, supplier_id=supplier_id
        ).delete()
    if not deleted:
        raise NotFoundError(_("This supplier is not on the shortlist."), code="not_shortlisted")
