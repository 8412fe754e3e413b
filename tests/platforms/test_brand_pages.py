"""The brand on the pages: the editor and its preview (its platform's admins and staff only),
the generated stylesheet (ETag, strict CSP, no CSS from a colour), the logo upload's checks,
the terms and footer; sign-up on a brand's host joins its platform, and its e-mail comes from
the brand's sender."""

from __future__ import annotations

import pytest
from django.core import mail

from marketplace.companies.models import Company
from marketplace.events.models import Event
from marketplace.platforms import branding
from marketplace.platforms.models import ParticipationStatus, PlatformBrand, PlatformMembership
from notifications.mail import email_instant_send
from notifications.models import Mode, Notification
from tests.factories import UserFactory
from tests.frontend.test_onboarding_pages import registration

from .brand_world import HOST_A, Brands, page_client, png, upload

pytestmark = pytest.mark.django_db
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.fixture
def w():
    return Brands()


def editor(platform) -> str:
    return f"/platforms/{platform.pk}/brand/"


def form_of(brand: PlatformBrand, **changes) -> dict:
    data = {
        "display_name": brand.display_name,
        "primary_color": brand.primary_color,
        "text_on_primary_color": brand.text_on_primary_color,
        "accent_color": brand.accent_color,
        "sender_name": "",
        "sender_email": "",
        "terms": "",
        "footer_text": "",
        "footer_links": "",
        "action": "save",
    }
    data.update(changes)
    return data


def test_only_the_platforms_admins_and_staff_open_the_editor(w):
    assert page_client(w.admin_a).get(editor(w.a)).status_code == 200
    assert page_client(w.staff).get(editor(w.a)).status_code == 200
    for outsider in (w.admin_b, w.supplier_admin, w.officer_a, UserFactory()):
        assert page_client(outsider).get(editor(w.a)).status_code == 404
        answer = page_client(outsider).post(editor(w.a), form_of(w.brand_a, display_name="X"))
        assert answer.status_code == 404
        upload_answer = page_client(outsider).post(
            f"{editor(w.a)}logo/", {"logo": upload(png()), "action": "upload"}
        )
        assert upload_answer.status_code == 404
    assert page_client().get(editor(w.a)).status_code == 302  # to the log-in
    w.brand_a.refresh_from_db()
    assert w.brand_a.display_name == "Brand A" and not w.brand_a.logo
    # The host names field is staff's only.
    assert 'name="hosts"' not in page_client(w.admin_a).get(editor(w.a)).content.decode()
    assert 'name="hosts"' in page_client(w.staff).get(editor(w.a)).content.decode()


def test_a_public_platform_has_no_brand_to_edit(w):
    page = page_client(w.staff).get(editor(w.platform)).content.decode()
    assert 'id="brand-not-dedicated"' in page and 'id="brand-form"' not in page


def test_the_admin_previews_then_saves_the_brand(w):
    c = page_client(w.admin_a)
    draft = form_of(w.brand_a, primary_color="#0a3d2e", accent_color="#7a2e00", action="preview")
    page = c.post(editor(w.a), draft).content.decode()
    assert 'id="brand-preview"' in page
    assert (
        "/brand.css?primary_color=%230a3d2e&amp;accent_color=%237a2e00"
        "&amp;text_on_primary_color=%23ffffff"
    ) in page
    assert "style=" not in page  # nothing inline: the CSP allows no inline style
    w.brand_a.refresh_from_db()
    assert w.brand_a.primary_color == "#14324f"  # a preview writes nothing
    saved = c.post(
        editor(w.a),
        form_of(
            w.brand_a,
            primary_color="#0a3d2e",
            terms="Fair play.",
            footer_links="Contacts | /contacts/",
        ),
    )
    assert saved.status_code == 302
    w.brand_a.refresh_from_db()
    assert (w.brand_a.primary_color, w.brand_a.terms) == ("#0a3d2e", "Fair play.")
    assert w.brand_a.footer_links == [{"label": "Contacts", "url": "/contacts/"}]


def test_unreadable_colours_are_told_on_the_page_and_nothing_is_saved(w):
    before = PlatformBrand.objects.get(pk=w.brand_a.pk).version
    for action in ("save", "preview"):
        answer = page_client(w.admin_a).post(
            editor(w.a), form_of(w.brand_a, text_on_primary_color="#2a4a6a", action=action)
        )
        assert answer.status_code == 400
        assert "4.5:1" in answer.content.decode()
        assert 'id="brand-preview"' not in answer.content.decode()
    assert PlatformBrand.objects.get(pk=w.brand_a.pk).version == before


def test_the_logo_upload_on_the_page_keeps_a_png_and_refuses_an_svg(w):
    c = page_client(w.admin_a)
    refused = c.post(f"{editor(w.a)}logo/", {"logo": upload(SVG, "logo.svg", "image/svg+xml")})
    assert refused.status_code == 400 and "SVG logos are not accepted" in refused.content.decode()
    assert c.post(f"{editor(w.a)}logo/", {"logo": upload(png(90, 30))}).status_code == 302
    w.brand_a.refresh_from_db()
    logo = page_client(host=HOST_A).get(f"/brand/{w.brand_a.pk}/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")
    page = page_client(host=HOST_A).get("/").content.decode()
    assert f'src="/brand/{w.brand_a.pk}/logo/?v={w.brand_a.version}"' in page


