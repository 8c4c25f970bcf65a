"""Indexes for the activities area (area 8): a person's open activities and
everyone's, by when they are due (sort_at: the due time of an open activity,
its end once it is done), the done ones by when they ended, and a person's
calendar. The open indexes are partial, as m0003's: queries name the states
literally."""

from crm_tui.db.migrations import ddl

STATEMENTS = [
    """CREATE INDEX activity_mine_open ON activity (owner_id, sort_at, id)
        WHERE state IN ('open', 'scheduled')""",
    """CREATE INDEX activity_all_open ON activity (sort_at, id)
        WHERE state IN ('open', 'scheduled')""",
    # the done ones apart: an index of every state would tempt the planner
    # to read all open activities of a kind and sort them
    "CREATE INDEX activity_completed ON activity (sort_at, id) WHERE state = 'completed'",
    "CREATE INDEX activity_canceled ON activity (sort_at, id) WHERE state = 'canceled'",
    # the calendar: a person's items by when they stand in it (a start, a due time)
    "CREATE INDEX activity_owner_when ON activity (owner_id, coalesce(scheduled_start, due_at))",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
