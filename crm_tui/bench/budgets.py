"""The product's performance budgets, as `crm-tui bench` checks them: the
report and each area's measurements compare their medians with these."""

from __future__ import annotations

# First frame of the app / of a bare Textual app, both timed from process
# start to the frame that shows their table's rows (crm_tui/bench/frame.py).
FRAME_RATIO = 1.15
LIST_PAGE_MS = 30.0
FILTER_MS = 30.0  # a keystroke in a filter, and other interactive lookups
KB_SEARCH_MS = 20.0
KANBAN_MS = 100.0
WRITE_MS = 10.0
WRITERS_PER_S = 1000.0
# An import's rows per second, dry run and writing each: 100,000 contacts
# in well under a minute (crm_tui/bench/imports.py).
IMPORT_ROWS_PER_S = 2000.0
# A campaign step distributed: 50,000 members' activities in under two
# minutes, in short batches other people's writes pass between
# (crm_tui/bench/marketing.py); a dynamic list counted over the contacts.
DISTRIBUTE_PER_S = 500.0
DYNAMIC_LIST_MS = 1000.0
# A grouped report over the bench's big tables (1M contacts, 2M activities),
# and one tile of a dashboard (crm_tui/bench/reporting.py).
REPORT_MS = 500.0
TILE_MS = 50.0
RSS_MB = 150.0
# A desk key, from its bytes to the settled screen in a real terminal
# (crm_tui/bench/interact.py): the median and the p95 of its presses.
INTERACT_MS = 50.0
INTERACT_P95_MS = 120.0
# What five real-time workflow rules on cases add to a case write, and the
# runner's throughput on due scheduled matches (crm_tui/bench/workflow.py).
RULES_ADDED_MS = 2.0
