"""The database backend's index: one row per searchable document (``SearchEntry``), written by
``search.services`` from ``search.documents`` after each change, read by
``search.backends.database``.

An entry is a narrow row: the title, the filters, facets and sorts, and who may read the
document (``public``, ``buyer_id``, ``platform``, ``participation`` and the ``invited`` tags:
the tenders' own rule as ids, ``search.readers``); the counts of a search read every matching
entry. The words are beside it (``SearchText``, with the entry's columns again, so that a search
with words reads nothing else): ``haystack``, the document's text as
``search.text.haystack`` makes it (folded words, their Latin forms, the units' names),
searched by word prefix, on PostgreSQL through ``terms``, the same words as a ``tsvector`` the
database computes, with a GIN index per kind (``search.fields``), on SQLite by
``LIKE '% word%'``; the typo search compares words with the haystack's trigram index
(PostgreSQL)."""

from __future__ import annotations

from django.db import models
from django.db.models import F

from .fields import HaystackTerms, TermsField


class IndexedColumns(models.Model):
    """What a search filters, counts, sorts and checks the reader against, of one document:
    on its entry, which a search without words reads whole, and again beside its words
    (``SearchText``), so that a search with words reads only the rows its words match and
    nothing more (reading each matched entry again by its id cost more than the rest of the
    search: docs/benchmarks.md)."""

    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    # The title's words as the haystack has them (`` word latin ``): relevance counts a word of
    # the query found here higher than one found elsewhere.
    title_words = models.TextField(blank=True)
    category_path = models.CharField(max_length=500, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=24, blank=True)
    region = models.CharField(max_length=8, blank=True)
    price_min = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    price_max = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Suppliers: the platform-wide standing band (ratings); products: their supplier.
    band = models.CharField(max_length=16, blank=True)
    supplier_id = models.BigIntegerField(null=True, blank=True)
    # Who may read it (tenders; suppliers and products are public): search.readers.
    public = models.BooleanField(default=False)
    buyer_id = models.BigIntegerField(null=True, blank=True)
    participation = models.CharField(max_length=16, blank=True)

    class Meta:
        abstract = True


class SearchEntry(IndexedColumns):
    category = models.ForeignKey(
        "categories.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.ForeignKey(
        "platforms.Platform", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique"),
        ]
        indexes = [
            models.Index(fields=["kind", "status", "deadline"], name="search_entry_status"),
            models.Index(fields=["kind", "category_path"], name="search_entry_category"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchText(IndexedColumns):
    """A document's words, with its entry's columns again: the entry stays a narrow row (a
    search without words reads every entry of a kind), while a search with words finds its
    rows here through the word index and reads all it needs from them. The entry's category
    and platform are plain ids here (the entry's own keys say what happens when they go)."""

    entry = models.OneToOneField(
        SearchEntry, primary_key=True, on_delete=models.CASCADE, related_name="text"
    )
    category_id = models.BigIntegerField(null=True, blank=True)
    platform_id = models.BigIntegerField(null=True, blank=True)
    haystack = models.TextField()
    terms = models.GeneratedField(
        expression=HaystackTerms(F("haystack")), output_field=TermsField(), db_persist=True
    )

    def __str__(self) -> str:
        return f"{self.kind} {self.entry_id}"


class SearchWord(models.Model):
    """Every word the documents of a kind hold, once (in their script and in Latin): the typo
    search finds the words closest to a query's word here (a trigram index of short words on
    PostgreSQL), then the documents that hold them through the word index. A word no document
    holds any more stays until the next rebuild and finds nothing."""

    kind = models.CharField(max_length=16)
    word = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "word"], name="search_word_unique")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.word}"


class SearchTag(models.Model):
    """A value a document has several of: a supplier's categories (each with its ancestors, so
    that a category counts a supplier once however many of its subcategories it serves) and
    regions; a tender's invited suppliers (``invited``, the supplier's id)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=16)
    value = models.CharField(max_length=500)

    class Meta:
        indexes = [models.Index(fields=["name", "value"], name="search_tag_value")]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
