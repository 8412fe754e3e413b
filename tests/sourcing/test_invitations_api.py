"""Inviting suppliers to a tender through the API: a registered supplier through the auction
app's invitation (its refusals, in the API's error format), and a company that is not registered
yet by e-mail and tax identifier (checked as registration checks it; the e-mail with its sign-up
link after the commit; an identifier a registered company has points at that company only as far
as the buyer may read it). Only the tender's managers invite; a refusal writes nothing."""

from __future__ import annotations

from unittest import mock
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core import mail
from django.utils import translation

from auctions.models import Participation, TenderInvitation
from auctions.tenders import drafting
from marketplace.events.models import Event
from sourcing import emails
from sourcing.models import SupplierInvitation
from tests.factories import valid_edrpou, valid_ru_inn
from tests.sourcing.factories import Seed, api, client, prospect_data, snapshot

pytestmark = pytest.mark.django_db


def invite(w: Seed, tender, supplier, user=None):
    return client(user or w.officer).post(
        api("sourcing-tender-invitations", tender_id=tender.pk), {"supplier": supplier.pk}
    )


def prospect(w: Seed, tender, user=None, **data):
    return client(user or w.officer).post(
        api("sourcing-tender-prospects", tender_id=tender.pk), prospect_data(**data)
    )


def test_a_registered_supplier_is_invited_through_the_tenders_own_invitation():
    w = Seed()
    tender = w.invitation_tender()
    response = invite(w, tender, w.supplier)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["origin"], body["stage"]) == ("supplier", "verified")
    assert body["company"] == {"id": w.supplier.pk, "name": w.supplier.legal_name}
    assert body["registered_at"] and body["verified_at"] and body["applied_at"] is None
    invitation = TenderInvitation.objects.get(tender=tender, supplier=w.supplier)
    assert body["tender_invitation"] == invitation.pk and invitation.invited_by == w.officer
    assert SupplierInvitation.objects.get().company == w.supplier


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("unverified", 400, "supplier_not_verified"),
        ("outsider", 400, "supplier_not_participant"),
        ("twice", 409, "already_invited"),
        ("open", 409, "tender_is_open"),
        ("cancelled", 409, "tender_finished"),
        ("missing", 400, "supplier_not_found"),
    ],
)
def test_the_auction_apps_refusals_come_back_and_nothing_is_written(case, status, code):
    w = Seed()
    tender = w.invitation_tender()
    supplier = w.supplier
    if case == "unverified":
        supplier = w.unverified
    elif case == "outsider":
        supplier = w.outsider
    elif case == "twice":
        assert invite(w, tender, w.supplier).status_code == 201
    elif case == "open":
        tender = w.published()
    elif case == "cancelled":
        tender = (
            drafting.tender_cancel(actor=w.officer, tender=tender, reason="No budget") or tender
        )
    before = snapshot()
    if case == "missing":
        response = client(w.officer).post(
            api("sourcing-tender-invitations", tender_id=tender.pk), {"supplier": 10**9}
        )
    else:
        response = invite(w, tender, supplier)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert snapshot() == before


def test_a_prospect_is_invited_by_e_mail_after_the_commit(django_capture_on_commit_callbacks):
    w = Seed()
    tender = w.invitation_tender()
    edrpou = valid_edrpou()
    with django_capture_on_commit_callbacks(execute=True):
        response = prospect(w, tender, identifier=f" {edrpou[:4]} {edrpou[4:]} ")
        assert mail.outbox == []  # not before the commit
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["origin"], body["stage"], body["company"]) == ("prospect", "invited", None)
    assert (body["email"], body["country"], body["identifier"]) == (
        "olena@steel-works.example",
        "UA",
        edrpou,
    )
    assert body["name"] == "TOV Steel Works" and body["person_name"] == "Olena Kovalenko"
    assert not TenderInvitation.objects.exists()  # not registered: nothing to invite yet

    [message] = mail.outbox
    assert message.to == ["olena@steel-works.example"]
    assert w.buyer.legal_name in message.subject
    assert tender.title in message.body and "Dear Olena Kovalenko" in message.body
    link = next(line for line in message.body.splitlines() if "/accounts/signup/" in line)
    target = unquote(parse_qs(urlsplit(link).query)["next"][0])
    assert target.startswith("/companies/new/?")
    prefill = parse_qs(urlsplit(target).query)
    assert prefill["country"] == ["UA"] and prefill["registration_number"] == [edrpou]
    assert prefill["legal_name"] == ["TOV Steel Works"] and prefill["is_supplier"] == ["on"]
    row = SupplierInvitation.objects.get()
    assert row.email_sent_at is not None and row.invited_by == w.officer

    event = Event.objects.get(type="sourcing.prospect_invited")
    assert event.company_id == w.buyer.pk
    assert event.payload == {
        "invitation": row.pk,
        "tender": tender.pk,
        "buyer": w.buyer.pk,
        "company_name": "TOV Steel Works",
        "person_name": "Olena Kovalenko",
        "email": "olena@steel-works.example",
        "country": "UA",
        "identifier": edrpou,
    }


