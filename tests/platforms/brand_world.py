"""Two branded dedicated platforms beside a public one, each with a published tender, for the
white-label tests: ``a.localhost`` shows platform A (its tender ``TENDER-A``), ``b.localhost``
platform B (``TENDER-B``); the public platform's ``TENDER-PUBLIC`` is on Tradefloor's own
host. A supplier takes part in all three, so it would see every tender but for the host."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from auctions.tenders import drafting
from marketplace.platforms import branding
from marketplace.platforms.models import PlatformBrand, PlatformKind
from search import services as search_services
from tests.auctions.factories import OFFICER, World, lot_data
from tests.factories import (
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    member,
)

HOST_A = "a.localhost"
HOST_B = "b.localhost"


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def png(width: int = 64, height: int = 32, colour=(20, 50, 79), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format=fmt)
    return out.getvalue()


def upload(content: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def page_client(user=None, host: str | None = None) -> Client:
    c = Client(HTTP_HOST=host) if host else Client()
    if user is not None:
        c.force_login(user)
    return c


def api_client(user=None, host: str | None = None) -> APIClient:
    c = APIClient(HTTP_HOST=host) if host else APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


class Brands(World):
    """The auction tests' world (its public ``platform``, buyer, suppliers, staff) plus the
    dedicated platforms ``a`` and ``b`` (owned by ``owner_a``/``owner_b`` with their officers),
    branded on ``HOST_A``/``HOST_B``, and ``admin_a``/``admin_b``: their platform admins."""

    def __init__(self):
        super().__init__()
        self.owner_a = CompanyFactory(legal_name="Owner A", is_buyer=True)
        self.owner_b = CompanyFactory(legal_name="Owner B", is_buyer=True)
        self.officer_a = member(self.owner_a, OFFICER)
        self.officer_b = member(self.owner_b, OFFICER)
        self.a = self._dedicated("Platform A", self.owner_a)
        self.b = self._dedicated("Platform B", self.owner_b)
        self.admin_a = PlatformAdminFactory(platform=self.a).user
        self.admin_b = PlatformAdminFactory(platform=self.b).user
        for platform in (self.a, self.b):
            PlatformMembershipFactory(platform=platform, company=self.supplier)
        self.brand_a = self.brand(self.a, "Brand A", HOST_A)
        self.brand_b = self.brand(self.b, "Brand B", HOST_B)

    def _dedicated(self, name, owner):
        platform = PlatformFactory(name=name, kind=PlatformKind.DEDICATED, owner=owner)
        PlatformMembershipFactory(platform=platform, company=owner)
        return platform

    def brand(self, platform, name: str, host: str, **fields) -> PlatformBrand:
        return branding.brand_save(
            actor=self.staff, platform=platform, hosts=[host], display_name=name, **fields
        )

    def tender_on(self, platform, officer, buyer, title: str):
        tender = drafting.tender_create(
            actor=officer,
            **self.tender_kwargs(platform=platform, buyer=buyer, title=title),
            lots=[lot_data(title=f"{title} lot")],
        )
        tender = drafting.tender_publish(actor=officer, tender=tender)
        search_services.tender_reindex(tender_id=tender.pk)
        return tender

    def tenders(self) -> dict:
        """One published tender on each platform, indexed for the search."""
        return {
            "a": self.tender_on(self.a, self.officer_a, self.owner_a, "TENDER-A"),
            "b": self.tender_on(self.b, self.officer_b, self.owner_b, "TENDER-B"),
            "public": self.tender_on(self.platform, self.officer, self.buyer, "TENDER-PUBLIC"),
        }
