"""The demo's lived-in CRM: the buyer's and a supplier's workspaces with accounts for the other
demo companies (linked by their identifiers) and a prospect or two, their people, a pipeline
with an opportunity in every stage, and activities due today. The demo auction's result reaches
both timelines by itself, through the domain events, when the lot closes and is awarded.

Written through the CRM's services, as a person would, once: a workspace that already has
accounts is left as it is."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from crm.accounts import account_create, contact_create
from crm.activities import activity_create
from crm.models import Account, ActivityKind, Lifecycle, LostReason, PipelineKind, Segment, Stage
from crm.pipeline_leads import lead_create
from crm.pipeline_opportunities import opportunity_create, opportunity_move
from crm.pipelines import default_pipeline, pipelines_ensure
from marketplace.companies.models import Company
from marketplace.users.models import User

# Per workspace (a demo company key): the accounts (another demo company's key, or an external
# prospect's name), their people, and the opportunities (title, amount, account) of each stage,
# in the order of the pipeline's stages.
PEOPLE = {
    "steel": [("Андрій", "Мельник", "директор з продажів", "+380 44 123 45 67", "uk")],
    "fuel": [("Ирина", "Соколова", "менеджер по тендерам", "+7 495 123-45-67", "ru")],
    "logi": [("Kristjan", "Tamm", "sales lead", "+372 5123 4567", "en")],
    "agro": [("Олена", "Коваль", "начальниця відділу закупівель", "+380 67 765 43 21", "uk")],
}
PROSPECTS = {
    "agro": [("ТОВ «Полтава Агрохім»", "https://agrohim.example.ua", "Полтава")],
    "steel": [("ПрАТ «Запоріжкран»", "https://zapkran.example.ua", "Запоріжжя")],
}
PURCHASES = [  # the buyer's purchases: Planned, Published, Auction, Awarded, Cancelled
    ("Мінеральні добрива, осінь 2026", "3400000.00", "steel"),
    ("Запчастини до комбайнів", "860000.00", "logi"),
    ("Дизельне паливо, IV квартал", "6200000.00", "fuel"),
    ("Насіння соняшнику", "1450000.00", "logi"),
    ("Оренда зерновозів (скасовано)", "540000.00", "steel"),
]
SALES = [  # the supplier's sales: New, Qualified, Applied, Admitted, Bidding, Won, Lost
    ("Арматура А500С для елеватора", "1200000.00", "Полтава Агрохім"),
    ("Металоконструкції складу", "2750000.00", "agro"),
    ("Труба профільна, тендер Агро", "980000.00", "agro"),
    ("Лист гарячекатаний", "640000.00", "logi"),
    ("Швелер 12П, аукціон", "415000.00", "agro"),
    ("Кутник 50×5, рамковий договір", "305000.00", "logi"),
    ("Балка двотаврова", "720000.00", "Запоріжкран"),
]


def crm_demo_load(*, companies: dict[str, Company], managers: dict[str, User], now: datetime):
    """``managers``: per workspace key, the person who keeps its CRM (an account manager or
    the company's admin)."""
    for key, manager in managers.items():
        workspace = companies[key]
        if Account.objects.filter(workspace=workspace).exists():
            continue
        accounts = _accounts(workspace=workspace, key=key, companies=companies, actor=manager)
        pipelines_ensure(workspace_id=workspace.pk)
        if workspace.is_buyer:
            _opportunities(workspace, manager, PipelineKind.PURCHASE, PURCHASES, accounts, now)
        if workspace.is_supplier:
            _opportunities(workspace, manager, PipelineKind.SALES, SALES, accounts, now)
        _activities(workspace, manager, accounts, now)
        lead_create(
            user=manager,
            workspace_id=workspace.pk,
            title="Запит з сайту: ціни на поставку восени",
            company_name="ФГ «Лан»",
            person_name="Петро Іваненко",
            email="petro@lan.example.ua",
        )


def _accounts(*, workspace: Company, key: str, companies: dict, actor) -> dict[str, Account]:
    found: dict[str, Account] = {}
    for other_key, other in companies.items():
        if other_key == key:
            continue
        segment = Segment.SUPPLIER if other.is_supplier and not other.is_buyer else Segment.BOTH
        if other.is_buyer and not other.is_supplier:
            segment = Segment.CUSTOMER
        account = account_create(
            actor=actor,
            workspace_id=workspace.pk,
            name=other.legal_name,
            country=other.country,
            registration_number=other.registration_number,
            tax_id=other.tax_id,
            city=other.city,
            owner_id=actor.pk,
            segment=segment,
            stage=Lifecycle.ACTIVE,
            tags=["демо"],
        )
        for first, last, position, phone, language in PEOPLE.get(other_key, []):
            contact_create(
                actor=actor,
                workspace_id=workspace.pk,
                account_id=account.pk,
                first_name=first,
                last_name=last,
                position=position,
                phones=[phone],
                emails=[f"{other_key}@demo.tradefloor.local"],
                language=language,
                consent=True,
            )
        found[other_key] = account
    for name, website, city in PROSPECTS.get(key, []):
        account = account_create(
            actor=actor,
            workspace_id=workspace.pk,
            name=name,
            country="UA",
            website=website,
            city=city,
            owner_id=actor.pk,
            segment=Segment.CUSTOMER if workspace.is_supplier else Segment.SUPPLIER,
            stage=Lifecycle.PROSPECT,
            tags=["демо", "новий"],
        )
        found[name] = account
    return found


def _account_named(accounts: dict[str, Account], key: str) -> Account:
    """The account for ``key`` (a demo company's key or a prospect's name), or the first one
    (a workspace without that counterparty)."""
    if key in accounts:
        return accounts[key]
    named = [a for name, a in accounts.items() if key in name]
    return named[0] if named else next(iter(accounts.values()))


def _opportunities(workspace, manager, kind: str, rows, accounts, now) -> None:
    pipeline = default_pipeline(workspace_id=workspace.pk, kind=kind)
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("position"))
    for stage, (title, amount, account_key) in zip(stages, rows, strict=False):
        opportunity = opportunity_create(
            user=manager,
            workspace_id=workspace.pk,
            account_id=_account_named(accounts, account_key).pk,
            pipeline_id=pipeline.pk,
            title=title,
            amount=Decimal(amount),
            currency="UAH",
            expected_close=(now + timedelta(days=30)).date(),
            owner_id=manager.pk,
        )
        if stage.pk != opportunity.stage_id:
            opportunity_move(
                user=manager,
                workspace_id=workspace.pk,
                opportunity_id=opportunity.pk,
                stage_id=stage.pk,
                lost_reason=LostReason.PRICE if stage.kind == "lost" else "",
                won_amount=Decimal(amount) if stage.kind == "won" else None,
            )


def _activities(workspace, manager, accounts, now) -> None:
    # Due later today, whatever the hour the demo is loaded at (never past midnight).
    end_of_day = now.replace(hour=23, minute=59, second=0, microsecond=0)
    soon = now + min(timedelta(hours=2), (end_of_day - now) / 3)
    later = now + min(timedelta(hours=4), (end_of_day - now) * 2 / 3)
    first = next(iter(accounts.values()))
    activity_create(
        user=manager,
        workspace_id=workspace.pk,
        kind=ActivityKind.CALL,
        subject="Уточнити обсяги поставки на IV квартал",
        account_id=first.pk,
        due_at=soon,
        assignee_id=manager.pk,
    )
    activity_create(
        user=manager,
        workspace_id=workspace.pk,
        kind=ActivityKind.MEETING,
        subject="Зустріч щодо рамкового договору",
        account_id=first.pk,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        location="Київ, вул. Хрещатик, 1",
        assignee_id=manager.pk,
        due_at=later,
    )
    activity_create(
        user=manager,
        workspace_id=workspace.pk,
        kind=ActivityKind.TASK,
        subject="Надіслати комерційну пропозицію",
        account_id=first.pk,
        due_at=now - timedelta(days=1),
        assignee_id=manager.pk,
    )
