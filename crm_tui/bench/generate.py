"""Build (and cache) the big benchmark database.

The schema comes from the real migrations (crm_tui.db.open_database); rows are
bulk-inserted with raw SQL through the APSW connection, with every column
filled the way the services fill it (name_sort from crm_tui.text.sort_key,
times as crm_tui.models.base.to_db_time text, sort_at as activities.log sets
it, version 1 for a record never edited). Secondary indexes are dropped
during the load and rebuilt afterwards from their own SQL, and the FTS
documents are computed by a fast path (crm_tui.bench.documents) that a
sample proves equal to what crm_tui.services.search.reindex writes.

What the generated data has no equivalent for: bulk records carry no audit
entries (only the bench account has a history) and activities have no party
rows; neither affects the measured queries, which read by index. Each area
writes its own rows: the customers (users, accounts, contacts, activities,
notes) crm_tui.bench.customers_data, the sales part (teams, products, the
pipeline, quotes) crm_tui.bench.sales_data, the service part (queues, cases,
resources, bookings) crm_tui.bench.service_data, the knowledge base
(subjects, article versions, case links, ratings, kb_fts)
crm_tui.bench.kb_data. This module builds, caches, upgrades and restores.

A cache of an older generator version is brought up to this one by the
steps in UPGRADES when there are any (v3 -> v4 adds the knowledge base to
the v3 database in place, in about half a minute), instead of regenerating
it; `--rebuild` still builds from scratch.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from crm_tui.bench import customers_data, kb_data, postgres, sales_data, service_data
from crm_tui.bench.bulk import Clock, Loader
from crm_tui.bench.scale import FULL, QUICK, Generated, Scale

# Bump when the generated content changes: a cached database of another
# version is never reused.
GENERATOR_VERSION = 4
# 2: the sales pipeline, products, quotes, teams; 3: cases, bookings; 4: the knowledge base

SEED = 20240611
HISTORY_DAYS = 3 * 365


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- cache ---------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where the built databases are kept: the temp directory, across runs."""
    return Path(tempfile.gettempdir()) / "crm-tui-bench"


def cache_path(quick: bool = False) -> Path:
    """The cached database of this generator version, full or quick."""
    stem = "bench-quick" if quick else "bench"
    return cache_dir() / f"{stem}-v{GENERATOR_VERSION}.db"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _clean_cache_dir(keep: Path, log: Callable[[str], None]) -> None:
    """Drop partial builds of dead processes and caches of other generator versions."""
    stem = keep.name.split("-v")[0]
    for item in cache_dir().glob(f"{stem}-v*.db*"):
        if ".partial-" in item.name:
            pid = item.name.rsplit(".partial-", 1)[1].split("-")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                item.unlink(missing_ok=True)
        elif not item.name.startswith(keep.name):
            log(f"bench: removing the cache of another generator version: {item}")
            item.unlink(missing_ok=True)


def ensure(
    *,
    quick: bool = False,
    rebuild: bool = False,
    log: Callable[[str], None] = _stderr,
    db: str | None = None,
) -> Generated:
    """The cached benchmark database, built first if missing (or `rebuild`);
    with `db` (a postgresql:// URL) the database there instead of the cache."""
    scale = QUICK if quick else FULL
    if db is not None:
        return postgres.ensure(db, scale, rebuild, log, GENERATOR_VERSION, generate)
    path = cache_path(quick)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not rebuild and not path.exists():
        older = _upgradable(path)
        if older is not None:
            return _upgrade_cache(older, path, scale, log)
    _clean_cache_dir(path, log)
    if path.exists() and not rebuild:
        info = read_info(path)
        if info is not None and info.get("version") == GENERATOR_VERSION:
            log(f"bench: reusing {path} (generator v{GENERATOR_VERSION}; --rebuild regenerates)")
            return Generated(path, scale, int(info["bench_account"]), 0.0, reused=True)
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    _remove_db_files(partial)
    log(
        f"bench: generating {scale.accounts:,} accounts, {scale.contacts:,} contacts, "
        f"{scale.activities:,} activities, {scale.opportunities:,} open opportunities, "
        f"{scale.cases:,} cases, {scale.bookings:,} bookings, {scale.articles:,} knowledge "
        f"articles into {path} ..."
    )
    try:
        result = generate(partial, scale=scale, log=log)
    except BaseException:
        _remove_db_files(partial)
        raise
    _remove_db_files(path)
    os.replace(partial, path)
    _remove_db_files(partial)  # a stray -shm of the finished build
    result.path = path
    log(f"bench: generated in {result.seconds:.0f} s")
    return result


