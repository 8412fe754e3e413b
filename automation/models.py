"""The automation app's rows."""
