"""The page an invitation e-mail links to."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.companies.models import Invitation, Membership, MembershipRole
from tests.factories import PASSWORD, CompanyFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    company = CompanyFactory(legal_name="Canary Steel Ltd")
    return Invitation.objects.create(
        company=company,
        email="newcomer@example.com",
        role=MembershipRole.BIDDER,
        invited_by=member(company),
    )


def test_anonymous_visitor_is_sent_to_log_in_first(client, invitation):
    response = client.get(f"/invitations/accept/?token={invitation.token}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_invitee_sees_the_company_and_accepts(client, invitation):
    user = UserFactory(email="newcomer@example.com")
    client.login(email=user.email, password=PASSWORD)
    page = client.get(f"/invitations/accept/?token={invitation.token}")
    assert "Canary Steel Ltd" in page.content.decode()
    response = client.post("/invitations/accept/", {"token": invitation.token})
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=user, company=invitation.company, role=MembershipRole.BIDDER
    ).exists()


def test_someone_else_learns_nothing_and_cannot_accept(client, invitation):
    other = UserFactory(email="intruder@example.com")
    client.login(email=other.email, password=PASSWORD)
    page = client.get(f"/invitations/accept/?token={invitation.token}")
    assert "Canary Steel Ltd" not in page.content.decode()
    response = client.post("/invitations/accept/", {"token": invitation.token})
    assert response.status_code == 403
    assert "newcomer@example.com" in response.content.decode()
    assert not Membership.objects.filter(user=other).exists()


def test_expired_invitation_is_refused_with_a_message(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    user = UserFactory(email="newcomer@example.com")
    client.login(email=user.email, password=PASSWORD)
    response = client.post("/invitations/accept/", {"token": invitation.token})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
