"""Writing the search index: a tender's, a supplier's and its products' documents after they
changed, a whole rebuild, and the deployment's rebuild of what changed (``index_if_needed``).

The database's index is always written, so that it can answer when Elasticsearch cannot; with
``ELASTICSEARCH_URL`` set, Elasticsearch's too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from .backends import Backend, backend, database_backend
from .documents import (
    product_document,
    products_for_index,
    supplier_document,
    suppliers_for_index,
    tender_document,
    tenders_for_index,
)
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


def _reindex(kind: str, object_id: int, document: dict | None, to) -> bool:
    for target in to or targets():
        if document is None:
            target.remove(kind, [object_id])
        else:
            target.index([document])
    return document is not None


def supplier_reindex(*, company_id: int, to: list[Backend] | None = None) -> bool:
    """The supplier's directory entry and every product of its catalogue, as they are now."""
    company = suppliers_for_index().filter(pk=company_id).first()
    document = supplier_document(company) if company is not None else None
    # The products gone from its catalogue, as the database's index knows them: read before any
    # target removes them (the database's first), so that every target removes them.
    stale = getattr(database_backend(), "stale_supplier_products", None)
    gone = stale(company_id) if stale is not None else []
    indexed = _reindex(Kind.SUPPLIERS, company_id, document, to)
    for product in products_for_index().filter(supplier_id=company_id):
        _reindex(Kind.PRODUCTS, product.pk, product_document(product), to)
    if gone:
        for target in to or targets():
            target.remove(Kind.PRODUCTS, gone)
    return indexed


def tender_documents() -> Iterator[dict]:
    for tender in tenders_for_index().order_by("pk").iterator(chunk_size=BATCH):
        document = tender_document(tender)
        if document is not None:
            yield document


def supplier_documents() -> Iterator[dict]:
    for company in suppliers_for_index().order_by("pk").iterator(chunk_size=BATCH):
        document = supplier_document(company)
        if document is not None:
            yield document


def product_documents() -> Iterator[dict]:
    for product in products_for_index().order_by("pk").iterator(chunk_size=BATCH):
        document = product_document(product)
        if document is not None:
            yield document


DOCUMENTS = {
    Kind.TENDERS: tender_documents,
    Kind.SUPPLIERS: supplier_documents,
    Kind.PRODUCTS: product_documents,
}


ROWS = {
    Kind.TENDERS: lambda: tenders_for_index().count(),
    Kind.SUPPLIERS: lambda: suppliers_for_index().count(),
    Kind.PRODUCTS: lambda: products_for_index().count(),
}


def document_count(kinds: tuple[str, ...] = tuple(ROWS)) -> int:
    """How many rows a rebuild of ``kinds`` reads (tenders, supplier companies, products): its
    progress bar's end."""
    return sum(ROWS[kind]() for kind in kinds)


def index_rebuild(
    *,
    to: Backend | None = None,
    progress: Callable[[int], None] | None = None,
    kinds: tuple[str, ...] = (Kind.TENDERS, Kind.SUPPLIERS, Kind.PRODUCTS),
) -> int:
    """Every searchable document of ``kinds``, written in batches; ``progress`` hears each
    batch's size. A backend that can (Elasticsearch) builds a new index per kind and swaps its
    alias at the end."""
    target = to or backend()
    written = 0
    for kind in kinds:
        written += _rebuild_kind(target, kind, progress)
    return written


def index_if_needed(
    *,
    to: Backend | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, tuple[str, int]]:
    """The deployment's step (``search_index --if-needed``): on a backend that keeps an index
    per kind (Elasticsearch), each kind whose index is missing, was made with another body
    (mapping, analysis, settings) or by a first write (only what was written since) is
    rebuilt, the others left as they are. Each kind's state as found (``missing``,
    ``changed``, ``partial``, ``current``) and the documents written; nothing on the database
    (``progress`` hears each batch: its kind and size)."""
    target = to or backend()
    state_of = getattr(target, "index_state", None)
    if state_of is None:
        return {}
    out: dict[str, tuple[str, int]] = {}
    for kind in getattr(target, "kinds", tuple(DOCUMENTS)):
        state = state_of(kind)
        written = 0
        if state != "current":
            written = _rebuild_kind(target, kind, partial(progress, kind) if progress else None)
        out[kind] = (state, written)
    return out


def _rebuild_kind(target: Backend, kind: str, progress) -> int:
    documents = DOCUMENTS[kind]()
    rebuild = getattr(target, "rebuild", None)
    if rebuild is not None:
        return rebuild(kind, documents, progress=progress)
    written = 0
    batch: list[dict] = []
    seen: set[int] = set()
    for document in documents:
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
        target.remove(kind, stale(kind, seen))
    return written
