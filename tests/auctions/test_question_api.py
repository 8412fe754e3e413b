"""Clarifications: suppliers ask, the buyer answers, everyone who sees the tender reads the
answered questions without learning who asked."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from auctions.models import Question, Tender
from auctions.tenders import questions
from tests.auctions.factories import World, future, snapshot, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = World()
    world.tender = world.published(lots=2)
    return world


def ask(c, tender, **body):
    body.setdefault("text", "Which grade?")
    return c.post(url("tender-question-list", tender_id=tender.pk), body, format="json")


def test_ask_answer_and_read_anonymously(w, client_for, django_capture_on_commit_callbacks):
    lot = w.tender.lots.order_by("number").first()
    response = ask(client_for(w.supplier_bidder), w.tender, lot=lot.pk)
    assert response.status_code == 201, response.json()
    question_id = response.json()["id"]
    assert response.json()["is_mine"] is True and response.json()["lot"] == lot.pk

    # unanswered: the asker sees it, the competitor does not; the buyer does
    other = client_for(w.other_admin)
    assert other.get(url("tender-question-list", tender_id=w.tender.pk)).json()["results"] == []
    mine = (
        client_for(w.supplier_admin).get(url("tender-question-list", tender_id=w.tender.pk)).json()
    )
    assert [q["id"] for q in mine["results"]] == [question_id]
    officer = client_for(w.officer)
    assert (
        len(officer.get(url("tender-question-list", tender_id=w.tender.pk)).json()["results"]) == 1
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            url("question-answer", question_id=question_id), {"answer": "EN 590"}, format="json"
        )
    assert response.status_code == 200 and response.json()["answer"] == "EN 590"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [w.supplier_bidder.email]

    rows = other.get(url("tender-question-list", tender_id=w.tender.pk)).json()["results"]
    assert [(q["text"], q["answer"], q["is_mine"]) for q in rows] == [
        ("Which grade?", "EN 590", False)
    ]
    text = json.dumps(rows)
    assert w.supplier.legal_name not in text and w.supplier_bidder.email not in text
    # the platform admin reads them too
    assert (
        len(
            client_for(w.platform_admin)
            .get(url("tender-question-list", tender_id=w.tender.pk))
            .json()["results"]
        )
        == 1
    )


def test_a_second_answer_is_a_conflict(w, client_for):
    question = questions.question_ask(
        actor=w.supplier_admin, tender=w.tender, company=w.supplier, text="Q"
    )
    questions.question_answer(actor=w.officer, question=question, answer="A")
    before = snapshot()
    response = client_for(w.officer).post(
        url("question-answer", question_id=question.pk), {"answer": "B"}, format="json"
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_answered"
    assert snapshot() == before


def test_questions_close_at_the_deadline(w, client_for):
    Tender.objects.filter(pk=w.tender.pk).update(questions_deadline=future(hours=-1))
    before = snapshot()
    response = ask(client_for(w.supplier_admin), w.tender)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "questions_deadline_passed"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("buyer_bidder", {}, 403, "not_supplier_bidder"),
        ("outsider_admin", {}, 403, "not_platform_participant"),  # a public tender: why
        ("unverified_admin", {}, 403, "company_not_verified"),
        ("supplier_admin", {"text": ""}, 400, "invalid"),
        ("supplier_admin", {"lot": 999999}, 400, "lot_not_found"),
    ],
)
def test_bad_questions_change_nothing(w, client_for, who, body, status, code):
    before = snapshot()
    response = ask(client_for(getattr(w, who)), w.tender, **body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert snapshot() == before


def test_questions_on_a_draft_are_invisible(w, client_for):
    draft = w.draft()
    response = ask(client_for(w.supplier_admin), draft)
    assert response.status_code == 404
    assert Question.objects.count() == 0


def test_answer_needs_the_buyers_manager_and_text(w, client_for):
    question = questions.question_ask(
        actor=w.supplier_admin, tender=w.tender, company=w.supplier, text="Q"
    )
    before = snapshot()
    for user, body, status in (
        (w.buyer_bidder, {"answer": "A"}, 403),
        (w.supplier_admin, {"answer": "A"}, 403),  # sees its own question
        (w.other_admin, {"answer": "A"}, 404),
        (w.officer, {"answer": ""}, 400),
    ):
        response = client_for(user).post(
            url("question-answer", question_id=question.pk), body, format="json"
        )
        assert response.status_code == status
    assert snapshot() == before
