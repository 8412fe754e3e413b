"""The machine translation of a tender, in Celery after the commit that asked for it (in one
background thread of the process under ``make run``, so no request waits on a provider). One
bounded provider call per language, never retried: a provider that is down leaves the original
shown, and the author may ask again."""

from __future__ import annotations

from celery import shared_task

from marketplace.core.background import task_on_commit

from .machine_versions import tender_machine_translate


def tender_translation_schedule(tender_id: int, languages: list[str]) -> None:
    """Send ``tender_translate`` for each language when the current transaction commits."""
    for language in languages:
        task_on_commit(tender_translate, tender_id, language)


@shared_task(ignore_result=True)
def tender_translate(tender_id: int, language: str) -> bool:
    return tender_machine_translate(tender_id=tender_id, language=language)
