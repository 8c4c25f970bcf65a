"""`crm-tui copy --to postgresql://…`: a team's SQLite database moved to PostgreSQL.

All or nothing: every row is written in one transaction on the server, its
references checked at the end (they are deferrable), the full-text indexes
rebuilt from the copied records, the id sequences moved past the copied ids,
and each table's row count and checksum compared with the source's before
the transaction commits. A copy that fails or is interrupted leaves the
target empty, ready for the next try.

The source is read through its own read-only connection in one read
transaction: people may keep working on it meanwhile, and the copy is of
one moment. (Tell them to stop first, or their later work stays behind.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import apsw

from crm_tui.db import close_database, database, open_database
from crm_tui.db.migrations import LATEST, applied_level, ddl
from crm_tui.errors import CrmError

# Rebuilt on the target from the copied records, never copied.
_SKIPPED = ("schema_migration",)
_BATCH = 2000
Progress = Callable[[str, int, int], None]  # (table, rows done, rows in table)


@dataclass
class TableCheck:
    table: str
    rows: int
    checksum: str


@dataclass
class Copied:
    tables: list[TableCheck] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


class CopyError(CrmError):
    """The copy was refused or failed; the target was left as it was."""


def copy_to(source: Path, url: str, progress: Progress | None = None) -> Copied:
    """Copy the SQLite database `source` into the PostgreSQL database at `url`
    (new, or holding only an empty crm-tui schema). Returns what was copied,
    table by table; raises CopyError when anything does not match."""
    open_database(source)  # brings its schema up to date first
    close_database()
    reader = apsw.Connection(str(source), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        reader.execute("BEGIN")  # one moment of the source, however long the copy takes
        tables = _tables(reader)
        open_database(url)
        try:
            _require_empty(url)
            with database.atomic():
                database.execute_sql("SET CONSTRAINTS ALL DEFERRED")
                for table in reversed(tables):
                    database.execute_sql(f'DELETE FROM "{table}"')  # the migrations' seed rows
                _add_custom_columns(reader)
                for table in tables:
                    _copy_table(reader, table, progress)
                _rebuild_search()
                ddl.reset_sequences(database)
                done = _verify(reader, tables)
                database.execute_sql("SET CONSTRAINTS ALL IMMEDIATE")  # references checked here
        finally:
            close_database()
    finally:
        reader.close()
    return done


def _tables(reader: apsw.Connection) -> list[str]:
    names = [
        row[0]
        for row in reader.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    virtual = {
        row[0]
        for row in reader.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
    }
    # an FTS5 table's own storage tables are named after it
    return [
        name
        for name in names
        if name not in _SKIPPED and not any(name.startswith(f"{v}_") for v in virtual)
    ]


def _require_empty(url: str) -> None:
    from crm_tui.db.postgres import redact

    level = applied_level(database)
    if level != LATEST:
        raise CopyError(f"{redact(url)} is at schema level {level}, not {LATEST}")
    people = database.execute_sql('SELECT count(*) FROM "user"').fetchone()[0]
    if people:
        raise CopyError(
            f"{redact(url)} already holds a crm-tui database with {people} user(s); "
            "copy only into a new, empty database (createdb NAME)"
        )


def _columns(reader: apsw.Connection, table: str) -> list[str]:
    # table_info leaves out generated columns: the target computes its own
    return [row[1] for row in reader.execute(f'PRAGMA table_info("{table}")')]


def _key(reader: apsw.Connection, table: str) -> str:
    keyed = sorted(
        (row[5], row[1]) for row in reader.execute(f'PRAGMA table_info("{table}")') if row[5]
    )
    return ", ".join(f'"{name}"' for _, name in keyed) or "rowid"


def _copy_table(reader: apsw.Connection, table: str, progress: Progress | None) -> None:
    columns = _columns(reader, table)
    names = ", ".join(f'"{c}"' for c in columns)
    total = reader.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    done = 0
    if progress:
        progress(table, 0, total)
    cursor = reader.execute(f'SELECT {names} FROM "{table}" ORDER BY {_key(reader, table)}')
    with database.cursor() as target, target.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in cursor:
            copy.write_row(row)
            done += 1
            if progress and done % _BATCH == 0:
                progress(table, done, total)
    if progress:
        progress(table, total, total)


def _add_custom_columns(reader: apsw.Connection) -> None:
    """The source's custom fields' columns (removed ones too: they keep
    their values) and indexes, before the rows that fill them."""
    from crm_tui.services import custom_schema

    fields = reader.execute("SELECT kind, name, type, searchable FROM custom_field ORDER BY id")
    for kind, name, type_, searchable in fields.fetchall():
        custom_schema.add_column(kind, name, type_)
        if searchable:
            custom_schema.add_index(kind, name, type_)


def _rebuild_search() -> None:
    from crm_tui.services import custom_defs, search
    from crm_tui.services.knowledge import kb

    custom_defs.refresh()  # a searchable custom field's text joins the index

    for kind in search.indexed_kinds():
        search.reindex(kind)
    for (article_id,) in database.execute_sql("SELECT id FROM kb_article").fetchall():
        kb.index(article_id)


def _verify(reader: apsw.Connection, tables: list[str]) -> Copied:
    """Each table's rows counted and checksummed on both sides, in key order."""
    out = Copied()
    for table in tables:
        names = ", ".join(f'"{c}"' for c in _columns(reader, table))
        order = _key(reader, table)
        sql = f'SELECT {names} FROM "{table}" ORDER BY {order}'
        source_rows, source_sum = _checksum(reader.execute(sql))
        target_rows, target_sum = _checksum(database.execute_sql(sql.replace("rowid", "ctid")))
        if (source_rows, source_sum) != (target_rows, target_sum):
            raise CopyError(
                f"table {table} differs after the copy ({source_rows} rows in the source, "
                f"{target_rows} copied; checksums {source_sum[:12]} and {target_sum[:12]}); "
                "nothing was kept"
            )
        out.tables.append(TableCheck(table, source_rows, source_sum))
    return out


def _checksum(rows) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        count += 1
        for value in row:
            digest.update(_text(value))
            digest.update(b"\x1f")
        digest.update(b"\x1e")
    return count, digest.hexdigest()


def _text(value: object) -> bytes:
    if value is None:
        return b"\x00"
    if isinstance(value, bytes | memoryview):
        return b"\x01" + bytes(value)
    if isinstance(value, float):
        return repr(value).encode()
    return str(value).encode()