# Steps that bring a finished cache of generator version k to k + 1 in place:
# UPGRADES[k](conn, scale, log) on the open database (after its migrations).
def _add_knowledge_base(conn, scale: Scale, log: Callable[[str], None]) -> None:
    kb_data.load(conn, articles=scale.articles, now=dt.datetime.now(dt.UTC), seed=SEED + 3, log=log)


UPGRADES: dict[int, Callable] = {3: _add_knowledge_base}


def _upgradable(path: Path) -> Path | None:
    """An older cache next to `path` that UPGRADES can bring to this version
    (or one whose upgrade finished but was not renamed yet)."""
    stem = path.name.split("-v")[0]
    for version in sorted(UPGRADES, reverse=True):
        older = path.with_name(f"{stem}-v{version}.db")
        if not older.exists():
            continue
        info = read_info(older)
        if info is None:
            continue
        if info.get("version") == GENERATOR_VERSION or all(
            v in UPGRADES for v in range(info.get("version", -1), GENERATOR_VERSION)
        ):
            return older
    return None


def _upgrade_cache(older: Path, path: Path, scale: Scale, log: Callable[[str], None]) -> Generated:
    """Apply UPGRADES to the cache at `older` in place (each step one
    transaction, with the generator record), then rename it to `path`."""
    from crm_tui.db import close_database, connection, open_database

    started = time.perf_counter()
    info = read_info(older)
    assert info is not None
    version = from_version = info["version"]
    if version != GENERATOR_VERSION:
        log(f"bench: upgrading {older} from generator v{version} to v{GENERATOR_VERSION} ...")
    upgrade(older)  # this crm-tui's migrations first
    open_database(older)
    conn = connection()
    try:
        record = json.loads(
            conn.execute("SELECT value FROM meta WHERE key = 'bench_generator'").fetchone()[0]
        )
        from_version = record.get("upgraded_from", version)
        while version < GENERATOR_VERSION:
            UPGRADES[version](conn, scale, log)
            version += 1
            marks = json.loads(
                conn.execute("SELECT value FROM meta WHERE key = 'bench_marks'").fetchone()[0]
            )
            for table in RESTORED:
                if table not in marks:  # a table the step filled
                    marks[table] = conn.execute(
                        f'SELECT coalesce(max(id), 0) FROM "{table}"'
                    ).fetchone()[0]
            marks["sequence"] = dict(conn.execute("SELECT name, next FROM sequence"))
            record.update(
                version=version,
                scale=asdict(scale),
                upgraded_from=from_version,
                upgrade_seconds=round(time.perf_counter() - started, 1),
            )
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [("bench_generator", json.dumps(record)), ("bench_marks", json.dumps(marks))],
            )
            conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        close_database()
    _remove_db_files(path)
    os.replace(older, path)
    _remove_db_files(older)
    seconds = time.perf_counter() - started
    log(f"bench: upgraded to generator v{GENERATOR_VERSION} in {seconds:.0f} s")
    return Generated(path, scale, int(info["bench_account"]), seconds, upgraded_from=from_version)


def read_info(path: Path | str) -> dict | None:
    """The generator record of a finished database, or None."""
    import apsw

    from crm_tui.db import is_url

    if is_url(path):
        return postgres.read_info(str(path))

    try:
        conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    except apsw.Error:
        return None
    try:
        rows = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('bench_generator', 'bench_account')"
            )
        )
    except apsw.Error:
        return None
    finally:
        conn.close()
    if "bench_generator" not in rows or "bench_account" not in rows:
        return None
    info = json.loads(rows["bench_generator"])
    info["bench_account"] = int(rows["bench_account"])
    return info


