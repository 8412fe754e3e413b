"""The admin site's participation actions go through the services."""

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.platforms.models import PlatformMembership
from tests.platforms.factories import PlatformFactory, PlatformMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _post(client, action, ids, **extra):
    return client.post(
        reverse("admin:platforms_platformmembership_changelist"),
        {"action": action, "_selected_action": ids, **extra},
    )


def test_refuse_asks_for_a_reason_then_records_it(admin_client):
    m = PlatformMembershipFactory(platform=PlatformFactory(), status="applied")
    response = _post(admin_client, "decide_membership_refuse", [m.pk])
    assert response.status_code == 200
    assert b"reason" in response.content
    assert PlatformMembership.objects.get(pk=m.pk).status == "applied"

    # Without a reason the service refuses and nothing changes.
    _post(admin_client, "decide_membership_refuse", [m.pk], apply="1", reason="")
    assert PlatformMembership.objects.get(pk=m.pk).status == "applied"
    assert not m.events.exists()

    _post(admin_client, "decide_membership_refuse", [m.pk], apply="1", reason="Duplicate account")
    m.refresh_from_db()
    assert (m.status, m.reason) == ("refused", "Duplicate account")
    assert m.events.get().action == "refused"


def test_admin_pages_render(admin_client):
    m = PlatformMembershipFactory(platform=PlatformFactory(), status="applied")
    for name, args in [
        ("admin:platforms_platform_changelist", []),
        ("admin:platforms_platform_change", [m.platform.pk]),
        ("admin:platforms_platformmembership_changelist", []),
        ("admin:platforms_platformmembership_change", [m.pk]),
        ("admin:categories_category_changelist", []),
    ]:
        assert admin_client.get(reverse(name, args=args)).status_code == 200, name
    response = admin_client.get(reverse("admin:categories_category_changelist"), {"q": "Дизельне"})
    assert b"09134200-9" in response.content
