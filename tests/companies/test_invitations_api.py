import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace.companies.models import Invitation, Membership, MembershipRole
from marketplace.companies.tasks import expire_invitations
from tests.companies.factories import InvitationFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

ACCEPT = reverse("api:invitation-accept")


def invitations_url(company):
    return reverse("api:company-invitation-list", args=[company.pk])


def revoke_url(invitation):
    return reverse("api:company-invitation-revoke", args=[invitation.company_id, invitation.pk])


def state():
    return (
        sorted(Membership.objects.values_list("company_id", "user_id", "role")),
        sorted(Invitation.objects.values_list("pk", "accepted_at", "revoked_at", "expired_at")),
    )


# --- invite --------------------------------------------------------------------------------


def test_admin_invites_and_mail_with_token_goes_out_on_commit(
    client_for, buyer_company, buyer_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        res = client_for(buyer_admin).post(
            invitations_url(buyer_company), {"email": "Colleague@Example.com", "role": "bidder"}
        )
        assert res.status_code == 201, res.content
        assert mail.outbox == []  # nothing sent before the commit
    for callback in callbacks:
        callback()
    invitation = Invitation.objects.get()
    assert invitation.email == "colleague@example.com"
    assert invitation.role == "bidder"
    assert invitation.invited_by == buyer_admin
    assert res.json()["status"] == "open"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["colleague@example.com"]
    assert "Buyer Ltd" in message.subject
    assert f"http://testserver/invitations/accept/?token={invitation.token}" in message.body
    assert "token" not in res.json()  # the token travels only by e-mail


def test_invitation_expires_after_setting_days(client_for, buyer_company, buyer_admin, settings):
    settings.INVITATION_TTL_DAYS = 3
    before = timezone.now()
    client_for(buyer_admin).post(
        invitations_url(buyer_company), {"email": "a@example.com", "role": "bidder"}
    )
    expires = Invitation.objects.get().expires_at
    assert before + timedelta(days=3) <= expires <= timezone.now() + timedelta(days=3)


def test_reinvite_while_open_is_refused(client_for, buyer_company, buyer_admin):
    InvitationFactory(company=buyer_company, email="a@example.com", role="bidder")
    before = state()
    res = client_for(buyer_admin).post(
        invitations_url(buyer_company), {"email": "A@example.com", "role": "account_manager"}
    )
    assert res.status_code == 409
    error = res.json()["error"]
    assert error["code"] == "invitation_already_open"
    assert "a@example.com" in error["message"]
    assert state() == before
    assert mail.outbox == []


def test_expired_invitation_may_be_replaced(
    client_for, buyer_company, buyer_admin, django_capture_on_commit_callbacks
):
    old = InvitationFactory(company=buyer_company, email="a@example.com", expired=True)
    with django_capture_on_commit_callbacks(execute=True):
        res = client_for(buyer_admin).post(
            invitations_url(buyer_company), {"email": "a@example.com", "role": "bidder"}
        )
    assert res.status_code == 201, res.content
    old.refresh_from_db()
    assert old.expired_at is not None
    assert Invitation.objects.filter(company=buyer_company, email="a@example.com").count() == 2
    assert len(mail.outbox) == 1


def test_revoked_invitation_may_be_replaced(client_for, buyer_company, buyer_admin):
    InvitationFactory(company=buyer_company, email="a@example.com", revoked_at=timezone.now())
    res = client_for(buyer_admin).post(
        invitations_url(buyer_company), {"email": "a@example.com", "role": "bidder"}
    )
    assert res.status_code == 201


def test_inviting_a_member_is_refused(client_for, buyer_company, buyer_admin):
    person = member(buyer_company, MembershipRole.BIDDER)
    res = client_for(buyer_admin).post(
        invitations_url(buyer_company), {"email": person.email.upper(), "role": "account_manager"}
    )
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "already_member"
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    [{"email": "nope", "role": "bidder"}, {"email": "a@example.com", "role": "boss"}, {}],
)
def test_invite_bad_input(client_for, buyer_company, buyer_admin, payload):
    res = client_for(buyer_admin).post(invitations_url(buyer_company), payload)
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invalid"
    assert res.json()["error"]["fields"]
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


# --- permission matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["procurement_officer", "bidder", "account_manager"])
def test_non_admin_member_cannot_invite_list_or_revoke(client_for, buyer_company, role):
    invitation = InvitationFactory(company=buyer_company)
    client = client_for(member(buyer_company, role))
    before = state()
    res = client.post(invitations_url(buyer_company), {"email": "x@example.com", "role": "bidder"})
    assert res.status_code == 403
    assert res.json()["error"]["code"] == "not_company_admin"
    assert client.get(invitations_url(buyer_company)).status_code == 403
    assert client.post(revoke_url(invitation)).status_code == 403
    assert state() == before


def test_stranger_gets_404(client_for, buyer_company, supplier_admin):
    invitation = InvitationFactory(company=buyer_company)
    client = client_for(supplier_admin)
    before = state()
    assert (
        client.post(
            invitations_url(buyer_company), {"email": "x@example.com", "role": "bidder"}
        ).status_code
        == 404
    )
    assert client.get(invitations_url(buyer_company)).status_code == 404
    assert client.post(revoke_url(invitation)).status_code == 404
    assert state() == before


