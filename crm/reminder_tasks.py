"""The CRM's reminder_tasks (being built)."""

__all__: list[str] = []
