"""The CRM's timeline_listeners of the domain events (being built)."""
