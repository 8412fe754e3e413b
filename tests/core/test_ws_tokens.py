"""API token -> user for websockets, cached in the process (``marketplace.core.ws_tokens``):
read once, and forgotten when the token is revoked or the user changes, in this process at once
and, through a Redis channel, in every other as the message arrives."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from rest_framework.authtoken.models import Token

from marketplace.asgi import application
from marketplace.core import ws_tokens
from marketplace.users import services as user_services
from tests.auctions.engine_setup import Auction
from tests.factories import CompanyFactory, member
from tests.waiting import async_wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    ws_tokens.clear()
    yield
    ws_tokens.clear()


@pytest.fixture
def reads(monkeypatch):
    """How many times the database was asked for a token's user."""
    counted = []
    real = ws_tokens._read

    async def counting(key):
        counted.append(key)
        return await real(key)

    monkeypatch.setattr(ws_tokens, "_read", counting)
    return counted


@sync_to_async
def a_person_with_a_token():
    user = member(CompanyFactory(), "bidder")
    return user, Token.objects.create(user=user).key


async def test_a_token_is_read_once_and_each_socket_gets_its_own_user(reads):
    user, key = await a_person_with_a_token()
    first = await ws_tokens.user_for_token(key)
    second = await ws_tokens.user_for_token(key)
    assert first.pk == second.pk == user.pk and second.is_authenticated
    assert first is not second  # no object shared between sockets
    assert second.email == user.email
    assert reads == [key]


async def test_the_user_read_by_fixed_sql_is_the_orms_field_for_field():
    """The token's user comes from a statement built once (``sql_rows``), not a queryset:
    every column typed as the ORM types it (datetimes, booleans, the language), on SQLite and
    PostgreSQL."""

    @sync_to_async
    def orm_and_socket_users():
        user = member(CompanyFactory(), "bidder", language="uk")
        user.last_login = user.date_joined
        user.save()
        key = Token.objects.create(user=user).key
        return type(user).objects.get(pk=user.pk), key

    user, key = await orm_and_socket_users()
    socket_user = await ws_tokens.user_for_token(key)
    fields = [f.attname for f in type(user)._meta.concrete_fields]
    assert {f: getattr(socket_user, f) for f in fields} == {f: getattr(user, f) for f in fields}
    assert socket_user.last_login is not None and socket_user.is_active is True


async def test_an_unknown_token_is_anonymous_and_not_cached(reads):
    assert isinstance(await ws_tokens.user_for_token("nope"), AnonymousUser)
    assert isinstance(await ws_tokens.user_for_token("nope"), AnonymousUser)
    assert reads == ["nope", "nope"]


async def test_a_revoked_token_is_refused_at_once(reads):
    user, key = await a_person_with_a_token()
    assert (await ws_tokens.user_for_token(key)).pk == user.pk
    await sync_to_async(user_services.auth_token_revoke)(user=user)
    assert isinstance(await ws_tokens.user_for_token(key), AnonymousUser)


async def test_a_deactivated_user_is_refused_at_once(reads):
    user, key = await a_person_with_a_token()
    assert (await ws_tokens.user_for_token(key)).is_authenticated

    @sync_to_async
    def deactivate():
        user.is_active = False
        user.save(update_fields=["is_active"])

    await deactivate()
    assert isinstance(await ws_tokens.user_for_token(key), AnonymousUser)


async def test_the_cache_lives_only_its_ttl(reads, settings):
    settings.WS_TOKEN_CACHE_SECONDS = 0
    _user, key = await a_person_with_a_token()
    await ws_tokens.user_for_token(key)
    await ws_tokens.user_for_token(key)
    assert reads == [key, key]


@pytest.mark.redis
async def test_another_process_revoking_reaches_this_one_through_redis(reads, settings):
    """The other process's revocation is only its message here: the token row goes without
    this process's signal (raw SQL), and the message is what the other process's handler
    publishes."""
    assert settings.REDIS_URL
    user, key = await a_person_with_a_token()
    assert (await ws_tokens.user_for_token(key)).pk == user.pk

    @sync_to_async
    def delete_elsewhere():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM authtoken_token WHERE key = %s", [key])

    await delete_elsewhere()
    assert (await ws_tokens.user_for_token(key)).pk == user.pk  # no message: the entry stands
    ws_tokens._publish(f"t {key}")
    await async_wait_until(lambda: key not in ws_tokens._entries, what="the message")
    assert isinstance(await ws_tokens.user_for_token(key), AnonymousUser)
    assert reads == [key, key]


