"""Cross-cutting API behaviour: the schema, the docs, the one error format, translations."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


def test_openapi_schema_generates_without_warnings_or_errors(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text()
    assert "openapi:" in text
    assert "/api/" in text


@pytest.mark.django_db
def test_interactive_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


@pytest.mark.django_db
def test_unauthenticated_request_gets_the_error_format():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    # The schema is public; a protected endpoint answers in the error format.
    assert response.status_code == 200
    response = APIClient().get("/api/me/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] in ("not_authenticated", "authentication_failed")
    assert body["error"]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Authentication credentials were not provided."),
        ("ru", "Учетные данные не были предоставлены."),
        ("uk", "Реквізити перевірки достовірності не надані."),
    ],
)
def test_api_messages_follow_the_request_language(language, expected):
    response = APIClient().get("/api/me/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.json()["error"]["message"] == expected
