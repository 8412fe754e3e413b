"""Machine translation (marketplace.translation): DeepL through its official SDK and
LibreTranslate, each against a local server answering as their APIs do; the cache; a provider
that is down (503) or slow (no answer): a bounded wait, no retry, nothing cached, and a rest in
which nothing more is sent."""

from __future__ import annotations

import time

import pytest

from marketplace.translation import services
from marketplace.translation.models import MachineTranslation
from marketplace.translation.providers import (
    DeepLProvider,
    LibreTranslateProvider,
    ProviderUnavailable,
    provider,
)

pytestmark = pytest.mark.django_db


def test_no_provider_by_default(settings):
    settings.DEEPL_AUTH_KEY = ""
    settings.LIBRETRANSLATE_URL = ""
    assert provider() is None
    with pytest.raises(services.NoProvider):
        services.translate(["Дизельне паливо"], source="uk", target="en")
    assert services.cached(["Дизельне паливо"], source="uk", target="en") == [None]
    assert MachineTranslation.objects.count() == 0


def test_deepl_through_the_sdk_and_cached(deepl):
    assert isinstance(provider(), DeepLProvider)
    texts, name = services.translate(["Дизельне паливо", "", "Бочка"], source="uk", target="en")
    assert texts == ["Diesel fuel", "", "[EN-GB] Бочка"] and name == "deepl"
    path, headers, body = deepl.requests[-1]
    assert path == "/v2/translate"
    assert headers["Authorization"] == "DeepL-Auth-Key test-key:fx"
    # English as a target names its variant; the empty text is not sent.
    assert body["source_lang"] == "UK" and body["target_lang"] == "EN-GB"
    assert body["text"] == ["Дизельне паливо", "Бочка"]
    assert MachineTranslation.objects.filter(provider="deepl", target_language="en").count() == 2
    # Asked again: the cache answers, the provider is not called.
    calls = len(deepl.requests)
    assert services.translate(["Бочка"], source="uk", target="en")[0] == ["[EN-GB] Бочка"]
    assert len(deepl.requests) == calls
    assert services.cached(["Бочка", "Нове"], source="uk", target="en") == ["[EN-GB] Бочка", None]


def test_libretranslate_by_url(libre):
    assert isinstance(provider(), LibreTranslateProvider)
    texts, name = services.translate(["Diesel fuel"], source="en", target="uk")
    assert texts == ["Дизельне паливо"] and name == "libretranslate"
    path, _headers, body = libre.requests[-1]
    assert path == "/translate"
    assert body == {
        "q": ["Diesel fuel"],
        "source": "en",
        "target": "uk",
        "format": "text",
        "api_key": "libre-key",
    }


@pytest.mark.parametrize("which", ["deepl", "libre"])
def test_a_provider_that_is_down_answers_once_and_rests(which, request):
    fake = request.getfixturevalue(which)
    fake.mode = "down"
    with pytest.raises(ProviderUnavailable):
        services.translate(["Пальне"], source="uk", target="en")
    assert len(fake.requests) == 1  # no retry (the SDK's own five are off)
    assert MachineTranslation.objects.count() == 0
    # Resting: the background fill sends nothing, a page asks nothing.
    assert services.cache_fill(["Пальне"], source="uk", target="en") == 0
    sent = []
    assert not services.missing_request(
        ["Пальне"], source="uk", target="en", send=lambda *a: sent.append(a)
    )
    assert len(fake.requests) == 1 and sent == []


@pytest.mark.parametrize("which", ["deepl", "libre"])
def test_a_slow_provider_is_given_up_on_within_the_timeout(which, request):
    fake = request.getfixturevalue(which)
    fake.mode = "hang"
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable):
        services.translate(["Пальне"], source="uk", target="en")
    # The timeout (0.3 s; the SDK waits at least its first back-off, about a second).
    assert time.monotonic() - started < 3
    assert len(fake.requests) == 1
    assert services.provider_resting()
    assert MachineTranslation.objects.count() == 0


def test_missing_texts_are_asked_once(libre):
    sent = []
    assert services.missing_request(
        ["Бочка", "Бочка", " "], source="uk", target="en", send=lambda *a: sent.append(a)
    )
    assert sent == [(["Бочка"], "uk", "en")]
    assert not services.missing_request(
        ["Бочка"], source="uk", target="en", send=lambda *a: sent.append(a)
    )
    assert len(sent) == 1
