"""Importing records from the files other CRMs and address books produce.

sources: a file of any format read the same way (CSV, Excel, vCard);
reading: a CSV's encoding and dialect found (and said), its rows streamed
with their row numbers as a spreadsheet shows them; vcard: cards as rows,
and contacts written as cards.
mapping: which column fills which field, guessed from the headers (the
metadata's names and labels, and what other CRMs and address books write);
maps: maps saved by name.
cells: days, times, amounts, options and yes/no read in the file's style;
lookups: a cell naming a record; targets: per kind, its service, the keys
rows are matched on and its duplicate rules.
plan: the dry run, which writes nothing: each row to be created, updated,
left as it is, a duplicate, or an error with its column, value and reason.
runs: writing, in short batches, recorded; pipeline: its rows planned in a
second process; history: past imports, and reverting one.
"""
