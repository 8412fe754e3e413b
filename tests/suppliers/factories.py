"""Factories for supplier profiles, the catalogue and price lists."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from suppliers.models import (
    Certificate,
    PriceList,
    PriceListItem,
    PriceListKind,
    Product,
    SupplierProfile,
    SupplierRegion,
)
from tests.factories import CompanyFactory


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierProfile
        django_get_or_create = ("company",)

    company = factory.SubFactory(CompanyFactory, is_supplier=True)
    description = factory.Faker("sentence")


class SupplierRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierRegion

    profile = factory.SubFactory(SupplierProfileFactory)
    code = "UA"


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    profile = factory.SubFactory(SupplierProfileFactory)
    name = factory.Sequence(lambda n: f"ISO 9001 #{n}")
    issuer = "Bureau Veritas"
    number = factory.Sequence(lambda n: f"CERT-{n}")
    valid_from = datetime.date(2025, 1, 1)
    valid_until = datetime.date(2028, 1, 1)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    supplier = factory.SubFactory(CompanyFactory, is_supplier=True)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    unit = "pcs"


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    supplier = factory.SubFactory(CompanyFactory, is_supplier=True)
    name = factory.Sequence(lambda n: f"Price list {n}")
    kind = PriceListKind.WHOLESALE
    currency = "UAH"
    valid_from = datetime.date(2026, 1, 1)


class PriceListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListItem

    price_list = factory.SubFactory(PriceListFactory)
    product = factory.LazyAttribute(lambda o: ProductFactory(supplier=o.price_list.supplier))
    price = Decimal("100.00")
    min_quantity = Decimal("1")
