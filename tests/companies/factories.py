"""Factories for companies' invitations; the core ones live in tests/factories.py."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from marketplace.companies.models import Invitation, MembershipRole
from tests.factories import CompanyFactory, UserFactory, valid_edrpou, valid_ru_inn

__all__ = [
    "CompanyFactory",
    "InvitationFactory",
    "UnverifiedCompanyFactory",
    "UserFactory",
    "valid_edrpou",
    "valid_ru_inn",
]


class UnverifiedCompanyFactory(CompanyFactory):
    verification_status = "unverified"
    verified_at = None


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = MembershipRole.BIDDER
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
        )
