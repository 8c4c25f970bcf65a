"""Worker functions for the case tests' multiprocessing races (spawn needs
them importable). Each opens the database FILE itself and reports through a
queue; it never raises."""

from __future__ import annotations

import traceback


def take_cases(path: str, login: str, case_ids: list[int], barrier, queue) -> None:
    """For each case: wait for the other process, then take it at the same
    moment. Reports {case_id: ("ok", owner login) | ("refused", message)}."""
    report: dict = {"login": login, "results": {}, "crash": None}
    try:
        from crm_tui.db import close_database
        from crm_tui.errors import DomainError
        from crm_tui.runtime import open_for_user
        from crm_tui.services.support import cases

        open_for_user(path, login=login)
        for case_id in case_ids:
            barrier.wait(timeout=60)
            try:
                cases.take(case_id)
                report["results"][case_id] = ("ok", login)
            except DomainError as exc:
                report["results"][case_id] = ("refused", str(exc))
        close_database()
    except BaseException as exc:  # reported to the parent
        report["crash"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    queue.put(report)


def take_next_cases(path: str, login: str, rounds: int, barrier, queue) -> None:
    """Each round: wait for the other process, then take the next case at the
    same moment. Reports the ids taken in order (None when none waited)."""
    report: dict = {"login": login, "taken": [], "crash": None}
    try:
        from crm_tui.db import close_database
        from crm_tui.runtime import open_for_user
        from crm_tui.services.support import cases

        open_for_user(path, login=login)
        for _ in range(rounds):
            barrier.wait(timeout=60)
            case = cases.take_next()
            report["taken"].append(None if case is None else case.id)
        close_database()
    except BaseException as exc:  # reported to the parent
        report["crash"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    queue.put(report)
