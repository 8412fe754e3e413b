"""The CRM's Celery tasks, found by Celery's autodiscovery (it imports ``crm.tasks`` only): the
imports' (``import_tasks``) and the reminders' (``reminder_tasks``)."""

from .import_tasks import *  # noqa: F403 - registered for the workers
from .reminder_tasks import *  # noqa: F403 - registered for the workers
