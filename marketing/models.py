"""The marketing app's rows."""
