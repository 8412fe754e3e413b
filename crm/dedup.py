"""Duplicate accounts: finding them (same marketplace company, same identifier, same web
domain, or a similar name) and merging one into another with its history.

Name similarity is the trigram similarity of the folded names (``Account.name_key``), computed
as PostgreSQL's ``pg_trgm`` computes it. Where the ``pg_trgm`` extension is installed (and the
database's locale knows the name's letters) the database ranks the candidates
(``similarity()``); elsewhere (SQLite, PostgreSQL without the extension, a Cyrillic name under
the ``C`` locale) the names sharing a word with the account's are read and ranked here, with the
same formula and threshold. The extension is not installed by a migration yet: with it, a GIN
trigram index on ``name_key`` would let the database find them without reading the
workspace's names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, NotFoundError

from .access import workspace_require
from .models import (
    Account,
    Activity,
    Contact,
    GeneratedDocument,
    Lead,
    Opportunity,
    TimelineEntry,
    TimelineKind,
)
from .timeline import timeline_add

NAME_SIMILARITY = 0.5
CANDIDATES_MAX = 20
# Without pg_trgm: how many names sharing a word are read to be ranked here.
_NAME_SCAN = 500
_WORD_RE = re.compile(r"\w+")


@dataclass
class Candidate:
    """An account that may be the same counterparty, and why (``company``, ``tax_id``,
    ``registration_number``, ``domain``, ``name``), best first by ``score``."""

    account: Account
    reasons: list[str]
    score: float


# --- Similarity ----------------------------------------------------------------------------


def trigrams(text: str) -> set[str]:
    """The trigrams of ``text`` as pg_trgm makes them: each word (letters and digits) lower
    case, padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in _WORD_RE.findall((text or "").lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity(a, b)``: shared trigrams over all trigrams of the two."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def pg_trgm_available(*, for_text: str = "") -> bool:
    """Can the database rank ``for_text`` by trigrams? pg_trgm must be installed, and for a
    text beyond ASCII the database's character type must know its letters (under the ``C``
    locale pg_trgm sees no word in Cyrillic: those names are ranked here instead)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return False
        if for_text.isascii():
            return True
        cursor.execute("SELECT show_trgm(%s) <> '{}'::text[]", ["ж"])
        row = cursor.fetchone()
        return bool(row and row[0])


def _similar_names(*, workspace_id: int, name_key: str, exclude_id: int | None) -> dict[int, float]:
    """Accounts of the workspace whose folded name is similar to ``name_key``: id -> score."""
    if not name_key:
        return {}
    accounts = Account.objects.filter(workspace_id=workspace_id)
    if exclude_id is not None:
        accounts = accounts.exclude(pk=exclude_id)
    if pg_trgm_available(for_text=name_key):
        rows = (
            accounts.annotate(score=TrigramSimilarity("name_key", name_key))
            .filter(score__gte=NAME_SIMILARITY)
            .order_by("-score", "pk")
            .values_list("pk", "score")[:CANDIDATES_MAX]
        )
        return {pk: float(score) for pk, score in rows}
    words = sorted(set(_WORD_RE.findall(name_key)), key=len, reverse=True)[:3]
    query = Q(name_key=name_key)
    for word in words:
        if len(word) >= 3:
            query |= Q(name_key__contains=word)
    scores = {
        pk: similarity(name_key, key)
        for pk, key in accounts.filter(query).values_list("pk", "name_key")[:_NAME_SCAN]
    }
    return {pk: s for pk, s in scores.items() if s >= NAME_SIMILARITY}


# --- Finding -------------------------------------------------------------------------------


def duplicate_candidates(
    *,
    workspace_id: int,
    name_key: str,
    country: str = "",
    registration_number: str = "",
    tax_id: str = "",
    domain: str = "",
    company_id: int | None = None,
    exclude_id: int | None = None,
) -> list[Candidate]:
    """The workspace's accounts that may be the same counterparty as these values, best
    first. The caller has checked the reader may read the workspace."""
    found: dict[int, tuple[list[str], float]] = {}

    def add(pk: int, reason: str, score: float) -> None:
        reasons, best = found.get(pk, ([], 0.0))
        if reason not in reasons:
            reasons.append(reason)
        found[pk] = (reasons, max(best, score))

    accounts = Account.objects.filter(workspace_id=workspace_id)
    if exclude_id is not None:
        accounts = accounts.exclude(pk=exclude_id)
    exact: list[tuple[str, Q, float]] = []
    if company_id is not None:
        exact.append(("company", Q(company_id=company_id), 1.0))
    if tax_id:
        exact.append(("tax_id", Q(tax_id=tax_id, country=country), 1.0))
    if registration_number:
        exact.append(
            (
                "registration_number",
                Q(registration_number=registration_number, country=country),
                1.0,
            )
        )
    if domain:
        exact.append(("domain", Q(domain=domain), 0.8))
    for reason, query, score in exact:
        for pk in accounts.filter(query).values_list("pk", flat=True)[:CANDIDATES_MAX]:
            add(pk, reason, score)
    for pk, score in _similar_names(
        workspace_id=workspace_id, name_key=name_key, exclude_id=exclude_id
    ).items():
        add(pk, "name", round(score, 3))
    rows = Account.objects.select_related("owner").in_bulk(list(found))
    out = [
        Candidate(account=rows[pk], reasons=reasons, score=score)
        for pk, (reasons, score) in found.items()
        if pk in rows
    ]
    out.sort(key=lambda c: (-c.score, c.account.name, c.account.pk))
    return out[:CANDIDATES_MAX]


def account_duplicates(*, user, workspace_id: int, account_id: int) -> list[Candidate]:
    """The accounts that may be the same counterparty as ``account_id``."""
    workspace_require(user=user, workspace_id=workspace_id)
    account = Account.objects.filter(workspace_id=workspace_id, pk=account_id).first()
    if account is None:
        raise NotFoundError(_("No such account."), code="account_not_found")
    return duplicates_of(account)


def duplicates_of(account: Account) -> list[Candidate]:
    return duplicate_candidates(
        workspace_id=account.workspace_id,
        name_key=account.name_key,
        country=account.country,
        registration_number=account.registration_number,
        tax_id=account.tax_id,
        domain=account.domain,
        company_id=account.company_id,
        exclude_id=account.pk,
    )


# --- Merging -------------------------------------------------------------------------------

# The survivor keeps its own value of each of these, and takes the duplicate's where it has none.
_FILLED_FIELDS = ("website", "domain", "email", "phone", "address", "city", "owner_id", "notes")


def account_merge(*, actor, workspace_id: int, survivor_id: int, duplicate_id: int) -> Account:
    """Merge ``duplicate_id`` into ``survivor_id``, all or nothing: the duplicate's contacts,
    opportunities, leads, activities, timeline entries and documents move to the survivor;
    the survivor keeps its own fields and takes the duplicate's where it has none (identifiers
    as a whole: country, registration number and tax identifier together; tags and custom
    fields added); a merge entry goes on the survivor's timeline; the duplicate is deleted."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    if survivor_id == duplicate_id:
        message = _("An account cannot be merged into itself.")
        raise ApplicationError(message, code="merge_same_account", fields={"duplicate": [message]})
    with transaction.atomic():
        # Both rows locked in one order (by id), so two opposite merges cannot deadlock.
        locked = {
            a.pk: a
            for a in Account.objects.select_for_update(of=("self",))
            .filter(workspace_id=workspace_id, pk__in=[survivor_id, duplicate_id])
            .order_by("pk")
        }
        if survivor_id not in locked or duplicate_id not in locked:
            raise NotFoundError(_("No such account."), code="account_not_found")
        survivor, duplicate = locked[survivor_id], locked[duplicate_id]
        moved = _move_history(survivor=survivor, duplicate=duplicate)
        _fill_fields(survivor=survivor, duplicate=duplicate)
        survivor.tags.add(*duplicate.tags.all())
        payload = {
            "duplicate": {
                "id": duplicate.pk,
                "name": duplicate.name,
                "country": duplicate.country,
                "registration_number": duplicate.registration_number,
                "tax_id": duplicate.tax_id,
            },
            "moved": moved,
        }
        name = duplicate.name
        duplicate.delete()
        timeline_add(
            account=survivor,
            kind=TimelineKind.MERGE,
            type="account.merged",
            title=_("Merged with “%(name)s”") % {"name": name},
            body=", ".join(f"{name}: {count}" for name, count in moved.items() if count),
            payload=payload,
            actor=actor,
        )
    return survivor


