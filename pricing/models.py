"""The pricing app's rows."""
