"""Accounts, contacts and the activity modal."""
