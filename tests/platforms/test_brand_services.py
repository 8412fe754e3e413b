"""The brand's rules in its services: only dedicated platforms, only their admins (host names:
staff only), readable colours, a sender on the brand's own domain, safe footer links, and a
logo checked by what the file is."""

from __future__ import annotations

import pytest
from django.core import mail
from PIL import Image

from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.platforms import branding
from marketplace.platforms.models import BrandHost, PlatformBrand
from tests.factories import UserFactory

from .brand_world import HOST_A, png, upload
from .factories import PlatformAdminFactory, PlatformFactory, dedicated_platform, staff_user

pytestmark = pytest.mark.django_db


def rows() -> list:
    return sorted(PlatformBrand.objects.values_list()) + sorted(BrandHost.objects.values_list())


@pytest.fixture
def platform():
    return dedicated_platform(name="Agro")


@pytest.fixture
def admin(platform):
    return PlatformAdminFactory(platform=platform).user


@pytest.fixture
def brand(platform):
    return branding.brand_save(
        actor=staff_user(), platform=platform, hosts=[HOST_A], display_name="Agro Brand"
    )


def test_a_platform_admin_makes_the_brand_and_each_change_raises_its_version(platform, admin):
    brand = branding.brand_save(actor=admin, platform=platform, terms="Be fair.")
    assert (brand.display_name, brand.primary_color, brand.version) == ("Agro", "#14324f", 1)
    again = branding.brand_save(actor=admin, platform=platform, primary_color="#0A3D2E")
    assert (again.pk, again.primary_color, again.version) == (brand.pk, "#0a3d2e", 2)


def test_only_dedicated_platforms_and_only_their_admins(platform, admin):
    public = PlatformFactory()
    with pytest.raises(ApplicationError) as refused:
        branding.brand_save(actor=staff_user(), platform=public, display_name="X")
    assert refused.value.code == "not_dedicated"
    other_admin = PlatformAdminFactory(platform=dedicated_platform()).user
    for outsider in (UserFactory(), other_admin):
        with pytest.raises(PermissionDeniedError):
            branding.brand_save(actor=outsider, platform=platform, display_name="X")
    assert rows() == []


def test_host_names_are_bound_by_staff_only_checked_and_unique(platform, admin, brand):
    before = rows()
    with pytest.raises(PermissionDeniedError) as refused:
        branding.brand_save(actor=admin, platform=platform, hosts=["mine.example.com"])
    assert refused.value.code == "hosts_staff_only"
    staff = staff_user()
    for bad in ("client.localhost:8000", "https://x.example.com", "localhost", "10.0.0.1", "a..b"):
        with pytest.raises(ApplicationError) as invalid:
            branding.brand_save(actor=staff, platform=platform, hosts=[bad])
        assert invalid.value.code == "invalid_host", bad
    other = dedicated_platform()
    with pytest.raises(ConflictError) as taken:
        branding.brand_save(actor=staff, platform=other, hosts=["A.LocalHost."])
    assert taken.value.code == "host_taken"
    assert rows() == before
    branding.brand_save(actor=staff, platform=platform, hosts=["Buy.Example.COM", HOST_A])
    assert sorted(brand.hosts.values_list("host", flat=True)) == [HOST_A, "buy.example.com"]


def test_unreadable_colours_are_refused_and_nothing_changes(platform, admin, brand):
    before = rows()
    with pytest.raises(ApplicationError) as refused:
        branding.brand_save(
            actor=admin, platform=platform, primary_color="#336699", text_on_primary_color="#6699cc"
        )
    assert refused.value.code == "low_contrast"
    assert "4.5:1" in refused.value.fields["text_on_primary_color"][0]
    with pytest.raises(ApplicationError) as invalid:
        branding.brand_save(actor=admin, platform=platform, accent_color="blue;}")
    assert invalid.value.code == "invalid_brand"
    assert rows() == before


