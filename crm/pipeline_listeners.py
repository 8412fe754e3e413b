"""The CRM's pipeline_listeners of the domain events (being built)."""
