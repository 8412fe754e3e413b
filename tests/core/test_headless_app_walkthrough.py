"""An integrator's whole way from sign-up to the first bid through the API alone (issue 22): allauth's
headless API in "app" mode (no browser, no CSRF: a session token in the `X-Session-Token` header,
which our REST API takes too), then the company, its verification, the platform, the
application and the bid, each step as docs/api/auth.md's curl session shows it. The other
parties (the operator's reviewer, the buyer's officer) act through their own API calls."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from auctions.lifecycle import lot_start
from auctions.tenders import scheduling
from tests.auctions.factories import PDF_BYTES, World

pytestmark = pytest.mark.django_db
EMAIL = "integrator@example.com"
PASSWORD = "a-long-integrator-password-42"


def app_call(method: str, path: str, body: dict | None = None, token: str | None = None):
    """A request as a script makes it: JSON, no cookies kept, no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    headers = {"HTTP_X_SESSION_TOKEN": token} if token else {}
    send = getattr(client, method.lower())
    if body is None:
        return send(path, **headers)
    return send(path, body, content_type="application/json", **headers)


def test_from_sign_up_to_the_first_bid_through_the_api_alone():
    world = World()
    tender = world.published(lot_overrides={"start_price": "100000.00"})
    lot = tender.lots.get()

    # 1. Sign up (app client): the answer carries the session token.
    signed = app_call(
        "POST",
        "/_allauth/app/v1/auth/signup",
        {"email": EMAIL, "password": PASSWORD, "full_name": "Ivan Integrator"},
    )
    assert signed.status_code == 200, signed.content
    token = signed.json()["meta"]["session_token"]
    assert signed.json()["data"]["user"]["email"] == EMAIL
    # A sign-up without the name is refused, in allauth's error format.
    nameless = app_call(
        "POST", "/_allauth/app/v1/auth/signup", {"email": "x@example.com", "password": PASSWORD}
    )
    assert nameless.status_code == 400
    assert {e["param"] for e in nameless.json()["errors"]} == {"full_name"}

    # 2. Our REST API takes the session token (no CSRF for it).
    me = app_call("GET", "/api/me/", token=token)
    assert me.status_code == 200 and me.json()["full_name"] == "Ivan Integrator"
    # Or exchange the password for a long-lived API token.
    api_token = app_call("POST", "/api/auth/token/", {"email": EMAIL, "password": PASSWORD})
    assert api_token.status_code == 200 and api_token.json()["token"]

    # 3. Register the company, say what it supplies.
    company = app_call(
        "POST",
        "/api/companies/",
        {
            "legal_name": "Integrator Supplies Inc",
            "country": "CA",
            "registration_number": "BN-123456789",
            "is_supplier": True,
            "is_buyer": False,
        },
        token=token,
    )
    assert company.status_code == 201, company.content
    company_id = company.json()["id"]
    profile = app_call(
        "PATCH",
        f"/api/suppliers/{company_id}/",
        {"categories": [world.category.code]},
        token=token,
    )
    assert profile.status_code == 200, profile.content

    # 4. Verification: a document and the submission; the operator's reviewer approves.
    upload = Client().post(
        f"/api/verification/companies/{company_id}/documents/upload/",
        {
            "file": SimpleUploadedFile("registration.pdf", PDF_BYTES, "application/pdf"),
            "document_type": "registration_certificate",
        },
        HTTP_X_SESSION_TOKEN=token,
    )
    assert upload.status_code == 201, upload.content
    submitted = app_call(
        "POST",
        f"/api/verification/companies/{company_id}/submit/",
        {
            "signatory_name": "Ivan Integrator",
            "signatory_position": "Director",
            "signatory_basis": "charter",
        },
        token=token,
    )
    assert submitted.status_code == 201, submitted.content
    reviewer = APIClient()
    reviewer.force_authenticate(world.staff)
    approved = reviewer.post(
        f"/api/verification/review/submissions/{submitted.json()['id']}/approve/",
        {},
        format="json",
    )
    assert approved.status_code == 201, approved.content

    # 5. The platform: apply; its admin accepts.
    applied = app_call(
        "POST",
        f"/api/platforms/{world.platform.pk}/participations/",
        {"company": company_id, "message": "We supply diesel."},
        token=token,
    )
    assert applied.status_code == 201, applied.content
    if applied.json()["status"] != "accepted":
        admin = APIClient()
        admin.force_authenticate(world.platform_admin)
        accepted = admin.post(
            f"/api/participations/{applied.json()['id']}/accept/", {}, format="json"
        )
        assert accepted.status_code == 200, accepted.content

    # 6. Apply to the lot; the buyer's officer admits it.
    application = app_call(
        "POST",
        f"/api/lots/{lot.pk}/applications/",
        {"supplier": company_id, "terms_accepted": True},
        token=token,
    )
    assert application.status_code == 201, application.content
    officer = APIClient()
    officer.force_authenticate(world.officer)
    admitted = officer.post(
        f"/api/applications/{application.json()['id']}/admit/", {}, format="json"
    )
    assert admitted.status_code == 200, admitted.content

    # 7. The auction starts (time passing, the scheduler); the first bid.
    world.apply(lot, company=world.other_supplier)  # a rival, so the lot has its two bidders
    from auctions.models import Application

    rival = Application.objects.get(lot=lot, supplier=world.other_supplier)
    officer.post(f"/api/applications/{rival.pk}/admit/", {}, format="json")
    world.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    scheduling.lot_schedule(lot_id=lot.pk)
    lot.refresh_from_db()
    lot_start(lot_id=lot.pk, now=lot.starts_at)
    bid = app_call(
        "POST",
        f"/api/lots/{lot.pk}/bids/",
        {"amount": "99000.00", "client_bid_id": "first-bid"},
        token=token,
    )
    assert bid.status_code == 201, bid.content
    standing = app_call("GET", f"/api/lots/{lot.pk}/standing/", token=token).json()
    assert standing["me"]["amount"] == "99000.00" and standing["me"]["rank"] == 1

    # The session ends by the same API; the token then opens nothing.
    assert app_call("DELETE", "/_allauth/app/v1/auth/session", token=token).status_code == 401
    assert app_call("GET", "/api/me/", token=token).status_code in (401, 403)
