"""factory_boy factories for the core models. Apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import itertools

import factory
from django.utils import timezone
from stdnum.ru import inn as ru_inn
from stdnum.ua import edrpou as ua_edrpou

from marketplace.categories.models import Category
from marketplace.companies.models import Company, Membership, MembershipRole, VerificationStatus
from marketplace.platforms.models import (
    ParticipationStatus,
    Platform,
    PlatformAdmin,
    PlatformKind,
    PlatformMembership,
)
from marketplace.users.models import User

PASSWORD = "correct-horse-battery-staple"
_serial = itertools.count(1_000_001)


def valid_edrpou() -> str:
    """A fresh Ukrainian EDRPOU code with a correct check digit."""
    while True:
        base = f"{next(_serial) % 10_000_000:07d}"
        digit = ua_edrpou.calc_check_digit(base)
        code = base + digit
        try:
            return ua_edrpou.validate(code)
        except Exception:
            continue


def valid_ru_inn() -> str:
    base = f"77{next(_serial) % 10_000_000:07d}"
    return base + ru_inn.calc_company_check_digit(base)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CompanyFactory(factory.django.DjangoModelFactory):
    """A verified Ukrainian company that buys and supplies, unless told otherwise."""

    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"TOV Company {n}")
    country = "UA"
    registration_number = factory.LazyFunction(valid_edrpou)
    tax_id = ""
    address = "1 Khreshchatyk St"
    city = "Kyiv"
    is_buyer = True
    is_supplier = True
    verification_status = VerificationStatus.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = MembershipRole.COMPANY_ADMIN


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    kind = PlatformKind.PUBLIC
    default_currency = "UAH"


class PlatformAdminFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformAdmin

    platform = factory.SubFactory(PlatformFactory)
    user = factory.SubFactory(UserFactory)


class PlatformMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformMembership

    platform = factory.SubFactory(PlatformFactory)
    company = factory.SubFactory(CompanyFactory)
    status = ParticipationStatus.ACCEPTED


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_ru = factory.Sequence(lambda n: f"Категория {n}")
    name_uk = factory.Sequence(lambda n: f"Категорія {n}")


def member(company: Company, role: str = MembershipRole.COMPANY_ADMIN, **user_kwargs) -> User:
    """A new person holding ``role`` in ``company``."""
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, company=company, role=role)
    return user
