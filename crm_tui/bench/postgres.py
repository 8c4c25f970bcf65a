"""The bench on a PostgreSQL database (`crm-tui bench --db postgresql://…`).

The generators were written for an APSW connection; `Connection` gives them
the same few calls on the open PostgreSQL database (crm_tui.db.database), so
one generator writes both engines. What has no SQLite equivalent lives here:

- a plain multi-row INSERT goes to the server as COPY: row by row statements
  are an order of magnitude slower, and the load is millions of rows;
- references between tables are dropped for the load and added back after
  it (which checks every row, as `PRAGMA foreign_key_check` would): the rows
  are written table by table, and an account names its primary contact
  before the contacts exist;
- the identity sequences are moved past the ids written, and the tables
  vacuumed and analysed, so the planner and the first reads see what a
  database in use would show them;
- `restore` deletes what a run wrote over a connection of its own.

A database the bench built is reused when its `meta` table carries the
generator's record of this version and scale; any other build goes into an
empty database, and nothing is ever dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict

from crm_tui.bench.scale import Generated, Scale
from crm_tui.db import database, executemany

# A statement COPY can take instead: INSERT INTO t (columns) VALUES (?, ...?).
_PLAIN_INSERT = re.compile(
    r"\s*INSERT INTO (\"?\w+\"?) \(([^)]*)\) VALUES \(\s*\?(?:\s*,\s*\?)*\s*\)\s*$", re.IGNORECASE
)
# meta key that marks a build in progress (the finished one writes bench_generator).
BUILDING = "bench_building"


class Connection:
    """The calls the generators make on an APSW connection, on PostgreSQL:
    `execute` returns a cursor to fetch from or iterate, BEGIN and COMMIT
    are statements like any other (the connection is in autocommit mode)."""

    def execute(self, sql: str, params: Iterable | None = None):
        """Run one ?-placeholder statement; its cursor."""
        return database.execute_sql(sql, tuple(params) if params is not None else None)

    def executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        """Run `sql` for each row: as one COPY when it is a plain INSERT."""
        plain = _PLAIN_INSERT.match(sql)
        if plain is None:
            executemany(sql, list(rows))
            return
        table, columns = plain.group(1), plain.group(2)
        with database.connection().cursor() as cur:
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


# --- the load ------------------------------------------------------------------------------


def secondary_indexes(conn: Connection, tables: Iterable[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of `tables` that no constraint
    owns (those go with their primary key or UNIQUE), and of the full-text
    tables' GIN indexes: built once after the load instead of row by row."""
    names = [t.strip('"') for t in tables]
    rows = conn.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relnamespace = current_schema()::regnamespace "
        "AND (t.relname = ANY(?) OR t.relname LIKE '%\\_fts') "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
        "ORDER BY 1",
        (names,),
    ).fetchall()
    return [(name, sql) for name, sql in rows]


def drop_references(conn: Connection) -> list[str]:
    """Drop every foreign key of the schema; the statements that add them back."""
    rows = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY 1, 2"
    ).fetchall()
    conn.execute("BEGIN")
    for table, name, _ in rows:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, '{}') ON CONFLICT (key) DO NOTHING", (BUILDING,)
    )
    conn.execute("COMMIT")
    return [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {sql}' for table, name, sql in rows]


def finish_load(conn: Connection, references: list[str], log: Callable[[str], None]) -> None:
    """After the rows are in: the references back (checked), the sequences
    past the ids written, the build mark gone, then VACUUM ANALYZE (the
    planner's statistics, and the visibility map that index-only scans read)."""
    from crm_tui.db.migrations import ddl

    conn.execute("BEGIN")
    for sql in references:
        conn.execute(sql)
    ddl.reset_sequences(database)
    conn.execute("DELETE FROM meta WHERE key = ?", (BUILDING,))
    conn.execute("COMMIT")
    log(f"bench:   {len(references)} references checked and added back")
    conn.execute("VACUUM ANALYZE")
    log("bench:   vacuumed and analysed")


# --- the database as a whole, over a connection of its own --------------------------------------


def _connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, application_name="crm-tui bench")


def _meta(pg) -> dict[str, str] | None:
    """The bench's meta rows, or None when the database has no meta table."""
    if pg.execute("SELECT to_regclass('meta')").fetchone()[0] is None:
        return None
    return dict(
        pg.execute(
            "SELECT key, value FROM meta WHERE key IN ('bench_generator', 'bench_account', %s)",
            (BUILDING,),
        ).fetchall()
    )


