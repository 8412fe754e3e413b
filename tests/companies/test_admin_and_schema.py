import pytest
from django.urls import reverse

from marketplace.companies.models import Invitation
from tests.companies.factories import InvitationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_company_admin_filters_and_search(staff_client, buyer_company, supplier_company):
    url = reverse("admin:companies_company_changelist")
    res = staff_client.get(
        url, {"verification_status__exact": "verified", "country": "UA", "is_supplier__exact": "1"}
    )
    assert res.status_code == 200
    assert list(res.context["cl"].queryset) == [supplier_company]
    res = staff_client.get(url, {"q": buyer_company.registration_number})
    assert list(res.context["cl"].queryset) == [buyer_company]
    assert (
        staff_client.get(
            reverse("admin:companies_company_change", args=[buyer_company.pk])
        ).status_code
        == 200
    )


def test_membership_and_invitation_admin(staff_client, buyer_company, buyer_admin):
    res = staff_client.get(
        reverse("admin:companies_membership_changelist"), {"q": buyer_admin.email}
    )
    assert res.status_code == 200
    assert [m.user for m in res.context["cl"].queryset] == [buyer_admin]
    open_ = InvitationFactory(company=buyer_company)
    InvitationFactory(company=buyer_company, expired=True)
    res = staff_client.get(reverse("admin:companies_invitation_changelist"), {"status": "open"})
    assert res.status_code == 200
    assert list(res.context["cl"].queryset) == [open_]
    assert Invitation.objects.count() == 2


def test_schema_generates_without_warnings_for_our_endpoints():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    paths = schema["paths"]
    for path in (
        "/api/companies/",
        "/api/companies/{company_id}/",
        "/api/companies/{company_id}/members/",
        "/api/companies/{company_id}/members/{user_id}/",
        "/api/companies/{company_id}/leave/",
        "/api/companies/{company_id}/invitations/",
        "/api/companies/{company_id}/invitations/{invitation_id}/revoke/",
        "/api/invitations/accept/",
        "/api/auth/token/",
        "/api/me/",
    ):
        assert path in paths, path
    ours = ("marketplace/companies", "marketplace/users", "RoleEnum", "RolesEnum")
    noisy = [m for m in messages if any(w in m for w in ours)]
    assert noisy == []
