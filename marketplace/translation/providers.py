"""Machine translation providers: one interface, ``translate(texts, source=, target=)`` giving
the texts in the target language in the same order, or raising ``ProviderUnavailable``.

* ``DeepLProvider``: DeepL's API through its official SDK (``deepl.Translator``), when
  ``DEEPL_AUTH_KEY`` is set; ``DEEPL_SERVER_URL`` points it at another server (the free API's,
  or a local one in the tests).
* ``LibreTranslateProvider``: a self-hosted LibreTranslate at ``LIBRETRANSLATE_URL``
  (``POST /translate``), with ``LIBRETRANSLATE_API_KEY`` where the server wants one.
* none (the embedded default): ``provider()`` answers None and the original is shown.

Every call is bounded by ``MACHINE_TRANSLATION_TIMEOUT`` seconds and never retried here: a
provider that is down or slow costs one bounded wait, and the caller shows the original."""

from __future__ import annotations

import json
import logging
from typing import Protocol

import deepl
import urllib3
from django.conf import settings

logger = logging.getLogger(__name__)


class ProviderUnavailable(Exception):
    """The provider did not answer (down, slow, refused, or an answer we cannot read)."""


class Provider(Protocol):
    name: str

    def translate(self, texts: list[str], *, source: str, target: str) -> list[str]: ...


def timeout() -> float:
    return float(getattr(settings, "MACHINE_TRANSLATION_TIMEOUT", 10.0))


# DeepL's codes: English as a target must name a variant.
DEEPL_SOURCE = {"en": "EN", "ru": "RU", "uk": "UK"}
DEEPL_TARGET = {"en": "EN-GB", "ru": "RU", "uk": "UK"}


class DeepLProvider:
    name = "deepl"

    def __init__(self, auth_key: str, *, server_url: str | None = None):
        # The SDK's own retries (five, with a back-off from one second) and its 10 s minimum
        # wait are module settings (its README's way): one bounded try, as every provider here.
        deepl.http_client.max_network_retries = 0
        deepl.http_client.min_connection_timeout = timeout()
        self.translator = deepl.Translator(
            auth_key, server_url=server_url or None, send_platform_info=False
        )

    def translate(self, texts: list[str], *, source: str, target: str) -> list[str]:
        if not texts:
            return []
        try:
            results = self.translator.translate_text(
                texts, source_lang=DEEPL_SOURCE[source], target_lang=DEEPL_TARGET[target]
            )
        except (deepl.DeepLException, ValueError, TypeError) as exc:
            logger.warning("DeepL did not translate: %s", exc)
            raise ProviderUnavailable(str(exc)) from exc
        out = [r.text for r in (results if isinstance(results, list) else [results])]
        if len(out) != len(texts):
            raise ProviderUnavailable("DeepL answered another number of texts")
        return out


class LibreTranslateProvider:
    name = "libretranslate"

    def __init__(self, url: str, *, api_key: str = ""):
        self.url = url.rstrip("/") + "/translate"
        self.api_key = api_key
        seconds = timeout()
        self.http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(seconds, 5.0), read=seconds),
            retries=False,
        )

    def translate(self, texts: list[str], *, source: str, target: str) -> list[str]:
        if not texts:
            return []
        body: dict = {"q": texts, "source": source, "target": target, "format": "text"}
        if self.api_key:
            body["api_key"] = self.api_key
        try:
            response = self.http.request(
                "POST",
                self.url,
                body=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "Accept": "application/json"},
            )
        except urllib3.exceptions.HTTPError as exc:
            logger.warning("LibreTranslate did not answer: %s", exc)
            raise ProviderUnavailable(str(exc)) from exc
        if response.status != 200:
            logger.warning("LibreTranslate answered %s", response.status)
            raise ProviderUnavailable(f"LibreTranslate answered {response.status}")
        try:
            translated = json.loads(response.data)["translatedText"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderUnavailable("LibreTranslate's answer could not be read") from exc
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise ProviderUnavailable("LibreTranslate answered another number of texts")
        return [str(t) for t in translated]


def provider() -> Provider | None:
    """The configured provider: DeepL when its key is set, else LibreTranslate when its URL is,
    else None (no machine translation: the original is shown)."""
    if settings.DEEPL_AUTH_KEY:
        return DeepLProvider(settings.DEEPL_AUTH_KEY, server_url=settings.DEEPL_SERVER_URL)
    if settings.LIBRETRANSLATE_URL:
        return LibreTranslateProvider(
            settings.LIBRETRANSLATE_URL, api_key=settings.LIBRETRANSLATE_API_KEY
        )
    return None


def provider_name() -> str:
    """The configured provider's name without making it ("" for none)."""
    if settings.DEEPL_AUTH_KEY:
        return DeepLProvider.name
    if settings.LIBRETRANSLATE_URL:
        return LibreTranslateProvider.name
    return ""
