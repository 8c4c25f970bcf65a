"""Customers: accounts, contacts, and the notes and activities that regard any record."""
