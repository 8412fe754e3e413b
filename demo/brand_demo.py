"""The demo's white-label platform: the dedicated platform (slug "agro-procurement") wears its
own brand on http://client.localhost:8000 (browsers resolve *.localhost to this machine):
its name, a generated logo, green colours, its e-mail sender, terms and footer; and it has a
published tender of its own, which only its participants see (log in there as
buyer@demo.tradefloor.local or steel@demo.tradefloor.local). Through the services, idempotent:
loading again changes nothing but the brand's version."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from auctions.models import Tender, TenderStatus
from auctions.tenders import drafting
from marketplace.categories.models import Category
from marketplace.companies.models import Membership, MembershipRole
from marketplace.platforms import branding
from marketplace.platforms.models import Platform
from marketplace.platforms.selectors import brand_get
from marketplace.users.models import User
from search import services as search_services

HOST = "client.localhost"
TENDER_TITLE = "Насіння кукурудзи для власного майданчика"
CATEGORY = "03100000-2"  # CPV: agricultural and horticultural products
TERMS = (
    "Участь у торгах майданчика «Агро Закупівлі» відкрита для постачальників, яких схвалили "
    "його адміністратори.\n\n"
    "Постачальник подає пропозиції добросовісно, виконує умови лота і зберігає "
    "конфіденційність закупівельної документації."
)


def logo_png() -> bytes:
    """A 240×64 logo drawn here: a green field with a light ear of grain and the initials."""
    image = Image.new("RGBA", (240, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 239, 63), radius=12, fill=(31, 81, 48, 255))
    for i in range(5):  # the ear's grains
        draw.ellipse((22 + i * 7, 14 + i * 6, 34 + i * 7, 24 + i * 6), fill=(241, 213, 122, 255))
    draw.text((80, 22), "AGRO", fill=(255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _officer(platform: Platform) -> User:
    membership = (
        Membership.objects.filter(company=platform.owner, role=MembershipRole.PROCUREMENT_OFFICER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise RuntimeError("brand demo: the platform's owner has no procurement officer")
    return membership.user


def _tender(platform: Platform) -> Tender:
    """The platform's own published tender (made once)."""
    found = (
        Tender.objects.filter(platform=platform, title=TENDER_TITLE)
        .exclude(status__in=[TenderStatus.DRAFT, TenderStatus.CANCELLED])
        .first()
    )
    if found is not None:
        return found
    officer = _officer(platform)
    now = timezone.now()
    category = (
        Category.objects.filter(code=CATEGORY).first()
        or Category.objects.order_by("depth", "pk").first()
    )
    tender = drafting.tender_create(
        actor=officer,
        platform=platform,
        buyer=platform.owner,
        title=TENDER_TITLE,
        description="Гібридне насіння кукурудзи ФАО 280–320 для посівної кампанії.",
        category=category,
        currency="UAH",
        questions_deadline=now + timedelta(days=10),
        applications_deadline=now + timedelta(days=14),
        auction_start=now + timedelta(days=16),
        lots=[
            {
                "title": "Насіння кукурудзи ФАО 300, мішок 80 тис. насінин",
                "quantity": Decimal("400"),
                "unit": "bag",
                "start_price": Decimal("1200000.00"),
                "delivery_place": "Київська обл., с. Гоголів",
                "incoterms": "DAP",
            }
        ],
        now=now,
    )
    tender = drafting.tender_publish(actor=officer, tender=tender, now=now)
    search_services.tender_reindex(tender_id=tender.pk)
    return tender


def brand_demo_load(*, platform: Platform, admin: User) -> dict:
    """Brand the dedicated ``platform`` on ``client.localhost`` and give it a published tender.
    ``admin``: operator staff (load_demo's admin@demo.tradefloor.local), who alone binds host
    names. Returns the brand, its address and the tender."""
    brand = branding.brand_save(
        actor=admin,
        platform=platform,
        hosts=[HOST],
        display_name="Агро Закупівлі",
        primary_color="#1f5130",
        text_on_primary_color="#ffffff",
        accent_color="#8a4b08",
        sender_name="Агро Закупівлі",
        sender_email=f"noreply@{HOST}",
        terms=TERMS,
        footer_text="ТОВ «Агро Закупівлі», Київ. Майданчик працює на Tradefloor.",
        footer_links=[{"label": "Умови участі", "url": "/participation-terms/"}],
    )
    if not brand.logo:
        brand = branding.brand_logo_set(
            actor=admin,
            brand=brand,
            file=SimpleUploadedFile("logo.png", logo_png(), content_type="image/png"),
        )
    tender = _tender(platform)
    brand = brand_get(platform=platform) or brand
    return {
        "brand": brand,
        "url": f"http://{HOST}:8000/",
        "tender": tender,
    }
