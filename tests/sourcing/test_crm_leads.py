"""The CRM's lead for each company a buyer invites before it is registered: made in the buyer's
CRM by the CRM's own listener of ``sourcing.prospect_invited`` (sourcing calls nothing of the
CRM), once per invitation, on the buyer's account of that company when its CRM has one. A
registered supplier's invitation is a lead in the supplier's CRM (``tender.invited``), never a
second one."""

from __future__ import annotations

import pytest
from django.db import transaction

from crm import sourcing_listeners
from crm.models import Account, Lead
from marketplace.events.models import Event
from sourcing import invitations
from tests.factories import valid_edrpou
from tests.sourcing.factories import Seed, prospect_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_prospect_is_a_lead_in_the_buyers_crm_once():
    w = Seed()
    tender = w.invitation_tender()
    edrpou = valid_edrpou()
    invitations.prospect_invite(actor=w.officer, tender=tender, **prospect_data(identifier=edrpou))
    lead = Lead.objects.get(workspace=w.buyer)
    assert (lead.source, lead.status) == ("invitation", "new")
    assert lead.title == f"Invited to tender: {tender.title}"
    assert (lead.company_name, lead.person_name, lead.email) == (
        "TOV Steel Works",
        "Olena Kovalenko",
        "olena@steel-works.example",
    )
    assert f"UA {edrpou}" in lead.notes and lead.account is None and lead.lot is None
    event = Event.objects.get(type="sourcing.prospect_invited")
    assert lead.event == event
    with transaction.atomic():
        sourcing_listeners.prospect_lead(event)  # redelivered
    assert Lead.objects.filter(workspace=w.buyer).count() == 1
    assert not Lead.objects.exclude(workspace=w.buyer).exists()


def test_the_lead_goes_on_the_buyers_account_of_that_company():
    w = Seed()
    edrpou = valid_edrpou()
    account = Account.objects.create(
        workspace=w.buyer,
        name="Steel Works",
        name_key="steel works",
        country="UA",
        registration_number=edrpou,
    )
    Account.objects.create(
        workspace=w.rival,
        name="Steel Works",
        name_key="steel works",
        country="UA",
        registration_number=edrpou,
    )
    invitations.prospect_invite(
        actor=w.officer,
        tender=w.invitation_tender(),
        **prospect_data(identifier=edrpou, company_name="", person_name=""),
    )
    lead = Lead.objects.get(workspace=w.buyer)
    assert lead.account == account
    assert lead.company_name == f"UA {edrpou}"  # no name given: its identifier


def test_a_registered_supplier_gets_one_lead_in_its_own_crm_and_the_buyer_none():
    w = Seed()
    tender = w.invitation_tender()
    invitations.supplier_invite(actor=w.officer, tender=tender, supplier=w.supplier)
    assert not Lead.objects.filter(workspace=w.buyer).exists()
    [lead] = Lead.objects.filter(workspace=w.supplier)
    assert lead.source in ("invitation", "tender_match")
