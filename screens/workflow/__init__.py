"""Workflow rules (admins), their dry runs and log, and the notification centre."""
