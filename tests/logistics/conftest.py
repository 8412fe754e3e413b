"""The logistics tests' world: a platform with a buyer and a supplier trading on it, a third
company on it too, their admins, the platform's admin (``fixtures``, shared with the logistics
pages' tests), the supplier's Kyiv warehouse and the buyer's Lviv plant."""

from __future__ import annotations

import pytest

# The pages' tests load the same module as a plugin (pytest_plugins): rewritten either way.
pytest.register_assert_rewrite("tests.logistics.fixtures")

from .fixtures import other_admin, other_company, place, platform_admin, warehouse  # noqa: E402, F401
from .helpers import LVIV  # noqa: E402


@pytest.fixture
def delivery_place(buyer_admin, buyer_company):
    return place(buyer_admin, buyer_company, "delivery_place", "Lviv plant", LVIV)


# The landed-cost tests' world (a lot ranked by landed cost, the supplier's warehouse and card).
from .landed_helpers import landed_world, world  # noqa: E402, F401
