"""Running the queued firings of background and scheduled rules, exactly
once. A job is marked done in the same transaction as its actions and the
record of its run, by an UPDATE that only a queued job passes: a runner
killed mid-batch leaves its jobs queued (nothing of them committed), and
two runners that both reach a job run it once. A job whose rule fails for
now (a colleague's save in between, a busy database) waits longer each try
up to MAX_ATTEMPTS; one refused for good (a rule the record's state or the
owner's rights do not allow) fails at once, said in the log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crm_tui import meta
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import ConflictError, CrmError, DatabaseBusy, DatabaseFault
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import records
from crm_tui.services.workflow import engine, index, runs

BATCH = 50
MAX_ATTEMPTS = 5


@dataclass
class Report:
    """What a pass over the due jobs did."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0

    @property
    def total(self) -> int:
        return self.done + self.skipped + self.failed + self.retrying


def backoff(attempts: int) -> dt.timedelta:
    """How long a job waits after its `attempts`-th failure for now."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def _due(limit: int) -> list[dict]:
    return dict_rows(
        "SELECT j.* FROM workflow_job j "
        "WHERE j.state = 'queued' AND j.due_at <= ? ORDER BY j.due_at, j.id LIMIT ?",
        (to_db_time(utcnow()), limit),
    )


def _claim(job_id: int, state: str) -> bool:
    """Mark a queued job finished (inside the job's savepoint); False when it
    is not queued any more (another runner did it)."""
    return (
        database.execute_sql(
            "UPDATE workflow_job SET state = ?, done_at = ?, attempts = attempts + 1 "
            "WHERE id = ? AND state = 'queued' RETURNING id",
            (state, to_db_time(utcnow()), job_id),
        ).fetchone()
        is not None
    )


def _mode(job: dict) -> str:
    return "background" if job["moment"].startswith("event:") else "scheduled"


def _still_due(job: dict, rule) -> str:
    """Why a job is no longer to be done ("" when it is)."""
    if not rule.enabled:
        return "the rule was switched off"
    model = meta.kind(job["record_type"]).model
    if not records.exists(model, job["record_id"]):
        return "the record was deleted"
    if _mode(job) == "scheduled":
        now = records.value_of(
            model, job["record_id"], meta.kind(rule.kind).attribute(rule.date).key
        )
        if now is None or str(now) != job["moment"]:
            return "its date changed since"
    if not engine.matching([rule], job["record_type"], job["record_id"]):
        return "its condition no longer holds"
    return ""


def _rules_of(batch: list[dict]) -> dict:
    """The rules of a batch's jobs, read once, as they are now (one may
    have been switched off since its jobs were queued)."""
    ids = sorted({job["rule_id"] for job in batch})
    marks = ", ".join("?" for _ in ids)
    rows = dict_rows(f"{index.SELECT} WHERE r.id IN ({marks})", ids)
    return {row["id"]: index.from_row(row) for row in rows}


def _run_one(job: dict, rule, report: Report) -> None:
    kind, record_id, mode = job["record_type"], job["record_id"], _mode(job)
    try:
        with write():
            if not _claim(job["id"], "done"):
                return
            why = _still_due(job, rule)
            if why:
                database.execute_sql(
                    "UPDATE workflow_job SET state = 'skipped', last_error = ? WHERE id = ?",
                    (why, job["id"]),
                )
                runs.record_failed(rule.id, kind, record_id, job["trigger"], mode, why,
                                   by_user=job["queued_by"], job_id=job["id"],
                                   result="skipped")  # fmt: skip
                report.skipped += 1
                return
            engine.execute(rule, kind, record_id, job["trigger"], mode,
                           by_user=job["queued_by"], job_id=job["id"])  # fmt: skip
            report.done += 1
    except DatabaseFault as exc:
        if not isinstance(exc, DatabaseBusy):
            raise
        _failed(job, rule, str(exc), for_now=True, report=report)
    except CrmError as exc:
        _failed(job, rule, str(exc), for_now=isinstance(exc, ConflictError), report=report)


def _failed(job: dict, rule, error: str, *, for_now: bool, report: Report) -> None:
    attempts = job["attempts"] + 1
    retry = for_now and attempts < MAX_ATTEMPTS
    with write():
        if retry:
            database.execute_sql(
                "UPDATE workflow_job SET attempts = ?, due_at = ?, last_error = ? "
                "WHERE id = ? AND state = 'queued'",
                (attempts, to_db_time(utcnow() + backoff(attempts)), error, job["id"]),
            )
        else:
            database.execute_sql(
                "UPDATE workflow_job SET state = 'failed', attempts = ?, done_at = ?, "
                "last_error = ? WHERE id = ? AND state = 'queued'",
                (attempts, to_db_time(utcnow()), error, job["id"]),
            )
        runs.record_failed(rule.id, job["record_type"], job["record_id"], job["trigger"],
                           _mode(job), error, by_user=job["queued_by"], job_id=job["id"],
                           result="retrying" if retry else "failed")  # fmt: skip
    if retry:
        report.retrying += 1
    else:
        report.failed += 1


def run_due(*, limit: int | None = None, still_held=lambda: True) -> Report:
    """Run the jobs that are due, oldest first, until none is (or `limit`
    were run, or `still_held()` says this runner lost its lease)."""
    report = Report()
    while limit is None or report.total < limit:
        batch = _due(BATCH if limit is None else min(BATCH, limit - report.total))
        if not batch or not still_held():
            break
        kept = _rules_of(batch)
        for job in batch:
            _run_one(job, kept[job["rule_id"]], report)
    return report
