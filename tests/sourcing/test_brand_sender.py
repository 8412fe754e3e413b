"""The prospect's invitation e-mail for a tender comes From the tender's platform's brand sender
and links to the brand's host (sign-up there joins that platform's onboarding); a platform with
no brand: Tradefloor's own sender and SITE_URL."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from marketplace.platforms import branding
from marketplace.platforms.models import PlatformKind
from tests.sourcing.factories import Seed, api, client, prospect_data

pytestmark = pytest.mark.django_db
HOST = "buy.brand-sender.example"


def _invite(w: Seed, tender, capture) -> mail.EmailMessage:
    with capture(execute=True):
        response = client(w.officer).post(
            api("sourcing-tender-prospects", tender_id=tender.pk), prospect_data()
        )
    assert response.status_code == 201, response.content
    [message] = mail.outbox
    return message


def _signup_line(message) -> str:
    return next(line for line in message.body.splitlines() if "/accounts/signup/" in line)


def test_a_branded_platforms_invitation_comes_from_its_sender_and_host(
    django_capture_on_commit_callbacks,
):
    w = Seed()
    w.platform.kind = PlatformKind.DEDICATED
    w.platform.owner = w.buyer
    w.platform.save()
    branding.brand_save(
        actor=w.staff,
        platform=w.platform,
        hosts=[HOST],
        display_name="Agro Buy",
        sender_name="Agro Buy",
        sender_email=f"noreply@{HOST}",
    )
    message = _invite(w, w.invitation_tender(), django_capture_on_commit_callbacks)
    assert message.from_email == f"Agro Buy <noreply@{HOST}>"
    assert message.from_email != settings.DEFAULT_FROM_EMAIL
    link = _signup_line(message).strip()
    assert f"//{HOST}" in link
    assert link.startswith(f"{branding.site_url_for(w.platform)}/accounts/signup/")


def test_without_a_brand_tradefloors_own_sender_and_site(django_capture_on_commit_callbacks):
    w = Seed()
    message = _invite(w, w.invitation_tender(), django_capture_on_commit_callbacks)
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    site = settings.SITE_URL.rstrip("/")
    assert _signup_line(message).strip().startswith(f"{site}/accounts/signup/")
