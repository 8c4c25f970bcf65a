"""The error log: an unexpected error's traceback goes to a file in the user
state directory, and the terminal gets one line saying where."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path

from crm_tui import config

# One previous log is kept beside the current one once it grows past this.
MAX_BYTES = 1024 * 1024


def log_path() -> Path:
    return config.state_dir() / "crm-tui.log"


def record(exc: BaseException) -> Path | None:
    """Append `exc` with its traceback to the log; the log's path, or None
    when it cannot be written (the error then goes to stderr whole)."""
    path = log_path()
    text = "".join(traceback.format_exception(exc))
    stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    entry = f"--- {stamp} pid {os.getpid()} argv {sys.argv[1:]!r}\n{text}\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            path.replace(path.with_name(path.name + ".1"))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(entry)
    except OSError:
        return None
    return path


def one_line(exc: BaseException, path: Path | None) -> str:
    """What the terminal shows of an unexpected error."""
    from crm_tui.text import clean

    what = clean(f"{type(exc).__name__}: {exc}")[:200]
    if path is None:
        return (
            f"crm-tui stopped on an unexpected error ({what}); the error log could not be written"
        )
    return f"crm-tui stopped on an unexpected error ({what}); details are in {path}"
