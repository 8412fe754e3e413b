"""Building blocks for the pipeline tests: a workspace with a person in every CRM role, a second
company (the outsider), accounts and opportunities made through the services."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from rest_framework.test import APIClient

from crm import pipeline_opportunities as opportunities
from crm import pipelines
from crm.models import (
    Account,
    Lead,
    Opportunity,
    Pipeline,
    PipelineKind,
    SalesTarget,
    Stage,
    StageChange,
)
from marketplace.companies.models import Company, MembershipRole
from tests.factories import CompanyFactory, member

MANAGER = MembershipRole.ACCOUNT_MANAGER
ADMIN = MembershipRole.COMPANY_ADMIN
OFFICER = MembershipRole.PROCUREMENT_OFFICER
BIDDER = MembershipRole.BIDDER
EDITORS = (MANAGER, ADMIN)
READERS = (OFFICER, BIDDER)


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def client(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


class Crm:
    """A supplier company's CRM (``ws``) with a person in each role (``people[role]``,
    ``manager`` for short), an account, and an outsider company with its own manager."""

    def __init__(self, *, buyer: bool = False, supplier: bool = True):
        self.ws = CompanyFactory(legal_name="Workspace Ltd", is_buyer=buyer, is_supplier=supplier)
        self.people = {role: member(self.ws, role) for role in (*EDITORS, *READERS)}
        self.manager = self.people[MANAGER]
        self.account = account_make(self.ws, "Customer One")
        self.outsider = CompanyFactory(legal_name="Outsider Ltd")
        self.outsider_manager = member(self.outsider, MANAGER)

    def api(self, name: str, **kwargs) -> str:
        return api(name, workspace_id=self.ws.pk, **kwargs)

    def as_(self, user=None) -> APIClient:
        return client(self.manager if user is None else user)

    def pipeline(self, kind: str = PipelineKind.SALES) -> Pipeline:
        return pipelines.default_pipeline(workspace_id=self.ws.pk, kind=kind)

    def stage(self, name: str, kind: str = PipelineKind.SALES) -> Stage:
        return self.pipeline(kind).stages.get(name=name)

    def opportunity(self, title: str = "Deal", stage: str | None = None, **values) -> Opportunity:
        values.setdefault("amount", Decimal("1000.00"))
        return opportunities.opportunity_create(
            user=self.manager,
            workspace_id=self.ws.pk,
            account_id=values.pop("account_id", self.account.pk),
            title=title,
            stage_id=self.stage(stage).pk if stage else None,
            **values,
        )


def account_make(workspace: Company, name: str, company: Company | None = None) -> Account:
    return Account.objects.create(
        workspace=workspace, company=company, name=name, name_key=name.lower()
    )


def snapshot() -> dict:
    """What the pipeline's tables hold, to assert that a refused request changed nothing."""
    return {
        model.__name__: sorted(model.objects.values_list())
        for model in (Pipeline, Stage, Opportunity, StageChange, Lead, SalesTarget, Account)
    }
