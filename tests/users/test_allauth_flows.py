"""Sign-up, log-in, e-mail confirmation and password reset through allauth's headless API."""

import re
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from marketplace.users.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/_allauth/browser/v1"
NEW_PASSWORD = "a-much-longer-passphrase-2026"


@pytest.fixture
def browser():
    return Client()


def post(client, path, data):
    return client.post(BASE + path, data, content_type="application/json")


def key_from_mail(pattern: str) -> str:
    assert mail.outbox, "no e-mail was sent"
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return unquote(match.group(1))


def test_signup_creates_user_sends_confirmation_and_logs_in(browser):
    res = post(
        browser,
        "/auth/signup",
        {"email": "New.Person@Example.com", "password": PASSWORD, "full_name": "New Person"},
    )
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["meta"]["is_authenticated"] is True
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert address.verified is False
    assert mail.outbox[-1].to == ["new.person@example.com"]
    key = key_from_mail(r"/accounts/confirm-email/([^/\s]+)/")

    res = post(browser, "/auth/email/verify", {"key": key})
    assert res.status_code == 200, res.content
    address.refresh_from_db()
    assert address.verified is True


def test_signup_refuses_a_taken_email_and_weak_password(browser):
    UserFactory(email="taken@example.com")
    res = post(
        browser,
        "/auth/signup",
        {"email": "TAKEN@example.com", "password": PASSWORD, "full_name": "T"},
    )
    assert res.status_code == 400
    assert any(e.get("param") == "email" for e in res.json()["errors"])
    res = post(
        browser, "/auth/signup", {"email": "weak@example.com", "password": "123", "full_name": "W"}
    )
    assert res.status_code == 400
    assert any(e.get("param") == "password" for e in res.json()["errors"])
    assert User.objects.count() == 1


def test_login_and_logout(browser):
    user = UserFactory(email="someone@example.com")
    res = post(browser, "/auth/login", {"email": "someone@example.com", "password": "wrong"})
    assert res.status_code == 400
    res = post(browser, "/auth/login", {"email": "Someone@Example.com", "password": PASSWORD})
    assert res.status_code == 200, res.content
    assert res.json()["data"]["user"]["id"] == user.pk
    # The session now authenticates our own API.
    assert browser.get("/api/me/").json()["email"] == "someone@example.com"
    res = browser.delete(BASE + "/auth/session")
    assert res.status_code == 401
    assert browser.get("/api/me/").status_code in (401, 403)


def test_password_reset_with_key_from_mail(browser):
    user = UserFactory(email="forgetful@example.com")
    res = post(browser, "/auth/password/request", {"email": "forgetful@example.com"})
    assert res.status_code == 200, res.content
    assert mail.outbox[-1].to == ["forgetful@example.com"]
    key = key_from_mail(r"/accounts/password/reset/key/([^/\s]+)/")

    res = post(browser, "/auth/password/reset", {"key": "1-bogus", "password": NEW_PASSWORD})
    assert res.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    res = post(browser, "/auth/password/reset", {"key": key, "password": NEW_PASSWORD})
    assert res.status_code in (200, 401), res.content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)
    # The key works once.
    res = post(browser, "/auth/password/reset", {"key": key, "password": PASSWORD + "x"})
    assert res.status_code == 400

    res = post(Client(), "/auth/login", {"email": user.email, "password": NEW_PASSWORD})
    assert res.status_code == 200


def test_password_reset_for_unknown_email_reveals_nothing_and_sends_no_key(browser):
    res = post(browser, "/auth/password/request", {"email": "nobody@example.com"})
    assert res.status_code == 200
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


def test_mandatory_verification_blocks_login_until_confirmed(browser, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    res = post(
        browser,
        "/auth/signup",
        {"email": "strict@example.com", "password": PASSWORD, "full_name": "S"},
    )
    assert res.status_code == 401
    flows = {f["id"]: f for f in res.json()["data"]["flows"]}
    assert flows["verify_email"].get("is_pending") is True
    key = key_from_mail(r"/accounts/confirm-email/([^/\s]+)/")

    # Neither a browser log-in nor an API token before the address is confirmed.
    res = post(
        Client(),
        "/auth/login",
        {"email": "strict@example.com", "password": PASSWORD, "full_name": "S"},
    )
    assert res.status_code == 401
    assert res.json()["meta"]["is_authenticated"] is False
    res = Client().post(
        "/api/auth/token/",
        {"email": "strict@example.com", "password": PASSWORD, "full_name": "S"},
        content_type="application/json",
    )
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "email_not_verified"

    res = post(browser, "/auth/email/verify", {"key": key})
    assert res.status_code in (200, 401), res.content
    assert EmailAddress.objects.get(email="strict@example.com").verified

    res = post(
        Client(),
        "/auth/login",
        {"email": "strict@example.com", "password": PASSWORD, "full_name": "S"},
    )
    assert res.status_code == 200, res.content
    res = Client().post(
        "/api/auth/token/",
        {"email": "strict@example.com", "password": PASSWORD, "full_name": "S"},
        content_type="application/json",
    )
    assert res.status_code == 200, res.content
