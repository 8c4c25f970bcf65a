"""The app in a real pseudo-terminal, as a person's terminal runs it: keys go
in as bytes, everything the app writes comes back, and the exit status is
the process's own."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path


class Terminal:
    def __init__(self, code: str, env: dict[str, str], size=(100, 30)) -> None:
        """Run `python -c code` (which runs the app) on a new pseudo-terminal."""
        self.master, slave = os.openpty()
        rows_cols = struct.pack("HHHH", size[1], size[0], 0, 0)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, rows_cols)
        self.output = b""
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**os.environ, "TERM": "xterm-256color", **env},
            start_new_session=True,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
        os.close(slave)

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.output += chunk

    def wait_for(self, text: bytes, seconds: float = 20) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if text in self.output:
                return True
            self.read(0.1)
        return text in self.output

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def finish(self, seconds: float = 20) -> int | None:
        """The exit status once the app ends (None: it did not end in time)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read(0.1)
            if self.process.poll() is not None:
                self.read(0.3)
                return self.process.returncode
        return None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        os.close(self.master)
