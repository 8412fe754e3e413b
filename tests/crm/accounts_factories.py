"""Building blocks for the accounts, contacts and import tests: a workspace (a Ukrainian
company) with a person in every role, a marketplace company to link accounts to, a second
company (the outsider), and files to upload."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.test import APIClient

from marketplace.companies.models import Company, MembershipRole
from marketplace.users.models import User
from tests.factories import CompanyFactory, member, valid_edrpou

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


@dataclass
class World:
    workspace: Company
    manager: User
    admin: User
    officer: User
    bidder: User
    market: Company  # a marketplace company, to be an account
    market_person: User  # one of its people
    outsider: Company
    outsider_admin: User

    @property
    def ws(self) -> int:
        return self.workspace.pk

    def person(self, role: str) -> User:
        return {MANAGER: self.manager, ADMIN: self.admin, OFFICER: self.officer}.get(
            role, self.bidder
        )


def make_world() -> World:
    workspace = CompanyFactory(legal_name="TOV Workspace", country="UA")
    market = CompanyFactory(legal_name="TOV Romashka", country="UA")
    outsider = CompanyFactory(legal_name="Outsider Ltd", country="UA")
    return World(
        workspace=workspace,
        manager=member(workspace, MANAGER, email="manager@workspace.ua"),
        admin=member(workspace, ADMIN),
        officer=member(workspace, OFFICER),
        bidder=member(workspace, BIDDER),
        market=market,
        market_person=member(market, BIDDER),
        outsider=outsider,
        outsider_admin=member(outsider, ADMIN),
    )


def edrpou() -> str:
    return valid_edrpou()


def csv_file(rows: list[list[str]], *, name: str = "accounts.csv", encoding="utf-8", sep=","):
    text = "\n".join(sep.join(cell for cell in row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: list[list], *, name: str = "accounts.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))
