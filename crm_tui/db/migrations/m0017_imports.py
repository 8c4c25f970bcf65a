"""Imports: each run of an import (who, when, which file, map, mode and
key, its counts) and the records it created or updated, so that it can be
reverted; and the column maps people save to import the same kind of file
again (Dynamics' data maps). Leads get the email index contacts and
accounts have, for matching a file's rows to them; the columns that point at
a record get indexes where they had none, so that removing one (a revert)
does not read whole tables to check what refers to it.

`import_record.before` holds, for an update, the fields the import changed
with the values they had (what the update's audit entry says); `version`
is the record's version the import left, so a revert can tell a record
changed since from one it may put back. While a run is running, its
`finished_at` is when its last batch was written (a run cut short is told
by it) and its counts are those so far.
"""

from crm_tui.db.migrations import ddl

STATEMENTS = [
    """CREATE TABLE import_run (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        file_name TEXT NOT NULL,
        map_name TEXT NOT NULL DEFAULT '',
        mode TEXT NOT NULL CHECK (mode IN ('create', 'update', 'upsert')),
        match_key TEXT NOT NULL DEFAULT '',
        user_id INTEGER NOT NULL REFERENCES "user" (id),
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'stopped', 'reverted')),
        counts TEXT NOT NULL DEFAULT '{}',
        started_at TEXT NOT NULL,
        finished_at TEXT,
        reverted_at TEXT
    )""",
    "CREATE INDEX import_run_user ON import_run (user_id, id)",
    # `seq` orders what one import wrote (an account a row named before the
    # row's contact), so that a revert undoes it newest first
    """CREATE TABLE import_record (
        import_id INTEGER NOT NULL REFERENCES import_run (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        row_number INTEGER NOT NULL,
        record_type TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('create', 'update')),
        version INTEGER NOT NULL,
        before TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (import_id, seq)
    )""",
    # an import matches leads on their email, as contacts and accounts are
    "CREATE INDEX lead_email ON lead (email COLLATE NOCASE) WHERE email != ''",
    # The references nothing looked up by until a revert removes the record
    # they point at: removing a contact had both engines read every account
    # and lead to check their foreign keys, per contact.
    "CREATE INDEX account_primary_contact ON account (primary_contact_id) "
    "WHERE primary_contact_id IS NOT NULL",
    "CREATE INDEX activity_follow_up_of ON activity (follow_up_of_id) "
    "WHERE follow_up_of_id IS NOT NULL",
    "CREATE INDEX lead_contact ON lead (contact_id) WHERE contact_id IS NOT NULL",
    "CREATE INDEX lead_account ON lead (account_id) WHERE account_id IS NOT NULL",
    "CREATE INDEX lead_opportunity ON lead (opportunity_id) WHERE opportunity_id IS NOT NULL",
    "CREATE INDEX opportunity_lead ON opportunity (lead_id) WHERE lead_id IS NOT NULL",
    'CREATE INDEX case_product ON "case" (product_id) WHERE product_id IS NOT NULL',
    'CREATE INDEX case_merged_into ON "case" (merged_into_id) WHERE merged_into_id IS NOT NULL',
    "CREATE INDEX contract_line_product ON contract_line (product_id) WHERE product_id IS NOT NULL",
    *(
        f"CREATE INDEX {t}_product ON {t} (product_id) WHERE product_id IS NOT NULL"
        for t in ("opportunity_line", "quote_line", "sales_order_line", "invoice_line")
    ),
    """CREATE TABLE import_map (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        columns TEXT NOT NULL DEFAULT '{}',
        options TEXT NOT NULL DEFAULT '{}',
        owner_id INTEGER NOT NULL REFERENCES "user" (id),
        modified_at TEXT NOT NULL,
        UNIQUE (kind, name)
    )""",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
