"""Saved views: a list's query, columns and built-in view kept under a name
(Dynamics' personal and system views), and each person's default view of
each list.

A view is its owner's (personal), their team's, or everyone's; only
managers and admins share (crm_tui/services/views.py, and on PostgreSQL the
table's row-level rules). Its query is the filter bar's text, read again
each time the view is shown, so a field renamed or an option removed later
makes the view say why it cannot be run rather than show wrong rows.
`view_default.view` names a built-in view ("active") or a saved one
("saved:12").
"""

from crm_tui.db.migrations import ddl

STATEMENTS = [
    """CREATE TABLE saved_view (
        id INTEGER PRIMARY KEY,
        list TEXT NOT NULL,
        name TEXT NOT NULL,
        base_view TEXT NOT NULL,
        query TEXT NOT NULL DEFAULT '',
        columns TEXT NOT NULL DEFAULT '',
        scope TEXT NOT NULL CHECK (scope IN ('personal', 'team', 'everyone')),
        owner_id INTEGER NOT NULL REFERENCES "user" (id),
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        UNIQUE (list, owner_id, name)
    )""",
    "CREATE INDEX saved_view_list ON saved_view (list, scope, owner_id)",
    """CREATE TABLE view_default (
        user_id INTEGER NOT NULL REFERENCES "user" (id),
        list TEXT NOT NULL,
        view TEXT NOT NULL,
        PRIMARY KEY (user_id, list)
    ) WITHOUT ROWID""",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
