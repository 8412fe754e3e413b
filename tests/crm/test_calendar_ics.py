"""The CRM in iCalendar: a meeting's invitation (stable UID, growing SEQUENCE, UTC, organiser
and attendees) and each person's private feed (made, rotated, revoked through the API; read by
its token alone; only what that person may see)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from icalendar import Calendar

from auctions.tenders import applications
from crm.models import Activity, CalendarFeed
from marketplace.companies.models import Membership
from tests.auctions.factories import World
from tests.crm.activities_factories import (
    ROLES,
    CrmWorld,
    account_make,
    api,
    client,
    later,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> CrmWorld:
    return CrmWorld()


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


# --- A meeting's invitation ------------------------------------------------------------------


def meeting(w: CrmWorld, **data) -> dict:
    kyiv = dt_timezone(timedelta(hours=2))
    body = {
        "kind": "meeting",
        "subject": "Price talks",
        "account": w.account.pk,
        "contact": w.contact.pk,
        "assignee": w.bidder.pk,
        "starts_at": datetime(2031, 5, 6, 11, 0, tzinfo=kyiv).isoformat(),
        "location": "Kyiv office",
    }
    body.update(data)
    response = client(w.manager).post(api("crm-activities", workspace_id=w.ws), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def invitation(w: CrmWorld, activity_id: int, user=None):
    url = api("crm-activity-invitation", workspace_id=w.ws, activity_id=activity_id)
    return client(user or w.officer2).get(url)


def test_a_meeting_invitation_has_its_uid_sequence_utc_times_organiser_and_attendees(w):
    data = meeting(w)
    response = invitation(w, data["id"])
    assert "attachment" in response["Content-Disposition"]
    cal = parse(response)
    assert str(cal["method"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(event["uid"]) == data["ical_uid"] and event["sequence"] == 0
    assert event.decoded("dtstart") == datetime(2031, 5, 6, 9, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2031, 5, 6, 10, 0, tzinfo=UTC)
    text = response.content.decode()
    assert "DTSTART:20310506T090000Z" in text and "DTEND:20310506T100000Z" in text
    assert str(event["organizer"]) == f"mailto:{w.manager.email}"
    attendees = {str(a) for a in event["attendee"]}
    assert attendees == {f"mailto:{w.bidder.email}", "mailto:olena@customer.example"}
    assert str(event["summary"]) == "Price talks" and str(event["location"]) == "Kyiv office"


def test_the_sequence_grows_when_the_meeting_changes_and_the_uid_stays(w):
    data = meeting(w)
    url = api("crm-activity", workspace_id=w.ws, activity_id=data["id"])
    c = client(w.manager)

    def uid_and_sequence():
        [event] = parse(invitation(w, data["id"])).walk("VEVENT")
        return str(event["uid"]), event["sequence"]

    assert c.patch(url, {"subject": "Price talks, round 2"}).status_code == 200
    assert uid_and_sequence() == (data["ical_uid"], 1)
    moved = datetime(2031, 5, 7, 9, 0, tzinfo=UTC).isoformat()
    assert c.patch(url, {"starts_at": moved}).status_code == 200
    assert uid_and_sequence() == (data["ical_uid"], 2)
    [event] = parse(invitation(w, data["id"])).walk("VEVENT")
    assert event.decoded("dtend") == datetime(2031, 5, 7, 10, 0, tzinfo=UTC)  # same length
    # Nothing the invitation tells changed: the same sequence.
    assert c.patch(url, {"subject": "Price talks, round 2"}).status_code == 200
    assert c.patch(url, {"remind_at": later(days=1).isoformat()}).status_code == 200
    assert uid_and_sequence() == (data["ical_uid"], 2)


def test_only_a_meeting_has_an_invitation(w):
    response = client(w.manager).post(
        api("crm-activities", workspace_id=w.ws),
        {"kind": "call", "subject": "A call", "account": w.account.pk},
        format="json",
    )
    response = invitation(w, response.json()["id"])
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_a_meeting"


def test_the_invitation_is_not_found_for_another_company(w):
    data = meeting(w)
    assert invitation(w, data["id"], user=w.outsider_admin).status_code == 404
    own = api("crm-activity-invitation", workspace_id=w.outsider.pk, activity_id=data["id"])
    assert client(w.outsider_admin).get(own).status_code == 404


# --- The private feed: managing it -----------------------------------------------------------


def feed_path(w: CrmWorld, suffix: str = "") -> str:
    return api("crm-calendar-feed" + suffix, workspace_id=w.ws)


def new_feed(w: CrmWorld, user) -> str:
    response = client(user).post(feed_path(w))
    assert response.status_code == 201, response.content
    return response.json()["url"]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.mark.parametrize("role", ROLES)
def test_every_member_makes_rotates_and_revokes_a_private_feed(w, role):
    user = w.people[role]
    c = client(user)
    assert c.get(feed_path(w)).json() == {"active": False}
    url = new_feed(w, user)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=user)
    assert feed.token == hashlib.sha256(token.encode()).hexdigest()  # the token is not stored
    state = c.get(feed_path(w)).json()
    assert state["active"] is True and "url" not in state

    again = c.post(feed_path(w))
    assert again.status_code == 409 and again.json()["error"]["code"] == "calendar_feed_exists"

    anonymous = client(None)
    assert anonymous.get(path_of(url)).status_code == 200
    rotated = c.post(feed_path(w, "-rotate"))
    assert rotated.status_code == 201
    new_url = rotated.json()["url"]
    assert new_url != url
    assert anonymous.get(path_of(url)).status_code == 404  # the old address is dead
    assert anonymous.get(path_of(new_url)).status_code == 200

    assert c.delete(feed_path(w)).status_code == 204
    response = anonymous.get(path_of(new_url))
    assert response.status_code == 404 and response.json()["error"]["code"] == (
        "calendar_feed_not_found"
    )
    assert c.delete(feed_path(w)).status_code == 404
    assert CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).count() == 0


def test_another_company_and_anonymous_cannot_manage_this_workspaces_feeds(w):
    new_feed(w, w.manager)
    before = list(CalendarFeed.objects.values_list())
    for path in (feed_path(w), feed_path(w, "-rotate")):
        for method in ("get", "post", "delete"):
            response = getattr(client(w.outsider_admin), method)(path)
            assert response.status_code in (404, 405), (method, path)
            assert getattr(client(None), method)(path).status_code in (401, 403)
    assert list(CalendarFeed.objects.values_list()) == before


def test_unknown_malformed_and_revoked_tokens_are_not_found(w):
    for token in ("x", "a" * 43, "ü" * 30, "a" * 500):
        response = client(None).get(api("crm-calendar-feed-ics", token=token))
        assert response.status_code == 404, token
    url = new_feed(w, w.bidder)
    w.bidder.is_active = False
    w.bidder.save()
    assert client(None).get(path_of(url)).status_code == 404


# --- The private feed: what it holds ---------------------------------------------------------


def test_the_feed_holds_my_activities_in_every_workspace_i_belong_to_and_nothing_else(w):
    other_company = w.counterparty  # the user also works for another company, with a CRM
    Membership.objects.create(user=w.bidder, company=other_company, role="bidder")
    other_account = account_make(other_company, "Their supplier")
    soon = later(days=1)
    mine = Activity.objects.create(
        workspace=w.company,
        kind="task",
        subject="Mine here",
        account=w.account,
        assignee=w.bidder,
        due_at=soon,
    )
    Activity.objects.create(
        workspace=other_company,
        kind="meeting",
        subject="Mine there",
        account=other_account,
        assignee=w.bidder,
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        ical_uid="crm-meeting-there@test",
        ical_sequence=3,
    )
    Activity.objects.create(
        workspace=w.company,
        kind="task",
        subject="Someone else's",
        account=w.account,
        assignee=w.manager,
        due_at=soon,
    )
    Activity.objects.create(
        workspace=w.company,
        kind="task",
        subject="Long ago",
        account=w.account,
        assignee=w.bidder,
        due_at=later(days=-400),
    )
    Activity.objects.create(
        workspace=w.company,
        kind="note",
        subject="No time",
        account=w.account,
        assignee=w.bidder,
    )
    url = new_feed(w, w.bidder)
    cal = parse(client(None).get(path_of(url)))
    found = events(cal)
    summaries = sorted(str(e["summary"]) for e in found.values())
    assert summaries == ["Mine there", "Task: Mine here"]
    there = found["crm-meeting-there@test"]
    assert there["sequence"] == 3 and there.decoded("dtend") - there.decoded("dtstart") == (
        timedelta(hours=2)
    )
    assert f"crm-activity-{mine.pk}@" in " ".join(found)
    assert CalendarFeed.objects.get(user=w.bidder).last_read_at is not None

    # Left the other company: its activities leave the feed.
    Membership.objects.filter(user=w.bidder, company=other_company).delete()
    found = events(parse(client(None).get(path_of(url))))
    assert [str(e["summary"]) for e in found.values()] == ["Task: Mine here"]


def test_the_feed_holds_the_auctions_i_take_part_in_as_buyer_or_admitted_supplier(w):
    world = World()
    tender = world.published()
    lot = tender.lots.get()
    admitted = world.apply(lot, world.supplier)
    applications.application_admit(actor=world.officer, application=admitted)
    world.apply(lot, world.other_supplier)  # applied, not admitted

    def lot_uids(user) -> list[str]:
        feed_response = client(user).post(
            api("crm-calendar-feed", workspace_id=user.memberships.first().company_id)
        )
        cal = parse(client(None).get(path_of(feed_response.json()["url"])))
        return [uid for uid in events(cal) if uid.startswith("auction-lot-")]

    uid = f"auction-lot-{lot.pk}@"
    assert any(u.startswith(uid) for u in lot_uids(world.supplier_bidder))
    assert any(u.startswith(uid) for u in lot_uids(world.officer))
    assert lot_uids(world.other_admin) == []
    assert lot_uids(world.stranger) == []

    feed_response = client(world.supplier_admin).post(
        api("crm-calendar-feed", workspace_id=world.supplier.pk)
    )
    cal = parse(client(None).get(path_of(feed_response.json()["url"])))
    [event] = [e for u, e in events(cal).items() if u.startswith(uid)]
    assert event.decoded("dtstart") == tender.auction_start.astimezone(UTC).replace(microsecond=0)
    assert lot.title in str(event["summary"])
    assert str(event["url"]).endswith(f"/lots/{lot.pk}/")
