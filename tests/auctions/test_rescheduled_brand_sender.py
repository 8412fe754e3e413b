"""The "auction rescheduled" e-mail comes From the tender's platform's brand sender and links to
the lot on the brand's host; a platform with no brand: Tradefloor's own sender and SITE_URL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail

from auctions import scheduler
from marketplace.platforms import branding
from marketplace.platforms.models import PlatformKind
from tests.factories import UserFactory

from .engine_setup import Auction

pytestmark = pytest.mark.django_db
HOST = "auctions.brand-sender.example"


def _rescheduled(a: Auction, capture) -> list:
    mail.outbox.clear()
    with capture(execute=True):
        scheduler.tick(now=a.lot.starts_at + timedelta(seconds=130))
    assert mail.outbox
    return list(mail.outbox)


def test_a_branded_platforms_notice_comes_from_its_sender_and_links_to_its_host(
    django_capture_on_commit_callbacks,
):
    a = Auction()
    a.platform.kind = PlatformKind.DEDICATED
    a.platform.owner = a.buyer
    a.platform.save()
    branding.brand_save(
        actor=UserFactory(is_staff=True),
        platform=a.platform,
        hosts=[HOST],
        display_name="Agro Auctions",
        sender_email=f"noreply@{HOST}",
    )
    for message in _rescheduled(a, django_capture_on_commit_callbacks):
        assert message.from_email == f"Agro Auctions <noreply@{HOST}>"
        assert f"{branding.site_url_for(a.platform)}/lots/{a.lot.pk}/" in message.body
        assert f"//{HOST}" in message.body


def test_without_a_brand_tradefloors_own_sender_and_site(django_capture_on_commit_callbacks):
    a = Auction()
    site = settings.SITE_URL.rstrip("/")
    for message in _rescheduled(a, django_capture_on_commit_callbacks):
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        assert f"{site}/lots/{a.lot.pk}/" in message.body
