"""Which processes have a file open, as far as /proc shows on Linux: every
process to root, only your own to anyone else."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

from crm_tui.text import clean


@dataclass(frozen=True)
class Opener:
    pid: int
    user: str
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid} {self.user} ({self.command})"


def find(paths: list[Path]) -> tuple[list[Opener], bool]:
    """The other processes that have any of `paths` open, and whether every
    process could be looked at (False when some were hidden from this user)."""
    wanted = {os.path.realpath(p) for p in paths}
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return [], False
    found: list[Opener] = []
    complete = True
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except PermissionError:
            complete = False
            continue
        except OSError:
            continue  # it exited meanwhile
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target in wanted:
                found.append(_describe(pid))
                break
    return found, complete


def _describe(pid: int) -> Opener:
    try:
        uid = os.stat(f"/proc/{pid}").st_uid
        user = pwd.getpwuid(uid).pw_name
    except (OSError, KeyError):
        user = "?"
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        raw = b""
    # A command line is whatever its starter chose: never let it drive the terminal.
    command = clean(raw.replace(b"\0", b" ").decode(errors="replace"))
    if len(command) > 80:
        command = command[:79] + "…"
    return Opener(pid, user, command or "?")
