"""Writing an import: the rows of the file planned as the dry run plans them
and written in batches of short transactions (never one lock for the whole
file), each row through the kind's own service in a savepoint of its own, so
that a row refused at the last moment (a colleague's save in between, a
number taken) is reported and the others are kept. The run is recorded (who,
when, the file, the map, the counts) with every record it created or
changed, for `revert`; the rows it did not write go to an error file with
their problems, ready to be fixed and imported again."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from peewee import IntegrityError

from crm_tui import config, meta
from crm_tui.db import database, dict_rows, executemany, file_path, write
from crm_tui.errors import CrmError, ValidationError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import records, session
from crm_tui.services.export import csv_cell
from crm_tui.services.imports import lookups, pipeline, targets
from crm_tui.services.imports import plan as planning

BATCH = 250
# A file this large has its rows planned in a second process (pipeline.py):
# below it, starting that process costs more than it saves.
PARALLEL_BYTES = 512 * 1024
# What the error file adds to the file's own columns.
PROBLEM_COLUMNS = ("Import row", "Import problem")


@dataclass
class Progress:
    """How far a run is: rows read, the counts so far, rows per second."""

    done: int = 0
    counts: Counter = field(default_factory=Counter)
    written: int = 0  # records created or changed (accounts a row named too)
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


@dataclass
class Result:
    """A finished run: its id, counts, and where its error file is."""

    import_id: int
    counts: Counter
    error_file: str = ""
    seconds: float = 0.0


class Runner:
    """One import being written, a batch at a time (`step`), so that a
    screen can draw its progress between batches and stop it. Nothing is
    written before the first step; what the steps wrote stays, recorded
    and revertible, whenever the run ends."""

    def __init__(
        self, path, kind: str, mapped: dict[str, str | None],
        options: planning.Options | None = None, *, map_name: str = "",
        errors_to: str | Path | None = None, batch: int | None = None,
        parallel: bool = False,
    ) -> None:  # fmt: skip
        options = options or planning.Options()
        self.source = planning.sources.open_source(path)
        planning.check_options(kind, options, mapped)
        styles = planning.styles_of(self.source, kind, mapped, options)
        if styles.questions:
            raise ValidationError(dict(styles.questions))
        self.kind, self.batch = kind, batch or BATCH
        # the writer's own: accounts it created for rows that named them
        self.lookups = lookups.Lookups()
        self.progress = Progress()
        self.failed: list[planning.RowPlan] = []
        self._errors_to = errors_to
        self._planned = None
        if parallel and file_path() is not None:
            self._planned = pipeline.Planned(
                file_path(), session.settings(), session.current_user().login, self.source.path,
                kind, mapped, options, self.batch,
            )  # fmt: skip
            self._batches = None
        else:
            self._batches = self._planned_here(planning.Planner(kind, mapped, options, styles))
        try:
            self.import_id = _start(kind, self.source.path.name, map_name, options)
        except BaseException:
            self._close()
            raise

    def _planned_here(self, planner: planning.Planner):
        batch = []
        for row in self.source.rows():
            batch.append(planner.plan(row))
            if len(batch) >= self.batch:
                yield batch
                batch = []
        if batch:
            yield batch

    def step(self) -> bool:
        """Write the next batch of planned rows; False once the file is done."""
        if self._planned is not None:
            batch = self._planned.take()
        else:
            batch = next(self._batches, None)
        if batch:
            _write_batch(self.import_id, self.kind, self.lookups, batch, self.progress,
                         self.failed)  # fmt: skip
        return batch is not None

    def _close(self) -> None:
        if self._planned is not None:
            self._planned.close()
            self._planned = None

    def finish(self, *, stopped: bool = False) -> Result:
        """Record the run as done (or stopped) and write its error file."""
        self._close()
        error_file = _error_file(self.source, self.failed, self._errors_to) if self.failed else ""
        _finish(self.import_id, self.progress.counts, stopped)
        elapsed = time.monotonic() - self.progress.started
        return Result(self.import_id, self.progress.counts, error_file, elapsed)


def run(
    path,
    kind: str,
    mapped: dict[str, str | None],
    options: planning.Options | None = None,
    *,
    map_name: str = "",
    progress: Callable[[Progress], None] | None = None,
    errors_to: str | Path | None = None,
    stop: Callable[[], bool] | None = None,
) -> Result:
    """Import the file at `path` as `kind` records through `mapped`, as the
    dry run planned it: rows to create and update are written, duplicates
    and errors are not (they go to the error file). `progress` is called
    after each batch; `stop` returning True ends the run after the batch
    (what was written stays, recorded and revertible). ValidationError when
    the file leaves a question open (dates, decimals) or the options do not
    fit the kind."""
    runner = Runner(path, kind, mapped, options, map_name=map_name, errors_to=errors_to,
                    parallel=Path(path).stat().st_size >= PARALLEL_BYTES)  # fmt: skip
    try:
        while True:
            more = runner.step()
            if progress:
                progress(runner.progress)
            if not more:
                return runner.finish()
            if stop and stop():
                return runner.finish(stopped=True)
    finally:
        runner._close()


def _start(kind: str, file_name: str, map_name: str, options: planning.Options) -> int:
    with write():
        rows = dict_rows(
            "INSERT INTO import_run (kind, file_name, map_name, mode, match_key, user_id, state, "
            "started_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?) RETURNING id",
            (kind, file_name, map_name, options.mode, options.key,
             session.current_user().id, to_db_time(utcnow())),
        )  # fmt: skip
    return rows[0]["id"]


def _finish(import_id: int, counts: Counter, stopped: bool) -> None:
    with write():
        database.execute_sql(
            "UPDATE import_run SET state = ?, counts = ?, finished_at = ? WHERE id = ?",
            ("stopped" if stopped else "done", json.dumps(dict(counts), sort_keys=True),
             to_db_time(utcnow()), import_id),
        )  # fmt: skip


def _write_batch(import_id, kind, known, batch, state: Progress, failed: list) -> None:
    """One short transaction: each row in a savepoint of its own."""
    written: list[tuple] = []
    with write():
        for row in batch:
            if row.action in ("create", "update"):
                try:
                    with write():
                        written.extend(_write_row(import_id, kind, known, row))
                except IntegrityError:  # a colleague's write since the row was checked
                    errors = {
                        "": "refused by the database: what it names changed since it was checked"
                    }
                    row.action = "error"
                    row.problems = [("", "", errors[""])]
                except (ValidationError, CrmError) as exc:
                    errors = getattr(exc, "errors", None) or {"": str(exc)}
                    row.action = "error"
                    row.problems = [("", "", f"{k}: {v}" if k else v) for k, v in errors.items()]
            state.counts[row.action] += 1
            state.done += 1
            if row.action == "error":
                failed.append(row)
        if written:
            _recorded([(import_id, state.written + n, *entry) for n, entry in enumerate(written)])
            state.written += len(written)
        # the counts so far, and when this batch was written: a run whose
        # process died can be told from one still writing (history.revert)
        database.execute_sql(
            "UPDATE import_run SET counts = ?, finished_at = ? WHERE id = ?",
            (json.dumps(dict(state.counts), sort_keys=True), to_db_time(utcnow()), import_id),
        )


def _write_row(import_id: int, kind: str, known: lookups.Lookups, row) -> list[tuple]:
    """Write one row; (row, kind, id, action, version, before) of each record
    written, in the order written."""
    values = dict(row.values)
    out = []
    for target, typed, key in row.creates_first:
        found = known.ids(target, typed)
        if len(found) != 1:  # not created by an earlier row of this file
            made = targets.service(target).create({"name": typed})
            found = [made.id]
            known.remember(target, typed, made.id)
            out.append((row.number, target, made.id, "create", made.version, "{}"))
        values[key] = found[0]
    service = targets.service(kind)
    if row.action == "update":
        current = records.by_id(meta.kind(kind).model, row.match.id)
        found = meta.kind(kind)
        fields = [found.attribute(k).name for k in values if found.has_attribute(k)]
        before = records.stored_values(current, fields)
        saved = service.update(row.match.id, row.match.version, values)
        after = records.stored_values(saved, list(before))
        changed = {k: _as_stored(v) for k, v in before.items() if after.get(k) != v}
        out.append((row.number, kind, saved.id, "update", saved.version,
                    json.dumps(changed, ensure_ascii=False)))  # fmt: skip
        return out
    if kind == "activity":
        saved = _log(service, values)
    elif row.checked is not None and not row.creates_first and kind in targets.CHECKED_ONCE:
        saved = service.create(values, checked=row.checked)
    else:
        saved = service.create(values)
    out.append((row.number, kind, saved.id, "create", saved.version, "{}"))
    return out


def _as_stored(value):
    """A value as its column holds it, for JSON: times as the UTC text."""
    if isinstance(value, dt.datetime):
        return to_db_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _log(service, values: dict):
    values = dict(values)
    regarding = values.pop("regarding_id", None)
    owner = values.pop("owner_id", None)
    kind = values.pop("kind")
    subject = values.pop("subject")
    given = {k: v for k, v in values.items() if v not in ("", None)}
    if "duration_minutes" in given:
        given["duration_minutes"] = int(given["duration_minutes"])
    return service.log(kind, subject, regarding=regarding, owner_id=owner, **given)


def _recorded(written: list[tuple]) -> None:
    executemany(
        "INSERT INTO import_record (import_id, seq, row_number, record_type, record_id, action, "
        "version, before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        written,
    )


def _error_file(source, failed: list[planning.RowPlan], errors_to) -> str:
    """The rows not written, as the file had them, with their problems: a new
    CSV file (UTF-8 with a byte-order mark, which spreadsheets read) beside
    the imported one unless `errors_to` names it (or, when the file's folder
    cannot be written, in the user's state folder), readable by its owner only."""
    if errors_to:
        return _write_errors(Path(errors_to).expanduser(), source, failed)
    try:
        return _write_errors(_free_name(source.path.parent, source.path.stem), source, failed)
    except PermissionError:
        folder = config.state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return _write_errors(_free_name(folder, source.path.stem), source, failed)


def _free_name(folder: Path, stem: str) -> Path:
    path, n = folder / f"{stem}.errors.csv", 2
    while path.exists():
        path, n = folder / f"{stem}.errors-{n}.csv", n + 1
    return path


def _write_errors(path: Path, source, failed: list[planning.RowPlan]) -> str:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*source.headers, *PROBLEM_COLUMNS])
        for row in failed:
            said = "; ".join(
                f"{column}: {why}" if column else why for column, _value, why in row.problems
            )
            writer.writerow(
                [*(row.cells.get(h, "") for h in source.headers), row.number, csv_cell(said)]
            )
    return str(path)
