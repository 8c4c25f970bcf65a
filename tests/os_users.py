"""Real OS users in a real group, for what several people on one host share.

Only root can create users and groups, so the `os_users` fixture skips,
saying why, anywhere else, and also when those users could not run this
Python or read the project. A folder on the way that only lets its owner
through (a home of 700 holding the Python and the clone, as on a build
machine) is opened to others for passing through only (o+x: nothing in it
can be listed) while the test runs, and given back its exact mode after.

Use it from a test module with `from os_users import os_users_fixture  # noqa: F401`
and a test argument named `os_users`.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import crm_tui

TOOLS = ("useradd", "groupadd", "userdel", "groupdel")
# The folder that holds the crm_tui package (a clone, or site-packages).
PROJECT = Path(crm_tui.__file__).resolve().parent.parent


@dataclass(frozen=True)
class OsUser:
    """One created login; `home` is its own folder for config, data and state."""

    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]
    home: Path


@dataclass
class OsUsers:
    """A group, two of its members (`a`, `b`) and a temporary folder they can reach."""

    group: str
    gid: int
    a: OsUser
    b: OsUser
    root: Path

    def env(self, user: OsUser, **extra: str) -> dict[str, str]:
        """A login-like environment for `user`; `extra` overrides (or spoofs) any of it."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(user.home),
            "LOGNAME": user.name,
            "USER": user.name,
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "CRM_TUI_CONFIG_DIR": str(user.home / "config"),
            "CRM_TUI_DATA_DIR": str(user.home / "data"),
            "CRM_TUI_STATE_DIR": str(user.home / "state"),
            # the project may not be installed, only cloned; and it is not theirs to write
            "PYTHONPATH": str(PROJECT),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.update(extra)
        return env

    def python(
        self, user: OsUser, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        """Run this Python as `user`, with its groups and nothing of root's."""
        return subprocess.run(
            [sys.executable, *args],
            user=user.uid,
            group=user.gid,
            extra_groups=list(user.groups),
            env=self.env(user, **(env or {})),
            cwd=user.home,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def crm(self, user: OsUser, *argv: str, **env: str) -> subprocess.CompletedProcess:
        """Run `crm-tui ARGV` as `user`; keyword arguments set environment variables."""
        return self.python(user, "-m", "crm_tui", *argv, env=env)

    def shared_folder(self, name: str = "crm") -> Path:
        """A folder made as the README's root steps make it: mkdir, chgrp, chmod 2770."""
        folder = self.root / "srv" / name
        for argv in (
            ("mkdir", "-p", str(folder)),
            ("chgrp", self.group, str(folder)),
            ("chmod", "2770", str(folder)),
        ):
            _tool(*argv)
        return folder


def _unreachable(path: Path) -> str | None:
    """Why another user could not read `path`, or None when they can."""
    path = path.resolve()
    for folder in reversed(path.parents):
        if not folder.stat().st_mode & stat.S_IXOTH:
            return (
                f"{folder} is closed to other users (mode {stat.S_IMODE(folder.stat().st_mode):o})"
            )
    mode = path.stat().st_mode
    if not mode & stat.S_IROTH or (stat.S_ISDIR(mode) and not mode & stat.S_IXOTH):
        return f"{path} is not readable by other users (mode {stat.S_IMODE(mode):o})"
    return None


def _needed() -> list[Path]:
    needed = [Path(sys.executable), Path(sys.prefix), Path(sys.base_prefix), PROJECT]
    return needed + [Path(p) for p in sys.path if p and Path(p).exists() and "site-packages" in p]


def _closed_folders() -> list[Path]:
    """Folders on the way to what the users need that only let their owner through."""
    closed: list[Path] = []
    for path in _needed():
        for folder in reversed(path.resolve().parents):
            if not folder.stat().st_mode & stat.S_IXOTH and folder not in closed:
                closed.append(folder)
    return closed


def _let_through(folders: list[Path]) -> dict[Path, int]:
    """Add o+x to `folders`; their modes before, to give back."""
    before = {folder: stat.S_IMODE(folder.stat().st_mode) for folder in folders}
    for folder, mode in before.items():
        folder.chmod(mode | stat.S_IXOTH)
    return before


def why_not() -> str | None:
    """Why real users cannot be used here, or None when they can."""
    if os.geteuid() != 0:
        return "creating OS users and groups needs root"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} not found"
    for path in _needed():
        reason = _unreachable(path)
        if reason is not None:
            return f"other OS users cannot run {sys.executable}: {reason}"
    return None


def _tool(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, text=True, timeout=60)


def _add_user(name: str, group: str, root: Path) -> OsUser:
    # A group of its own as its primary group (as on most distributions),
    # the shared group as a supplementary one, no home directory made.
    _tool("useradd", "--no-create-home", "--user-group", "--groups", group, name)
    entry = pwd.getpwnam(name)
    home = root / name
    home.mkdir(mode=0o700)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    groups = tuple(os.getgrouplist(name, entry.pw_gid))
    return OsUser(name, entry.pw_uid, entry.pw_gid, groups, home)


def _remove_user(name: str) -> None:
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return
    subprocess.run(["userdel", name], capture_output=True, timeout=60)
    home = Path(entry.pw_dir)
    # only a home that really is theirs: useradd was told not to make one
    if home.is_dir() and home.stat().st_uid == entry.pw_uid and home != Path("/"):
        shutil.rmtree(home, ignore_errors=True)
    _remove_group(name)  # the user's own group, when userdel left it


def _remove_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        return
    subprocess.run(["groupdel", name], capture_output=True, timeout=60)


@pytest.fixture(name="os_users")
def os_users_fixture() -> Iterator[OsUsers]:
    """A fresh group and two members, removed afterwards with their folder."""
    opened = _let_through(_closed_folders()) if os.geteuid() == 0 else {}
    try:
        reason = why_not()
        if reason is not None:
            pytest.skip(f"needs real OS users: {reason}")
        yield from _users()
    finally:
        for folder, mode in opened.items():
            folder.chmod(mode)


def _users() -> Iterator[OsUsers]:
    stem = f"crmt{secrets.token_hex(4)}"
    group, names = f"{stem}g", [f"{stem}a", f"{stem}b"]
    # Not under pytest's tmp_path: that is closed to everyone but root.
    root = Path(tempfile.mkdtemp(prefix="crm-tui-users-"))
    try:
        root.chmod(0o755)
        _tool("groupadd", group)
        a, b = (_add_user(name, group, root) for name in names)
        users = OsUsers(group, grp.getgrnam(group).gr_gid, a, b, root)
        trial = users.python(a, "-c", "import apsw, peewee, crm_tui.cli")
        if trial.returncode != 0:
            last = (trial.stderr.strip().splitlines() or ["(no message)"])[-1]
            pytest.skip(f"needs real OS users: they cannot import crm_tui here: {last}")
        yield users
    finally:
        for name in names:
            _remove_user(name)
        _remove_group(group)
        shutil.rmtree(root, ignore_errors=True)
