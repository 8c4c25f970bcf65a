"""Worker functions for the workflow's process tests (spawn needs them
importable): runners over one database file, each opening it itself and
reporting through a queue, never raising (a crashed worker would only show
up as a missing report)."""

from __future__ import annotations

import os
import time
import traceback


def _error(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def run_jobs(path: str, barrier, queue) -> None:
    """Run the due jobs directly (no lease), starting with the others."""
    report = {"pid": os.getpid(), "done": 0, "skipped": 0, "failed": 0, "errors": []}
    try:
        from crm_tui.db import close_database
        from crm_tui.runtime import open_for_user
        from crm_tui.services.workflow import jobs

        open_for_user(path, login="tester")
        if barrier is not None:
            barrier.wait(timeout=60)
        done = jobs.run_due()
        report.update(done=done.done, skipped=done.skipped, failed=done.failed)
        close_database()
    except BaseException as exc:  # reported to the parent
        report["errors"].append(_error(exc))
    queue.put(report)


def run_jobs_slowly(path: str, pause: float, queue) -> None:
    """Run the due jobs, each action taking `pause` seconds longer (so the
    parent can kill this process in the middle of a batch)."""
    try:
        from crm_tui.runtime import open_for_user
        from crm_tui.services.workflow import actions, jobs

        open_for_user(path, login="tester")
        perform = actions.perform

        def slow(*args, **kwargs):
            time.sleep(pause)
            return perform(*args, **kwargs)

        actions.perform = slow
        queue.put(("started", os.getpid()))
        jobs.run_due()
        queue.put(("finished", os.getpid()))
    except BaseException as exc:  # reported to the parent
        queue.put(("error", _error(exc)))


def hold_lease(path: str, go, queue) -> None:
    """Take the runner's lease, say who holds it, wait for `go`, then say
    whether it still holds it (beat), and give it up."""
    try:
        from crm_tui.db import close_database
        from crm_tui.runtime import open_for_user
        from crm_tui.services.workflow import runner

        open_for_user(path, login="tester")
        holder = runner.holder_name()
        runner.take_lease(holder)
        queue.put(("holding", holder))
        go.wait(timeout=60)
        still = runner.beat(holder)
        runner.release(holder)
        queue.put(("beat", still))
        close_database()
    except BaseException as exc:  # reported to the parent
        queue.put(("error", _error(exc)))
