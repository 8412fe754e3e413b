"""One signed POST to a webhook endpoint, safely: HTTPS only, the host resolved once and every
address it resolves to checked (no loopback, private, link-local or reserved address unless
``WEBHOOKS_ALLOW_PRIVATE``), and the connection made to the address that was checked (a second
DNS answer cannot point it elsewhere), certificates verified, no redirects, bounded timeouts and
a bounded read of the answer. Never raises for what the endpoint does: returns an ``Outcome``."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

RESPONSE_READ_LIMIT = 4096


class UnsafeURL(ValueError):
    """The URL may not be called: its message says why, to a person."""


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def timeout_seconds() -> float:
    return float(getattr(settings, "WEBHOOKS_TIMEOUT_SECONDS", 10))


def parse(url: str) -> tuple[urllib3.util.Url, str]:
    """The URL's parts and its host, or UnsafeURL: HTTPS, a host, no user or password in it."""
    try:
        parts = urllib3.util.parse_url((url or "").strip())
    except urllib3.exceptions.LocationParseError:
        raise UnsafeURL(_("This is not a valid URL.")) from None
    if parts.scheme != "https":
        raise UnsafeURL(_("The endpoint must be an https:// URL."))
    host = parts.host
    if not host:
        raise UnsafeURL(_("The URL has no host."))
    if parts.auth:
        raise UnsafeURL(_("Put no user name or password in the URL; verify our signature."))
    return parts, host


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, each allowed, or UnsafeURL."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeURL(_("The host %(host)s cannot be found.") % {"host": host}) from None
    # An IP family's socket address starts with the address as text (typed str | int for all).
    found = (info[4][0] for info in infos)
    addresses = list(dict.fromkeys(a for a in found if isinstance(a, str)))
    if not allow_private():
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise UnsafeURL(
                    _(
                        "The host %(host)s resolves to %(address)s, a private or local address; "
                        "webhooks go only to public addresses."
                    )
                    % {"host": host, "address": address}
                )
    if not addresses:
        raise UnsafeURL(_("The host %(host)s cannot be found.") % {"host": host})
    return addresses


def check(url: str) -> str:
    """The URL as it will be called, or UnsafeURL (at registration; again at each send)."""
    parts, host = parse(url)
    resolve(host, parts.port or 443)
    return parts.url


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body under the secret>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=getattr(settings, "WEBHOOKS_CA_BUNDLE", None) or None)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()

    def done(status: int | None, error: str = "") -> Outcome:
        return Outcome(status, int((time.monotonic() - started) * 1000), error[:1000])

    try:
        parts, host = parse(url)
        port = parts.port or 443
        address = resolve(host, port)[0]
    except UnsafeURL as exc:
        return done(None, str(exc))
    limit = timeout_seconds()
    pool = urllib3.HTTPSConnectionPool(
        host=address,
        port=port,
        server_hostname=host.strip("[]"),
        assert_hostname=host.strip("[]"),
        ssl_context=_context(),
        timeout=urllib3.Timeout(connect=min(5.0, limit), read=limit),
        retries=False,
        maxsize=1,
    )
    host_header = host if port == 443 else f"{host}:{port}"
    try:
        response = pool.urlopen(
            "POST",
            parts.request_uri,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            response.read(RESPONSE_READ_LIMIT)
        finally:
            response.release_conn()
        return done(response.status)
    except urllib3.exceptions.SSLError as exc:
        return done(None, f"TLS: {exc}")
    except urllib3.exceptions.NewConnectionError as exc:  # (a ConnectTimeoutError subclass)
        return done(None, f"connection failed: {exc.__cause__ or exc}")
    except (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.ReadTimeoutError):
        return done(None, f"timed out after {limit:g} s")
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return done(None, f"{type(exc).__name__}: {exc}")
    finally:
        pool.close()
