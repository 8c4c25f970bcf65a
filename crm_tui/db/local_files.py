"""Where a database file may live: a local disk (SQLite's WAL needs one
host), and never a 0-byte file taken for a new database."""

from __future__ import annotations

import os
import time
from pathlib import Path

from crm_tui.errors import DatabaseRefused

NETWORK_FS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs",
    "9p", "ceph", "glusterfs", "lustre", "gpfs", "fuse.sshfs", "sshfs",
    "fuse.rclone", "fuse.s3fs", "davfs", "fuse.davfs2",
}  # fmt: skip


def _mounts() -> list[tuple[str, str]]:
    try:
        text = Path("/proc/self/mounts").read_text()
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            # /proc/mounts escapes spaces in paths as \040
            out.append((parts[1].replace("\\040", " "), parts[2]))
    return out


def filesystem_type(path: Path, mounts: list[tuple[str, str]] | None = None) -> str:
    """The type of the file system holding `path` (the longest mount prefix)."""
    target = str(path.resolve())
    best, fstype = "", ""
    for mount_point, kind in mounts if mounts is not None else _mounts():
        prefix = mount_point.rstrip("/") + "/"
        if (target == mount_point or target.startswith(prefix) or mount_point == "/") and len(
            mount_point
        ) > len(best):
            best, fstype = mount_point, kind
    return fstype


def check_local(path: Path, mounts: list[tuple[str, str]] | None = None) -> None:
    """Refuse a database on a network file system: WAL needs one host."""
    # The nearest existing folder: open_database creates missing ones there.
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    kind = filesystem_type(folder, mounts)
    if kind in NETWORK_FS or kind.startswith(("nfs", "fuse.sshfs")):
        raise DatabaseRefused(
            f"{path} is on a network file system ({kind}); SQLite's WAL mode needs the "
            "database on a local disk of the host everyone logs in to. Move it to a local path."
        )


def refuse_empty_file(path: Path, wait_seconds: float = 0.0) -> None:
    """A 0-byte file where a database should be usually means something went
    wrong (a failed copy, a truncation); SQLite would quietly make it a new,
    empty database. Only `init` creates databases. Another process opening a
    new database at the same moment has the file empty for an instant before
    SQLite writes its header and -wal: wait up to `wait_seconds` for that."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            empty = path.stat().st_size == 0 and not Path(f"{path}-wal").exists()
        except OSError:
            return
        if not empty:
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(0.01)
    raise DatabaseRefused(
        f"{path} is an empty file, not a crm-tui database; if it held your data, "
        f"restore a backup into it (crm-tui restore BACKUP --db {path}); to start a new "
        "database, remove it and run crm-tui init"
    )


def file_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777
