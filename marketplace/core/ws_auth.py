"""Websocket authentication: the session cookie (browsers) or an API token (programs, bots).

A token comes as ``?token=<key>`` in the URL or an ``Authorization: Token <key>`` header; it
wins over the session. Without either the scope's user is anonymous and the consumer refuses.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import trans_real

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


def socket_language(scope, user) -> str:
    """The language a socket's messages are written in: the page's, as Django's LocaleMiddleware
    chose it for the page that opened the socket (the language cookie, then Accept-Language),
    else the person's own (``user.language``, what a program's socket without either gets),
    else the site's. The room in Ukrainian once got its refusals in the person's English."""
    supported = dict(settings.LANGUAGES)
    cookie = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    for code, _quality in trans_real.parse_accept_lang_header(accept):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    own = getattr(user, "language", None)
    return own if own in supported else settings.LANGUAGE_CODE
