"""The service desk's pages: the staff's list and case (reply, note, status), readers without the
write forms, strangers 404; the customer's list and case (no internal note ever), opening a
case, the survey by the closing e-mail's signed link, once."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from servicedesk import services
from servicedesk.mail import survey_token
from servicedesk.models import Case, CaseMessage, CaseStatus, MessageKind
from tests.servicedesk.factories import Desk, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk() -> Desk:
    return Desk()


def browser(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_staff_list_and_case_pages(desk):
    case = desk.case()
    services.case_reply(case_id=case.pk, body="NOTE-XYZ", author=desk.manager, internal=True)
    listed = browser(desk.manager).get(page("servicedesk-cases", desk.ws))
    assert listed.status_code == 200 and "The invoice is wrong" in listed.content.decode()
    shown = browser(desk.manager).get(page("servicedesk-case", desk.ws, case.pk)).content.decode()
    assert "NOTE-XYZ" in shown and 'id="reply"' in shown
    as_reader = (
        browser(desk.officer).get(page("servicedesk-case", desk.ws, case.pk)).content.decode()
    )
    assert "NOTE-XYZ" in as_reader and 'id="reply"' not in as_reader
    for stranger in (desk.outsider_admin, desk.customer):
        assert browser(stranger).get(page("servicedesk-case", desk.ws, case.pk)).status_code == 404
    assert browser().get(page("servicedesk-cases", desk.ws)).status_code == 302
    assert browser(desk.manager).get(page("servicedesk-settings", desk.ws)).status_code == 200


def test_staff_reply_note_and_status_from_the_page(desk, django_capture_on_commit_callbacks):
    case = desk.case()
    c = browser(desk.manager)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            page("servicedesk-case-reply", desk.ws, case.pk),
            {"body": "Checking", "status": "waiting"},
        )
    c.post(page("servicedesk-case-reply", desk.ws, case.pk), {"body": "Hmm", "internal": "on"})
    assert len(mail.outbox) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    kinds = list(
        CaseMessage.objects.filter(case=case).values_list("kind", flat=True).order_by("pk")
    )
    assert kinds == [MessageKind.CUSTOMER, MessageKind.REPLY, MessageKind.NOTE]
    c.post(page("servicedesk-case-status", desk.ws, case.pk), {"status": "resolved"})
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    # A reader's write is refused and changes nothing.
    answer = browser(desk.bidder).post(
        page("servicedesk-case-status", desk.ws, case.pk), {"status": "closed"}
    )
    assert answer.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED


def test_staff_open_a_case_on_behalf(desk):
    answer = browser(desk.manager).post(
        page("servicedesk-case-create", desk.ws),
        {
            "account": desk.account.pk,
            "subject": "Phoned in",
            "body": "By phone",
            "kind": "question",
            "priority": "low",
        },
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and case.opened_by == desk.manager and case.channel == "web"


def test_the_customer_page_never_shows_an_internal_note(desk):
    case = desk.case(now=None)
    services.case_reply(case_id=case.pk, body="Public answer here", author=desk.manager)
    services.case_reply(case_id=case.pk, body="INTERNAL-ONLY", author=desk.manager, internal=True)
    c = browser(desk.customer)
    listed = c.get(page("support-cases")).content.decode()
    assert "The invoice is wrong" in listed
    shown = c.get(page("support-case", case.pk)).content.decode()
    assert "Public answer here" in shown and "INTERNAL-ONLY" not in shown
    assert browser(desk.outsider_admin).get(page("support-case", case.pk)).status_code == 404


def test_the_customer_opens_a_case_and_writes(desk):
    c = browser(desk.customer)
    answer = c.post(
        page("support-case-create"),
        {
            "workspace": desk.ws,
            "subject": "Wrong size",
            "body": "The boxes are too small",
            "kind": "complaint",
        },
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == page("support-case", case.pk)
    c.post(page("support-case-message", case.pk), {"body": "Photo attached later"})
    assert case.messages.count() == 2
    assert browser(desk.outsider_admin).get(page("support-case-create")).status_code == 404


def test_the_survey_by_the_signed_link_once(desk, django_capture_on_commit_callbacks):
    case = desk.case()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_status_change(case_id=case.pk, status="closed")
    link = re.search(r"https?://\S+/support/survey/\S+", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    anonymous.post(path, {"rating": "3", "comment": "OK"})
    second = anonymous.post(path, {"rating": "1"})
    assert "survey-form" not in second.content.decode()
    case.refresh_from_db()
    assert (case.survey_rating, case.survey_comment) == (3, "OK")
    forged = survey_token(case.pk)[:-2] + "xx"
    assert anonymous.get(page("support-survey", forged)).status_code == 404


def test_the_survey_on_the_case_page(desk):
    case = desk.case()
    services.case_status_change(case_id=case.pk, status="closed")
    c = browser(desk.customer)
    assert 'id="survey-form"' in c.get(page("support-case", case.pk)).content.decode()
    c.post(page("support-case-survey", case.pk), {"rating": "5"})
    shown = c.get(page("support-case", case.pk)).content.decode()
    assert 'id="survey-form"' not in shown and 'id="survey-done"' in shown
