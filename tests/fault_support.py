"""Real faults for the tests: a write lock held by another process, a full
file system, files that cannot be written. Nothing here is a mock: SQLite
meets each fault the way it would on a bad day."""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _hold_lock(path: str, ready, release) -> None:
    """In another process: take the write lock and keep it until told."""
    import apsw

    conn = apsw.Connection(path)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    release.wait(120)
    conn.execute("ROLLBACK")
    conn.close()


class HeldLock:
    def __init__(self, path: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._ready, self._release = ctx.Event(), ctx.Event()
        self._process = ctx.Process(target=_hold_lock, args=(str(path), self._ready, self._release))

    def start(self) -> HeldLock:
        self._process.start()
        assert self._ready.wait(60), "the lock holder did not start"
        return self

    def release(self) -> None:
        if self._process.is_alive():
            self._release.set()
            self._process.join(30)


@contextmanager
def lock_held_by_another_process(path: Path) -> Iterator[HeldLock]:
    """The database's write lock taken by a colleague's process."""
    holder = HeldLock(path).start()
    try:
        yield holder
    finally:
        holder.release()


def is_root() -> bool:
    return os.geteuid() == 0


@contextmanager
def unwritable(*paths: Path) -> Iterator[None]:
    """Make files impossible to write for this process, even as root: the
    immutable attribute as root (chmod does not stop root), read-only modes
    otherwise. A file already open for writing then fails its next write."""
    paths = tuple(p for p in paths if p.exists())
    if is_root():
        if shutil.which("chattr") is None:
            pytest.skip("chattr is needed to make a file read-only for root")
        done = []
        try:
            for path in paths:
                result = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
                if result.returncode != 0:
                    pytest.skip(f"this file system has no immutable files: {result.stderr!r}")
                done.append(path)
            yield
        finally:
            for path in done:
                subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        modes = {path: path.stat().st_mode for path in paths}
        try:
            for path in paths:
                path.chmod(0o444)
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)


@contextmanager
def small_file_system(size: str = "16m") -> Iterator[Path]:
    """A real file system of `size` (a tmpfs mounted for the test, which
    needs root); the folder is removed afterwards."""
    if not is_root() or shutil.which("mount") is None:
        pytest.skip("a full disk is made with a small tmpfs, which needs root")
    folder = Path(tempfile.mkdtemp(prefix="crm-full-"))
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def fill(folder: Path) -> Path:
    """Fill the file system holding `folder` to the last byte; returns the
    filler file (delete it to free the space)."""
    filler = folder / "filler"
    chunk = b"\0" * (64 * 1024)
    with open(filler, "wb", buffering=0) as handle:
        while True:
            try:
                handle.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
        # the last partial chunk
        for size in (4096, 512, 1):
            while True:
                try:
                    handle.write(b"\0" * size)
                except OSError:
                    break
    return filler
