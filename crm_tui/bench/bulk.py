"""Writing the bench database fast: stored time text without a datetime per
row, and bulk inserts in big transactions."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

CHUNK = 20_000


class Clock:
    """Times as microseconds since a UTC midnight, written exactly as
    crm_tui.models.base.to_db_time writes them (fixed width, so text order
    is time order) but without building a datetime per row."""

    def __init__(self, start: dt.date, days: int) -> None:
        self.start = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
        self._days = [(start + dt.timedelta(days=d)).isoformat() + "T" for d in range(days)]
        self._clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}." for s in range(86_400)]

    def text(self, us: int) -> str:
        """The stored text of the time `us` microseconds after the start."""
        seconds, micro = divmod(us, 1_000_000)
        day, second = divmod(seconds, 86_400)
        return f"{self._days[day]}{self._clock[second]}{micro:06d}"

    def datetime(self, us: int) -> dt.datetime:
        """The aware datetime `us` microseconds after the start."""
        return self.start + dt.timedelta(microseconds=us)


DAY = 86_400_000_000
HOUR = 3_600_000_000


class Loader:
    """Runs the bulk load on the APSW connection in big transactions."""

    def __init__(self, conn, log: Callable[[str], None]) -> None:
        self.conn = conn
        self.log = log
        self.t0 = time.perf_counter()

    def insert(self, table: str, columns: str, rows: Iterator[tuple], total: int) -> None:
        """Insert `rows` (`total` of them, for the progress log) into `table`."""
        marks = ", ".join("?" * len(columns.split(",")))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self._chunks(sql, rows, total, table)

    def _chunks(self, sql: str, rows: Iterator[tuple], total: int, label: str) -> None:
        done = 0
        last = time.perf_counter()
        batch: list[tuple] = []
        self.conn.execute("BEGIN")
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self.conn.executemany(sql, batch)
                done += len(batch)
                batch.clear()
                if time.perf_counter() - last > 5:
                    last = time.perf_counter()
                    self.log(f"bench:   {label}: {done:,} / {total:,}  ({self.elapsed()})")
        if batch:
            self.conn.executemany(sql, batch)
            done += len(batch)
        self.conn.execute("COMMIT")
        self.log(f"bench:   {label}: {done:,} rows ({self.elapsed()})")

    def elapsed(self) -> str:
        """Seconds since the load started, for the log."""
        return f"{time.perf_counter() - self.t0:.0f} s"
