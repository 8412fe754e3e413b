import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.companies.models import Membership, MembershipRole
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db

TOKEN = reverse("api:auth-token")
ME = reverse("api:me")


def test_token_obtained_authenticates_and_is_revoked(api_client, buyer_company):
    user = member(buyer_company, email="api.user@example.com")
    res = api_client.post(TOKEN, {"email": "API.User@example.com", "password": PASSWORD})
    assert res.status_code == 200, res.content
    key = res.json()["token"]
    assert Token.objects.get(user=user).key == key

    client = APIClient()
    assert client.get(ME).status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    res = client.get(ME)
    assert res.status_code == 200
    assert res.json()["email"] == "api.user@example.com"
    # The same token again on a second log-in.
    assert (
        api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}).json()["token"] == key
    )

    assert client.delete(TOKEN).status_code == 204
    assert not Token.objects.filter(user=user).exists()
    res = client.get(ME)
    assert res.status_code in (401, 403)
    assert res.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("email", "password"),
    [("someone@example.com", "wrong-password"), ("nobody@example.com", PASSWORD)],
)
def test_token_wrong_credentials(api_client, email, password):
    UserFactory(email="someone@example.com")
    res = api_client.post(TOKEN, {"email": email, "password": password})
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invalid_credentials"
    assert Token.objects.count() == 0


def test_token_inactive_user_refused(api_client):
    UserFactory(email="gone@example.com", is_active=False)
    res = api_client.post(TOKEN, {"email": "gone@example.com", "password": PASSWORD})
    assert res.status_code == 400
    assert Token.objects.count() == 0


def test_token_bad_input(api_client):
    res = api_client.post(TOKEN, {"email": "not-an-email"})
    assert res.status_code == 400
    assert set(res.json()["error"]["fields"]) == {"email", "password"}


def test_token_revoke_needs_authentication(api_client):
    assert api_client.delete(TOKEN).status_code in (401, 403)


def test_token_endpoint_is_throttled(api_client, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    UserFactory(email="someone@example.com")
    codes = [
        api_client.post(TOKEN, {"email": "someone@example.com", "password": "x"}).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    res = api_client.post(TOKEN, {"email": "someone@example.com", "password": PASSWORD})
    assert res.status_code == 429
    assert res.json()["error"]["code"] == "throttled"
    assert Token.objects.count() == 0


# --- /api/me/ ------------------------------------------------------------------------------


def test_me_shows_profile_and_memberships(client_for, buyer_company, supplier_company):
    user = member(buyer_company, MembershipRole.PROCUREMENT_OFFICER, full_name="Olena K")
    Membership.objects.create(user=user, company=buyer_company, role="company_admin")
    Membership.objects.create(user=user, company=supplier_company, role="bidder")
    res = client_for(user).get(ME)
    assert res.status_code == 200
    body = res.json()
    assert body["full_name"] == "Olena K"
    assert body["memberships"] == [
        {
            "company_id": buyer_company.pk,
            "company_name": "Buyer Ltd",
            "roles": ["company_admin", "procurement_officer"],
        },
        {"company_id": supplier_company.pk, "company_name": "Supplier Ltd", "roles": ["bidder"]},
    ]


def test_me_update_profile(client_for):
    user = UserFactory(email="me@example.com")
    res = client_for(user).patch(
        ME, {"full_name": " Ivan P ", "phone": "+380501112233", "language": "uk"}
    )
    assert res.status_code == 200, res.content
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.language) == ("Ivan P", "+380501112233", "uk")


def test_me_cannot_change_email_or_staff_flag(client_for):
    user = UserFactory(email="me@example.com")
    res = client_for(user).patch(ME, {"email": "other@example.com", "is_staff": True})
    assert res.status_code == 200
    user.refresh_from_db()
    assert (user.email, user.is_staff) == ("me@example.com", False)


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"language": "de"}, "language"), ({"phone": "1" * 41}, "phone")],
)
def test_me_bad_input_changes_nothing(client_for, payload, field):
    user = UserFactory(language="en", phone="")
    res = client_for(user).patch(ME, payload)
    assert res.status_code == 400
    assert field in res.json()["error"]["fields"]
    user.refresh_from_db()
    assert (user.language, user.phone) == ("en", "")


def test_me_needs_login(api_client):
    assert api_client.get(ME).status_code in (401, 403)
    assert api_client.patch(ME, {"full_name": "x"}).status_code in (401, 403)
