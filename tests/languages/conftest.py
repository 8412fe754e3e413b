from __future__ import annotations

import pytest
from django.core.cache import cache

from .fake_translators import FakeTranslators


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The provider's rest and the asked-once keys live in the cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake():
    server = FakeTranslators().start()
    yield server
    server.stop()


@pytest.fixture
def deepl(fake, settings):
    settings.DEEPL_AUTH_KEY = "test-key:fx"
    settings.DEEPL_SERVER_URL = fake.url
    settings.LIBRETRANSLATE_URL = ""
    settings.MACHINE_TRANSLATION_TIMEOUT = 0.3
    return fake


@pytest.fixture
def libre(fake, settings):
    settings.DEEPL_AUTH_KEY = ""
    settings.LIBRETRANSLATE_URL = fake.url
    settings.LIBRETRANSLATE_API_KEY = "libre-key"
    settings.MACHINE_TRANSLATION_TIMEOUT = 0.3
    return fake
