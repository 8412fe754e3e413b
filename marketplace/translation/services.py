"""Translating texts through the configured provider, with the cache in front of it.

``translate`` answers every text in the target language: from the cache where it was translated
before, else from the provider (one call for all the missing texts), each new answer cached.
It raises ``NoProvider`` when none is configured and ``ProviderUnavailable`` when the provider
fails; the cache is then unchanged. ``cached`` reads the cache only (a page never waits on a
provider), and ``cache_fill`` is what a background task calls to translate the texts a page
found missing. A machine translation never replaces a text: callers keep the original and show
the translation beside it, labelled."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from .models import LANGUAGE_CODES, MachineTranslation
from .providers import Provider, ProviderUnavailable, provider, provider_name

logger = logging.getLogger(__name__)

__all__ = [
    "NoProvider",
    "ProviderUnavailable",
    "cache_fill",
    "cached",
    "missing_request",
    "translate",
]

RESTING_KEY = "machine-translation:resting"


class NoProvider(Exception):
    """No machine translation provider is configured."""


def rest_seconds() -> int:
    return int(getattr(settings, "MACHINE_TRANSLATION_REST_SECONDS", 60))


def provider_resting() -> bool:
    """Whether the provider failed lately: nothing is sent to it until the rest is over (a
    provider that is down costs one bounded wait a minute, not one per page)."""
    return bool(cache.get(RESTING_KEY))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check(source: str, target: str) -> None:
    if source not in LANGUAGE_CODES or target not in LANGUAGE_CODES:
        raise ValueError(f"unknown language: {source!r} → {target!r}")


def _lookup(texts: list[str], source: str, target: str, name: str) -> dict[str, str]:
    hashes = {text_hash(t) for t in texts if t.strip()}
    rows = MachineTranslation.objects.filter(
        source_hash__in=hashes, source_language=source, target_language=target, provider=name
    ).values_list("source_hash", "text")
    return dict(rows)


def cached(texts: list[str], *, source: str, target: str) -> list[str | None]:
    """The cached translations of ``texts`` by the configured provider (None where there is
    none, or no provider is configured); an empty text is its own translation."""
    _check(source, target)
    name = provider_name()
    if not name:
        return [None for _t in texts]
    found = _lookup(texts, source, target, name)
    return [t if not t.strip() else found.get(text_hash(t)) for t in texts]


def translate(
    texts: list[str], *, source: str, target: str, using: Provider | None = None
) -> tuple[list[str], str]:
    """``texts`` in ``target`` and the provider's name (see the module's note)."""
    _check(source, target)
    chosen = using or provider()
    if chosen is None:
        raise NoProvider
    if source == target:
        return list(texts), chosen.name
    found = _lookup(texts, source, target, chosen.name)
    missing = list(dict.fromkeys(t for t in texts if t.strip() and text_hash(t) not in found))
    if missing:
        try:
            answers = chosen.translate(missing, source=source, target=target)
        except ProviderUnavailable:
            cache.set(RESTING_KEY, True, rest_seconds())
            raise
        for original, answer in zip(missing, answers, strict=True):
            digest = text_hash(original)
            found[digest] = answer
            try:
                with transaction.atomic():
                    MachineTranslation.objects.create(
                        source_hash=digest,
                        source_language=source,
                        target_language=target,
                        provider=chosen.name,
                        text=answer,
                    )
            except IntegrityError:  # a racing call cached it first: the same text either way
                pass
    return [t if not t.strip() else found[text_hash(t)] for t in texts], chosen.name


def cache_fill(texts: list[str], *, source: str, target: str) -> int:
    """Translate the texts not yet cached (a background task's work); how many were asked.
    A provider that fails is logged and left: the readers keep seeing the original, and the
    next page that finds the text missing asks again (no retry from here)."""
    if provider_resting():
        return 0
    try:
        answers = cached(texts, source=source, target=target)
        missing = [t for t, done in zip(texts, answers, strict=True) if done is None]
        if missing:
            translate(missing, source=source, target=target)
        return len(missing)
    except (NoProvider, ProviderUnavailable) as exc:
        logger.info("machine translation %s→%s not made: %r", source, target, exc)
        return 0


def missing_request(texts: list[str], *, source: str, target: str, send) -> bool:
    """Ask for the translation of ``texts`` in the background (``send(texts, source, target)``,
    e.g. a task sent on commit), once: the same texts are not asked again for five minutes, and
    nothing is asked while the provider rests. True if asked."""
    texts = [t for t in dict.fromkeys(texts) if t.strip()]
    if not texts or not provider_name() or provider_resting():
        return False
    digest = text_hash("\x00".join(sorted(text_hash(t) for t in texts)))
    if not cache.add(f"machine-translation:asked:{source}:{target}:{digest}", True, 300):
        return False
    send(texts, source, target)
    return True
