"""Numbered schema migrations with a history table.

Each migration module has `NAME` and `up(db)`. They run in order, each in its
own BEGIN IMMEDIATE transaction that re-checks the history first, so two
processes opening an old database at once upgrade it exactly once.
"""

from __future__ import annotations

import datetime as dt
import importlib

from crm_tui.db.migrations import ddl
from crm_tui.errors import DatabaseRefused

MODULES = [
    "m0001_core",
    "m0002_search",
    "m0003_activity_indexes",
    "m0004_sales",
    "m0005_service",
    "m0006_case_priority_order",
    "m0007_knowledge",
    "m0008_kb_search_speed",
    "m0009_access",
    "m0010_kb_rank",
    "m0011_pg_match_counts",
    "m0012_activity_parties",
    "m0013_state_modified_indexes",
    "m0014_saved_views",
    "m0015_custom_fields",
    "m0016_activity_lists",
    "m0017_imports",
    "m0018_marketing",
    "m0019_reporting",
    "m0020_activity_files",
    "m0021_workflow",
]
LATEST = len(MODULES)

_HISTORY = """
CREATE TABLE IF NOT EXISTS schema_migration (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""


def applied_level(db) -> int:
    if ddl.is_postgres(db):
        exists = "SELECT to_regclass('schema_migration')"
    else:
        exists = "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migration'"
    row = db.execute_sql(exists).fetchone()
    if row is not None and row[0] is None:
        row = None
    if row is None:
        return 0
    return db.execute_sql("SELECT coalesce(max(id), 0) FROM schema_migration").fetchone()[0]


def upgrade(db, target: int = LATEST) -> list[str]:
    """Apply the migrations up to `target`; returns the names applied."""
    level = applied_level(db)
    if level > LATEST:
        raise DatabaseRefused(
            f"this database has schema level {level} but this crm-tui knows only {LATEST}; "
            "it was written by a newer crm-tui: upgrade crm-tui to open it"
        )
    done = []
    for number in range(level + 1, target + 1):
        module = importlib.import_module(f"crm_tui.db.migrations.{MODULES[number - 1]}")
        with db.atomic("IMMEDIATE"):
            db.execute_sql(ddl.postgres(_HISTORY) if ddl.is_postgres(db) else _HISTORY)
            if applied_level(db) >= number:
                continue  # another process got there first
            module.up(db)
            db.execute_sql(
                "INSERT INTO schema_migration (id, name, applied_at) VALUES (?, ?, ?)",
                (
                    number,
                    MODULES[number - 1],
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                ),
            )
        done.append(MODULES[number - 1])
    if done and ddl.is_postgres(db):
        with db.atomic("IMMEDIATE"):
            ddl.notify_triggers(db)
    return done
