"""Building blocks for the activities, calendar and timeline tests: a workspace with a person in
every role, its accounts (one linked to a marketplace company), contacts and opportunities, and
a second company with a CRM of its own (the outsider)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from crm.models import Account, Contact, Opportunity, Pipeline, Stage
from marketplace.companies.models import Company, MembershipRole
from tests.factories import CompanyFactory, member

MANAGER = MembershipRole.ACCOUNT_MANAGER
ADMIN = MembershipRole.COMPANY_ADMIN
OFFICER = MembershipRole.PROCUREMENT_OFFICER
BIDDER = MembershipRole.BIDDER
ROLES = (MANAGER, ADMIN, OFFICER, BIDDER)
EDITORS = (MANAGER, ADMIN)
READERS = (OFFICER, BIDDER)


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def client(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


def later(hours: float = 0, days: float = 0) -> datetime:
    return timezone.now() + timedelta(hours=hours, days=days)


def account_make(workspace: Company, name: str, company: Company | None = None) -> Account:
    return Account.objects.create(
        workspace=workspace, company=company, name=name, name_key=name.lower()
    )


def contact_make(account: Account, last_name: str, email: str = "") -> Contact:
    return Contact.objects.create(
        workspace=account.workspace,
        account=account,
        first_name="Olena",
        last_name=last_name,
        emails=[email] if email else [],
    )


def opportunity_make(account: Account, title: str) -> Opportunity:
    pipeline = Pipeline.objects.filter(workspace=account.workspace).first()
    if pipeline is None:
        pipeline = Pipeline.objects.create(workspace=account.workspace, name="Sales")
        Stage.objects.create(pipeline=pipeline, name="New", position=1, probability=10, kind="open")
    return Opportunity.objects.create(
        workspace=account.workspace,
        account=account,
        pipeline=pipeline,
        stage=pipeline.stages.first(),
        title=title,
        amount=Decimal("1000.00"),
    )


class CrmWorld:
    """``company``'s CRM (the workspace) with a person in each role (``people[role]``) and a
    second reader (``officer2``); ``counterparty`` is a marketplace company that the workspace
    keeps as ``account`` (contact ``contact``, opportunity ``opportunity``); ``account2`` is
    another account (``contact2``, ``opportunity2``). ``outsider`` is another company with its
    own CRM (``outsider_account``, ``outsider_contact``) and people (``outsider_admin``,
    ``outsider_manager``)."""

    def __init__(self):
        self.company = CompanyFactory(legal_name="Seller Ltd")
        self.people = {role: member(self.company, role) for role in ROLES}
        self.manager = self.people[MANAGER]
        self.admin = self.people[ADMIN]
        self.officer = self.people[OFFICER]
        self.bidder = self.people[BIDDER]
        self.officer2 = member(self.company, OFFICER)
        self.counterparty = CompanyFactory(legal_name="Customer Corp")
        self.account = account_make(self.company, "Customer Corp", self.counterparty)
        self.contact = contact_make(self.account, "Kovalenko", "olena@customer.example")
        self.opportunity = opportunity_make(self.account, "Winter supply")
        self.account2 = account_make(self.company, "Other Buyer")
        self.contact2 = contact_make(self.account2, "Shevchenko")
        self.opportunity2 = opportunity_make(self.account2, "Spring supply")

        self.outsider = CompanyFactory(legal_name="Outsider Ltd")
        self.outsider_admin = member(self.outsider, ADMIN)
        self.outsider_manager = member(self.outsider, MANAGER)
        self.outsider_account = account_make(self.outsider, "Outsider's customer")
        self.outsider_contact = contact_make(self.outsider_account, "Stranger")

    @property
    def ws(self) -> int:
        return self.company.pk
