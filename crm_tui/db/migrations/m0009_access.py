"""Access: the privileges an admin has changed from the built-in role table.

Each row overrides one (role, record kind, privilege) of the defaults in
crm_tui/services/access.py with a depth; a role with no rows has exactly the
defaults. A version in `meta` tells every running app to read them again.
"""

from crm_tui.db.migrations import ddl

STATEMENTS = [
    """CREATE TABLE role_privilege (
        role TEXT NOT NULL CHECK (role IN ('agent', 'sales', 'manager', 'admin')),
        kind TEXT NOT NULL,
        privilege TEXT NOT NULL CHECK (privilege IN
            ('create', 'read', 'write', 'delete', 'assign', 'append')),
        depth TEXT NOT NULL CHECK (depth IN ('none', 'own', 'team', 'org')),
        PRIMARY KEY (role, kind, privilege)
    ) WITHOUT ROWID""",
    "INSERT INTO meta (key, value) VALUES ('roles_version', '0') ON CONFLICT DO NOTHING",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
