"""Two people of one buyer link the same tender to plan lines at the same moment, on PostgreSQL,
each in its own thread and connection: exactly one link is made, the other person gets the 409
that names the line it went to, and one ``plan_line.linked`` event is told."""

from __future__ import annotations

from functools import partial

import pytest

from marketplace.events.models import Event
from planning.models import PlanLineTender
from tests.factories import member
from tests.threads import together

from .factories import ADMIN, OFFICER, Plans, api, client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post(user, url: str, body: dict) -> tuple[int, dict]:
    response = client(user).post(url, body, format="json")
    return response.status_code, response.json()


def _delete(user, url: str) -> int:
    return client(user).delete(url).status_code


@pytest.mark.parametrize("whole", [True, False], ids=["whole-and-whole", "whole-and-a-lot"])
def test_two_people_linking_one_tender_at_once_make_one_link(whole):
    w = Plans()
    second = member(w.buyer, OFFICER)
    plan = w.plan()
    spring = w.line(plan, description="Spring")
    autumn = w.line(plan, description="Autumn", quarter=3)
    to_spring = api("planning-line-tenders", plan_id=plan.pk, line_id=spring.pk)
    to_autumn = api("planning-line-tenders", plan_id=plan.pk, line_id=autumn.pk)
    for _round in range(4):
        tender = w.tender(lots=2)
        lot = tender.lots.order_by("pk").first()
        second_body = {"tender": tender.pk} if whole else {"tender": tender.pk, "lot": lot.pk}
        before = Event.objects.filter(type="plan_line.linked").count()
        results = together(
            [
                partial(_post, w.officer, to_spring, {"tender": tender.pk}),
                partial(_post, second, to_autumn, second_body),
            ]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        answers = [r for r in results if isinstance(r, tuple)]
        assert sorted(status for status, _body in answers) == [201, 409], results
        refused = next(body for status, body in answers if status == 409)["error"]
        assert refused["code"] == "already_linked", refused
        made = list(PlanLineTender.objects.filter(tender=tender))
        assert len(made) == 1
        winner = spring if made[0].line_id == spring.pk else autumn
        # The refusal names the line the tender went to, as the person will want to know.
        assert winner.description in refused["message"], refused
        assert Event.objects.filter(type="plan_line.linked").count() == before + 1


def test_a_link_racing_the_unlink_of_another_never_leaves_two():
    w = Plans()
    admin = member(w.buyer, ADMIN)
    plan = w.plan()
    line = w.line(plan)
    other = w.line(plan, description="Autumn", quarter=3)
    to_other = api("planning-line-tenders", plan_id=plan.pk, line_id=other.pk)
    for _round in range(4):
        tender = w.tender(lots=1)
        status, body = _post(
            w.officer,
            api("planning-line-tenders", plan_id=plan.pk, line_id=line.pk),
            {"tender": tender.pk},
        )
        assert status == 201, body
        link_id = PlanLineTender.objects.get(tender=tender).pk
        link = api("planning-line-tender", plan_id=plan.pk, line_id=line.pk, link_id=link_id)
        results = together(
            [
                partial(_delete, w.officer, link),
                partial(_post, admin, to_other, {"tender": tender.pk}),
            ]
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        unlinked, (linked, _body) = results
        assert unlinked == 204
        # The link is made after the unlink (201) or refused before it (409): the tender is
        # then on the other line alone, or on none.
        assert linked in (201, 409)
        left = list(PlanLineTender.objects.filter(tender=tender).values_list("line_id", flat=True))
        assert left == ([other.pk] if linked == 201 else [])
