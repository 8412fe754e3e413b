"""The brand demo: the dedicated platform wears its brand on client.localhost (logo, colours,
sender, terms, footer) with a published tender of its own, which its participants see there;
Tradefloor's public tenders are not there; a second load makes nothing twice."""

from __future__ import annotations

import pytest
from django.test import Client

from auctions.models import Tender, TenderStatus
from demo.brand_demo import HOST, TENDER_TITLE, brand_demo_load
from marketplace.companies.models import MembershipRole, VerificationStatus
from marketplace.platforms import branding
from marketplace.platforms.models import BrandHost, PlatformKind
from tests.auctions.factories import World
from tests.factories import (
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    member,
)

pytestmark = pytest.mark.django_db


def test_the_demo_brands_the_dedicated_platform_on_client_localhost():
    w = World()
    public = w.published(title="PUBLIC-TENDER")
    owner = CompanyFactory(is_buyer=True, verification_status=VerificationStatus.VERIFIED)
    officer = member(owner, MembershipRole.PROCUREMENT_OFFICER)
    platform = PlatformFactory(
        slug="agro-procurement", kind=PlatformKind.DEDICATED, owner=owner, name="Agro"
    )
    PlatformMembershipFactory(platform=platform, company=owner)
    PlatformAdminFactory(platform=platform)

    loaded = brand_demo_load(platform=platform, admin=w.staff)
    brand = loaded["brand"]
    assert [h.host for h in brand.hosts.all()] == [HOST]
    assert brand.logo and brand.logo_content_type == "image/png"
    assert branding.sender_for(platform) == f"Агро Закупівлі <noreply@{HOST}>"
    assert loaded["tender"].status == TenderStatus.PUBLISHED
    assert loaded["tender"].platform_id == platform.pk

    again = brand_demo_load(platform=platform, admin=w.staff)
    assert again["tender"].pk == loaded["tender"].pk
    assert Tender.objects.filter(platform=platform).count() == 1
    assert BrandHost.objects.count() == 1
    assert again["brand"].logo.name == brand.logo.name  # the logo is not made again

    c = Client(HTTP_HOST=f"{HOST}:8000")
    c.force_login(officer)
    page = c.get("/").content.decode()
    assert "Агро Закупівлі" in page and TENDER_TITLE in page
    assert public.title not in page
    assert Client(HTTP_HOST=HOST).get("/participation-terms/").status_code == 200