def test_an_open_tender_takes_prospects_too_and_the_e_mail_speaks_the_inviters_language(
    django_capture_on_commit_callbacks,
):
    w = Seed()
    tender = w.published()
    assert tender.participation == Participation.OPEN
    inn = valid_ru_inn()
    with (
        mock.patch.object(emails.translation, "override", wraps=translation.override) as language,
        django_capture_on_commit_callbacks(execute=True),  # the e-mail goes out as this ends
    ):
        response = client(w.officer).post(
            api("sourcing-tender-prospects", tender_id=tender.pk),
            prospect_data(country="ru", identifier=inn, person_name=""),
            HTTP_ACCEPT_LANGUAGE="uk",
        )
    assert response.status_code == 201, response.content
    assert response.json()["identifier"] == inn
    assert SupplierInvitation.objects.get().language == "uk"
    assert mock.call("uk") in language.call_args_list  # the e-mail: the inviter's language
    [message] = mail.outbox
    assert "tax_id=" + inn in unquote(message.body) and "Dear" not in message.body


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"email": "not-an-address"}, {"email"}),
        ({"identifier": "12345670"}, {"identifier"}),  # a wrong EDRPOU check digit
        ({"identifier": "  "}, {"identifier"}),
        ({"country": "XX"}, {"country"}),
        ({"country": "DE", "identifier": "123"}, {"identifier"}),
        ({"email": "nobody", "country": "ZZ"}, {"email", "country"}),
    ],
)
def test_bad_prospects_are_refused_with_each_fields_message(data, fields):
    w = Seed()
    tender = w.invitation_tender()
    before = snapshot()
    response = prospect(w, tender, **data)
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["fields"]) == fields
    assert snapshot() == before and mail.outbox == []


def test_the_same_identifier_twice_to_one_tender_is_a_conflict():
    w = Seed()
    tender = w.invitation_tender()
    edrpou = valid_edrpou()
    assert prospect(w, tender, identifier=edrpou).status_code == 201
    before = snapshot()
    again = prospect(w, tender, identifier=f"{edrpou[:2]} {edrpou[2:]}", email="x@example.com")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_invited"
    assert snapshot() == before
    other_tender = w.invitation_tender()
    assert prospect(w, other_tender, identifier=edrpou).status_code == 201  # another tender


def test_a_registered_identifier_points_at_the_company_the_buyer_may_read():
    w = Seed()
    tender = w.invitation_tender()
    before = snapshot()
    response = prospect(w, tender, identifier=w.supplier.registration_number)
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "company_registered"
    assert error["company"] == {
        "id": w.supplier.pk,
        "name": w.supplier.legal_name,
        "directory_url": f"/suppliers/{w.supplier.pk}/",
    }
    assert "identifier" in error["fields"]
    # One the buyer may not read (not verified: not in the directory) is not named.
    hidden = prospect(w, tender, identifier=w.unverified.registration_number)
    assert hidden.status_code == 409
    error = hidden.json()["error"]
    assert error["code"] == "company_registered" and error["company"] is None
    assert w.unverified.legal_name not in hidden.content.decode()
    assert snapshot() == before


def test_a_finished_tender_takes_no_prospect():
    w = Seed()
    tender = w.invitation_tender()
    drafting.tender_cancel(actor=w.officer, tender=tender, reason="No budget")
    before = snapshot()
    response = prospect(w, tender)
    assert response.status_code == 409 and response.json()["error"]["code"] == "tender_finished"
    assert snapshot() == before


def test_a_buyer_invites_so_many_companies_by_e_mail_a_day(settings):
    settings.SOURCING_PROSPECTS_PER_DAY = 1
    w = Seed()
    tender = w.invitation_tender()
    assert prospect(w, tender).status_code == 201
    before = snapshot()
    response = prospect(w, tender)
    assert response.status_code == 429 and response.json()["error"]["code"] == "too_many_prospects"
    assert snapshot() == before


def test_who_may_invite():
    w = Seed()
    tender = w.invitation_tender()
    invite(w, tender, w.supplier)  # the supplier now sees the tender
    before = snapshot()
    # The buyer's bidder: one of its people, not a manager of its tenders.
    refused = prospect(w, tender, user=w.buyer_bidder)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_tender_manager"
    refused = invite(w, tender, w.other_supplier, user=w.buyer_bidder)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_tender_manager"
    # The invited supplier sees the tender: forbidden. Another buyer does not: not found.
    seen = prospect(w, tender, user=w.supplier_admin)
    assert seen.status_code == 403 and seen.json()["error"]["code"] == "not_tender_buyer"
    assert invite(w, tender, w.other_supplier, user=w.supplier_admin).status_code == 403
    for stranger in (w.rival_officer, w.other_admin):
        assert prospect(w, tender, user=stranger).status_code == 404
        assert invite(w, tender, w.other_supplier, user=stranger).status_code == 404
    anonymous = client().post(
        api("sourcing-tender-prospects", tender_id=tender.pk), prospect_data()
    )
    assert anonymous.status_code in (401, 403)
    assert snapshot() == before
    # The buyer's company admin may.
    assert prospect(w, tender, user=w.buyer_admin).status_code == 201
