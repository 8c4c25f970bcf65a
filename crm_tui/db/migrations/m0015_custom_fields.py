"""Custom fields: attributes an admin adds to a record kind (Dynamics'
customisation). Each field's values live in a real column of the kind's own
table, named `cf_<name>` and added when the field is (services/
custom_fields.py); this table says what each column is: its label, type,
options, lookup target, whether it is required and searchable, and whether
it was removed (hidden, its data kept until an admin purges it).
"""

from crm_tui.db.migrations import ddl

STATEMENTS = [
    """CREATE TABLE custom_field (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('text', 'long_text', 'integer', 'number', 'money',
            'date', 'boolean', 'option_set', 'lookup')),
        options TEXT NOT NULL DEFAULT '[]',
        target TEXT,
        required INTEGER NOT NULL DEFAULT 0,
        searchable INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES "user" (id),
        modified_at TEXT NOT NULL,
        modified_by INTEGER REFERENCES "user" (id),
        UNIQUE (kind, name)
    )""",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