def read_info(url: str) -> dict | None:
    """The generator record of a finished bench database at `url`, or None."""
    with _connect(url) as pg:
        rows = _meta(pg) or {}
    if "bench_generator" not in rows or "bench_account" not in rows or BUILDING in rows:
        return None
    info = json.loads(rows["bench_generator"])
    info["bench_account"] = int(rows["bench_account"])
    return info


def ensure(
    url: str,
    scale: Scale,
    rebuild: bool,
    log: Callable[[str], None],
    version: int,
    build: Callable[..., Generated],
) -> Generated:
    """generate.ensure for the database at `url`: reused when it holds the
    build of generator `version` at `scale`, else (re)built there by `build`
    (generate.generate)."""
    info = read_info(url)
    if info is not None and not rebuild:
        if info.get("version") == version and info.get("scale") == asdict(scale):
            log(f"bench: reusing the bench database at --db (generator v{version})")
            return Generated(url, scale, int(info["bench_account"]), 0.0, reused=True)
    prepare(url)
    log(
        f"bench: generating {scale.accounts:,} accounts, {scale.contacts:,} contacts, "
        f"{scale.activities:,} activities and the rest into the database at --db ..."
    )
    result = build(url, scale=scale, log=log)
    log(f"bench: generated in {result.seconds:.0f} s")
    return result


def prepare(url: str) -> None:
    """Refuse to build into the database at `url` unless it is empty. A
    previous bench build (of another generator version or scale, unfinished,
    or one `--rebuild` should replace) is not dropped here either: the
    migrations make objects beside the tables, and only a new database is
    sure to hold none of them."""
    with _connect(url) as pg:
        tables = pg.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchone()[0]
        if not tables:
            return
        rows = _meta(pg) or {}
    if {"bench_generator", BUILDING} & rows.keys():
        raise SystemExit(
            "bench: the database at --db holds another bench build (another generator version "
            "or scale, an unfinished one, or --rebuild was asked); drop it and create it again "
            "empty (dropdb, createdb), then run the bench again"
        )
    raise SystemExit(
        "bench: the database at --db is not empty and was not built by the bench; give it an "
        "empty database (createdb) so that nothing of yours is touched"
    )


def size_mb(url: str) -> int:
    """The database's size on the server."""
    with _connect(url) as pg:
        return round(
            pg.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
        )


def restore(
    url: str, restored: tuple[str, ...], fts: dict[str, str], emptied: tuple[str, ...] = ()
) -> dict[str, int]:
    """generate.restore on PostgreSQL: empty the tables of `emptied`, delete
    the rows above the generator's marks (tables in `restored`' order, then
    the full-text rows of `fts`), give the document numbers back. Returns
    rows deleted per table."""
    with _connect(url) as pg:
        rows = _meta(pg)
        marks_row = pg.execute("SELECT value FROM meta WHERE key = 'bench_marks'").fetchone()
        if rows is None or marks_row is None:
            return {}
        marks = json.loads(marks_row[0])
        deleted = {}
        with pg.transaction():
            if pg.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[
                0
            ]:
                # Only the bench's own rows go, and nothing else refers to them;
                # the reference checks would each scan activity for its
                # unindexed follow_up_of_id. (Only a superuser may skip them.)
                pg.execute("SET LOCAL session_replication_role = replica")
            for table in emptied:
                deleted[table] = pg.execute(f'DELETE FROM "{table}"').rowcount
            for table in restored:
                if table in marks:
                    cur = pg.execute(f'DELETE FROM "{table}" WHERE id > %s', (marks[table],))
                    deleted[table] = cur.rowcount
            # the index rows with their triggers: kb_fts's keep its word counts
            pg.execute("SET LOCAL session_replication_role = origin")
            for index, table in fts.items():
                if table in marks:
                    pg.execute(f"DELETE FROM {index} WHERE rowid > %s", (marks[table],))
            if "sequence" in marks:
                pg.execute("DELETE FROM sequence")
                with pg.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO sequence (name, next) VALUES (%s, %s)",
                        list(marks["sequence"].items()),
                    )
        return deleted


def enforce_access(url: str, log: Callable[[str], None]) -> None:
    """The server's access rules installed and every user given a login role,
    as `crm-tui access` does: what the bench times then runs under the rules
    people work under (bench.signin.connect_as)."""
    from crm_tui.db import close_database, database, open_database
    from crm_tui.services import server_access, users

    open_database(url)
    try:
        with database.atomic():
            server_access.install()
        added = server_access.add_missing_logins([u.login for u in users.all_users()])
    finally:
        close_database()
    if added:
        log(f"bench: created {len(added)} PostgreSQL roles for the bench's people")
