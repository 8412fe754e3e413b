"""Who may see and do what, endpoint by endpoint, and the supplier canary: a supplier's answers
never carry a competitor's name nor the reserve price."""

from __future__ import annotations

import json

import pytest

from auctions.models import Participation
from auctions.tenders import applications, questions
from tests.auctions.factories import World, snapshot, url

pytestmark = pytest.mark.django_db

ACTORS = [
    "officer",
    "buyer_bidder",
    "supplier_admin",
    "unverified_admin",
    "outsider_admin",
    "uncovered_admin",
    "platform_admin",
    "stranger",
    "anonymous",
]


@pytest.fixture
def w():
    world = World()
    world.tender = world.published()
    world.lot = world.tender.lots.get()
    world.application = world.apply(world.lot, company=world.other_supplier)
    world.question = questions.question_ask(
        actor=world.other_admin, tender=world.tender, company=world.other_supplier, text="Grade?"
    )
    world.draft_tender = world.draft(title="Secret draft")
    world.invitation_tender = world.published(
        title="Invite only", participation=Participation.INVITATION
    )
    return world


def client(w, who, client_for, api_client):
    return api_client if who == "anonymous" else client_for(getattr(w, who))


# Reads: expected status per actor.
READS = {
    # published open tender
    # (a public tender: who may not take part is told why, issue 22, not a bare 404)
    "tender": {
        "officer": 200,
        "buyer_bidder": 200,
        "supplier_admin": 200,
        "unverified_admin": 403,
        "outsider_admin": 403,
        "uncovered_admin": 200,
        "platform_admin": 200,
        "stranger": 403,
    },
    "draft": {
        "officer": 200,
        "buyer_bidder": 200,
        "supplier_admin": 404,
        "unverified_admin": 404,
        "outsider_admin": 404,
        "uncovered_admin": 404,
        "platform_admin": 200,
        "stranger": 404,
    },
    "invitation": {
        "officer": 200,
        "buyer_bidder": 200,
        "supplier_admin": 404,
        "unverified_admin": 404,
        "outsider_admin": 404,
        "uncovered_admin": 404,
        "platform_admin": 200,
        "stranger": 404,
    },
    # another supplier's application
    "application": {
        "officer": 200,
        "buyer_bidder": 200,
        "supplier_admin": 404,
        "unverified_admin": 404,
        "outsider_admin": 404,
        "uncovered_admin": 404,
        "platform_admin": 200,
        "stranger": 404,
    },
}


def _read_url(w, what):
    return {
        "tender": url("tender-detail", tender_id=w.tender.pk),
        "draft": url("tender-detail", tender_id=w.draft_tender.pk),
        "invitation": url("tender-detail", tender_id=w.invitation_tender.pk),
        "application": url("application-detail", application_id=w.application.pk),
    }[what]


@pytest.mark.parametrize("what", list(READS))
@pytest.mark.parametrize("who", ACTORS)
def test_read_matrix(w, client_for, api_client, who, what):
    response = client(w, who, client_for, api_client).get(_read_url(w, what))
    if who == "anonymous":
        assert response.status_code in (401, 403)
        return
    assert response.status_code == READS[what][who], (who, what, response.content[:200])
    if response.status_code == 404:
        assert response.json()["error"]["code"].endswith("not_found")
    if response.status_code == 403:
        assert response.json()["error"]["code"] == PUBLIC_REFUSALS[who], response.json()


# Why a person who may not take part in the public tender is refused (the tender is public: its
# existence is no secret); any other tender stays a 404.
PUBLIC_REFUSALS = {
    "unverified_admin": "company_not_verified",
    "outsider_admin": "not_platform_participant",
    "stranger": "not_platform_participant",
}


def test_staff_see_everything(w, client_for):
    c = client_for(w.staff)
    for what in READS:
        assert c.get(_read_url(w, what)).status_code == 200


def test_list_shows_exactly_the_visible_tenders(w, client_for):
    def titles(user):
        rows = client_for(user).get(url("tender-list")).json()["results"]
        return {r["title"] for r in rows}

    everything = {"Diesel for the winter", "Secret draft", "Invite only"}
    assert titles(w.officer) == everything
    assert titles(w.platform_admin) == everything
    assert titles(w.supplier_admin) == {"Diesel for the winter"}
    assert titles(w.outsider_admin) == set()
    assert titles(w.unverified_admin) == set()
    assert titles(w.stranger) == set()


