"""Importing records from the files other CRMs and address books produce.

reading: a file's encoding and CSV dialect found (and said), its rows
streamed with their row numbers as a spreadsheet shows them.
mapping: which column fills which field, guessed from the headers (the
metadata's names and labels, and what other CRMs and address books write).
plan: the dry run, which writes nothing: each row to be created, a
duplicate, or an error with its column, value and reason (contacts so far).
"""
