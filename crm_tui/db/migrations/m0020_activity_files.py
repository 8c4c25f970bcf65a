"""Files an email activity sends with it (a printed quote, order or invoice
as a PDF): kept with the activity, deleted with it, attached by the mail
sender beside any sales literature the email carries."""

from crm_tui.db.migrations import ddl

STATEMENTS = [
    """CREATE TABLE activity_file (
        id INTEGER PRIMARY KEY,
        activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        content BLOB NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX activity_file_activity ON activity_file (activity_id)",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
