"""Websocket authentication: the session cookie (browsers) or an API token (programs, bots).

A token comes as ``?token=<key>`` in the URL or an ``Authorization: Token <key>`` header; it
wins over the session. Without either the scope's user is anonymous and the consumer refuses.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.translation import trans_real

from marketplace.core import ws_tokens


def _token_from_scope(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            parts = value.decode("latin-1").split()
            if len(parts) == 2 and parts[0].lower() == "token":
                return parts[1]
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("token") or [None])[0]


class TokenOrSessionAuthMiddleware:
    """A token (``ws_tokens``: cached in the process, revocation honoured) when one is given,
    else the session's user as Channels' ``SessionMiddleware`` and ``AuthMiddleware`` find it.
    A socket with a token gets neither: no session looked up (that was a hop to the one
    thread-sensitive thread per socket) and no cookie, session or auth wrapper kept for its
    life (memory per idle socket)."""

    def __init__(self, inner):
        self.inner = inner
        self.by_session = CookieMiddleware(SessionMiddleware(AuthMiddleware(inner)))

    async def __call__(self, scope, receive, send):
        key = _token_from_scope(scope)
        if not key:
            return await self.by_session(scope, receive, send)
        scope = dict(scope, user=await ws_tokens.user_for_token(key))
        return await self.inner(scope, receive, send)


def AuthStack(inner):
    """A token, when given, wins over the session, which is then not looked up at all (nor are
    the cookies parsed into the scope: ``socket_language`` reads its cookie from the headers)."""
    return TokenOrSessionAuthMiddleware(inner)


def _cookies(scope) -> dict:
    """The scope's cookies: parsed by ``CookieMiddleware`` on a session socket, else read
    from the header here."""
    if "cookies" in scope:
        return scope["cookies"]
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            return parse_cookie(value.decode("latin-1"))
    return {}


def socket_language(scope, user) -> str:
    """The language a socket's messages are written in: the page's, as Django's LocaleMiddleware
    chose it for the page that opened the socket (the language cookie, then Accept-Language),
    else the person's own (``user.language``, what a program's socket without either gets),
    else the site's. The room in Ukrainian once got its refusals in the person's English."""
    supported = dict(settings.LANGUAGES)
    cookie = _cookies(scope).get(settings.LANGUAGE_COOKIE_NAME)
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
