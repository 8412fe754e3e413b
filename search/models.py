"""The database backend's index: one row per searchable document (``SearchEntry``), written by
``search.services`` from ``search.documents`` after each change, read by
``search.backends.database``.

``haystack`` is the document's text as ``search.text.haystack`` makes it (folded words, their
Latin forms, the units' names), searched by word prefix; on PostgreSQL a trigram index serves
those ``LIKE '% word%'`` reads. The other columns are the filters, facets and sorts."""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    haystack = models.TextField()
    category = models.ForeignKey(
        "categories.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category_path = models.CharField(max_length=500, blank=True)
    platform = models.ForeignKey(
        "platforms.Platform", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
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
    # The whole document as the backends index it (search.documents), for a rebuild of another
    # backend's index and for the tests.
    document = models.JSONField(default=dict)
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


class SearchTag(models.Model):
    """A value of a facet a document has several of (a supplier's categories and regions)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=16)
    value = models.CharField(max_length=500)

    class Meta:
        indexes = [models.Index(fields=["name", "value"], name="search_tag_value")]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
