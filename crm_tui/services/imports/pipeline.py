"""Planning an import's rows in a second process while this one writes them.

A row's plan (its cells read, its lookups, its match and its check) only
reads the database, and takes about as long as writing it; on a SQLite file
a planner process, signed in as the same person with the same settings,
reads the file and sends its rows' plans a batch at a time, a few batches
ahead, while the writer writes the batch before. Rows come in the file's
order; the planner alone keeps which rows came before (duplicates within
the file). Nothing the planner does is a write: if it stops, the writer
stops after the batch it holds, and what was written stays recorded.

On PostgreSQL, whose logins a second process could not always repeat, and
on the screen, which writes between keys under the terminal's driver, the
writer plans in its own process."""

from __future__ import annotations

import multiprocessing as mp
import queue

from crm_tui.errors import CrmError

# Batches planned ahead of the writer: enough to keep it busy, little memory.
AHEAD = 4
# How long the writer waits for a batch before it asks whether the planner lives.
_WAIT_SECONDS = 5


def _plan(db_path, settings, login, path, kind, mapped, options, batch, out) -> None:
    """The planner process: plans every row of the file, `batch` at a time."""
    try:
        from crm_tui.runtime import open_for_user
        from crm_tui.services.imports import plan as planning

        open_for_user(db_path, settings, login=login)
        source = planning.sources.open_source(path)
        styles = planning.styles_of(source, kind, mapped, options)
        planner = planning.Planner(kind, mapped, options, styles)
        rows: list = []
        for row in source.rows():
            rows.append(planner.plan(row))
            if len(rows) >= batch:
                out.put(("rows", rows))
                rows = []
        out.put(("rows", rows))
        out.put(("done", None))
    except BaseException as exc:  # noqa: BLE001 - any failure is reported to the writer
        out.put(("failed", f"{type(exc).__name__}: {exc}"))


class Planned:
    """The batches a planner process sends, in order; `close` ends it."""

    def __init__(self, db_path, settings, login, path, kind, mapped, options, batch: int):
        context = mp.get_context("spawn")
        self._out = context.Queue(maxsize=AHEAD)
        self._process = context.Process(
            target=_plan,
            args=(str(db_path), settings, login, str(path), kind, mapped, options, batch,
                  self._out),
            daemon=True,
        )  # fmt: skip
        self._process.start()

    def take(self) -> list | None:
        """The next batch of planned rows, waiting for it; None once the
        file is done."""
        while True:
            try:
                what, body = self._out.get(timeout=_WAIT_SECONDS)
            except queue.Empty:
                if not self._process.is_alive() and self._out.empty():
                    raise CrmError("the import's planner stopped unexpectedly") from None
                continue
            if what == "done":
                return None
            if what == "failed":
                raise CrmError(f"the import's rows could not be read: {body}")
            return body

    def close(self) -> None:
        """Stop the planner (it only reads) and reap it."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        self._out.close()
