import factory

from buyers.models import BuyerProfile
from tests.factories import CompanyFactory


class BuyerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerProfile
        django_get_or_create = ("company",)

    company = factory.SubFactory(CompanyFactory, is_buyer=True, is_supplier=False)
    description = factory.Faker("sentence")
