"""`make run` loads the demo with `load_demo`; it must work on a fresh database and again."""

from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.companies.identifiers import normalise
from marketplace.companies.models import Company, Membership
from marketplace.platforms.models import ParticipationStatus, Platform, PlatformMembership
from marketplace.users.models import User


def counts():
    return (
        User.objects.count(),
        Company.objects.count(),
        Membership.objects.count(),
        Platform.objects.count(),
        PlatformMembership.objects.count(),
    )


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates_and_prints_log_ins():
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    printed = out.getvalue()
    for user in User.objects.all():
        assert user.email in printed
        assert user.check_password("tradefloor-demo")


@pytest.mark.django_db
def test_demo_companies_are_verified_participants_with_valid_identifiers():
    call_command("load_demo", stdout=StringIO())
    public = Platform.objects.get(slug="public")
    assert Company.objects.filter(is_buyer=True).exists()
    assert Company.objects.filter(is_supplier=True).count() >= 2
    for company in Company.objects.all():
        assert company.is_verified
        ids = normalise(company.country, company.registration_number, company.tax_id)
        assert (ids.registration_number, ids.tax_id) == (
            company.registration_number,
            company.tax_id,
        )
        assert (
            PlatformMembership.objects.get(platform=public, company=company).status
            == ParticipationStatus.ACCEPTED
        )


@pytest.mark.django_db
def test_demo_users_can_log_in_through_the_login_page(client):
    call_command("load_demo", stdout=StringIO())
    response = client.post(
        "/accounts/login/",
        {"login": "buyer@demo.tradefloor.local", "password": "tradefloor-demo"},
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].email == "buyer@demo.tradefloor.local"
