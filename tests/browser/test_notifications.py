"""The bell in a browser: a demo supplier has a page open; a notification is made for them in
another process (``manage.py shell`` against the live stack's database, as a listener would);
the bell's count goes up without a reload and a toast says what happened and links to it, then
fades. On the list, "Mark all read" empties the bell, and a second open page follows live.

The notification is made in another process than the server, so its push must cross processes:
this module's stack runs on the Redis channel layer (a throwaway redis-server), as production
does, instead of the embedded in-memory layer that only reaches the server's own sockets."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time

import pytest
from playwright.sync_api import expect

from .stack import LiveStack, free_port

pytestmark = pytest.mark.browser

SUPPLIER = "baltic@demo.tradefloor.local"  # Baltic Freight Supply OÜ
TITLE = "Your question on the demo tender was answered"
URL = "/notifications/settings/"

# Made as a listener makes one: in a transaction, pushed to the person's pages once committed.
NOTIFY = """
from django.db import transaction
from marketplace.users.models import User
from notifications.models import Kind
from notifications.services import notify
user = User.objects.get(email={email!r})
with transaction.atomic():
    made = notify(
        users=[user], kind=Kind.QUESTION_ANSWERED, key={key!r}, url={url!r},
        build=lambda: ({title!r}, "Answer: yes, delivery to Tallinn is fine."),
    )
print(len(made))
"""


def _missing(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def redis_server(workdir):
    """A throwaway redis-server's URL (or the suite's Redis, on a database of its own)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REDIS_URL"):
            yield os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"
            return
        _missing("needs redis-server (apt-get install redis-server) or REDIS_URL")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=0.5) as s,
            ):
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)


@pytest.fixture(scope="module")
def stack(playwright_browser, tmp_path_factory):
    """The demo stack on the Redis channel layer; Celery still eager (no broker). Its auction is
    an hour away, so no "starts soon" reminder is told during the test."""
    workdir = tmp_path_factory.mktemp("stack")
    with redis_server(workdir) as redis_url:
        live = LiveStack(workdir, live_in=3600, duration=600)
        live.env.update({"REDIS_URL": redis_url, "CELERY_BROKER_URL": ""})
        try:
            live.start()
            yield live
        finally:
            live.stop()


def notify(stack, *, email: str, key: str, title: str = TITLE, url: str = URL) -> int:
    code = NOTIFY.format(email=email, key=key, title=title, url=url)
    return int(stack.manage("shell", "-c", code).strip().splitlines()[-1])


def unread(page) -> int:
    return int(page.locator("#bell").get_attribute("data-unread") or 0)


def test_the_bell_goes_up_live_with_a_toast_and_mark_all_read_empties_it(
    stack, new_page, artifacts
):
    page = new_page(email=SUPPLIER)
    page.goto(f"{stack.base_url}/")
    bell = page.locator("#bell")
    count = page.locator("#bell-count")
    # The socket is open and has said the count (the demo may have told this supplier things).
    expect(bell).to_have_attribute("data-connection", "live")
    expect(bell).to_have_attribute("data-unread", re.compile(r"^\d+$"))
    before = unread(page)
    page.evaluate("window.notLoadedAgain = true")

    assert notify(stack, email=SUPPLIER, key="browser-test:answered") == 1

    # Without a reload: the count and its label go up, and a toast links to the notification.
    expect(count).to_have_text(str(before + 1))
    expect(count).to_be_visible()
    expect(bell).to_have_attribute("aria-label", f"Notifications, {before + 1} unread")
    toast = page.locator("#toasts .toast")
    expect(toast).to_have_count(1)
    expect(toast.locator(".toast-title")).to_have_text(TITLE)
    expect(toast.locator(".toast-title")).to_have_attribute("href", URL)
    expect(toast).to_contain_text("delivery to Tallinn")
    assert page.evaluate("window.notLoadedAgain") is True
    page.screenshot(path=artifacts / "notification-toast.png")
    # The toast goes by itself after some seconds.
    expect(toast).to_have_count(0, timeout=15_000)
    assert page.evaluate("window.notLoadedAgain") is True

    # A second page of the same person stays open on the home page while the first reads.
    other = page.context.new_page()
    other.problems = []
    other.on("pageerror", lambda e: other.problems.append(str(e)))
    other.goto(f"{stack.base_url}/")
    expect(other.locator("#bell")).to_have_attribute("data-connection", "live")
    expect(other.locator("#bell-count")).to_have_text(str(before + 1))

    # The list: the new one first and unread, with its link; the settings and subscriptions.
    bell.click()
    page.wait_for_url(f"{stack.base_url}/notifications/")
    first = page.locator("#notifications .notification").first
    expect(first).to_have_class("notification unread")
    expect(first.locator(".notification-title a")).to_have_text(TITLE)
    expect(first.locator(".notification-title a")).to_have_attribute("href", URL)
    expect(page.locator("main a[href='/notifications/settings/']").first).to_be_visible()
    expect(page.locator("main a[href='/notifications/subscriptions/']").first).to_be_visible()
    page.screenshot(path=artifacts / "notifications-list.png", full_page=True)

    page.click("#read-all button")
    page.wait_for_url(f"{stack.base_url}/notifications/")
    expect(page.locator(".messages")).to_contain_text("All notifications are marked read.")
    expect(page.locator("#notifications .notification.unread")).to_have_count(0)
    expect(count).to_be_hidden()
    expect(count).to_have_text("")
    expect(bell).to_have_attribute("aria-label", "Notifications")
    # The other page heard the count change, without a reload.
    expect(other.locator("#bell-count")).to_be_hidden()
    expect(other.locator("#bell")).to_have_attribute("aria-label", "Notifications")
    page.screenshot(path=artifacts / "notifications-read.png", full_page=True)

    # Another one now lands on the list page's bell too.
    assert notify(stack, email=SUPPLIER, key="browser-test:again", title="One more") == 1
    expect(count).to_have_text("1")
    expect(page.locator("#toasts .toast-title")).to_have_text("One more")
    # Marked read alone, in place (htmx): the item and the bell are redrawn.
    page.reload()
    item = page.locator("#notifications .notification").first
    expect(item).to_have_class("notification unread")
    item.locator("button", has_text="Mark read").click()
    expect(item).to_have_class("notification")
    expect(page.locator("#bell-count")).to_be_hidden()
    expect(other.locator("#bell-count")).to_be_hidden()

    # The settings and the subscriptions pages, as they look (no CSP problem on them either).
    page.click("nav.tabs a[href='/notifications/settings/']")
    expect(page.locator("h1")).to_have_text("Notification settings")
    expect(page.locator("#id_tender_match__email")).to_have_value("digest")
    page.screenshot(path=artifacts / "notification-settings.png", full_page=True)
    page.click("nav.tabs a[href='/notifications/subscriptions/']")
    expect(page.locator("h1")).to_have_text("Tender subscriptions")
    expect(page.locator("#subscription-form")).to_be_visible()
    page.screenshot(path=artifacts / "tender-subscriptions.png", full_page=True)

    assert page.problems == [], page.problems
    assert other.problems == [], other.problems
