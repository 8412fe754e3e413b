"""Building blocks for the marketing tests: the CRM's world (a workspace with a person in every
role, a marketplace company, an outsider), accounts and contacts made directly, a segment and
a campaign, and what the marketing tables hold (to assert that a refusal wrote nothing)."""

from __future__ import annotations

from django.urls import reverse

from crm.models import Account, Contact
from marketing.models import Attribution, Campaign, Recipient, Segment, Suppression
from tests.crm.accounts_factories import (  # noqa: F401  (re-exported for the tests)
    ADMIN,
    BIDDER,
    EDITORS,
    MANAGER,
    OFFICER,
    READERS,
    World,
    client,
    make_world,
)


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def account(world: World, name: str = "Acme", **kw) -> Account:
    kw.setdefault("country", "UA")
    return Account.objects.create(workspace=world.workspace, name=name, name_key=name.lower(), **kw)


def contact(acc: Account, last_name: str = "Doe", **kw) -> Contact:
    kw.setdefault("consent", True)
    return Contact.objects.create(
        workspace_id=acc.workspace_id, account=acc, last_name=last_name, **kw
    )


def segment(world: World, filters: dict | None = None, name: str = "Everyone") -> Segment:
    return Segment.objects.create(
        workspace=world.workspace, name=name, filters=filters or {}, created_by=world.manager
    )


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Segment, Campaign, Recipient, Suppression, Attribution)
    }
