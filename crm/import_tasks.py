"""The CRM's import_tasks (being built)."""

__all__: list[str] = []
