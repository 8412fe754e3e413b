"""The servicedesk app's rows."""
