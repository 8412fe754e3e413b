"""The CRM imports' Celery tasks: the dry run of an uploaded file and, once the person confirms,
the writing of its valid rows (``imports``). Each loads its job and calls the service; both are
safe to run twice (the job's status says what is left to do). Without a broker (tests, ``make
run``) Celery runs them eagerly, right after the request's transaction commits."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from . import imports

logger = logging.getLogger(__name__)

__all__ = ["import_check", "import_write", "imports_expire"]


def import_check_schedule(job_id: int) -> None:
    """Enqueue the dry run of ``job_id`` when the current transaction commits."""
    transaction.on_commit(lambda: import_check.delay(job_id))


def import_write_schedule(job_id: int) -> None:
    """Enqueue the writing of the confirmed ``job_id`` when the current transaction commits."""
    transaction.on_commit(lambda: import_write.delay(job_id))


def _unexpected(job_id: int) -> None:
    logger.exception("CRM import %s stopped", job_id)
    imports.import_fail(
        job_id=job_id,
        message=_("The import stopped on an unexpected error, and nothing was imported."),
    )


@shared_task(name="crm.import_check", bind=True, acks_late=True, max_retries=3)
def import_check(self, job_id: int) -> None:
    try:
        imports.import_check_run(job_id=job_id)
    except OperationalError as exc:  # the database away: the job stays as it was; try again
        raise self.retry(exc=exc, countdown=30) from exc
    except Exception:  # a defect: the job says so rather than stay "checking" for ever
        _unexpected(job_id)


@shared_task(name="crm.import_write", bind=True, acks_late=True, max_retries=3)
def import_write(self, job_id: int) -> None:
    try:
        imports.import_write_run(job_id=job_id)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=30) from exc
    except Exception:
        _unexpected(job_id)


@shared_task(name="crm.imports_expire")
def imports_expire() -> int:
    """Hourly (Celery beat): imports nobody will finish are ended and their files deleted."""
    return imports.imports_expire()
