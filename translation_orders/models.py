"""The translation orders' rows."""