# Writes on the published tender: (method, url builder, body, {who: status}); everyone not
# listed gets 404 (cannot see it) and anonymous 401/403.
def _writes(w):
    lot, tender, app = w.lot, w.tender, w.application
    return [
        (
            "post",
            url("tender-cancel", tender_id=tender.pk),
            {"reason": "x"},
            {
                "buyer_bidder": 403,
                "supplier_admin": 403,
                "uncovered_admin": 403,
                "platform_admin": 403,
            },
        ),
        (
            "post",
            url("tender-publish", tender_id=w.draft_tender.pk),
            None,
            {"buyer_bidder": 403, "platform_admin": 403},
        ),
        (
            "patch",
            url("lot-detail", lot_id=lot.pk),
            {"unit": "kg"},
            {
                "buyer_bidder": 403,
                "supplier_admin": 403,
                "uncovered_admin": 403,
                "platform_admin": 403,
            },
        ),
        (
            "post",
            url("application-admit", application_id=app.pk),
            None,
            {"buyer_bidder": 403, "platform_admin": 403},
        ),
        (
            "post",
            url("application-reject", application_id=app.pk),
            {"reason": "x"},
            {"buyer_bidder": 403, "platform_admin": 403},
        ),
        (
            "post",
            url("application-withdraw", application_id=app.pk),
            None,
            {"buyer_bidder": 403, "platform_admin": 403, "officer": 403},
        ),
        (
            "post",
            url("lot-close-applications", lot_id=lot.pk),
            None,
            {
                "buyer_bidder": 403,
                "supplier_admin": 403,
                "uncovered_admin": 403,
                "platform_admin": 403,
            },
        ),
        (
            "post",
            url("lot-schedule", lot_id=lot.pk),
            None,
            {
                "buyer_bidder": 403,
                "supplier_admin": 403,
                "uncovered_admin": 403,
                "platform_admin": 403,
            },
        ),
        (
            "post",
            url("question-answer", question_id=w.question.pk),
            {"answer": "A"},
            {"buyer_bidder": 403, "platform_admin": 403},
        ),
        (
            "post",
            url("tender-invitation-list", tender_id=w.invitation_tender.pk),
            {"supplier": w.supplier.pk},
            {"buyer_bidder": 403, "platform_admin": 403},
        ),
    ]


@pytest.mark.parametrize("who", [a for a in ACTORS if a != "officer"])
def test_write_matrix_changes_nothing(w, client_for, api_client, who):
    c = client(w, who, client_for, api_client)
    before = snapshot()
    for method, path, body, allowed in _writes(w):
        response = getattr(c, method)(path, body, format="json")
        if who == "anonymous":
            assert response.status_code in (401, 403), path
            continue
        expected = allowed.get(who, 404)
        assert response.status_code == expected, (who, path, response.content[:300])
    assert snapshot() == before


def test_supplier_canary(w, client_for, django_capture_on_commit_callbacks):
    """The supplier's every answer is free of the competitor's name and the reserve price."""
    applications.application_admit(actor=w.officer, application=w.application)
    mine = w.apply(w.lot)
    questions.question_answer(actor=w.officer, question=w.question, answer="EN 590")
    c = client_for(w.supplier_admin)
    reserve = str(w.lot.reserve_price)
    paths = [
        url("tender-list"),
        url("tender-detail", tender_id=w.tender.pk),
        url("tender-lot-list", tender_id=w.tender.pk),
        url("lot-detail", lot_id=w.lot.pk),
        url("lot-application-list", lot_id=w.lot.pk),
        url("application-list"),
        url("application-detail", application_id=mine.pk),
        url("tender-question-list", tender_id=w.tender.pk),
        url("tender-document-list", tender_id=w.tender.pk),
    ]
    for path in paths:
        response = c.get(path)
        assert response.status_code == 200, path
        text = json.dumps(response.json())
        assert w.other_supplier.legal_name not in text, path
        assert "Beta" not in text, path
        assert reserve not in text and "reserve_price" not in text, path
    # the buyer does see the reserve price
    text = json.dumps(client_for(w.officer).get(url("lot-detail", lot_id=w.lot.pk)).json())
    assert reserve in text


def test_a_person_without_a_company_is_told_to_register_one(w, client_for):
    from tests.factories import UserFactory

    response = client_for(UserFactory()).get(url("tender-detail", tender_id=w.tender.pk))
    assert response.status_code == 403 and response.json()["error"]["code"] == "no_company"
    # A tender that is not public says nothing of itself: 404 as before.
    hidden = client_for(UserFactory()).get(url("tender-detail", tender_id=w.invitation_tender.pk))
    assert hidden.status_code == 404
