"""The service desk API: the CRM's permission matrix on the staff endpoints (managers and admins
write, officers and bidders read and get 403 on writes, another company 404, anonymous
refused), the setup endpoints, and the customer's own endpoints (their company's cases, public
messages only, the survey once)."""

from __future__ import annotations

import pytest

from servicedesk import services
from servicedesk.models import Case, CaseMessage, CaseStatus, SlaPolicy
from tests.servicedesk.factories import Desk, api, client, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk() -> Desk:
    return Desk()


def test_the_permission_matrix(desk):
    case = desk.case()
    ws = desk.ws
    reads = [
        api("servicedesk-cases", workspace_id=ws),
        api("servicedesk-case", workspace_id=ws, case_id=case.pk),
        api("servicedesk-case-messages", workspace_id=ws, case_id=case.pk),
        api("servicedesk-queues", workspace_id=ws),
        api("servicedesk-policies", workspace_id=ws),
        api("servicedesk-mailboxes", workspace_id=ws),
    ]
    writes = [
        ("post", api("servicedesk-cases", workspace_id=ws), {"subject": "S", "body": "B"}),
        ("patch", api("servicedesk-case", workspace_id=ws, case_id=case.pk), {"priority": "high"}),
        (
            "post",
            api("servicedesk-case-status", workspace_id=ws, case_id=case.pk),
            {"status": "open"},
        ),
        (
            "post",
            api("servicedesk-case-messages", workspace_id=ws, case_id=case.pk),
            {"body": "Hi", "internal": True},
        ),
        ("post", api("servicedesk-queues", workspace_id=ws), {"name": "Billing"}),
    ]
    for person in (desk.officer, desk.bidder):
        for url in reads:
            assert client(person).get(url).status_code == 200, url
        before = counts()
        for method, url, body in writes:
            answer = getattr(client(person), method)(url, body, format="json")
            assert answer.status_code == 403, (person, url)
            assert answer.json()["error"]["code"] == "crm_read_only"
        assert counts() == before
    for person in (desk.outsider_admin, desk.customer):
        for url in reads:
            assert client(person).get(url).status_code == 404, url
        for method, url, body in writes:
            assert getattr(client(person), method)(url, body, format="json").status_code == 404
    for url in reads:
        assert client().get(url).status_code in (401, 403)
    for person in (desk.manager, desk.admin):
        for method, url, body in writes:
            answer = getattr(client(person), method)(url, body, format="json")
            assert answer.status_code in (200, 201), (person, url, answer.content)
        case.refresh_from_db()
        case.status = CaseStatus.NEW
        case.save()
        desk.queue.__class__.objects.filter(name="Billing").delete()


