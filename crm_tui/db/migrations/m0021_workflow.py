"""Workflow: rules that act when records change or when a date comes, the
job queue and ledger that run the background and scheduled ones exactly
once, the log of every run, and notifications.

A rule keeps what it is (its trigger's details, condition and actions) as
JSON in `spec`; its kind, trigger, mode and whether it is on are columns,
which the write path reads. A `workflow_job` is one firing of a background
or scheduled rule for one record: `moment` is the record's date as it was
when a scheduled rule fired (or the event's own key), and (rule, record,
moment) is unique, so a rule fires once per record and date, whoever looks
and however often; the row stays, done, as the ledger. A scheduled rule's
`scanned_until` is the moment up to which its due records were looked for.
The one runner of a database holds the row of `workflow_runner`.
`queue_rotation` is where a queue's round-robin assignment got to.

An audit entry names the rule that made its change, when a rule did.

A notification is one person's, read or not; `record_follow` names the
records a person follows (they are told when a colleague changes one).
"""

from crm_tui.db.migrations import ddl

TRIGGERS = "'created', 'updated', 'state', 'assigned', 'time', 'called'"

STATEMENTS = [
    f"""CREATE TABLE workflow_rule (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        trigger TEXT NOT NULL CHECK (trigger IN ({TRIGGERS})),
        mode TEXT NOT NULL CHECK (mode IN ('realtime', 'background')),
        spec TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        enabled INTEGER NOT NULL DEFAULT 0,
        enabled_at TEXT,
        scanned_until TEXT,
        owner_id INTEGER NOT NULL REFERENCES "user" (id),
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        modified_by INTEGER REFERENCES "user" (id)
    )""",
    "CREATE INDEX workflow_rule_kind ON workflow_rule (kind, enabled)",
    """CREATE TABLE workflow_job (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL REFERENCES workflow_rule (id),
        record_type TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        moment TEXT NOT NULL,
        trigger TEXT NOT NULL,
        due_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'done', 'skipped', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        queued_by INTEGER REFERENCES "user" (id),
        queued_at TEXT NOT NULL,
        done_at TEXT,
        UNIQUE (rule_id, record_id, moment)
    )""",
    "CREATE INDEX workflow_job_due ON workflow_job (due_at, id) WHERE state = 'queued'",
    """CREATE TABLE workflow_run (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL REFERENCES workflow_rule (id),
        record_type TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        trigger TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('realtime', 'background', 'scheduled', 'called')),
        result TEXT NOT NULL CHECK (result IN ('done', 'skipped', 'failed', 'retrying')),
        actions TEXT NOT NULL DEFAULT '[]',
        error TEXT NOT NULL DEFAULT '',
        acting_as INTEGER REFERENCES "user" (id),
        by_user INTEGER REFERENCES "user" (id),
        job_id INTEGER REFERENCES workflow_job (id)
    )""",
    "CREATE INDEX workflow_run_record ON workflow_run (record_type, record_id, id)",
    "CREATE INDEX workflow_run_rule ON workflow_run (rule_id, id)",
    """CREATE TABLE workflow_runner (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        beat_at TEXT NOT NULL
    )""",
    """CREATE TABLE queue_rotation (
        queue_id INTEGER PRIMARY KEY REFERENCES queue (id),
        last_user_id INTEGER REFERENCES "user" (id)
    )""",
    """CREATE TABLE notification (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES "user" (id),
        at TEXT NOT NULL,
        text TEXT NOT NULL,
        record_type TEXT,
        record_id INTEGER,
        from_user INTEGER REFERENCES "user" (id),
        rule_id INTEGER REFERENCES workflow_rule (id),
        read_at TEXT
    )""",
    "CREATE INDEX notification_user ON notification (user_id, id)",
    "CREATE INDEX notification_unread ON notification (user_id) WHERE read_at IS NULL",
    "ALTER TABLE audit_entry ADD COLUMN rule_id INTEGER",
    """CREATE TABLE record_follow (
        record_type TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL REFERENCES "user" (id),
        at TEXT NOT NULL,
        PRIMARY KEY (record_type, record_id, user_id)
    ) WITHOUT ROWID""",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
