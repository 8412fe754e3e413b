"""Unit tests of the companies services, below the API."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.companies import services
from marketplace.companies.models import Company, Invitation, Membership, MembershipRole
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from tests.companies.factories import InvitationFactory, UnverifiedCompanyFactory, valid_edrpou
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def register(user, **kw):
    data = {
        "legal_name": "TOV Test",
        "country": "UA",
        "registration_number": valid_edrpou(),
        "is_buyer": True,
    }
    data.update(kw)
    return services.company_register(user=user, **data)


def test_company_register_creates_admin_membership():
    user = UserFactory()
    company = register(user)
    assert company.verification_status == "unverified"
    assert list(company.memberships.values_list("user", "role")) == [(user.pk, "company_admin")]


def test_company_register_refuses_duplicate_and_writes_nothing():
    code = valid_edrpou()
    register(UserFactory(), registration_number=code)
    with pytest.raises(ConflictError) as exc:
        register(UserFactory(), registration_number=code)
    assert exc.value.code == "identifier_taken"
    assert code in exc.value.message
    assert Company.objects.count() == 1
    assert Membership.objects.count() == 1


def test_company_identifiers_check_says_what_register_would_refuse_and_writes_nothing():
    code = valid_edrpou()
    assert (
        services.company_identifiers_check(
            country="ua", registration_number=f" {code[:4]} {code[4:]} "
        ).registration_number
        == code
    )
    with pytest.raises(ApplicationError) as exc:
        services.company_identifiers_check(country="UA", registration_number=code[:-1] + "x")
    assert exc.value.code == "invalid_identifier"
    assert set(exc.value.fields) == {"registration_number"}
    register(UserFactory(), registration_number=code)
    with pytest.raises(ConflictError) as exc:
        services.company_identifiers_check(country="UA", registration_number=code)
    assert exc.value.code == "identifier_taken"
    assert Company.objects.count() == 1


def test_company_register_db_constraint_backstop_becomes_conflict(monkeypatch):
    """Two registrations racing past the friendly check: the constraint answers, as a 409."""
    code = valid_edrpou()
    register(UserFactory(), registration_number=code)
    monkeypatch.setattr(services, "_check_identifiers_free", lambda **kw: None)
    with pytest.raises(ConflictError) as exc:
        register(UserFactory(), registration_number=code)
    assert exc.value.code == "identifier_taken"
    assert code in exc.value.message
    assert Company.objects.count() == 1


def test_company_update_requires_admin():
    company = UnverifiedCompanyFactory()
    with pytest.raises(PermissionDeniedError):
        services.company_update(
            company=company, user=member(company, MembershipRole.BIDDER), data={"city": "X"}
        )


def test_company_update_refuses_unknown_fields():
    company = UnverifiedCompanyFactory()
    with pytest.raises(ApplicationError) as exc:
        services.company_update(
            company=company, user=member(company), data={"verification_status": "verified"}
        )
    assert exc.value.code == "not_editable"


def test_country_change_locked_after_verification_started():
    company = UnverifiedCompanyFactory(verification_status="pending")
    with pytest.raises(ApplicationError) as exc:
        services.company_update(company=company, user=member(company), data={"country": "PL"})
    assert exc.value.code == "identifiers_locked"
    assert "country" in exc.value.fields


def test_membership_set_roles_and_last_admin_rule():
    company = UnverifiedCompanyFactory()
    admin = member(company)
    person = member(company, MembershipRole.BIDDER)
    assert services.membership_set_roles(
        company=company, actor=admin, person=person, roles=["company_admin", "bidder", "bidder"]
    ) == ["bidder", "company_admin"]
    # Now two admins: the first may step down, then the second may not.
    services.membership_set_roles(company=company, actor=person, person=admin, roles=["bidder"])
    with pytest.raises(ApplicationError) as exc:
        services.membership_set_roles(
            company=company, actor=person, person=person, roles=["bidder"]
        )
    assert exc.value.code == "last_company_admin"
    assert Membership.objects.filter(company=company, role="company_admin").count() == 1


def test_membership_set_roles_rejects_empty_and_unknown():
    company = UnverifiedCompanyFactory()
    admin = member(company)
    with pytest.raises(ApplicationError) as exc:
        services.membership_set_roles(company=company, actor=admin, person=admin, roles=[])
    assert exc.value.code == "no_roles"
    with pytest.raises(ApplicationError) as exc:
        services.membership_set_roles(company=company, actor=admin, person=admin, roles=["x"])
    assert exc.value.code == "unknown_role"


def test_membership_remove_non_member_is_not_found():
    company = UnverifiedCompanyFactory()
    with pytest.raises(NotFoundError):
        services.membership_remove(company=company, actor=member(company), person=UserFactory())


def test_invitation_create_closes_expired_one_and_keeps_one_open():
    company = UnverifiedCompanyFactory()
    admin = member(company)
    old = InvitationFactory(company=company, email="x@example.com", expired=True)
    new = services.invitation_create(
        company=company, invited_by=admin, email="X@Example.com", role="bidder"
    )
    old.refresh_from_db()
    assert old.expired_at is not None
    assert new.email == "x@example.com"
    assert new.is_open
    with pytest.raises(ConflictError):
        services.invitation_create(
            company=company, invited_by=admin, email="x@example.com", role="bidder"
        )


def test_invitation_accept_expired_by_time_even_if_not_marked():
    invitation = InvitationFactory(expires_at=timezone.now() - timedelta(seconds=1))
    user = UserFactory(email=invitation.email)
    with pytest.raises(ApplicationError) as exc:
        services.invitation_accept(token=invitation.token, user=user)
    assert exc.value.code == "invitation_expired"
    assert not Membership.objects.filter(user=user).exists()


def test_invitation_accept_is_whole(monkeypatch):
    """If closing the invitation fails, no membership is left behind."""
    invitation = InvitationFactory()
    user = UserFactory(email=invitation.email)

    def boom(self, *a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Invitation, "save", boom)
    with pytest.raises(RuntimeError):
        services.invitation_accept(token=invitation.token, user=user)
    assert not Membership.objects.filter(user=user).exists()


def test_invitations_expire_is_idempotent():
    InvitationFactory(expired=True)
    InvitationFactory(expired=True, revoked_at=timezone.now())
    assert services.invitations_expire() == 1
    assert services.invitations_expire() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_registrations_racing_one_wins_the_other_gets_409():
    code = valid_edrpou()
    users = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    outcomes: list = []
    real_check = services._check_identifiers_free

    def check_then_wait(**kw):
        real_check(**kw)
        barrier.wait(timeout=60)  # both have passed the friendly check

    def run(user):
        try:
            register(user, registration_number=code)
            outcomes.append("created")
        except ConflictError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    services._check_identifiers_free = check_then_wait
    try:
        threads = [threading.Thread(target=run, args=(u,)) for u in users]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        services._check_identifiers_free = real_check
    assert not any(t.is_alive() for t in threads)
    assert sorted(outcomes) == ["created", "identifier_taken"]
    assert Company.objects.filter(registration_number=code).count() == 1
    assert Membership.objects.filter(company__registration_number=code).count() == 1