def test_staff_open_list_reply_and_move(desk):
    c = client(desk.manager)
    answer = c.post(
        api("servicedesk-cases", workspace_id=desk.ws),
        {
            "subject": "Broken pallet",
            "body": "Two pallets broken.",
            "account": desk.account.pk,
            "kind": "complaint",
            "priority": "high",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["account"] == {"id": desk.account.pk, "name": "TOV Romashka"}
    assert data["status"] == "new" and data["first_response_due"] is not None
    case_id = data["id"]
    listed = c.get(api("servicedesk-cases", workspace_id=desk.ws), {"status": "new"}).json()
    assert [row["id"] for row in listed["results"]] == [case_id]
    reply = c.post(
        api("servicedesk-case-messages", workspace_id=desk.ws, case_id=case_id),
        {"body": "Sorry, replacing them."},
        format="json",
    )
    assert reply.status_code == 201 and reply.json()["kind"] == "reply"
    moved = c.post(
        api("servicedesk-case-status", workspace_id=desk.ws, case_id=case_id),
        {"status": "closed"},
        format="json",
    )
    assert moved.json()["status"] == "closed" and moved.json()["closed_at"]
    again = c.post(
        api("servicedesk-case-status", workspace_id=desk.ws, case_id=case_id),
        {"status": "open"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "transition_not_allowed"


def test_assigning_only_to_the_workspace_people(desk):
    case = desk.case()
    url = api("servicedesk-case", workspace_id=desk.ws, case_id=case.pk)
    answer = client(desk.manager).patch(url, {"assignee": desk.outsider_admin.pk}, format="json")
    assert answer.status_code == 400 and "assignee" in answer.json()["error"]["fields"]
    answer = client(desk.manager).patch(url, {"assignee": desk.officer.pk}, format="json")
    assert answer.json()["assignee"]["id"] == desk.officer.pk


def test_a_dispute_names_an_order_between_the_parties_only(desk):
    answer = client(desk.manager).post(
        api("servicedesk-cases", workspace_id=desk.ws),
        {
            "subject": "Late",
            "body": "Late delivery",
            "account": desk.account.pk,
            "kind": "dispute",
            "order": 424242,
        },
        format="json",
    )
    assert answer.status_code == 400 and "order" in answer.json()["error"]["fields"]
    assert Case.objects.count() == 0


def test_setting_a_policy_and_a_mailbox(desk):
    c = client(desk.admin)
    answer = c.post(
        api("servicedesk-policies", workspace_id=desk.ws),
        {
            "name": "Urgent",
            "priority": "urgent",
            "first_response_minutes": 15,
            "resolution_minutes": 120,
            "time_zone": "Europe/Warsaw",
            "weekdays": [0, 1, 2, 3, 4, 5],
            "day_start": "08:00",
            "day_end": "20:00",
            "holiday_country": "pl",
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    policy = SlaPolicy.objects.get(priority="urgent")
    assert policy.holiday_country == "PL" and policy.weekdays == [0, 1, 2, 3, 4, 5]
    bad = c.post(
        api("servicedesk-policies", workspace_id=desk.ws),
        {
            "name": "X",
            "first_response_minutes": 15,
            "resolution_minutes": 60,
            "time_zone": "Mars/Olympus",
        },
        format="json",
    )
    assert bad.status_code == 400 and "time_zone" in bad.json()["error"]["fields"]
    taken = c.post(
        api("servicedesk-mailboxes", workspace_id=desk.ws),
        {"address": "support@workspace.example"},
        format="json",
    )
    assert taken.status_code == 409
    made = c.post(
        api("servicedesk-mailboxes", workspace_id=desk.ws),
        {"address": "help@workspace.example"},
        format="json",
    )
    assert made.status_code == 201


# --- The customer ------------------------------------------------------------------------------


def test_the_customer_sees_their_cases_without_internal_notes(desk):
    case = desk.case(now=None)
    services.case_reply(case_id=case.pk, body="Public answer", author=desk.manager)
    services.case_reply(case_id=case.pk, body="SECRET note", author=desk.manager, internal=True)
    c = client(desk.customer)
    listed = c.get(api("support-cases")).json()
    assert [row["id"] for row in listed["results"]] == [case.pk]
    detail = c.get(api("support-case", case_id=case.pk))
    assert detail.status_code == 200
    bodies = [m["body"] for m in detail.json()["messages"]]
    assert bodies == ["Please check the invoice of order 12.", "Public answer"]
    assert "SECRET" not in detail.content.decode()
    # Another company's person: not found.
    assert client(desk.outsider_admin).get(api("support-case", case_id=case.pk)).status_code == 404
    assert client(desk.outsider_admin).get(api("support-cases")).json()["results"] == []


def test_the_customer_opens_writes_and_rates_once(desk):
    c = client(desk.customer)
    assert c.get(api("support-desks")).json() == [
        {"id": desk.ws, "name": desk.workspace.legal_name}
    ]
    answer = c.post(
        api("support-cases"),
        {"workspace": desk.ws, "subject": "Where is my order?", "body": "It is late."},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(pk=answer.json()["id"])
    assert case.account == desk.account and case.contact == desk.contact
    assert case.opened_by == desk.customer
    wrote = c.post(
        api("support-case-messages", case_id=case.pk), {"body": "Any news?"}, format="json"
    )
    assert wrote.status_code == 201
    early = c.post(api("support-case-survey", case_id=case.pk), {"rating": 5}, format="json")
    assert early.status_code == 409
    services.case_status_change(case_id=case.pk, status="closed")
    assert (
        c.post(
            api("support-case-survey", case_id=case.pk), {"rating": 5}, format="json"
        ).status_code
        == 200
    )
    twice = c.post(api("support-case-survey", case_id=case.pk), {"rating": 1}, format="json")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "survey_answered"
    case.refresh_from_db()
    assert case.survey_rating == 5
    assert CaseMessage.objects.filter(case=case).count() == 2


def test_a_customer_cannot_open_a_case_where_there_is_no_desk_for_them(desk):
    answer = client(desk.outsider_admin).post(
        api("support-cases"), {"workspace": desk.ws, "subject": "S", "body": "B"}, format="json"
    )
    assert answer.status_code == 404 and Case.objects.count() == 0
