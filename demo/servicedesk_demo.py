"""The demo's service desk (load after ``crm_demo_load``): a supplier's desk (the CRM demo's
steel workspace, kept by its manager) with a queue escalating to the manager, an SLA policy in
working hours (Mon-Fri 09:00-18:00 Kyiv, the company's country's public holidays), a support
address, and three cases of its customer account (the agro company, whose people see them at
/support/): one open within its SLA, one breached and escalated, one closed with its survey.

Written through the services, once: a workspace that already has cases is left as it is."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from crm.models import Account, Contact
from marketplace.companies.models import Company
from marketplace.users.models import User
from servicedesk import breaches, services
from servicedesk.models import Case, Queue, SlaPolicy, SupportMailbox


def _summary(workspace: Company) -> dict:
    cases = Case.objects.filter(workspace=workspace)
    return {
        "workspace": workspace.pk,
        "queue": Queue.objects.filter(workspace=workspace, is_default=True)
        .values_list("pk", flat=True)
        .first(),
        "open": cases.filter(status__in=["new", "open"], first_response_breached_at=None)
        .values_list("pk", flat=True)
        .first(),
        "breached": cases.exclude(first_response_breached_at=None)
        .values_list("pk", flat=True)
        .first(),
        "closed": cases.filter(status="closed").values_list("pk", flat=True).first(),
        "cases_url": f"/crm/{workspace.pk}/cases/",
    }


def servicedesk_demo_load(*, now: datetime, workspace: Company, manager: User) -> dict:
    """The desk of ``workspace`` kept by ``manager`` (an account manager or admin there)."""
    if Case.objects.filter(workspace=workspace).exists():
        return _summary(workspace)
    account = (
        Account.objects.filter(workspace=workspace, company__isnull=False).order_by("pk").first()
        or Account.objects.filter(workspace=workspace).order_by("pk").first()
    )
    contact = Contact.objects.filter(account=account).order_by("pk").first() if account else None
    queue = Queue.objects.filter(workspace=workspace, is_default=True).first()
    if queue is None:
        queue = Queue.objects.create(
            workspace=workspace, name="Підтримка", is_default=True, escalation_to=manager
        )
    SlaPolicy.objects.get_or_create(
        workspace=workspace,
        priority="",
        defaults={
            "name": "Стандарт",
            "first_response_minutes": 4 * 60,
            "resolution_minutes": 16 * 60,
            "time_zone": "Europe/Kyiv",
            "weekdays": [0, 1, 2, 3, 4],
            "day_start": time(9),
            "day_end": time(18),
        },
    )
    SupportMailbox.objects.get_or_create(
        address=f"support-{workspace.pk}@demo.tradefloor.local",
        defaults={"workspace": workspace, "queue": queue},
    )
    who: dict[str, Any] = {"workspace": workspace, "account": account, "contact": contact}
    closed = services.case_open(
        **who,
        subject="Сертифікати якості на арматуру",
        body="Надішліть, будь ласка, сертифікати якості на партію арматури А500С.",
        kind="request",
        channel="email",
        now=now - timedelta(days=9),
    )
    services.case_reply(
        case_id=closed.pk,
        body="Сертифікати надіслано на вашу пошту. Гарного дня!",
        author=manager,
        now=now - timedelta(days=9) + timedelta(hours=1),
    )
    services.case_status_change(
        case_id=closed.pk, status="closed", actor=manager, now=now - timedelta(days=8)
    )
    services.case_survey_answer(
        case_id=closed.pk, rating=5, comment="Швидко і зрозуміло.", now=now - timedelta(days=8)
    )
    breached = services.case_open(
        **who,
        subject="Пошкоджена партія швелера",
        body="Дві пачки швелера 12П прийшли зі зламаною упаковкою та іржею.",
        kind="complaint",
        channel="web",
        now=now - timedelta(days=6),
    )
    breaches.breaches_flag(now=now)
    services.case_open(
        **who,
        subject="Як змінити адресу доставки?",
        body="Підкажіть, як змінити адресу доставки для наступного замовлення.",
        kind="question",
        channel="web",
        opened_by=manager,
        now=now,
    )
    breached.refresh_from_db()
    return _summary(workspace)
