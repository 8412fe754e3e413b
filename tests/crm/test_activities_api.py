"""Activities through the REST API: who logs, changes and deletes them, what each list holds,
what input is refused (writing nothing), and the account's timeline kept in step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from crm.activity_selectors import ActivityFilter, activity_list, day_bounds, zone_get
from crm.models import Activity, TimelineEntry
from tests.crm.activities_factories import (
    EDITORS,
    READERS,
    ROLES,
    CrmWorld,
    api,
    client,
    later,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> CrmWorld:
    return CrmWorld()


def create(w: CrmWorld, user, **data):
    body = {"kind": "call", "subject": "Call about winter prices", "account": w.account.pk}
    body.update(data)
    return client(user).post(api("crm-activities", workspace_id=w.ws), body, format="json")


def state() -> dict:
    return {
        "activities": sorted(Activity.objects.values_list()),
        "timeline": sorted(TimelineEntry.objects.values_list()),
    }


# --- Logging ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_of_the_company_may_log_an_activity(w, role):
    user = w.people[role]
    response = create(w, user, due_at=later(hours=2).isoformat())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["subject"] == "Call about winter prices"
    assert data["assignee"]["id"] == user.pk  # left out: the author's own
    assert data["created_by"]["id"] == user.pk
    activity = Activity.objects.get(pk=data["id"])
    assert activity.workspace_id == w.ws and activity.account_id == w.account.pk


def test_an_activity_appears_on_its_accounts_timeline_and_follows_its_changes(w):
    starts = later(days=1).replace(microsecond=0)
    response = create(
        w,
        w.manager,
        kind="meeting",
        subject="Meet the buyer",
        contact=w.contact.pk,
        opportunity=w.opportunity.pk,
        starts_at=starts.isoformat(),
        body="Agenda: prices",
    )
    assert response.status_code == 201, response.content
    activity_id = response.json()["id"]
    entry = TimelineEntry.objects.get(activity_id=activity_id)
    assert (entry.account_id, entry.contact_id, entry.kind) == (
        w.account.pk,
        w.contact.pk,
        "activity",
    )
    assert entry.title == "Meeting: Meet the buyer" and entry.body == "Agenda: prices"
    assert entry.at == starts and entry.type == "activity.meeting"
    assert entry.url == api("crm-activity", workspace_id=w.ws, activity_id=activity_id)

    url = api("crm-activity", workspace_id=w.ws, activity_id=activity_id)
    moved = starts + timedelta(hours=3)
    changed = client(w.manager).patch(
        url, {"subject": "Meet the buyer again", "starts_at": moved.isoformat(), "done": True}
    )
    assert changed.status_code == 200, changed.content
    entry.refresh_from_db()
    assert entry.title == "Meeting: Meet the buyer again" and entry.at == moved
    assert entry.payload["done"] is True
    assert TimelineEntry.objects.filter(activity_id=activity_id).count() == 1

    # Moved to another account: the entry moves, the old account's contact does not follow.
    changed = client(w.manager).patch(url, {"account": w.account2.pk})
    assert changed.status_code == 200, changed.content
    assert changed.json()["contact"] is None and changed.json()["opportunity"] is None
    entry.refresh_from_db()
    assert (entry.account_id, entry.contact_id) == (w.account2.pk, None)

    assert client(w.manager).delete(url).status_code == 204
    assert not Activity.objects.filter(pk=activity_id).exists()
    assert not TimelineEntry.objects.filter(activity_id=activity_id).exists()


def test_a_meeting_gets_an_end_and_a_due_time_from_its_start(w):
    starts = later(days=2).replace(microsecond=0)
    data = create(w, w.officer, kind="meeting", starts_at=starts.isoformat()).json()
    assert datetime.fromisoformat(data["ends_at"]) == starts + timedelta(hours=1)
    assert datetime.fromisoformat(data["due_at"]) == starts
    assert data["ical_uid"].startswith("crm-meeting-") and data["ical_sequence"] == 0


def test_the_assignee_may_be_nobody_or_any_member_of_the_company(w):
    assert create(w, w.officer, assignee=None).json()["assignee"] is None
    assert create(w, w.officer, assignee=w.bidder.pk).json()["assignee"]["id"] == w.bidder.pk


# --- Bad input: a clear 400, nothing written -------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "fax"}, "kind"),
        ({"subject": "  "}, "subject"),
        ({"subject": "x" * 301}, "subject"),
        ({"account": None}, "account"),
        ({"account": 2**63}, "account"),
        ({"due_at": "tomorrow"}, "due_at"),
        ({"kind": "meeting"}, "starts_at"),
        ({"kind": "meeting", "starts_at": "9999-12-31T23:59:59Z"}, "starts_at"),
        ({"due_at": "1000-01-01T00:00:00Z"}, "due_at"),
        ({"remind_at": "2001-01-01T10:00:00Z"}, "remind_at"),
        ({"assignee": None, "remind_at": "2099-01-01T10:00:00Z"}, "remind_at"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_writes_nothing(w, change, field):
    before = state()
    response = create(w, w.manager, **change)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"] and error["message"]
    assert state() == before


def test_rows_of_another_account_or_workspace_are_refused(w):
    before = state()
    cases = [
        ({"account": w.outsider_account.pk}, "account"),
        ({"contact": w.outsider_contact.pk}, "contact"),
        ({"contact": w.contact2.pk}, "contact"),  # this workspace's, another account's
        ({"opportunity": w.opportunity2.pk}, "opportunity"),
        ({"assignee": w.outsider_admin.pk}, "assignee"),
    ]
    for change, field in cases:
        response = create(w, w.manager, **change)
        assert response.status_code == 400, (change, response.content)
        assert field in response.json()["error"]["fields"], change
        assert "Outsider" not in response.content.decode()
    assert state() == before


def test_a_meeting_must_end_after_it_starts(w):
    starts = later(days=1)
    response = create(
        w,
        w.manager,
        kind="meeting",
        starts_at=starts.isoformat(),
        ends_at=(starts - timedelta(minutes=5)).isoformat(),
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()["error"]["fields"]


# --- Who may change and delete ----------------------------------------------------------------


def test_author_assignee_and_editors_may_change_an_activity_other_readers_may_not(w):
    activity_id = create(w, w.officer, assignee=w.bidder.pk).json()["id"]
    url = api("crm-activity", workspace_id=w.ws, activity_id=activity_id)
    for user in (w.officer, w.bidder, w.manager, w.admin):  # author, assignee, editors
        response = client(user).patch(url, {"subject": f"by {user.pk}"})
        assert response.status_code == 200, response.content
    before = state()
    response = client(w.officer2).patch(url, {"subject": "not mine"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "activity_not_yours"
    assert client(w.officer2).delete(url).status_code == 403
    assert state() == before
    assert client(w.officer2).get(url).status_code == 200  # but it may read it
    assert client(w.bidder).delete(url).status_code == 204


@pytest.mark.parametrize("role", EDITORS)
def test_editors_may_delete_anyones_activity(w, role):
    activity_id = create(w, w.officer).json()["id"]
    url = api("crm-activity", workspace_id=w.ws, activity_id=activity_id)
    assert client(w.people[role]).delete(url).status_code == 204


@pytest.mark.parametrize("role", READERS)
def test_readers_may_delete_their_own(w, role):
    activity_id = create(w, w.people[role]).json()["id"]
    url = api("crm-activity", workspace_id=w.ws, activity_id=activity_id)
    assert client(w.people[role]).delete(url).status_code == 204


def test_another_company_gets_404_everywhere_even_with_this_workspaces_ids(w):
    activity_id = create(w, w.manager, kind="meeting", starts_at=later(days=1).isoformat()).json()[
        "id"
    ]
    before = state()
    paths = [
        api("crm-activities", workspace_id=w.ws),
        api("crm-activity", workspace_id=w.ws, activity_id=activity_id),
        api("crm-activity-invitation", workspace_id=w.ws, activity_id=activity_id),
    ]
    for outsider in (w.outsider_admin, w.outsider_manager):
        c = client(outsider)
        for path in paths:
            for method in ("get", "post", "patch", "delete"):
                response = getattr(c, method)(path, {"subject": "x"}, format="json")
                assert response.status_code in (404, 405), (method, path, response.status_code)
                assert "Call about" not in response.content.decode()
        # Its own workspace's address with this workspace's activity id: not found either.
        own = api("crm-activity", workspace_id=w.outsider.pk, activity_id=activity_id)
        assert c.get(own).status_code == 404
        assert c.patch(own, {"subject": "x"}).status_code == 404
        assert c.delete(own).status_code == 404
    assert state() == before


def test_anonymous_is_refused(w):
    anonymous = client(None)
    for path in (
        api("crm-activities", workspace_id=w.ws),
        api("crm-activity", workspace_id=w.ws, activity_id=1),
    ):
        assert anonymous.get(path).status_code in (401, 403)
        assert anonymous.post(path, {}).status_code in (401, 403)


def test_an_impossible_id_is_not_found(w):
    path = api("crm-activity", workspace_id=w.ws, activity_id=2**63)
    assert client(w.manager).get(path).status_code == 404
    assert client(w.manager).get(api("crm-activities", workspace_id=2**63)).status_code == 404


# --- Lists -----------------------------------------------------------------------------------


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [a["id"] for a in response.json()["results"]]


def test_the_lists_mine_overdue_today_and_by_row(w):
    now = timezone.now()
    mine_today = create(w, w.officer, due_at=now.isoformat()).json()["id"]
    mine_overdue = create(w, w.officer, due_at=(now - timedelta(days=3)).isoformat()).json()["id"]
    mine_later = create(w, w.officer, due_at=(now + timedelta(days=3)).isoformat()).json()["id"]
    done_overdue = create(
        w, w.officer, due_at=(now - timedelta(days=4)).isoformat(), done=True
    ).json()["id"]
    theirs = create(
        w,
        w.officer,
        assignee=w.bidder.pk,
        account=w.account2.pk,
        contact=w.contact2.pk,
        opportunity=w.opportunity2.pk,
        due_at=(now - timedelta(days=1)).isoformat(),
    ).json()["id"]
    no_due = create(w, w.officer, kind="note").json()["id"]

    url = api("crm-activities", workspace_id=w.ws)
    c = client(w.officer)
    everything = ids(c.get(url))
    # The soonest due first, those without a due time last.
    assert everything == [done_overdue, mine_overdue, theirs, mine_today, mine_later, no_due]
    assert set(ids(c.get(url, {"mine": "true"}))) == {
        mine_today,
        mine_overdue,
        mine_later,
        done_overdue,
        no_due,
    }
    # (The one due "now" at its creation is overdue a moment later.)
    overdue_ids = [i for i in ids(c.get(url, {"overdue": "true"})) if i != mine_today]
    assert overdue_ids == [mine_overdue, theirs]
    mine_overdue_ids = ids(c.get(url, {"overdue": "true", "mine": "true"}))
    assert [i for i in mine_overdue_ids if i != mine_today] == [mine_overdue]
    assert ids(c.get(url, {"today": "true"})) == [mine_today]
    assert c.get(url, {"today": "true"}).json()["timezone"] == "UTC"  # the server's
    assert ids(c.get(url, {"today": "true", "tz": "Asia/Tokyo"})) == [mine_today]
    assert ids(c.get(url, {"done": "true"})) == [done_overdue]
    assert ids(c.get(url, {"account": w.account2.pk})) == [theirs]
    assert ids(c.get(url, {"contact": w.contact2.pk})) == [theirs]
    assert ids(c.get(url, {"opportunity": w.opportunity2.pk})) == [theirs]
    assert ids(c.get(url, {"assignee": w.bidder.pk})) == [theirs]
    assert ids(c.get(url, {"kind": "note"})) == [no_due]
    overdue = {a["id"]: a["overdue"] for a in c.get(url).json()["results"]}
    assert overdue[mine_overdue] and not overdue[done_overdue] and not overdue[mine_later]

    page = c.get(url, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 6 and [a["id"] for a in page["results"]] == everything[2:4]


def test_bad_list_parameters_answer_400(w):
    url = api("crm-activities", workspace_id=w.ws)
    for params, field in (
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"kind": "fax"}, "kind"),
        ({"account": "abc"}, "account"),
        ({"mine": "perhaps"}, "mine"),
    ):
        response = client(w.manager).get(url, params)
        assert response.status_code == 400, params
        assert field in response.json()["error"]["fields"]


def test_today_is_the_day_in_the_zone_asked_for(w):
    now = datetime(2025, 3, 10, 22, 30, tzinfo=UTC)  # already 11 March in Kyiv (UTC+2)
    noon_utc = Activity.objects.create(
        workspace=w.company,
        kind="task",
        subject="noon",
        account=w.account,
        due_at=datetime(2025, 3, 10, 12, 0, tzinfo=UTC),
    )
    kyiv_morning = Activity.objects.create(
        workspace=w.company,
        kind="task",
        subject="morning in Kyiv",
        account=w.account,
        due_at=datetime(2025, 3, 11, 6, 0, tzinfo=UTC),
    )
    today = ActivityFilter(today=True)

    def listed(zone):
        return list(
            activity_list(user=w.manager, workspace_id=w.ws, filters=today, zone=zone, now=now)
        )

    assert listed(zone_get(name="UTC")) == [noon_utc]
    assert listed(zone_get(name="Europe/Kyiv")) == [kyiv_morning]
    start, end = day_bounds(zone=zone_get(name="Europe/Kyiv"), now=now)
    assert (start.astimezone(UTC), end - start) == (
        datetime(2025, 3, 10, 22, 0, tzinfo=UTC),
        timedelta(days=1),
    )


def test_lists_of_another_workspace_hold_none_of_its_rows(w):
    create(w, w.manager)
    own = client(w.outsider_manager).get(api("crm-activities", workspace_id=w.outsider.pk))
    assert own.status_code == 200 and own.json()["count"] == 0


def test_a_person_who_left_the_company_loses_the_workspace(w):
    leaver = member(w.company, "bidder")
    activity_id = create(w, leaver).json()["id"]
    leaver.memberships.all().delete()
    url = api("crm-activity", workspace_id=w.ws, activity_id=activity_id)
    assert client(leaver).get(url).status_code == 404
    assert client(leaver).patch(url, {"subject": "x"}).status_code == 404


def test_an_activity_whose_assignee_left_may_still_be_edited_but_not_given_to_a_stranger(w):
    leaver = member(w.company, "bidder")
    activity_id = create(w, w.manager, assignee=leaver.pk).json()["id"]
    leaver.memberships.all().delete()
    url = api("crm-activity", workspace_id=w.ws, activity_id=activity_id)
    response = client(w.manager).patch(url, {"subject": "Still to do"})
    assert response.status_code == 200, response.content
    response = client(w.manager).patch(url, {"assignee": w.outsider_admin.pk})
    assert response.status_code == 400
    assert "assignee" in response.json()["error"]["fields"]
