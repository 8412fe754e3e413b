"""Every operation of the REST API's OpenAPI schema, fed inputs generated from the schema and
beyond it by schemathesis (hypothesis underneath), as a signed-in company admin: no answer is a
server error (issue 20). Bounded: a few examples per operation, on whatever database the suite
runs (PostgreSQL in CI)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from marketplace.companies.models import MembershipRole
from tests.factories import CompanyFactory, member

pytestmark = pytest.mark.django_db
EXAMPLES = 10
# Revoking the caller's own token would leave every later operation unauthenticated.
SKIPPED = {("DELETE", "/api/auth/token/")}


statuses: dict[int, int] = {}


def exercise(operation, headers: dict, failures: list[str]) -> None:
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append(
                f"{operation.method.upper()} {operation.path} -> {response.status_code}: "
                f"{case.path_parameters} {case.query} {str(case.body)[:200]}"
            )

    run()


@pytest.fixture
def connections_kept():
    """The test's transaction must outlive each request: Django's test client stops requests
    from closing the connection; schemathesis calls the WSGI app directly, so do the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_input_makes_a_server_error(connections_kept):
    token = Token.objects.create(user=member(CompanyFactory(), MembershipRole.COMPANY_ADMIN)).key
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    headers = {"Authorization": f"Token {token}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        operations += 1

        exercise(operation, headers, failures)
    assert operations > 50
    assert sum(statuses.values()) >= operations  # every operation was called
    assert not failures, "\n".join(failures[:20])
