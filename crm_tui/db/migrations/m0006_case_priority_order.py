"""The case queue orders ties by priority: next breach, then high before
normal before low, then id.

Paused cases and cases whose clocks are done have no next breach, and cases
opened in the same minute share one, so the id alone used to decide their
order. The rank is a VIRTUAL generated column: SQLite keeps it right on every
insert and update (no service or bulk loader has to maintain it), it takes no
space in the table, and as a plain column it can end a keyset row value
`(next_breach_at, priority_rank, id) > (?, ?, ?)` that seeks in the index (an
index on the CASE expression itself would only seek on next_breach_at).

The three urgency indexes keep their names (the queue names them in INDEXED
BY) and gain the rank before the id.
"""

from crm_tui.db.migrations import ddl

RANK = "CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END"

STATEMENTS = [
    f"""ALTER TABLE "case" ADD COLUMN priority_rank INTEGER
        GENERATED ALWAYS AS ({RANK}) VIRTUAL""",
    "DROP INDEX case_queue_urgency",
    "DROP INDEX case_owner_urgency",
    "DROP INDEX case_active_urgency",
    """CREATE INDEX case_queue_urgency ON "case" (queue_id, next_breach_at, priority_rank, id)
        WHERE state = 'active'""",
    """CREATE INDEX case_owner_urgency ON "case" (owner_id, next_breach_at, priority_rank, id)
        WHERE state = 'active'""",
    """CREATE INDEX case_active_urgency ON "case" (next_breach_at, priority_rank, id)
        WHERE state = 'active'""",
]


def up(db):
    ddl.run(db, STATEMENTS)
