"""The Twilio SMS provider against a local HTTP server speaking Twilio's Messages API (no
network): the request it makes (path, basic auth, form fields), the id it reads back, and a
refusal turned into ``SmsError``."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from marketing.sms import ConsoleSmsProvider, SmsError, TwilioSmsProvider, sms_provider


class FakeTwilio(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "form": form}
        )
        if form.get("To") == "+380000000000":
            status, body = (
                400,
                {"code": 21211, "message": "The 'To' number is not valid.", "status": 400},
            )
        else:
            status, body = 201, {"sid": "SM" + "a" * 32, "status": "queued", "to": form.get("To")}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio():
    FakeTwilio.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield TwilioSmsProvider(
        account_sid="AC123",
        auth_token="tok",
        sender="+15005550006",
        base_url=f"http://127.0.0.1:{server.server_address[1]}",
    )
    server.shutdown()
    server.server_close()


def test_twilio_sends_and_reads_the_sid(twilio):
    assert twilio.send(to="+380501112233", text="Привіт & hello") == "SM" + "a" * 32
    [req] = FakeTwilio.requests
    assert req["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert req["auth"] == "Basic " + base64.b64encode(b"AC123:tok").decode()
    assert req["form"] == {"To": "+380501112233", "From": "+15005550006", "Body": "Привіт & hello"}


def test_twilio_refusal_is_an_sms_error(twilio):
    with pytest.raises(SmsError, match=r"400.*not valid"):
        twilio.send(to="+380000000000", text="x")


def test_the_setting_picks_the_provider(settings):
    assert isinstance(sms_provider(), ConsoleSmsProvider)
    settings.MARKETING_SMS = {
        "PROVIDER": "twilio",
        "ACCOUNT_SID": "AC1",
        "AUTH_TOKEN": "t",
        "FROM": "+1",
    }
    provider = sms_provider()
    assert isinstance(provider, TwilioSmsProvider) and provider.base_url == "https://api.twilio.com"
