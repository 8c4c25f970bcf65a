"""The import's throughput on the bench database: a file of new contacts
(names, emails, phones, an existing account by name each) read as a dry run,
written, then reverted, so the database is left as it was."""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from crm_tui.db import dict_rows


def _file(folder: Path, rows: int) -> Path:
    # accounts whose name is theirs alone: a row's account is found, not a question
    names = [r["name"] for r in dict_rows(
        "SELECT min(name) AS name FROM account GROUP BY name_sort HAVING count(*) = 1 LIMIT 200"
    )]  # fmt: skip
    path = folder / "contacts.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "E-mail Address", "Business Phone", "Company",
                         "Business City"])  # fmt: skip
        for i in range(rows):
            writer.writerow([f"Bench{i}", f"Imported{i}", f"bench.import{i}@example.org",
                             f"+4420796{i % 100_000:05d}", names[i % len(names)] if names else "",
                             "Leeds"])  # fmt: skip
    return path


def measure(rows: int, log: Callable[[str], None] = print) -> dict:
    """Rows per second of the dry run and of the import of `rows` new
    contacts, and the seconds its revert took."""
    from crm_tui.services.imports import history, mapping, plan, runs, sources

    with tempfile.TemporaryDirectory() as folder:
        path = _file(Path(folder), rows)
        columns = mapping.guess("contact", sources.open_source(path).headers)
        started = time.perf_counter()
        found = plan.dry_run(path, "contact", columns)
        dry = time.perf_counter() - started
        log(f"bench:   dry run {dict(found.counts)} in {dry:.1f} s")
        done = runs.run(path, "contact", columns, errors_to=Path(folder) / "errors.csv")
        log(f"bench:   import {dict(done.counts)} in {done.seconds:.1f} s")
        started = time.perf_counter()
        undone = history.revert(done.import_id)
        revert = time.perf_counter() - started
    return {
        "rows": rows,
        "dry_run_per_s": rows / dry,
        "write_per_s": rows / done.seconds,
        "created": done.counts["create"],
        "revert_seconds": revert,
        "removed": undone.removed,
    }
