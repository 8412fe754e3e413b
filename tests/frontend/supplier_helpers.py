"""What the supplier pages' tests share (``test_supplier_*.py``): the client helpers and a
snapshot of everything the pages could write. The fixtures are in ``supplier_fixtures.py``."""

from __future__ import annotations

import re
from html import unescape

from suppliers.models import (
    Certificate,
    PriceList,
    PriceListItem,
    Product,
    SupplierProfile,
    SupplierRegion,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def as_(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def section(body: str, element_id: str) -> str:
    """The text inside the element with ``element_id`` (the first closing tag of its kind)."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', body, re.S)
    assert match, f"no #{element_id} in the page"
    return unescape(match.group(2))


def field_errors(body: str, field_id: str) -> str:
    return section(body, f"{field_id}_errors")


def written() -> tuple:
    """Everything the supplier pages could write, to compare before and after a refusal."""
    return (
        list(SupplierProfile.objects.order_by("pk").values_list("company_id", "description")),
        list(SupplierRegion.objects.order_by("pk").values_list("profile_id", "code")),
        list(
            SupplierProfile.categories.through.objects.order_by("pk").values_list(
                "supplierprofile_id", "category_id"
            )
        ),
        list(
            Certificate.objects.order_by("pk").values_list(
                "name", "issuer", "number", "valid_from", "valid_until", "file_name"
            )
        ),
        list(
            Product.objects.order_by("pk").values_list(
                "supplier_id", "sku", "name", "unit", "category_id", "is_active"
            )
        ),
        list(
            PriceList.objects.order_by("pk").values_list(
                "name", "kind", "currency", "valid_from", "valid_until"
            )
        ),
        list(
            PriceListItem.objects.order_by("pk").values_list(
                "price_list_id", "product_id", "price", "min_quantity"
            )
        ),
    )
