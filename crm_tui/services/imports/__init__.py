"""Importing records from the files other CRMs and address books produce.

reading: a file's encoding and CSV dialect found (and said), its rows
streamed with their row numbers as a spreadsheet shows them.
mapping: which column fills which field, guessed from the headers (the
metadata's names and labels, and what other CRMs and address books write).
"""