def test_the_sender_is_on_the_brands_domain_and_footer_links_are_safe(platform, admin, brand):
    before = rows()
    for fields, field in (
        ({"sender_email": "ceo@bank.example"}, "sender_email"),
        ({"sender_email": "not an address"}, "sender_email"),
        ({"sender_name": "Agro\r\nBcc: all@x.example"}, "sender_name"),
        ({"footer_links": [{"label": "X", "url": "javascript:alert(1)"}]}, "footer_links"),
        ({"footer_links": [{"label": "X", "url": "//evil.example/"}]}, "footer_links"),
    ):
        with pytest.raises(ApplicationError) as refused:
            branding.brand_save(actor=admin, platform=platform, **fields)
        assert field in refused.value.fields, fields
    assert rows() == before
    saved = branding.brand_save(
        actor=admin,
        platform=platform,
        sender_name="Агро Закупівлі",
        sender_email="noreply@A.localhost",
        footer_links=[
            {"label": "Contacts", "url": "/contacts/"},
            {"label": "Site", "url": "https://agro.example/"},
        ],
    )
    assert saved.sender_email == "noreply@a.localhost"
    assert branding.sender_for(platform) == "Агро Закупівлі <noreply@a.localhost>"
    assert branding.sender_for(PlatformFactory()) == "Tradefloor <noreply@tradefloor.local>"
    assert branding.sender_for(None) == "Tradefloor <noreply@tradefloor.local>"
    mail.send_mail("s", "b", branding.sender_for(platform.pk), ["x@example.com"])
    assert "noreply@a.localhost" in mail.outbox[-1].message()["From"]


def test_a_png_logo_is_kept_written_again(platform, admin, brand):
    saved = branding.brand_logo_set(actor=admin, brand=brand, file=upload(png(120, 40)))
    assert (saved.logo_content_type, saved.logo_width, saved.logo_height) == ("image/png", 120, 40)
    with saved.logo.open("rb") as f, Image.open(f) as image:
        assert image.format == "PNG" and image.size == (120, 40)
    jpeg = branding.brand_logo_set(
        actor=admin, brand=saved, file=upload(png(fmt="JPEG"), "logo.jpg", "image/jpeg")
    )
    assert jpeg.logo_content_type == "image/jpeg" and jpeg.version > saved.version
    removed = branding.brand_logo_remove(actor=admin, brand=jpeg)
    assert not removed.logo


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (SVG, "logo.svg", "logo_svg_refused"),
        (SVG, "logo.png", "logo_svg_refused"),  # by what it is, not its name
        (b"%PDF-1.4 not a picture", "logo.png", "logo_not_image"),
        (png()[:40], "logo.png", "logo_not_image"),  # a truncated PNG
        (png(2400, 100), "logo.png", "logo_too_big"),
        (png(8, 8), "logo.png", "logo_too_small"),
        (png(fmt="GIF"), "logo.gif", "logo_type_refused"),
    ],
)
def test_a_logo_that_is_not_a_picture_we_keep_is_refused(
    platform, admin, brand, content, name, code
):
    before = rows()
    with pytest.raises(ApplicationError) as refused:
        branding.brand_logo_set(actor=admin, brand=brand, file=upload(content, name))
    assert refused.value.code == code
    assert refused.value.fields["logo"]
    assert rows() == before


def test_a_logo_over_the_size_limit_is_refused(platform, admin, brand, settings):
    settings.BRAND_LOGO_MAX_BYTES = 1024
    noisy = png(400, 400)  # a flat colour compresses well: make it large by its size instead
    big = noisy + b"\0" * 2048
    with pytest.raises(ApplicationError) as refused:
        branding.brand_logo_set(actor=admin, brand=brand, file=upload(big))
    assert refused.value.code == "logo_too_large"


def test_only_the_platforms_admins_change_the_logo(platform, brand):
    with pytest.raises(PermissionDeniedError):
        branding.brand_logo_set(actor=UserFactory(), brand=brand, file=upload(png()))
