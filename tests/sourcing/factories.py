"""Building blocks for the sourcing tests: the tender world of the auction tests (a platform, a
verified buyer with its officer, suppliers in every situation), a buyer of its own for the
"another buyer" cases, valid identifiers, and what the tables hold (to assert that a refusal
wrote nothing)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from auctions.models import Participation, Tender, TenderInvitation
from crm.models import Lead
from marketplace.companies.models import MembershipRole
from marketplace.events.models import Event
from sourcing.models import Shortlist, ShortlistEntry, SupplierInvitation
from tests.auctions.factories import World
from tests.factories import CompanyFactory, PlatformMembershipFactory, member, valid_edrpou

OFFICER = MembershipRole.PROCUREMENT_OFFICER
ADMIN = MembershipRole.COMPANY_ADMIN
BIDDER = MembershipRole.BIDDER


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


class Seed(World):
    """The tender world, plus another verified buyer (``rival``, officer ``rival_officer``) on
    the same platform, and helpers for the sourcing tenders."""

    def __init__(self):
        super().__init__()
        self.rival = CompanyFactory(legal_name="Rival Buyer Ltd", is_buyer=True, is_supplier=False)
        PlatformMembershipFactory(platform=self.platform, company=self.rival)
        self.rival_officer = member(self.rival, OFFICER)

    def invitation_tender(self, *, publish: bool = True, **overrides) -> Tender:
        overrides.setdefault("participation", Participation.INVITATION)
        if publish:
            return self.published(**overrides)
        return self.draft(**overrides)


def prospect_data(**overrides) -> dict:
    data = {
        "email": "Olena@Steel-Works.example",
        "country": "UA",
        "identifier": valid_edrpou(),
        "company_name": "TOV Steel Works",
        "person_name": "Olena Kovalenko",
    }
    data.update(overrides)
    return data


def snapshot() -> dict:
    """What sourcing (and the tender invitations, the CRM's leads, the events) hold."""
    return {
        "shortlists": sorted(Shortlist.objects.values_list()),
        "entries": sorted(ShortlistEntry.objects.values_list()),
        "invitations": sorted(SupplierInvitation.objects.values_list()),
        "tender_invitations": sorted(TenderInvitation.objects.values_list()),
        "leads": Lead.objects.count(),
        "events": Event.objects.count(),
    }