def test_the_stylesheet_is_the_brands_cached_by_etag(w):
    c = page_client(host=HOST_A)
    css = c.get("/brand.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert "--brand: #14324f" in css.content.decode()
    assert c.get("/brand.css", HTTP_IF_NONE_MATCH=css["ETag"]).status_code == 304
    branding.brand_save(actor=w.admin_a, platform=w.a, primary_color="#0a3d2e")
    fresh = c.get("/brand.css", HTTP_IF_NONE_MATCH=css["ETag"])
    assert fresh.status_code == 200 and "--brand: #0a3d2e" in fresh.content.decode()
    assert page_client().get("/brand.css").status_code == 404  # Tradefloor's own host


def test_a_colour_in_the_query_cannot_inject_css(w):
    c = page_client()
    for bad in ("#000;}body{display:none}", "red", "#0a3d2e</style>", "expression(alert(1))"):
        answer = c.get(
            "/brand.css",
            {"primary_color": bad, "accent_color": "#0b5cad", "text_on_primary_color": "#fff"},
        )
        assert answer.status_code == 400
        assert "display" not in answer.content.decode() and "<" not in answer.content.decode()
    ok = c.get(
        "/brand.css",
        {"primary_color": "#0a3d2e", "accent_color": "#0b5cad", "text_on_primary_color": "#fff"},
    )
    assert ok.status_code == 200 and "--brand: #0a3d2e" in ok.content.decode()


def test_the_brand_host_keeps_the_strict_csp_and_shows_terms_and_footer(w):
    branding.brand_save(
        actor=w.admin_a,
        platform=w.a,
        terms="Suppliers bid in good faith.",
        footer_text="Brand A, Kyiv",
        footer_links=[{"label": "Contacts", "url": "/contacts/"}],
    )
    c = page_client(host=HOST_A)
    home = c.get("/")
    policy = home["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    page = home.content.decode()
    assert "Brand A, Kyiv" in page and 'href="/contacts/"' in page
    assert 'href="/participation-terms/"' in page
    assert "Suppliers bid in good faith." in c.get("/participation-terms/").content.decode()
    assert page_client().get("/participation-terms/").status_code == 404


def test_a_company_registered_on_a_brand_host_applies_to_its_platform(w):
    user = UserFactory()
    answer = page_client(user, HOST_A).post("/companies/new/", registration())
    assert answer.status_code == 302
    company = Company.objects.get(created_by=user)
    membership = PlatformMembership.objects.get(company=company)
    assert (membership.platform_id, membership.status) == (w.a.pk, ParticipationStatus.APPLIED)
    # On Tradefloor's own host: no application anywhere.
    other = UserFactory()
    page_client(other).post("/companies/new/", registration(legal_name="TOV Other"))
    assert not PlatformMembership.objects.filter(company__created_by=other).exists()


def test_sign_up_on_a_brand_host_is_confirmed_from_its_sender(w):
    branding.brand_save(actor=w.admin_a, platform=w.a, sender_email="noreply@a.localhost")
    answer = page_client(host=HOST_A).post(
        "/accounts/signup/",
        {
            "full_name": "New Person",
            "email": "new@example.com",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
        },
    )
    assert answer.status_code == 302
    sent = mail.outbox[-1]
    assert sent.to == ["new@example.com"]
    assert sent.from_email == "Brand A <noreply@a.localhost>"
    assert sent.subject.startswith("[Brand A] ")
    assert "http://a.localhost/" in sent.body  # the confirmation link stays on the brand host
    mail.outbox.clear()
    page_client().post(
        "/accounts/signup/",
        {
            "full_name": "Other Person",
            "email": "other@example.com",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
        },
    )
    assert mail.outbox[-1].from_email == "Tradefloor <noreply@tradefloor.local>"


def test_notifications_about_a_brands_platform_come_from_its_sender(w):
    branding.brand_save(
        actor=w.admin_a, platform=w.a, sender_name="Agro", sender_email="tenders@a.localhost"
    )
    user = UserFactory()
    for platform, key in ((w.a, "a"), (w.platform, "public")):
        event = Event.objects.create(type="tender.published", platform=platform)
        note = Notification.objects.create(
            user=user,
            kind="tender_match",
            key=key,
            title=f"News {key}",
            url="/tenders/1/",
            event=event,
            email_mode=Mode.INSTANT,
        )
        assert email_instant_send(notification_id=note.pk)
    branded, plain = mail.outbox[-2:]
    assert branded.from_email == "Agro <tenders@a.localhost>"
    assert "http://a.localhost:8000/tenders/1/" in branded.body
    assert plain.from_email == "Tradefloor <noreply@tradefloor.local>"


def test_a_logo_whose_file_is_gone_answers_404_not_an_error(w):
    c = page_client(w.admin_a)
    assert c.post(f"{editor(w.a)}logo/", {"logo": upload(png(90, 30))}).status_code == 302
    w.brand_a.refresh_from_db()
    w.brand_a.logo.storage.delete(w.brand_a.logo.name)  # a restore that lost the uploads
    assert page_client(host=HOST_A).get(f"/brand/{w.brand_a.pk}/logo/").status_code == 404
