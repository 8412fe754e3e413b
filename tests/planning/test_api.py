"""The planning API: the round trip, the permission matrix (a manager edits, a member reads, a
stranger finds no draft and reads a published plan without its tenders or fact, anonymous is
refused), the error format, ids out of range, and the CSV."""

from __future__ import annotations

import pytest

from planning import services
from planning.models import PlanLine, PlanLineTender, ProcurementPlan

from .factories import YEAR, Plans, api, client, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> Plans:
    return Plans()


@pytest.fixture
def plan(w):
    plan = w.plan(title="Buyer plan 2026")
    line = w.line(plan, category=w.root)
    tender = w.tender(title="Linked diesel tender")
    services.line_link_tender(
        actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=tender.pk
    )
    w.award(tender.lots.get(), "80000.00", start="100000.00")
    return plan


def test_the_round_trip(w):
    c = client(w.officer)
    made = c.post(
        api("planning-plans"),
        {"buyer": w.buyer.pk, "year": YEAR, "title": "Plan", "currency": "UAH"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    plan_id = made.json()["id"]
    assert made.json()["buyer"] == {"id": w.buyer.pk, "legal_name": w.buyer.legal_name}
    assert made.json()["status"] == "draft" and made.json()["lines"] == 0

    line = c.post(
        api("planning-lines", plan_id=plan_id),
        {
            "category": w.root.pk,
            "quarter": 2,
            "description": "Diesel",
            "budget": "250000.00",
            "auction_format": "english",
        },
        format="json",
    )
    assert line.status_code == 201, line.json()
    body = line.json()
    assert body["budget"] == "250000.00" and body["currency"] == "UAH"
    assert body["category"]["code"] == "TR000000" and body["tenders"] == []
    line_id = body["id"]

    changed = c.patch(
        api("planning-line", plan_id=plan_id, line_id=line_id), {"quarter": 3}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["quarter"] == 3

    tender = w.tender(lots=2)
    lot = tender.lots.order_by("number").first()
    linked = c.post(
        api("planning-line-tenders", plan_id=plan_id, line_id=line_id),
        {"tender": tender.pk, "lot": lot.pk},
        format="json",
    )
    assert linked.status_code == 201, linked.json()
    [link] = linked.json()["tenders"]
    assert (link["tender"], link["lot"], link["lot_number"]) == (tender.pk, lot.pk, 1)

    published = c.post(api("planning-plan-publish", plan_id=plan_id))
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["published_at"]

    fact = c.get(api("planning-fact", plan_id=plan_id))
    assert fact.status_code == 200
    [total] = fact.json()["totals"]
    assert (total["currency"], total["budgeted"], total["contracted"]) == (
        "UAH",
        "250000.00",
        "0.00",
    )
    assert fact.json()["rows"][0]["quarter"] == 3

    unlinked = c.delete(
        api("planning-line-tender", plan_id=plan_id, line_id=line_id, link_id=link["id"])
    )
    assert unlinked.status_code == 204
    assert not PlanLineTender.objects.exists()

    listed = c.get(api("planning-plans"))
    assert [p["id"] for p in listed.json()["results"]] == [plan_id]


def test_errors_in_the_one_format(w):
    c = client(w.officer)
    bad = c.post(api("planning-plans"), {"buyer": w.buyer.pk, "year": 1900}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid"
    assert set(bad.json()["error"]["fields"]) == {"year", "title"}
    plan = w.plan()
    again = c.post(
        api("planning-plans"), {"buyer": w.buyer.pk, "year": YEAR, "title": "x"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "plan_exists"
    assert "year" in again.json()["error"]["fields"]
    line = c.post(
        api("planning-lines", plan_id=plan.pk),
        {"category": w.root.pk, "quarter": 1, "description": "x", "budget": "0"},
        format="json",
    )
    assert line.status_code == 400
    assert line.json()["error"]["fields"] == {"budget": ["The budget must be greater than zero."]}
    misfit = c.post(
        api("planning-lines", plan_id=plan.pk),
        {"category": w.elsewhere.pk, "quarter": 1, "description": "Chairs", "budget": "10"},
        format="json",
    )
    tender = w.tender()
    refused = c.post(
        api("planning-line-tenders", plan_id=plan.pk, line_id=misfit.json()["id"]),
        {"tender": tender.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "tender_misfit"
    assert "tender" in refused.json()["error"]["fields"]


@pytest.mark.parametrize("huge", [2**63, 10**30])
def test_ids_out_of_range_are_not_found(w, plan, huge):
    c = client(w.officer)
    assert c.get(f"/api/planning/plans/{huge}/").status_code == 404
    assert c.get(f"/api/planning/plans/{plan.pk}/lines/{huge}/").status_code == 404
    body = c.post(
        api("planning-line-tenders", plan_id=plan.pk, line_id=plan.lines.get().pk),
        {"tender": huge},
        format="json",
    )
    assert body.status_code == 400 and "tender" in body.json()["error"]["fields"]


# --- The permission matrix ---------------------------------------------------------------------


def _writes(plan) -> list[tuple[str, str, dict]]:
    line = plan.lines.get()
    link = PlanLineTender.objects.get(line=line)
    return [
        ("patch", api("planning-plan", plan_id=plan.pk), {"title": "Changed"}),
        ("post", api("planning-plan-publish", plan_id=plan.pk), {}),
        (
            "post",
            api("planning-lines", plan_id=plan.pk),
            {"category": line.category_id, "quarter": 1, "description": "x", "budget": "1"},
        ),
        ("patch", api("planning-line", plan_id=plan.pk, line_id=line.pk), {"quarter": 2}),
        (
            "post",
            api("planning-line-tenders", plan_id=plan.pk, line_id=line.pk),
            {"tender": link.tender_id},
        ),
        (
            "delete",
            api("planning-line-tender", plan_id=plan.pk, line_id=line.pk, link_id=link.pk),
            {},
        ),
        ("delete", api("planning-line", plan_id=plan.pk, line_id=line.pk), {}),
        ("delete", api("planning-plan", plan_id=plan.pk), {}),
    ]


def _reads(plan) -> list[str]:
    line = plan.lines.get()
    return [
        api("planning-plan", plan_id=plan.pk),
        api("planning-lines", plan_id=plan.pk),
        api("planning-line", plan_id=plan.pk, line_id=line.pk),
        api("planning-fact", plan_id=plan.pk),
        api("planning-fact-csv", plan_id=plan.pk),
    ]


def test_a_member_without_the_role_reads_everything_and_writes_nothing(w, plan):
    c = client(w.buyer_bidder)
    for url in _reads(plan):
        assert c.get(url).status_code == 200, url
    lines = c.get(api("planning-lines", plan_id=plan.pk)).json()
    assert lines[0]["tenders"][0]["tender_title"] == "Linked diesel tender"
    before = snapshot()
    for method, url, body in _writes(plan):
        answer = getattr(c, method)(url, body, format="json")
        assert answer.status_code == 403, (method, url, answer.json())
        assert answer.json()["error"]["code"] == "not_plan_manager"
    assert snapshot() == before
    assert c.get(api("planning-plans")).json()["count"] == 1


@pytest.mark.parametrize("who", ["rival_officer", "stranger", "supplier_admin", "platform_admin"])
def test_another_company_finds_no_draft(w, plan, who):
    c = client(getattr(w, who))
    before = snapshot()
    for url in _reads(plan):
        answer = c.get(url)
        assert answer.status_code == 404, url
        assert answer.json()["error"]["code"] == "plan_not_found"
    for method, url, body in _writes(plan):
        answer = getattr(c, method)(url, body, format="json")
        assert answer.status_code == 404, (method, url)
    assert snapshot() == before
    for scope in ("mine", "published"):
        assert c.get(api("planning-plans"), {"scope": scope}).json()["count"] == 0


def test_a_published_plan_is_read_by_anyone_signed_in_without_its_tenders_or_fact(w, plan):
    services.plan_publish(actor=w.officer, plan_id=plan.pk)
    c = client(w.rival_officer)
    assert c.get(api("planning-plan", plan_id=plan.pk)).json()["title"] == "Buyer plan 2026"
    lines = c.get(api("planning-lines", plan_id=plan.pk))
    assert lines.status_code == 200 and lines.json()[0]["tenders"] is None
    assert "Linked diesel tender" not in lines.content.decode()
    for url in (api("planning-fact", plan_id=plan.pk), api("planning-fact-csv", plan_id=plan.pk)):
        answer = c.get(url)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "buyer_members_only"
    listed = c.get(api("planning-plans"), {"scope": "published"}).json()
    assert [p["id"] for p in listed["results"]] == [plan.pk]
    assert c.get(api("planning-plans")).json()["count"] == 0  # not "mine"
    before = snapshot()
    for method, url, body in _writes(plan):
        assert getattr(c, method)(url, body, format="json").status_code == 403, (method, url)
    assert snapshot() == before


def test_anonymous_is_refused(w, plan):
    c = client()
    for url in [*_reads(plan), api("planning-plans")]:
        assert c.get(url).status_code in (401, 403), url
    before = snapshot()
    for method, url, body in _writes(plan):
        assert getattr(c, method)(url, body, format="json").status_code in (401, 403)
    assert snapshot() == before


def test_the_manager_deletes_a_draft(w, plan):
    c = client(w.buyer_admin)
    assert c.delete(api("planning-plan", plan_id=plan.pk)).status_code == 204
    assert not ProcurementPlan.objects.exists() and not PlanLine.objects.exists()


def test_the_csv_download(w, plan):
    answer = client(w.officer).get(
        api("planning-fact-csv", plan_id=plan.pk), HTTP_ACCEPT="text/csv"
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["Cache-Control"] == "private, no-store"
    text = answer.content.decode("utf-8-sig")
    assert "TR000000" in text and "80000.00" in text and "20000.00" in text
