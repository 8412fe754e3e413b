"""Permission matrix: role x endpoint x (own / foreign) object.

A participation: company A applied to platform P. The roles are people around it; the expected
status says what each may do. Refused requests must leave the tables untouched.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.platforms.factories import (
    BIDDER,
    CompanyFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    dedicated_platform,
    member,
    platform_admin,
    snapshot,
    staff_user,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "stranger",
    "applicant_admin",
    "applicant_bidder",
    "platform_admin",
    "other_platform_admin",
    "staff",
]

# endpoint -> expected status per role (ANON = 401 or 403, as DRF answers)
ANON = "anon"
MATRIX_PUBLIC = {
    "participations_of_platform": [ANON, 403, 403, 403, 200, 403, 200],
    "participation_detail": [ANON, 404, 200, 200, 200, 404, 200],
    "accept": [ANON, 404, 403, 403, 200, 404, 200],
    "refuse": [ANON, 404, 403, 403, 200, 404, 200],
    "suspend": [ANON, 404, 403, 403, 409, 404, 409],  # it is only applied: wrong state
    "platform_update": [ANON, 403, 403, 403, 200, 403, 200],
    "admins_list": [ANON, 403, 403, 403, 200, 403, 200],
    "admins_add": [ANON, 403, 403, 403, 403, 403, 201],
    "participant_add": [ANON, 403, 403, 403, 201, 403, 201],
    "platform_detail": [ANON, 200, 200, 200, 200, 200, 200],
}
# On a dedicated platform, people with no link to it do not even learn it exists.
MATRIX_DEDICATED = {
    **MATRIX_PUBLIC,
    "participations_of_platform": [ANON, 404, 403, 403, 200, 404, 200],
    "platform_update": [ANON, 404, 403, 403, 200, 404, 200],
    "admins_list": [ANON, 404, 403, 403, 200, 404, 200],
    "admins_add": [ANON, 404, 403, 403, 403, 404, 201],
    "participant_add": [ANON, 404, 403, 403, 201, 404, 201],
    "platform_detail": [ANON, 404, 200, 200, 200, 404, 200],
}


def _world(kind):
    platform = dedicated_platform() if kind == "dedicated" else PlatformFactory()
    company = CompanyFactory()
    participation = PlatformMembershipFactory(platform=platform, company=company, status="applied")
    people = {
        "anonymous": None,
        "stranger": member(CompanyFactory()),
        "applicant_admin": member(company),
        "applicant_bidder": member(company, BIDDER),
        "platform_admin": platform_admin(platform),
        "other_platform_admin": platform_admin(PlatformFactory()),
        "staff": staff_user(),
    }
    return platform, participation, people


def _call(client, endpoint, platform, participation):
    p, m = platform.pk, participation.pk
    newcomer = CompanyFactory()
    calls = {
        "participations_of_platform": (
            "get",
            "platform-participation-list",
            {"platform_id": p},
            None,
        ),
        "participation_detail": ("get", "participation-detail", {"participation_id": m}, None),
        "accept": ("post", "participation-accept", {"participation_id": m}, {}),
        "refuse": ("post", "participation-refuse", {"participation_id": m}, {"reason": "No"}),
        "suspend": ("post", "participation-suspend", {"participation_id": m}, {"reason": "No"}),
        "platform_update": ("patch", "platform-detail", {"platform_id": p}, {"name": "New"}),
        "admins_list": ("get", "platform-admin-list", {"platform_id": p}, None),
        "admins_add": (
            "post",
            "platform-admin-list",
            {"platform_id": p},
            {"email": "x@example.com"},
        ),
        "participant_add": (
            "post",
            "platform-participation-add",
            {"platform_id": p},
            {"company": newcomer.pk},
        ),
        "platform_detail": ("get", "platform-detail", {"platform_id": p}, None),
    }
    method, name, kwargs, body = calls[endpoint]
    target = reverse(f"api:{name}", kwargs=kwargs)
    return getattr(client, method)(target, body) if body is not None else client.get(target)


def _cases(matrix, kind):
    for endpoint, statuses in matrix.items():
        for role, expected in zip(ROLES, statuses, strict=True):
            yield pytest.param(kind, endpoint, role, expected, id=f"{kind}-{endpoint}-{role}")


@pytest.mark.parametrize(
    ("kind", "endpoint", "role", "expected"),
    [*_cases(MATRIX_PUBLIC, "public"), *_cases(MATRIX_DEDICATED, "dedicated")],
)
def test_permission_matrix(kind, endpoint, role, expected):
    platform, participation, people = _world(kind)
    UserFactory(email="x@example.com")
    user = people[role]
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    before = snapshot()
    response = _call(client, endpoint, platform, participation)
    if expected == ANON:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected, response.content
    if response.status_code >= 400:
        assert "error" in response.json()
        assert snapshot() == before
