"""Who may call which verification endpoint, on their own company and on a foreign one.

Strangers and other companies get 404 for a company's verification objects (nothing leaks
that they exist); a member without the company admin role gets 403 for writes; the review
endpoints answer 403 to everyone but platform admins (staff)."""

import pytest
from django.urls import reverse

from marketplace.verification.models import VerificationDecision, VerificationDocument

from .factories import add_document, submit, upload

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "stranger", "other_admin", "bidder", "company_admin", "staff"]


@pytest.fixture
def world(company, company_admin, company_bidder, other_admin, staff, stranger):
    submission = submit(company, company_admin)
    spare = add_document(company, company_admin, document_type="other")
    return {
        "company": company,
        "submission": submission,
        "document": submission.documents.get(),
        "spare": spare,
        "users": {
            "anonymous": None,
            "stranger": stranger,
            "other_admin": other_admin,
            "bidder": company_bidder,
            "company_admin": company_admin,
            "staff": staff,
        },
    }


def call(client, world, endpoint):
    company, submission = world["company"], world["submission"]
    c = {"company_id": company.pk}
    s = {"submission_id": submission.pk}
    if endpoint == "status":
        return client.get(reverse("api:verification-company", kwargs=c))
    if endpoint == "documents":
        return client.get(reverse("api:verification-document-list", kwargs=c))
    if endpoint == "submissions":
        return client.get(reverse("api:verification-submission-list", kwargs=c))
    if endpoint == "download":
        return client.get(
            reverse(
                "api:verification-document-download",
                kwargs={"document_id": world["document"].pk},
            )
        )
    if endpoint == "upload":
        return client.post(
            reverse("api:verification-document-upload", kwargs=c),
            {"file": upload(), "document_type": "charter"},
            format="multipart",
        )
    if endpoint == "delete":
        return client.delete(
            reverse(
                "api:verification-document-delete",
                kwargs={**c, "document_id": world["spare"].pk},
            )
        )
    if endpoint == "submit":
        return client.post(
            reverse("api:verification-submit", kwargs=c),
            {"signatory_name": "A", "signatory_position": "B", "signatory_basis": "charter"},
        )
    if endpoint == "queue":
        return client.get(reverse("api:verification-review-list"))
    if endpoint == "review_detail":
        return client.get(reverse("api:verification-review-detail", kwargs=s))
    if endpoint in {"approve", "reject", "request-info"}:
        return client.post(
            reverse(f"api:verification-review-{endpoint}", kwargs=s), {"reason": "Because"}
        )
    raise AssertionError(endpoint)


ANON = 403  # DRF answers 403 to an anonymous session client (no WWW-Authenticate header)
# endpoint -> expected status per role, in ROLES order
MATRIX = {
    "status": [ANON, 404, 404, 200, 200, 200],
    "documents": [ANON, 404, 404, 200, 200, 200],
    "submissions": [ANON, 404, 404, 200, 200, 200],
    "download": [ANON, 404, 404, 200, 200, 200],
    "upload": [ANON, 404, 404, 403, 201, 403],
    "delete": [ANON, 404, 404, 403, 204, 403],
    # The company is pending: its admin passes the permission check and meets the rule.
    "submit": [ANON, 404, 404, 403, 409, 403],
    "queue": [ANON, 403, 403, 403, 403, 200],
    "review_detail": [ANON, 403, 403, 403, 403, 200],
    "approve": [ANON, 403, 403, 403, 403, 201],
    "reject": [ANON, 403, 403, 403, 403, 201],
    "request-info": [ANON, 403, 403, 403, 403, 201],
}


@pytest.mark.parametrize("endpoint", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client_for, api_client, world, endpoint, role):
    expected = MATRIX[endpoint][ROLES.index(role)]
    user = world["users"][role]
    client = api_client if user is None else client_for(user)
    documents_before = VerificationDocument.objects.count()

    response = call(client, world, endpoint)

    assert response.status_code == expected, (role, endpoint, response.content[:300])
    if expected >= 400:
        assert "error" in response.json()
        assert VerificationDecision.objects.count() == 0
        if endpoint in {"upload", "delete"}:
            assert VerificationDocument.objects.count() == documents_before
    if expected == 404:
        # Nothing about the foreign company leaks into the answer.
        assert world["company"].legal_name not in response.content.decode()
    if expected == 403 and role not in {"anonymous"} and endpoint in {"upload", "delete", "submit"}:
        assert response.json()["error"]["code"] == "not_company_admin"


def test_another_company_lists_only_its_own_documents(client_for, world, other_admin):
    response = client_for(other_admin).get(
        reverse(
            "api:verification-document-list",
            kwargs={"company_id": other_admin.memberships.get().company_id},
        )
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
