"""Writing the search index: a tender's document after it changed, and a whole rebuild.

The database's index is always written, so that it can answer when Elasticsearch cannot; with
``ELASTICSEARCH_URL`` set, Elasticsearch's too."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .backends import Backend, backend, database_backend
from .documents import tender_document, tenders_for_index
from .query import Kind

BATCH = 500


def targets() -> list[Backend]:
    """The database's index, and the configured backend's when it is another."""
    configured = backend()
    if configured.name == "database":
        return [configured]
    return [database_backend(), configured]


def tender_reindex(*, tender_id: int, to: list[Backend] | None = None) -> bool:
    """Index the tender as it is now (or remove it, a draft or gone); True if indexed."""
    tender = tenders_for_index().filter(pk=tender_id).first()
    document = tender_document(tender) if tender is not None else None
    for target in to or targets():
        if document is None:
            target.remove(Kind.TENDERS, [tender_id])
        else:
            target.index([document])
    return document is not None


def tender_documents() -> Iterator[dict]:
    for tender in tenders_for_index().order_by("pk").iterator(chunk_size=BATCH):
        document = tender_document(tender)
        if document is not None:
            yield document


def tender_count() -> int:
    return tenders_for_index().count()


def index_rebuild(
    *, to: Backend | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Every searchable document, written in batches; ``progress`` hears each batch's size.
    A backend that can (Elasticsearch) builds a new index and swaps its alias at the end."""
    target = to or backend()
    rebuild = getattr(target, "rebuild", None)
    if rebuild is not None:
        return rebuild(Kind.TENDERS, tender_documents(), progress=progress)
    written = 0
    batch: list[dict] = []
    seen: set[int] = set()
    for document in tender_documents():
        batch.append(document)
        seen.add(document["id"])
        if len(batch) >= BATCH:
            written += target.index(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        written += target.index(batch)
        if progress:
            progress(len(batch))
    stale = getattr(target, "stale_ids", None)
    if stale is not None:
        target.remove(Kind.TENDERS, stale(Kind.TENDERS, seen))
    return written
