"""On PostgreSQL, a filter counts its matches without ranking them.

A filtered list first asks whether the query matches more rows than it
ranks (listing.too_many_to_rank counts to RANK_LIMIT + 1). Through the
ranking function that count cannot stop early once the access rules are
installed: their function is SECURITY DEFINER, which PostgreSQL never
inlines, so every match was ranked and checked first (a one-letter prefix
over the quick bench's contacts: 59,000 matches, 50 to 100 ms, where a
keystroke has 30). `crm_count_X_fts(q, n)` (ddl.COUNT_FUNCTION) counts
inside the function and stops at `n`; `crm-tui access` gives it the same
check as the match function. The knowledge index counts its own way.

Nothing changes on SQLite.
"""

from crm_tui.db.migrations import ddl


def up(db) -> None:
    if not ddl.is_postgres(db):
        return
    tables = db.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename LIKE '%\\_fts' AND tablename <> 'kb_fts' ORDER BY 1"
    ).fetchall()
    for (table,) in tables:
        db.execute_sql(ddl.count_function(table))
