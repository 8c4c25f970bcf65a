"""The folder and files of a database that several OS users share.

SQLite creates the -wal and -shm files next to the database whenever they
are missing, as whoever opens it first. They keep one group only when the
folder is setgid, and everyone can create them only when the group can
write the folder: hence group rwx plus setgid (mode 2770).
"""

from __future__ import annotations

import grp
import os
import pwd
import shlex
import stat
from pathlib import Path

from crm_tui.errors import CrmError

SHARED_FOLDER_BITS = stat.S_ISGID | 0o070


def group_id(name: str) -> int:
    """The id of group `name`; a missing group is one clear line."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise CrmError(f"no group named {name!r} on this host") from None


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"user id {uid}"


def prepare_folder(folder: Path, group: str) -> int:
    """Make `folder` ready to hold a database shared by `group`; returns its id.

    A folder already set up (the group, group rwx, setgid) is left alone: it
    is usually root's, made as the README says, and only root may change it.
    A folder this user owns, or creates, is set up here. Anything else is
    refused with the command its owner has to run, before any file exists."""
    gid = group_id(group)
    folder = folder.resolve()
    where = shlex.quote(str(folder))
    setup = f"sudo chgrp {group} {where} && sudo chmod 2770 {where}"
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise CrmError(
                f"cannot create {folder} ({exc.strerror}); "
                f"ask an administrator to run: sudo mkdir -p {where} && {setup}"
            ) from None
    info = folder.stat()
    ready = info.st_gid == gid and info.st_mode & SHARED_FOLDER_BITS == SHARED_FOLDER_BITS
    if not ready:
        if info.st_uid != os.geteuid():
            raise CrmError(
                f"{folder} is not set up for group {group} (it needs group {group}, group rwx "
                f"and setgid); ask its owner ({_owner(info.st_uid)}) to run: {setup}"
            )
        try:
            os.chown(folder, -1, gid)
        except PermissionError:
            raise CrmError(
                f"you are not in group {group}, so {folder} cannot be given to it; "
                f"ask an administrator to add you (then log in again) or to run: {setup}"
            ) from None
        os.chmod(folder, stat.S_IMODE(info.st_mode) | SHARED_FOLDER_BITS)
    if not os.access(folder, os.W_OK | os.X_OK):
        # Group membership is read at login: someone just added must log in again.
        raise CrmError(
            f"you cannot create files in {folder}; are you in group {group}? "
            "(after being added to it, log in again)"
        )
    return gid


def share_files(path: Path, gid: int) -> None:
    """Give the database and its -wal/-shm to the group, read+write."""
    for candidate in database_files(path):
        if candidate.exists():
            os.chown(candidate, -1, gid)
            os.chmod(candidate, 0o660)


def database_files(path: Path) -> list[Path]:
    """The database file and the files SQLite keeps beside it."""
    return [path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]
