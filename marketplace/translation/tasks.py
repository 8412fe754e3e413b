"""The machine translation's background work: translating texts a reader's page found missing
from the cache. One bounded provider call, never retried (``services.cache_fill``)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def translate_texts(texts: list[str], source: str, target: str) -> int:
    return services.cache_fill(texts, source=source, target=target)
