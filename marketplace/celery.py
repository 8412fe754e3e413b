"""The Celery application. Without a broker configured, tasks run eagerly in-process."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("tradefloor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _tune_gc(**_kwargs) -> None:
    """A worker process, once forked, keeps what it loaded out of the collector's sight."""
    from marketplace.core.gc_tuning import tune_for_serving

    tune_for_serving()


class EmbeddedBeat:
    """Celery beat's schedule (``CELERY_BEAT_SCHEDULE``) run in-process, for the embedded
    default where there is no broker and no beat (``make run``): the auction scheduler's loop
    calls ``run_due`` on each pass, and each task that is due runs there and then."""

    def __init__(self):
        import logging

        from celery.schedules import maybe_schedule
        from django.conf import settings

        self.logger = logging.getLogger("marketplace.celery")
        self.entries = {
            name: (entry["task"], maybe_schedule(entry["schedule"], app=app))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        app.loader.import_default_modules()  # every app's tasks module, as a worker does
        start = app.now()
        self.last_run = dict.fromkeys(self.entries, start)

    def run_due(self) -> list[str]:
        """Run the tasks that are due; returns their names."""
        ran = []
        for name, (task, schedule) in self.entries.items():
            due, _next = schedule.is_due(self.last_run[name])
            if not due:
                continue
            self.last_run[name] = app.now()
            try:
                app.tasks[task].apply(throw=True)
            except Exception:  # one task's failure must not stop the loop or the others
                self.logger.exception("embedded beat: %s failed", task)
            ran.append(task)
        return ran
