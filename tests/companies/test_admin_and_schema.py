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


def _change_form_data(response) -> dict:
    """What the admin's change form would post back unchanged: its fields and inlines."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value is not None and value is not False:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is not None and value is not False:
                    data[sub.add_prefix(name)] = "on" if value is True else value
    return data


def test_company_admin_cannot_set_the_verification_status(staff_client, supplier_company):
    """The verification status and date change only through the verification services (the
    decision, its audit row, the events that close the company's sockets): read-only here."""
    from marketplace.companies.models import Company, VerificationStatus
    from marketplace.verification.models import VerificationDecision

    url = reverse("admin:companies_company_change", args=[supplier_company.pk])
    verified_at = supplier_company.verified_at
    page = staff_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "verification_status" not in form.fields
    assert "verified_at" not in form.fields
    data = _change_form_data(page)
    data.update(
        legal_name="Renamed Supplier Ltd",
        verification_status=VerificationStatus.REJECTED,
        verified_at_0="2001-01-01",
        verified_at_1="00:00:00",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    company = Company.objects.get(pk=supplier_company.pk)
    assert company.legal_name == "Renamed Supplier Ltd"  # the rest of the form still saves
    assert company.verification_status == VerificationStatus.VERIFIED
    assert company.verified_at == verified_at
    assert not VerificationDecision.objects.filter(company=company).exists()
