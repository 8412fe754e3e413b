"""An account's and a contact's timeline through the API: newest first, paged by cursor (stable
while entries are added), filtered by kind, read by every member, not found for anyone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.models import TimelineEntry
from crm.timeline import timeline_add
from crm.timeline_selectors import cursor_make
from tests.crm.activities_factories import ROLES, CrmWorld, api, client

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def w() -> CrmWorld:
    return CrmWorld()


def add(w: CrmWorld, minutes: int, kind: str = "note", *, contact=None, account=None):
    return timeline_add(
        account=account or w.account,
        contact=contact,
        kind=kind,
        type=kind,
        title=f"{kind} at +{minutes}",
        at=T0 + timedelta(minutes=minutes),
    )


@pytest.fixture
def entries(w) -> list[TimelineEntry]:
    made = [
        add(w, 0, "note"),
        add(w, 10, "event"),
        add(w, 10, "activity", contact=w.contact),  # the same time: ordered by id
        add(w, 10, "note"),
        add(w, 20, "event", contact=w.contact),
        add(w, 30, "activity"),
        add(w, 40, "note", contact=w.contact),
    ]
    add(w, 50, "note", account=w.account2, contact=w.contact2)  # another account's
    return [e for e in made if e is not None]


def newest_first(rows) -> list[int]:
    return [e.pk for e in sorted(rows, key=lambda e: (e.at, e.pk), reverse=True)]


def walk(user, url: str, **params) -> list[int]:
    seen, cursor = [], None
    for _page in range(50):
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        response = client(user).get(url, query)
        assert response.status_code == 200, response.content
        data = response.json()
        seen += [e["id"] for e in data["results"]]
        cursor = data["next"]
        if cursor is None:
            return seen
    raise AssertionError("the pages never ended")


def test_an_accounts_timeline_newest_first_a_page_at_a_time(w, entries):
    url = api("crm-account-timeline", workspace_id=w.ws, account_id=w.account.pk)
    assert walk(w.manager, url, limit=3) == newest_first(entries)
    assert walk(w.manager, url, limit=1) == newest_first(entries)
    assert walk(w.manager, url) == newest_first(entries)
    first = client(w.manager).get(url, {"limit": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    entry = first["results"][0]
    assert set(entry) == {
        "id",
        "at",
        "kind",
        "type",
        "title",
        "body",
        "url",
        "payload",
        "contact",
        "activity",
        "document",
        "actor",
    }


def test_pages_stay_in_step_while_new_entries_arrive(w, entries):
    url = api("crm-account-timeline", workspace_id=w.ws, account_id=w.account.pk)
    first = client(w.manager).get(url, {"limit": 3}).json()
    add(w, 60, "event")  # newer than everything: it belongs before the first page
    add(w, 15, "event")  # older than the first page's last: it shows up further on
    rest = walk(w.manager, url, limit=3, cursor=first["next"])
    shown = [e["id"] for e in first["results"]] + rest
    everything = newest_first(TimelineEntry.objects.filter(account=w.account))
    assert shown == everything[1:]  # all but the newest, each once, in order


def test_kind_filters(w, entries):
    url = api("crm-account-timeline", workspace_id=w.ws, account_id=w.account.pk)
    wanted = [e for e in entries if e.kind in ("event", "activity")]
    assert walk(w.manager, url, limit=2, kind=["event", "activity"]) == newest_first(wanted)
    notes = [e for e in entries if e.kind == "note"]
    assert walk(w.manager, url, kind="note") == newest_first(notes)


def test_a_contacts_timeline(w, entries):
    url = api("crm-contact-timeline", workspace_id=w.ws, contact_id=w.contact.pk)
    about = [e for e in entries if e.contact_id == w.contact.pk]
    assert walk(w.bidder, url, limit=2) == newest_first(about)
    assert walk(w.bidder, url, kind="activity") == [e.pk for e in about if e.kind == "activity"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "MjAzMC0wMS0wMXwx"}, "cursor"),  # a naive time
        ({"cursor": "MDAwMS0wMS0wMVQwMDowMDowMCswNTowMHwx"}, "cursor"),  # before year 1 in UTC
        ({"kind": "gossip"}, "kind"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_bad_parameters_answer_400(w, entries, params, field):
    url = api("crm-account-timeline", workspace_id=w.ws, account_id=w.account.pk)
    response = client(w.manager).get(url, params)
    assert response.status_code == 400, response.content
    assert field in {name.split(".")[0] for name in response.json()["error"]["fields"]}


def test_a_cursor_of_ours_with_an_id_out_of_range_is_refused(w, entries):
    entry = TimelineEntry(at=T0, pk=2**63)
    url = api("crm-account-timeline", workspace_id=w.ws, account_id=w.account.pk)
    response = client(w.manager).get(url, {"cursor": cursor_make(entry)})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_timelines(w, entries, role):
    user = w.people[role]
    account_url = api("crm-account-timeline", workspace_id=w.ws, account_id=w.account.pk)
    contact_url = api("crm-contact-timeline", workspace_id=w.ws, contact_id=w.contact.pk)
    assert client(user).get(account_url).status_code == 200
    assert client(user).get(contact_url).status_code == 200


def test_another_company_gets_404_and_nothing_of_the_timeline(w, entries):
    paths = [
        api("crm-account-timeline", workspace_id=w.ws, account_id=w.account.pk),
        api("crm-contact-timeline", workspace_id=w.ws, contact_id=w.contact.pk),
        # its own workspace with this workspace's ids
        api("crm-account-timeline", workspace_id=w.outsider.pk, account_id=w.account.pk),
        api("crm-contact-timeline", workspace_id=w.outsider.pk, contact_id=w.contact.pk),
    ]
    for user in (w.outsider_admin, w.outsider_manager):
        for path in paths:
            response = client(user).get(path)
            assert response.status_code == 404, path
            assert "at +" not in response.content.decode()
    for path in paths[:2]:
        assert client(None).get(path).status_code in (401, 403)
    # A workspace's own account id, under the right workspace but of another one: 404.
    own = api("crm-account-timeline", workspace_id=w.ws, account_id=w.outsider_account.pk)
    assert client(w.manager).get(own).status_code == 404
