"""Websocket authentication: the session cookie (browsers) or an API token (programs, bots).

A token comes as ``?token=<key>`` in the URL or an ``Authorization: Token <key>`` header; it
wins over the session. Without either the scope's user is anonymous and the consumer refuses.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from marketplace.core.asyncdb import db_async


@db_async
def _user_for_token(key: str):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


def _token_from_scope(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            parts = value.decode("latin-1").split()
            if len(parts) == 2 and parts[0].lower() == "token":
                return parts[1]
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("token") or [None])[0]


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        key = _token_from_scope(scope)
        if key:
            scope = dict(scope, user=await _user_for_token(key))
        return await super().__call__(scope, receive, send)


def AuthStack(inner):
    """Session authentication first, then a token, when given, overrides it."""
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
