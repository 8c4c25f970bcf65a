"""Full-text search over accounts and contacts.

The index is contentless: it holds normalised text (Persian/Arabic folding
happens in Python before indexing and querying), keyed by the record id.
Existing rows are indexed as part of the upgrade.
"""

STATEMENTS = [
    """CREATE VIRTUAL TABLE account_fts USING fts5(
        name, details, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE VIRTUAL TABLE contact_fts USING fts5(
        name, details, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
]


def up(db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
    from crm_tui.services.search import reindex

    reindex("account")
    reindex("contact")
