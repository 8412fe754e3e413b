"""Outages answer clearly (issue 20, defect 4): with Redis or PostgreSQL away, the API answers
JSON 503 with a Retry-After and the code service_unavailable, the pages a short 503 page;
and an unknown websocket path is refused with 4404, not a server error (defect 2)."""

from __future__ import annotations

import asyncio
import json
import socket
from unittest import mock

import pytest
from channels.testing import WebsocketCommunicator
from django.db import OperationalError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.asgi import application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once it is closed


def assert_503(response):
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "Try again" in response.json()["error"]["message"]


def test_the_api_answers_503_when_redis_is_away(settings):
    # The throttle counts requests in the cache: a real Redis client to a port where no one is.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    user = UserFactory()
    client = APIClient()
    client.force_authenticate(user=user)
    assert_503(client.get("/api/me/"))
    assert_503(APIClient().post("/api/auth/token/", {"email": user.email, "password": "x"}))


def test_the_api_answers_503_when_postgresql_is_away():
    user = UserFactory()
    token = Token.objects.create(user=user)
    down = OperationalError('connection to server at "db" failed: Connection refused')
    with mock.patch(
        "rest_framework.authentication.TokenAuthentication.authenticate_credentials",
        side_effect=down,
    ):
        response = APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert_503(response)


def test_a_page_answers_a_503_page_when_the_database_is_away(client):
    down = OperationalError("the database system is shutting down")
    with mock.patch("frontend.views.tender_selectors.tender_list_for_page", side_effect=down):
        response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"briefly unavailable" in response.content


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/lots/abc/", "/ws/lots/1.5/", "/ws/nope/", "/elsewhere"])
async def test_an_unknown_websocket_path_is_refused_not_an_error(path):
    comm = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://testserver")])
    connected, _ = await comm.connect(timeout=30)
    assert connected
    refused = json.loads(await comm.receive_from(timeout=30))
    assert refused == {"type": "refused", "code": "not_found", "message": "No such websocket path."}
    assert (await comm.receive_output(timeout=30))["code"] == 4404
    # The client answers the close, as a browser does, and the application ends by itself, at
    # once: as a channel-layer consumer it waited on Redis until the 30 s timeout cancelled it
    # (a timeout ``disconnect`` swallows), and left running it once hung a whole-suite run.
    await comm.send_input({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(asyncio.shield(comm.future), timeout=10)  # TimeoutError if it stays
