"""`crm-tui backup`: a consistent copy of a live database in one new file.

SQLite's backup API copies every page in one step, inside one read
transaction: other processes keep committing to the WAL meanwhile and their
commits cannot make it start over (copying a slice at a time started over on
every commit and never finished on a busy database). The copy is written to
a hidden file beside the destination, private until it is complete, then
given the source's permissions (never wider, never executable) and group,
flushed to disk and only then put in place under its name, so a failed or
interrupted backup leaves no half-written file behind.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import apsw

from crm_tui.errors import CrmError

PARTIAL = ".partial-"
# Hard links are how a finished copy takes its name without replacing a file
# that appeared meanwhile; these say a file system has none.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}


class BackupError(CrmError):
    """A backup or restore that was refused or failed, said in one line."""


def backup(source: apsw.Connection, dest: Path | str) -> Path:
    """Copy the database open on `source` into the new file `dest`.

    The copy is one self-contained file (rollback journal, no -wal) with the
    source's mode limited to read/write for owner and group, and the source's
    group (or no group access, when this user cannot give the file that group).
    """
    dest = Path(dest)
    if os.path.lexists(dest):
        raise BackupError(f"{dest} exists; choose a new file name for the backup")
    source_path = Path(source.db_filename("main"))
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(dest.parent)
        partial = _new_partial(dest)
        try:
            _copy(source, partial)
            copy_permissions(partial, source_path)
            _publish(partial, dest)
        finally:
            remove_files(partial)
    except (OSError, apsw.Error) as exc:
        raise failure(exc, f"no backup was written to {dest}") from exc
    return dest


def _new_partial(dest: Path) -> Path:
    partial = dest.parent / f".{dest.name}{PARTIAL}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        # Name the folder: the hidden file's name means nothing to anyone.
        raise OSError(exc.errno, exc.strerror, str(dest.parent)) from None
    try:
        os.fchmod(fd, 0o600)  # exactly: the umask must not make it unwritable
    finally:
        os.close(fd)
    return partial


def _copy(source: apsw.Connection, partial: Path) -> None:
    target = apsw.Connection(str(partial))
    try:
        with target.backup("main", source, "main") as job:
            job.step(-1)
        # The copied header says WAL, which would need -wal and -shm files
        # beside the backup to open it; a backup is one file.
        target.execute("PRAGMA journal_mode=DELETE").fetchall()
    finally:
        target.close()


def copy_permissions(path: Path, source: Path) -> None:
    """Give `path` the mode of `source` limited to read/write for owner and
    group, and the group of `source` (or no group access when this user may
    not give that group), then flush it to disk."""
    like = os.stat(source)
    mode = stat.S_IMODE(like.st_mode) & 0o660
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if os.fstat(fd).st_gid != like.st_gid:
            try:
                os.fchown(fd, -1, like.st_gid)
            except PermissionError:
                mode &= 0o600  # the group bits would open it to another group
        os.fchmod(fd, mode)
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(partial: Path, dest: Path) -> None:
    try:
        os.link(partial, dest)
    except FileExistsError:
        raise BackupError(f"{dest} exists; choose a new file name for the backup") from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if os.path.lexists(dest):
            raise BackupError(f"{dest} exists; choose a new file name for the backup") from None
        os.replace(partial, dest)
    sync_folder(dest.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so a file just named there keeps its name
    after a power cut (not every file system can; then nothing is done)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_files(path: Path) -> None:
    """Remove a database file and the journal files SQLite may leave beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def remove_stale_partials(folder: Path) -> None:
    """Remove the unfinished copies of backups whose process was killed."""
    for item in folder.glob(f".*{PARTIAL}*"):
        pid = item.name.rsplit(PARTIAL, 1)[1].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            item.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


@contextmanager
def finishing_on_terminate() -> Iterator[None]:
    """Let SIGTERM and SIGHUP (a killed job, a closed terminal) end the
    process through the clean-up code, as Ctrl-C does, instead of at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def failure(exc: BaseException, what: str) -> BackupError:
    """`exc`, an OSError or a SQLite error, as one line: `what` happened, and why."""
    return BackupError(f"{what}: {reason(exc)}")


def reason(exc: BaseException) -> str:
    """What an OSError or a SQLite error means, in a few words."""
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"the disk is full{where}; free some space and try again"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return f"permission denied{where}"
        if exc.errno == errno.EROFS:
            return f"the file system is read-only{where}"
        return f"{exc.strerror or exc}{where}"
    for kinds, words in _SQLITE_REASONS:
        if isinstance(exc, kinds):
            return words
    return str(exc)


_SQLITE_REASONS: list[tuple[type[BaseException] | tuple[type[BaseException], ...], str]] = [
    (apsw.FullError, "the disk is full; free some space and try again"),
    (
        (apsw.ReadOnlyError, apsw.PermissionsError, apsw.CantOpenError),
        "a file could not be opened or written (permissions, or a read-only file system)",
    ),
    (apsw.BusyError, "the database stayed locked by another process; try again"),
    ((apsw.CorruptError, apsw.NotADBError), "the database file is damaged"),
    (apsw.IOError, "the disk reported an I/O error"),
]
