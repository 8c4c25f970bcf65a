"""Reporting: saved reports and dashboards, sales targets, and the indexes
the built-in reports and the dashboard's tiles read.

A report keeps what it asks as JSON (its kind, query, groupings, measures
and chart) and, like a saved view, is its owner's, their team's or
everyone's; so is a dashboard, whose JSON is its tiles in order. The
dashboard a person opens on is a `view_default` row of the list
"dashboard". A sales target is one person's won revenue hoped for in one
quarter ("2026-Q4"), in minor units; managers set them.

The activities by owner and kind are counted from an index alone, and a
person's own changes are read newest first from one (the dashboard's
recent records).
"""

from crm_tui.db.migrations import ddl

_SHARED = """
        scope TEXT NOT NULL CHECK (scope IN ('personal', 'team', 'everyone')),
        owner_id INTEGER NOT NULL REFERENCES "user" (id),
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        UNIQUE (owner_id, name)"""

STATEMENTS = [
    f"""CREATE TABLE saved_report (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        spec TEXT NOT NULL,
        {_SHARED}
    )""",
    "CREATE INDEX saved_report_scope ON saved_report (scope, owner_id)",
    f"""CREATE TABLE dashboard (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        tiles TEXT NOT NULL,
        {_SHARED}
    )""",
    "CREATE INDEX dashboard_scope ON dashboard (scope, owner_id)",
    """CREATE TABLE sales_target (
        user_id INTEGER NOT NULL REFERENCES "user" (id),
        period TEXT NOT NULL,
        amount INTEGER NOT NULL CHECK (amount >= 0),
        set_by INTEGER NOT NULL REFERENCES "user" (id),
        modified_at TEXT NOT NULL,
        PRIMARY KEY (user_id, period)
    ) WITHOUT ROWID""",
    "CREATE INDEX activity_owner_kind ON activity (owner_id, kind, state)",
    "CREATE INDEX audit_user ON audit_entry (user_id, id)",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