def _move_history(*, survivor: Account, duplicate: Account) -> dict[str, int]:
    # A marketplace event already on the survivor's timeline is not written twice: the
    # duplicate's copy goes (one entry per account and event).
    survivor_events = TimelineEntry.objects.filter(
        account=survivor, event__isnull=False
    ).values_list("event_id", flat=True)
    TimelineEntry.objects.filter(account=duplicate, event_id__in=survivor_events).delete()
    moved = {}
    for name, model in (
        ("contacts", Contact),
        ("opportunities", Opportunity),
        ("leads", Lead),
        ("activities", Activity),
        ("timeline", TimelineEntry),
        ("documents", GeneratedDocument),
    ):
        moved[name] = model.objects.filter(account=duplicate).update(account=survivor)
    return moved


def _fill_fields(*, survivor: Account, duplicate: Account) -> None:
    survivor_has_ids = survivor.registration_number or survivor.tax_id
    if not survivor_has_ids and (duplicate.registration_number or duplicate.tax_id):
        survivor.country = duplicate.country
        survivor.registration_number = duplicate.registration_number
        survivor.tax_id = duplicate.tax_id
    if not survivor.country:
        survivor.country = duplicate.country
    for name in _FILLED_FIELDS:
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
    for key, value in (duplicate.custom or {}).items():
        survivor.custom.setdefault(key, value)
    if survivor.company_id is None and duplicate.company_id is not None:
        # One account per company in a workspace: the duplicate lets go of it first.
        company_id = duplicate.company_id
        Account.objects.filter(pk=duplicate.pk).update(company=None)
        survivor.company_id = company_id
    survivor.save()