# --- generation ------------------------------------------------------------------------


# SQLite during the load, and as the app uses the database afterwards.
LOAD_PRAGMAS = (
    "journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF",
    # the rows are valid by construction; the test runs integrity_check
    "ignore_check_constraints = ON", "cache_size = -400000", "temp_store = MEMORY",
)  # fmt: skip
IN_USE_PRAGMAS = (
    "journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON",
    "ignore_check_constraints = OFF",
)  # fmt: skip


def generate(
    path: Path | str,
    *,
    scale: Scale | None = None,
    accounts: int | None = None,
    contacts: int | None = None,
    activities: int | None = None,
    opportunities: int | None = None,
    seed: int = SEED,
    log: Callable[[str], None] = _stderr,
) -> Generated:
    """Create the database at `path` (a file that must not exist, or the URL
    of an empty PostgreSQL database) at `scale` (or the given counts). The
    database is closed afterwards, in WAL mode on SQLite."""
    from crm_tui.db import close_database, connection, is_url, open_database

    if scale is None:
        scale = Scale(
            accounts if accounts is not None else FULL.accounts,
            contacts if contacts is not None else FULL.contacts,
            activities if activities is not None else FULL.activities,
            opportunities,
        )
    pg = is_url(path)
    if not pg:
        path = Path(path)
        if path.exists():
            raise FileExistsError(f"{path} exists; generate into a new file")
    started = time.perf_counter()
    open_database(path)
    conn = postgres.Connection() if pg else connection()
    references: list[str] = []
    try:
        if pg:
            references = postgres.drop_references(conn)
        for pragma in () if pg else LOAD_PRAGMAS:
            conn.execute(f"PRAGMA {pragma}").fetchall()
        bench_account = _load(conn, scale, seed, log)
        seconds = time.perf_counter() - started
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('bench_generator', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (
                json.dumps(
                    {
                        "version": GENERATOR_VERSION,
                        "scale": asdict(scale),
                        "seed": seed,
                        "seconds": round(seconds, 1),
                        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    }
                ),
            ),
        )
        if pg:
            postgres.finish_load(conn, references, log)
        for pragma in () if pg else IN_USE_PRAGMAS:
            conn.execute(f"PRAGMA {pragma}").fetchall()
    finally:
        close_database()
    return Generated(path, scale, bench_account, time.perf_counter() - started)


def _load(conn, scale: Scale, seed: int, log: Callable[[str], None]) -> int:
    loader = Loader(conn, log)
    end = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start_day = (end - dt.timedelta(days=HISTORY_DAYS)).date()
    clock = Clock(start_day, HISTORY_DAYS + 60)
    now_us = int((end - clock.start).total_seconds()) * 1_000_000
    tx = clock.text

    # Secondary indexes are rebuilt after the load (a sort beats random inserts).
    tables = ("account", "contact", "activity", "note", "audit_entry")
    tables += (*sales_data.SALES_TABLES, *service_data.SERVICE_TABLES)
    if isinstance(conn, postgres.Connection):
        indexes = postgres.secondary_indexes(conn, tables)
    else:
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' * len(tables))})",
            tables,
        ).fetchall()
    for index_name, _ in indexes:
        conn.execute(f'DROP INDEX "{index_name}"')

    # Users, accounts, contacts, activities and notes.
    customers = customers_data.load(
        conn, insert=loader.insert, scale=scale, seed=seed, clock=clock, now_us=now_us, log=log
    )
    bench = customers.bench

    # The sales pipeline, its products, price list and quotes, the users' teams.
    sales_data.load(
        conn,
        insert=loader.insert,
        open_opportunities=scale.opportunities,
        accounts=scale.accounts,
        contacts=scale.contacts,
        account_persian=customers.account_persian,
        tx=tx,
        now_us=now_us,
        today=end.date(),
        seed=seed + 1,
        log=log,
    )

    # Queues, cases, resources, services and bookings.
    service_data.load(
        conn,
        insert=loader.insert,
        cases=scale.cases,
        bookings=scale.bookings,
        accounts=scale.accounts,
        contact_account=customers.contact_account,
        account_persian=customers.account_persian,
        tx=tx,
        at=clock.datetime,
        now_us=now_us,
        seed=seed + 2,
        log=log,
    )

    # The knowledge base: subjects, article versions, ratings, case links.
    kb_data.load(conn, articles=scale.articles, now=end, seed=seed + 3, log=log)

    customers_data.add_audit_trail(conn, customers, tx=tx, now_us=now_us)

    log(f"bench: rebuilding {len(indexes)} indexes ...")
    conn.execute("BEGIN")
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    log(f"bench:   indexes rebuilt ({loader.elapsed()})")
    log(f"bench:   {customers.checked:,} sampled FTS documents equal search._documents' output")

    marks = {
        table: conn.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
        for table in RESTORED
    }
    marks["sequence"] = dict(conn.execute("SELECT name, next FROM sequence"))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [("bench_account", str(bench)), ("bench_marks", json.dumps(marks))],
    )
    conn.execute("COMMIT")
    return bench


