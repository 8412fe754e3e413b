"""A local HTTP server that answers as DeepL's API (``POST /v2/translate``, the JSON the
official SDK sends and reads) and LibreTranslate's (``POST /translate``) do, for the machine
translation tests. A text is "translated" by a small glossary word by word, else tagged with
the target language (``[EN-GB] …``), so a test can tell the provider's answer from the
original. ``mode``: ``ok``; ``down`` (503 to everything); ``hang`` (no answer until the test
ends: the client's timeout must give up). Every request is recorded."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GLOSSARY = {
    ("uk", "en"): {"Дизельне": "Diesel", "паливо": "fuel", "зимове": "winter", "Пальне": "Fuel"},
    ("en", "uk"): {"Diesel": "Дизельне", "fuel": "паливо"},
}


def fake_translate(text: str, source: str, target: str) -> str:
    words = GLOSSARY.get((source.lower()[:2], target.lower()[:2]))
    if words and any(w in words for w in text.split()):
        return " ".join(words.get(w, w) for w in text.split())
    return f"[{target}] {text}"


class FakeTranslators:
    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[tuple[str, dict, dict]] = []
        self.released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                fake.requests.append((self.path, dict(self.headers), body))
                if fake.mode == "hang":
                    fake.released.wait(10)
                    return
                if fake.mode == "down":
                    return self._answer(503, {"message": "Service unavailable"})
                if self.path == "/v2/translate":
                    if not self.headers.get("Authorization", "").startswith("DeepL-Auth-Key "):
                        return self._answer(403, {"message": "Wrong key"})
                    return self._answer(
                        200,
                        {
                            "translations": [
                                {
                                    "detected_source_language": body.get("source_lang", "EN"),
                                    "text": fake_translate(
                                        t, body.get("source_lang", ""), body["target_lang"]
                                    ),
                                    "billed_characters": len(t),
                                }
                                for t in body["text"]
                            ]
                        },
                    )
                if self.path == "/translate":
                    q = body["q"]
                    texts = q if isinstance(q, list) else [q]
                    out = [fake_translate(t, body["source"], body["target"]) for t in texts]
                    return self._answer(
                        200, {"translatedText": out if isinstance(q, list) else out[0]}
                    )
                return self._answer(404, {"message": "Not found"})

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> FakeTranslators:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
