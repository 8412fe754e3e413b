"""A segment's filter: the schema refuses what it does not know; each key selects as documented
in marketing/filters.py; the counts tell who may be written to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import Activity, Tag
from marketing.filters import filters_clean
from marketing.models import Suppression
from marketing.segments import filters_counts, segment_accounts, segment_contacts
from marketplace.core.exceptions import ApplicationError
from marketplace.standings.models import SupplierStanding
from suppliers.models import SupplierProfile, SupplierRegion
from tests.factories import CategoryFactory, CompanyFactory

from .factories import account, contact, make_world, segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def names(qs) -> list[str]:
    return sorted(a.name for a in qs)


def test_unknown_keys_and_bad_values_are_refused(world):
    with pytest.raises(ApplicationError) as err:
        filters_clean(
            workspace_id=world.ws,
            data={"stages": ["nope"], "colour": "red", "active_within_days": 0, "tags": [999]},
        )
    assert err.value.code == "invalid_filters"
    assert set(err.value.fields) == {"stages", "colour", "active_within_days", "tags"}
    with pytest.raises(ApplicationError):
        filters_clean(workspace_id=world.ws, data=["stages"])


def test_another_workspaces_tag_is_refused(world):
    theirs = Tag.objects.create(workspace=world.outsider, name="vip")
    with pytest.raises(ApplicationError) as err:
        filters_clean(workspace_id=world.ws, data={"tags": [theirs.pk]})
    assert "tags" in err.value.fields


def test_clean_is_canonical(world):
    assert filters_clean(
        workspace_id=world.ws,
        data={"countries": ["pl", "UA", "ua"], "stages": [], "segments": None},
    ) == {"countries": ["PL", "UA"]}


def test_each_key_selects(world):
    now = timezone.now()
    vip = Tag.objects.create(workspace=world.workspace, name="vip")
    fuels = CategoryFactory(code="F")
    diesel = CategoryFactory(code="D", parent=fuels)
    supplier = CompanyFactory(legal_name="Supplier A")
    profile = SupplierProfile.objects.create(company=supplier)
    profile.categories.add(diesel)
    SupplierRegion.objects.create(profile=profile, code="UA-30")
    SupplierStanding.objects.create(
        buyer=None,
        supplier=supplier,
        score=90,
        band="excellent",
        period_label="2026",
        updated_at=now,
    )
    other = CompanyFactory(legal_name="Supplier B")
    SupplierStanding.objects.create(
        buyer=None, supplier=other, score=90, band="excellent", period_label="2026", updated_at=now
    )
    SupplierStanding.objects.create(
        buyer=world.workspace,
        supplier=other,
        score=40,
        band="warning",
        period_label="2026",
        updated_at=now,
    )
    a = account(world, "Alpha", stage="active", segment="supplier", company=supplier)
    b = account(world, "Beta", stage="prospect", country="PL", company=other)
    a.tags.add(vip)
    Activity.objects.create(workspace=world.workspace, kind="call", subject="hi", account=b)
    old = Activity.objects.create(workspace=world.workspace, kind="call", subject="x", account=a)
    Activity.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=60))
    outsider_acc = account(world, "Theirs")
    outsider_acc.workspace = world.outsider
    outsider_acc.save()

    def sel(filters):
        seg = segment(world, filters_clean(workspace_id=world.ws, data=filters))
        return names(segment_accounts(segment=seg, now=now))

    assert sel({}) == ["Alpha", "Beta"]
    assert sel({"stages": ["active"]}) == ["Alpha"]
    assert sel({"segments": ["customer"]}) == ["Beta"]
    assert sel({"tags": [vip.pk]}) == ["Alpha"]
    assert sel({"categories": [fuels.pk]}) == ["Alpha"]  # a category under the chosen one
    assert sel({"categories": [diesel.pk]}) == ["Alpha"]
    assert sel({"countries": ["PL"]}) == ["Beta"]
    assert sel({"regions": ["UA-30"]}) == ["Alpha"]
    # Beta's own standing with this workspace (warning) wins over its platform-wide one.
    assert sel({"rating_bands": ["excellent"]}) == ["Alpha"]
    assert sel({"rating_bands": ["warning"]}) == ["Beta"]
    assert sel({"active_within_days": 30}) == ["Beta"]
    assert sel({"inactive_for_days": 30}) == ["Alpha"]
    assert sel({"stages": ["active"], "countries": ["PL"]}) == []


def test_counts_respect_consent_and_suppression(world):
    acc = account(world)
    contact(acc, "A", emails=["a@x.ua"], phones=["+380501112233"])
    contact(acc, "B", emails=["B@x.ua", "b2@x.ua"])
    contact(acc, "C", emails=["c@x.ua"], consent=False)
    contact(acc, "D")  # no address
    contact(acc, "E", emails=["a@x.ua"])  # the same address as A: one message
    Suppression.objects.create(workspace=world.workspace, address="b@x.ua", reason="bounced")
    seg = segment(world, {"languages": []})
    assert segment_contacts(segment=seg).count() == 5
    counts = filters_counts(workspace_id=world.ws, filters={})
    assert counts == {"accounts": 1, "contacts": 5, "reachable_email": 2, "reachable_sms": 1}
    Suppression.objects.create(workspace=world.workspace, address="b2@x.ua", reason="complained")
    assert filters_counts(workspace_id=world.ws, filters={})["reachable_email"] == 1
