"""When a service we depend on is away (PostgreSQL, Redis), the request is answered 503 with a
``Retry-After`` and the code ``service_unavailable``, as JSON for the API and as a short page
for the pages, instead of a 500: the client can tell "try again shortly" from "a bug".

``api_exception_handler`` answers for the API's views (token authentication and the throttle's
cache fail inside them); ``OutageMiddleware`` answers for the pages. Neither renders a template
or touches the database: both may be what is away.
"""

from __future__ import annotations

import logging

import redis.exceptions
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

OUTAGES = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
)


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGES)


def retry_after() -> int:
    return int(getattr(settings, "OUTAGE_RETRY_AFTER_SECONDS", 5))


def message() -> str:
    return _("The service is briefly unavailable. Try again in a few seconds.")


def body() -> dict:
    return {"error": {"code": "service_unavailable", "message": message()}}


def log(request, exc: BaseException) -> None:
    logger.error(
        "%s %s: a service is away: %s: %s", request.method, request.path, type(exc).__name__, exc
    )


def json_response(request, exc: BaseException) -> JsonResponse:
    log(request, exc)
    response = JsonResponse(body(), status=503)
    response["Retry-After"] = str(retry_after())
    return response


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
            return json_response(request, exception)
        log(request, exception)
        title = escape(_("Tradefloor is briefly unavailable"))
        page = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{escape(message())}</p></body></html>"
        )
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(retry_after())
        return response
