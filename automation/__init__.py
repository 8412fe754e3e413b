"""Automation rules ("when <event> [if <conditions>] then <actions>") a company admin configures, run on the domain events and logged."""
