"""The CRM's activity pages and the calendar feed page, through the test client: my activities
(today, overdue, upcoming, done) and an account's; logging one inline on the account page (htmx:
the section and the timeline redrawn) or on its own page; changing it, marking it done, deleting
it; a meeting's invitation (.ics); making, showing once, rotating and revoking my feed.

Any member may log an activity; only its author, its assignee or an editor may change it (the
buttons are left out for others, and their writes answer 403 writing nothing); another company
gets 404; bad input shows the service's message and writes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from crm.activities import activity_create
from crm.activity_selectors import day_bounds, zone_get
from crm.models import Activity, CalendarFeed, TimelineEntry
from tests.crm.activities_factories import BIDDER, MANAGER, OFFICER, ROLES, CrmWorld
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, *args) -> str:
    return reverse(f"frontend:{name}", args=list(args))


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def w() -> CrmWorld:
    return CrmWorld()


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.logout()
        assert client.login(email=user.email, password=PASSWORD)
        return client

    return log_in


def log(w, user, subject: str, *, kind: str = "call", assignee=None, **fields) -> Activity:
    return activity_create(
        user=user,
        workspace_id=w.ws,
        kind=kind,
        subject=subject,
        account_id=fields.pop("account_id", w.account.pk),
        assignee_id=(assignee or user).pk,
        **fields,
    )


def midday_today():
    start, end = day_bounds(zone=zone_get(name=None), now=timezone.now())
    return start + (end - start) / 2


# --- Lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_render_for_each_role(as_user, w, role):
    person = w.people[role]
    mine = log(w, person, "My call")
    c = as_user(person)
    for path in (
        url("crm-activities", w.ws),
        url("crm-activities", w.ws) + "?tab=done",
        url("crm-activities", w.ws) + f"?account={w.account.pk}&tab=upcoming",
        url("crm-activity", w.ws, mine.pk),
        url("crm-activity-create", w.ws) + f"?account={w.account.pk}",
        url("crm-calendar", w.ws),
    ):
        response = c.get(path)
        assert response.status_code == 200, (path, response.status_code)


def test_my_activities_by_tab(as_user, w):
    now = timezone.now()
    today = log(w, w.manager, "Call today", due_at=midday_today())
    overdue = log(w, w.manager, "Overdue task", kind="task", due_at=now - timedelta(days=3))
    upcoming = log(
        w, w.manager, "Meeting next week", kind="meeting", starts_at=now + timedelta(days=7)
    )
    done = log(w, w.manager, "Done note", kind="note", due_at=now - timedelta(days=1), done=True)
    theirs = log(w, w.officer, "Officer call", due_at=midday_today())
    c = as_user(w.manager)

    def shown(tab: str, **query) -> str:
        response = c.get(url("crm-activities", w.ws), {"tab": tab, **query})
        assert response.status_code == 200
        return response.content.decode().split('id="activities"')[1].split("</ul>")[0]

    assert today.subject in shown("today") and theirs.subject not in shown("today")
    assert overdue.subject in shown("overdue") and today.subject not in shown("upcoming")
    assert upcoming.subject in shown("upcoming") and overdue.subject not in shown("upcoming")
    assert done.subject in shown("done") and today.subject not in shown("done")
    assert overdue.subject not in shown("overdue", kind="call")
    # An account's activities: anyone's.
    assert theirs.subject in shown("today", account=w.account.pk)
    # A meeting offers its invitation.
    assert url("crm-activity-ics", w.ws, upcoming.pk) in shown("upcoming")


# --- Logging -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [MANAGER, BIDDER])
def test_logging_a_call_inline_redraws_the_activities_and_the_timeline(as_user, w, role):
    person = w.people[role]
    c = as_user(person)
    response = c.post(
        url("crm-activity-create", w.ws),
        {
            "account": w.account.pk,
            "inline": "1",
            "kind": "call",
            "subject": "Called about prices",
            "due_at": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "contact": w.contact.pk,
            "assignee": person.pk,
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="account-activities">')
    assert "Called about prices" in html.split('id="account-activities"')[1].split("</section>")[0]
    oob = html.split('id="timeline" hx-swap-oob="true"')[1]
    assert "Call: Called about prices" in oob
    activity = Activity.objects.get(subject="Called about prices")
    assert activity.created_by == person and activity.contact == w.contact
    assert TimelineEntry.objects.filter(activity=activity).exists()
    assert url("crm-activity", w.ws, activity.pk) in oob  # the entry links to its source


def test_bad_input_inline_comes_back_with_messages_and_writes_nothing(as_user, w):
    c = as_user(w.manager)
    response = c.post(
        url("crm-activity-create", w.ws),
        {"account": w.account.pk, "inline": "1", "kind": "meeting", "subject": "No start"},
        **HTMX,
    )
    assert response.status_code == 200  # htmx swaps only a 200: the form with its messages
    html = response.content.decode()
    assert "A meeting needs its start time." in html
    assert "hx-swap-oob" not in html
    assert not Activity.objects.filter(subject="No start").exists()
    # A contact of another account.
    response = c.post(
        url("crm-activity-create", w.ws),
        {
            "account": w.account.pk,
            "kind": "call",
            "subject": "Wrong contact",
            "contact": w.contact2.pk,
        },
    )
    assert response.status_code == 400
    assert not Activity.objects.filter(subject="Wrong contact").exists()
    # No subject (the form) on the page of its own.
    response = c.post(url("crm-activity-create", w.ws), {"account": w.account.pk, "kind": "call"})
    assert response.status_code == 400 and Activity.objects.count() == 0


def test_logging_on_its_own_page_and_without_an_account(as_user, w):
    c = as_user(w.officer)
    form = c.get(
        url("crm-activity-create", w.ws), {"account": w.account.pk, "contact": w.contact.pk}
    )
    assert f'<option value="{w.contact.pk}" selected>' in form.content.decode()
    response = c.post(
        url("crm-activity-create", w.ws),
        {"account": w.account.pk, "kind": "task", "subject": "Prepare the offer"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("crm-account", w.ws, w.account.pk)
    assert c.get(url("crm-activity-create", w.ws)).status_code == 302  # open an account first


def test_another_company_cannot_log_or_read(as_user, w):
    mine = log(w, w.manager, "Private call")
    c = as_user(w.outsider_admin)
    assert c.get(url("crm-activities", w.ws)).status_code == 404
    assert c.get(url("crm-activity", w.ws, mine.pk)).status_code == 404
    assert c.get(url("crm-activity-ics", w.ws, mine.pk)).status_code == 404
    assert c.post(url("crm-activity-done", w.ws, mine.pk), {"done": "1"}).status_code == 404
    assert c.post(url("crm-activity-delete", w.ws, mine.pk)).status_code == 404
    response = c.post(
        url("crm-activity-create", w.ws), {"account": w.account.pk, "kind": "call", "subject": "x"}
    )
    assert response.status_code == 404
    # Its own workspace with our account: not found either.
    response = c.post(
        url("crm-activity-create", w.outsider.pk),
        {"account": w.account.pk, "kind": "call", "subject": "x"},
    )
    assert response.status_code == 404
    assert c.get(url("crm-activity", w.outsider.pk, mine.pk)).status_code == 404
    assert Activity.objects.count() == 1
    mine.refresh_from_db()
    assert mine.done_at is None


# --- Changing ------------------------------------------------------------------------------


def test_a_reader_changes_only_its_own_activities(as_user, w):
    others = log(w, w.manager, "The manager's call")
    own = log(w, w.bidder, "The bidder's call")
    c = as_user(w.bidder)
    page = c.get(url("crm-activity", w.ws, others.pk)).content.decode()
    assert (
        'id="activity-form"' not in page and url("crm-activity-delete", w.ws, others.pk) not in page
    )
    listing = c.get(url("crm-activities", w.ws), {"account": w.account.pk, "tab": "upcoming"})
    assert listing.status_code == 200
    assert c.post(url("crm-activity-done", w.ws, others.pk), {"done": "1"}).status_code == 403
    assert (
        c.post(
            url("crm-activity", w.ws, others.pk), {"kind": "call", "subject": "Hijacked"}
        ).status_code
        == 403
    )
    assert c.post(url("crm-activity-delete", w.ws, others.pk)).status_code == 403
    others.refresh_from_db()
    assert others.done_at is None and others.subject == "The manager's call"
    # Its own: marked done from the list (htmx redraws the row).
    response = c.post(url("crm-activity-done", w.ws, own.pk), {"done": "1"}, **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert f'id="activity-{own.pk}"' in row and "Reopen" in row
    own.refresh_from_db()
    assert own.done_at is not None
    assert c.post(url("crm-activity-done", w.ws, own.pk), {"done": "maybe"}).status_code == 400


def test_an_editor_changes_reopens_and_deletes_an_activity(as_user, w):
    activity = log(w, w.officer, "Officer call")
    c = as_user(w.admin)
    page = c.get(url("crm-activity", w.ws, activity.pk)).content.decode()
    assert 'id="activity-form"' in page
    starts = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = c.post(
        url("crm-activity", w.ws, activity.pk),
        {
            "kind": "meeting",
            "subject": "Meet at their office",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "location": "Kyiv",
            "assignee": w.officer.pk,
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.kind == "meeting" and activity.starts_at == starts
    assert activity.ends_at == starts + timedelta(hours=1) and activity.ical_uid
    bad = c.post(
        url("crm-activity", w.ws, activity.pk),
        {
            "kind": "meeting",
            "subject": "Backwards",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert bad.status_code == 400 and "The end must come after the start." in bad.content.decode()
    activity.refresh_from_db()
    assert activity.subject == "Meet at their office"
    done = c.post(
        url("crm-activity-done", w.ws, activity.pk),
        {"done": "1", "next": url("crm-account", w.ws, w.account.pk)},
    )
    assert done["Location"] == url("crm-account", w.ws, w.account.pk)
    away = c.post(
        url("crm-activity-done", w.ws, activity.pk), {"done": "0", "next": "https://evil.example/"}
    )
    assert away["Location"] == url("crm-activities", w.ws)
    activity.refresh_from_db()
    assert activity.done_at is None
    gone = c.post(url("crm-activity-delete", w.ws, activity.pk))
    assert gone["Location"] == url("crm-account", w.ws, w.account.pk)
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not TimelineEntry.objects.filter(activity_id=activity.pk).exists()


def test_a_meetings_invitation_and_none_for_a_call(as_user, w):
    meeting = log(
        w, w.manager, "Kick-off", kind="meeting", starts_at=timezone.now() + timedelta(days=1)
    )
    call = log(w, w.manager, "Quick call")
    c = as_user(w.bidder)
    response = c.get(url("crm-activity-ics", w.ws, meeting.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and meeting.ical_uid in body and "METHOD:REQUEST" in body
    assert c.get(url("crm-activity-ics", w.ws, call.pk)).status_code == 404


# --- The calendar feed ---------------------------------------------------------------------


def _feed_url(html: str) -> str:
    found = re.search(r'id="feed-url"[^>]*|value="([^"]+)"[^>]*id="feed-url"', html)
    match = re.search(r'<input type="text" readonly value="([^"]+)" id="feed-url"', html)
    assert found and match, "no feed address on the page"
    return match.group(1)


def test_the_feed_is_made_shown_once_rotated_and_revoked(as_user, w, client):
    c = as_user(w.officer)
    page = c.get(url("crm-calendar", w.ws)).content.decode()
    assert 'id="feed-create"' in page
    made = c.post(url("crm-calendar", w.ws), {"action": "create"})
    assert made.status_code == 200 and made["Cache-Control"] == "private, no-store"
    address = _feed_url(made.content.decode())
    path = address.split("://", 1)[-1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200  # the feed answers (no session needed)
    again = c.get(url("crm-calendar", w.ws)).content.decode()
    assert address not in again and 'id="feed-rotate"' in again  # shown that once only
    twice = c.post(url("crm-calendar", w.ws), {"action": "create"})
    assert twice.status_code == 409 and any("already have" in t for t in texts(twice))
    rotated = c.post(url("crm-calendar", w.ws), {"action": "rotate"})
    new = _feed_url(rotated.content.decode())
    assert new != address
    c.logout()
    assert client.get("/" + path).status_code == 404  # the old address is dead at once
    c = as_user(w.officer)
    revoked = c.post(url("crm-calendar", w.ws), {"action": "revoke"})
    assert revoked.status_code == 302
    assert not CalendarFeed.objects.filter(user=w.officer, revoked_at__isnull=True).exists()
    none = c.post(url("crm-calendar", w.ws), {"action": "revoke"})
    assert none.status_code == 404 and any("no calendar feed" in t for t in texts(none))
    assert c.post(url("crm-calendar", w.ws), {"action": "steal"}).status_code == 400


def test_another_company_has_no_feed_page_here(as_user, w):
    c = as_user(w.outsider_manager)
    assert c.get(url("crm-calendar", w.ws)).status_code == 404
    assert c.post(url("crm-calendar", w.ws), {"action": "create"}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_officer_is_a_reader_but_may_log(as_user, w):
    c = as_user(w.people[OFFICER])
    response = c.post(
        url("crm-activity-create", w.ws),
        {"account": w.account2.pk, "kind": "note", "subject": "Met at the fair"},
    )
    assert response.status_code == 302
    assert Activity.objects.filter(subject="Met at the fair", created_by=w.officer).exists()
