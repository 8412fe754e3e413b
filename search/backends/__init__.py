"""The search backend: Elasticsearch when ``ELASTICSEARCH_URL`` is set, else the database."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Backend, BackendUnavailable

__all__ = ["Backend", "BackendUnavailable", "backend", "database_backend"]


def database_backend() -> Backend:
    from .database import DatabaseBackend

    return DatabaseBackend()


def backend() -> Backend:
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        cls = import_string(
            getattr(settings, "SEARCH_ELASTIC_BACKEND", "search.backends.elastic.ElasticBackend")
        )
        return cls(settings.ELASTICSEARCH_URL)
    return database_backend()
