"""Sending an SMS through a provider interface.

``sms_provider()`` picks the provider from the ``MARKETING_SMS`` setting (a dict)::

    MARKETING_SMS = {"PROVIDER": "console"}                       # the default
    MARKETING_SMS = {
        "PROVIDER": "twilio",
        "ACCOUNT_SID": "AC...", "AUTH_TOKEN": "...", "FROM": "+15005550006",
        "BASE_URL": "https://api.twilio.com",                      # optional (tests: a local server)
    }

* ``ConsoleSmsProvider`` logs each message and keeps it in ``ConsoleSmsProvider.outbox`` (as
  Django's locmem e-mail backend keeps ``mail.outbox``): nothing leaves the machine.
* ``TwilioSmsProvider`` calls Twilio's REST API (``POST /2010-04-01/Accounts/<sid>/Messages.json``
  with basic auth, form-encoded ``To``, ``From``, ``Body``) through urllib3, with bounded
  timeouts and no redirects (``retries=False``); the message's ``sid`` is its id. A refusal (4xx/5xx) or a network
  failure raises ``SmsError``."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from typing import ClassVar, Protocol
from urllib.parse import quote

import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

TIMEOUT = urllib3.Timeout(connect=5.0, read=15.0)


class SmsError(Exception):
    """The provider did not take the message."""


class SmsProvider(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Send ``text`` to ``to`` (E.164); the provider's message id."""
        ...


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    message_id: str


class ConsoleSmsProvider:
    outbox: ClassVar[list[SentSms]] = []

    def send(self, *, to: str, text: str) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        self.outbox.append(SentSms(to=to, text=text, message_id=message_id))
        logger.info("SMS to %s (%s): %s", to, message_id, text)
        return message_id


class TwilioSmsProvider:
    def __init__(self, *, account_sid: str, auth_token: str, sender: str, base_url: str) -> None:
        if not (account_sid and auth_token and sender):
            raise ImproperlyConfigured("MARKETING_SMS: twilio needs ACCOUNT_SID, AUTH_TOKEN, FROM")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.pool = urllib3.PoolManager(timeout=TIMEOUT, retries=False)

    def send(self, *, to: str, text: str) -> str:
        url = f"{self.base_url}/2010-04-01/Accounts/{quote(self.account_sid)}/Messages.json"
        headers = urllib3.make_headers(basic_auth=f"{self.account_sid}:{self.auth_token}")
        try:
            response = self.pool.request_encode_body(
                "POST",
                url,
                fields={"To": to, "From": self.sender, "Body": text},
                headers=headers,
                encode_multipart=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise SmsError(f"twilio unreachable: {exc.__class__.__name__}") from exc
        try:
            data = json.loads(response.data or b"{}")
        except ValueError:
            data = {}
        if response.status >= 300 or not data.get("sid"):
            detail = data.get("message") or response.reason or ""
            raise SmsError(f"twilio refused ({response.status}): {detail}"[:400])
        return str(data["sid"])


def sms_provider() -> SmsProvider:
    config = getattr(settings, "MARKETING_SMS", None) or {}
    name = config.get("PROVIDER", "console")
    if name == "console":
        return ConsoleSmsProvider()
    if name == "twilio":
        return TwilioSmsProvider(
            account_sid=config.get("ACCOUNT_SID", ""),
            auth_token=config.get("AUTH_TOKEN", ""),
            sender=config.get("FROM", ""),
            base_url=config.get("BASE_URL", "https://api.twilio.com"),
        )
    raise ImproperlyConfigured(f"MARKETING_SMS: unknown provider {name!r}")