@pytest.mark.redis
async def test_a_user_changed_elsewhere_is_read_again_once(reads, settings):
    user, key = await a_person_with_a_token()
    await ws_tokens.user_for_token(key)
    await ws_tokens.user_for_token(key)
    assert reads == [key]
    ws_tokens._publish(f"u {user.pk}")
    await async_wait_until(lambda: key not in ws_tokens._entries, what="the message")
    await ws_tokens.user_for_token(key)  # read after the change was seen: kept
    await ws_tokens.user_for_token(key)
    assert reads == [key, key]


@pytest.mark.redis
async def test_entries_read_before_a_lost_subscription_are_read_again(reads, settings):
    """Messages published while the subscription was down are lost: when it is made again,
    every entry read before is read once more from the database."""
    import redis

    _user, key = await a_person_with_a_token()
    await ws_tokens.user_for_token(key)
    listener = ws_tokens._listener()
    first = listener.since
    assert first is not None
    server = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert server.client_kill_filter(_type="pubsub")
    finally:
        server.close()
    await async_wait_until(lambda: listener.since not in (None, first), what="a new subscription")
    await ws_tokens.user_for_token(key)  # read before the new subscription: read again
    await ws_tokens.user_for_token(key)
    assert reads == [key, key]


async def test_a_read_racing_a_revocation_is_not_used_after_it(monkeypatch):
    """A read under way when the revocation is seen (it started before the commit) answers
    its own socket, but its entry is not used by the next one."""
    _user, key = await a_person_with_a_token()
    real, counted = ws_tokens._read, []

    async def racing(key):
        counted.append(key)
        values = await real(key)
        if len(counted) == 1:
            ws_tokens._forget_token_here(key)  # seen while this read was under way
        return values

    monkeypatch.setattr(ws_tokens, "_read", racing)
    await ws_tokens.user_for_token(key)
    await ws_tokens.user_for_token(key)
    await ws_tokens.user_for_token(key)
    assert counted == [key, key]


async def test_entries_are_not_used_while_revocations_cannot_be_heard(reads, settings):
    """With Redis configured but not answering, this process could miss another's
    revocation: every socket's token is read from the database."""
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    _user, key = await a_person_with_a_token()
    for _ in range(3):
        assert (await ws_tokens.user_for_token(key)).is_authenticated
    assert reads == [key, key, key]


async def test_a_socket_opened_with_a_revoked_token_is_refused(settings):
    """Where a bidder's program meets it: its token opens the room; once the person revokes it
    through the API, the same token opens nothing."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    a = await sync_to_async(lambda: Auction(suppliers=1).start())()
    bidder = a.bidders[0]
    key = await sync_to_async(lambda: Token.objects.create(user=bidder).key)()

    async def open_room():
        comm = WebsocketCommunicator(
            application,
            f"/ws/lots/{a.lot.pk}/?token={key}",
            headers=[(b"origin", b"http://testserver")],
            subprotocols=["tradefloor.v1"],
        )
        assert (await comm.connect(timeout=30))[0]
        frame = json.loads(await comm.receive_from(timeout=30))
        await comm.disconnect()
        return frame

    assert (await open_room())["type"] == "snapshot"
    assert (await open_room())["type"] == "snapshot"  # the cached token

    @sync_to_async
    def log_out():
        from rest_framework.test import APIClient

        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api.delete("/api/auth/token/").status_code

    assert await log_out() == 204
    refused = await open_room()
    assert refused["type"] == "refused" and refused["code"] == "not_authenticated", refused
    channel_layers.backends.clear()


async def test_sockets_asking_together_wait_for_one_read(reads):
    import asyncio

    user, key = await a_person_with_a_token()
    users = await asyncio.gather(*(ws_tokens.user_for_token(key) for _ in range(20)))
    assert {u.pk for u in users} == {user.pk}
    assert len({id(u) for u in users}) == 20
    assert reads == [key]
