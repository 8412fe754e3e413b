"""The OpenAPI schema of the verification endpoints generates without warnings."""

from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


def test_schema_generates_without_warnings():
    patterns = [path("api/", include(("marketplace.verification.api.urls", "api")))]
    GENERATOR_STATS.reset()

    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert not GENERATOR_STATS._warn_cache, dict(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._error_cache)
    paths = schema["paths"]
    upload = paths["/api/verification/companies/{company_id}/documents/upload/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    queue = paths["/api/verification/review/submissions/"]["get"]
    assert {"status", "country", "search", "page"} <= {p["name"] for p in queue["parameters"]}