# Tables the bench writes to, in the order `restore` deletes from them (lines
# before their documents); rows above the generator's marks are the bench's.
RESTORED = (
    "activity_party", "activity", "note", "audit_entry", "quote_line", "quote",
    "opportunity_line", "opportunity", "case", "kb_article_case", "kb_rating", "kb_article",
)  # fmt: skip
# Tables the generator leaves empty and only the bench fills (the workflow's
# rules, jobs, runs and notifications): `restore` empties them, first.
EMPTIED = (
    "workflow_run", "notification", "workflow_job", "queue_rotation", "workflow_runner",
    "workflow_rule", "record_follow",
)  # fmt: skip
# Full-text indexes keyed by the id of a table in RESTORED.
RESTORED_FTS = {
    "quote_fts": "quote", "opportunity_fts": "opportunity", "case_fts": "case",
    "kb_fts": "kb_article",
}  # fmt: skip


def upgrade(path: Path | str) -> None:
    """Bring a cached database to this crm-tui's schema (its migrations)."""
    from crm_tui.db import close_database, open_database

    open_database(path)
    close_database()


def restore(path: Path | str) -> dict[str, int]:
    """Delete what a bench run wrote (rows above the marks the generator
    recorded), so every run starts from the generated state. Returns the
    number of rows deleted per table."""
    import apsw

    from crm_tui.db import is_url

    if is_url(path):
        return postgres.restore(str(path), RESTORED, RESTORED_FTS, EMPTIED)
    conn = apsw.Connection(str(path))
    try:
        conn.set_busy_timeout(10_000)
        row = conn.execute("SELECT value FROM meta WHERE key = 'bench_marks'").fetchone()
        if row is None:
            return {}
        marks = json.loads(row[0])
        # Only rows the bench wrote go; nothing refers to them but each other,
        # so checking each delete's foreign keys would be work for nothing.
        conn.execute("PRAGMA foreign_keys = OFF").fetchall()
        deleted = {}
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table in EMPTIED:
                conn.execute(f'DELETE FROM "{table}"')
                deleted[table] = conn.changes()
            for table in RESTORED:
                if table in marks:
                    conn.execute(f'DELETE FROM "{table}" WHERE id > ?', (marks[table],))
                    deleted[table] = conn.changes()
            for fts, table in RESTORED_FTS.items():
                if table in marks:
                    conn.execute(f"DELETE FROM {fts} WHERE rowid > ?", (marks[table],))
            if "sequence" in marks:  # document numbers the bench took are given back
                conn.execute("DELETE FROM sequence")
                conn.executemany(
                    "INSERT INTO sequence (name, next) VALUES (?, ?)", marks["sequence"].items()
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        return deleted
    finally:
        conn.close()
