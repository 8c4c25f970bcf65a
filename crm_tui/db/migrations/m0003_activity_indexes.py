"""Indexes for a record's open activities and for follow-up tasks.

A record's open items (the top of its timeline, the open count in its title)
were found by reading every activity regarding it, and the follow-ups of an
activity (and the foreign-key check when an activity is deleted) by scanning
the whole activity table. Both indexes are partial: only open or scheduled
activities, and only follow-up tasks, are in them, so other writes pay nothing.
Queries must name the states literally (not as bound parameters) for the
planner to use activity_open_regarding.
"""

from crm_tui.db.migrations import ddl

STATEMENTS = [
    """CREATE INDEX activity_open_regarding
        ON activity (regarding_type, regarding_id, sort_at, id)
        WHERE state IN ('open', 'scheduled')""",
    """CREATE INDEX activity_follow_up ON activity (follow_up_of_id)
        WHERE follow_up_of_id IS NOT NULL""",
]


def up(db):
    ddl.run(db, STATEMENTS)
