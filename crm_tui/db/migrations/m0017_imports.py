"""Imports: each run of an import (who, when, which file, map, mode and
key, its counts) and the records it created or updated, so that it can be
reverted; and the column maps people save to import the same kind of file
again (Dynamics' data maps). Leads get the email index contacts and
accounts have, for matching a file's rows to them.

`import_record.before` holds, for an update, the fields the import changed
with the values they had (what the update's audit entry says); `version`
is the record's version the import left, so a revert can tell a record
changed since from one it may put back.
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