def test_admin_cannot_revoke_another_companys_invitation_through_own_company(
    client_for, buyer_company, buyer_admin, supplier_company
):
    foreign = InvitationFactory(company=supplier_company)
    url = reverse("api:company-invitation-revoke", args=[buyer_company.pk, foreign.pk])
    assert client_for(buyer_admin).post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_anonymous_refused(api_client, buyer_company):
    assert api_client.get(invitations_url(buyer_company)).status_code in (401, 403)
    assert api_client.post(ACCEPT, {"token": "x"}).status_code in (401, 403)


# --- list and revoke -----------------------------------------------------------------------


def test_admin_lists_and_filters_by_status(
    client_for, buyer_company, buyer_admin, supplier_company
):
    open_ = InvitationFactory(company=buyer_company)
    expired = InvitationFactory(company=buyer_company, expired=True)
    revoked = InvitationFactory(company=buyer_company, revoked_at=timezone.now())
    InvitationFactory(company=supplier_company)
    client = client_for(buyer_admin)
    res = client.get(invitations_url(buyer_company))
    assert res.status_code == 200
    assert {i["id"] for i in res.json()["results"]} == {open_.pk, expired.pk, revoked.pk}
    for status, expected in (("open", open_), ("expired", expired), ("revoked", revoked)):
        results = client.get(invitations_url(buyer_company), {"status": status}).json()["results"]
        assert [(i["id"], i["status"]) for i in results] == [(expected.pk, status)]


def test_revoke_then_accept_is_refused(client_for, buyer_company, buyer_admin):
    invitee = UserFactory(email="invitee@example.com")
    invitation = InvitationFactory(company=buyer_company, email=invitee.email)
    res = client_for(buyer_admin).post(revoke_url(invitation))
    assert res.status_code == 200
    assert res.json()["status"] == "revoked"
    invitation.refresh_from_db()
    assert invitation.revoked_by == buyer_admin
    res = client_for(invitee).post(ACCEPT, {"token": invitation.token})
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invitation_revoked"
    assert not Membership.objects.filter(user=invitee).exists()
    # Revoking twice is refused clearly.
    res = client_for(buyer_admin).post(revoke_url(invitation))
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "invitation_revoked"


# --- accept --------------------------------------------------------------------------------


def test_accept_creates_membership(
    client_for, buyer_company, buyer_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(buyer_admin).post(
            invitations_url(buyer_company),
            {"email": "new@example.com", "role": "procurement_officer"},
        )
    token = re.search(r"token=([\w-]+)", mail.outbox[0].body).group(1)
    invitee = UserFactory(email="New@Example.com".lower())
    res = client_for(invitee).post(ACCEPT, {"token": token})
    assert res.status_code == 200, res.content
    assert res.json() == {
        "company_id": buyer_company.pk,
        "company_name": "Buyer Ltd",
        "roles": ["procurement_officer"],
    }
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == invitee
    assert invitation.accepted_at is not None
    assert Membership.objects.filter(
        user=invitee, company=buyer_company, role="procurement_officer"
    ).exists()
    # Used once only.
    res = client_for(invitee).post(ACCEPT, {"token": token})
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "invitation_used"


def test_accept_adds_a_role_for_an_existing_member(client_for, buyer_company):
    person = member(buyer_company, MembershipRole.BIDDER)
    invitation = InvitationFactory(
        company=buyer_company, email=person.email, role="account_manager"
    )
    assert client_for(person).post(ACCEPT, {"token": invitation.token}).json()["roles"] == [
        "account_manager",
        "bidder",
    ]


def test_accept_expired_refused(client_for, buyer_company):
    invitee = UserFactory()
    invitation = InvitationFactory(company=buyer_company, email=invitee.email, expired=True)
    before = state()
    res = client_for(invitee).post(ACCEPT, {"token": invitation.token})
    assert res.status_code == 400
    assert res.json()["error"]["code"] == "invitation_expired"
    assert "expired" in res.json()["error"]["message"]
    assert state() == before


def test_accept_with_wrong_account_refused(client_for, buyer_company):
    invitation = InvitationFactory(company=buyer_company, email="right@example.com")
    wrong = UserFactory(email="wrong@example.com")
    before = state()
    res = client_for(wrong).post(ACCEPT, {"token": invitation.token})
    assert res.status_code == 403
    error = res.json()["error"]
    assert error["code"] == "invitation_wrong_account"
    assert "right@example.com" in error["message"]
    assert state() == before


def test_accept_unknown_token(client_for):
    res = client_for(UserFactory()).post(ACCEPT, {"token": "not-a-token"})
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "invitation_not_found"
    res = client_for(UserFactory()).post(ACCEPT, {})
    assert res.status_code == 400


# --- expiry task ---------------------------------------------------------------------------


def test_expire_task_closes_only_expired_open_invitations(settings):
    assert settings.CELERY_BEAT_SCHEDULE["invitations-expire"]["task"] == expire_invitations.name
    expired = InvitationFactory(expired=True)
    open_ = InvitationFactory()
    accepted_late = InvitationFactory(expired=True, accepted_at=timezone.now())
    assert expire_invitations.delay().get() == 1
    for inv in (expired, open_, accepted_late):
        inv.refresh_from_db()
    assert expired.expired_at is not None
    assert open_.expired_at is None
    assert accepted_late.expired_at is None
    assert expire_invitations() == 0  # safe to run again
