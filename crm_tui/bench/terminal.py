"""The real app in a pseudo-terminal, for `crm-tui bench`'s interaction rows.

`Terminal` starts `crm-tui --db PATH` (what cmd_run does, signed in as a
bench user and with no config file, opening on the accounts list rather
than the dashboard) on its own pseudo-terminal of 120x36,
with Textual's own Linux driver, exactly as in a terminal window. A key is
written as the bytes a terminal sends for it; the clock runs from that
write to the last byte the app writes before it goes quiet (`QUIET_S` with
nothing written), which is when the screen a person sees has settled.

A reading counts only if the text the key should bring up was drawn in
that output (escape sequences removed: Textual redraws only what changed,
so it is a title, a tab's heading or a row that the key brings up, never
text already on screen). Until it appears the clock keeps running, so an
early small redraw (a footer, a highlight) followed by a quiet pause while
the work goes on still times the whole of it; if it never appears within
`GIVE_UP_S` the reading fails with what was drawn instead.

The quiet window is 0.3 s: a record's detail draws its footer and its tab's
underline in a second burst up to ~0.3 s after the first on a busy
machine, which a shorter window would cut off. The app repaints on its own
only when another process commits (the change watcher, polled each second;
nothing else writes to the bench's copy of the database), when a toast
times out (interact.py waits those out), and for a text box's caret, which
blinks every 0.5 s (a one-line box's and a text area's alike): the
measured app's carets do not blink, the one change the bench makes to it.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

SIZE = (120, 36)
QUIET_S = 0.3
GIVE_UP_S = 20.0
START_GIVE_UP_S = 90.0
# An untimed key with nothing to wait for that draws nothing this long drew nothing.
NOTHING_S = 1.0

# What `crm-tui --db PATH` runs (cli.main, cmd_run), signed in as a given
# bench user (the OS login is not one of the generated people) and with
# the default settings. A string run by `python -c`, so that it runs the
# same way on any crm-tui tree (PYTHONPATH), an older one included.
CHILD = """
import sys
try:
    from crm_tui import startup
    startup.pause_collector()
except ImportError:
    pass
from crm_tui import cli, cli_parser
from crm_tui.runtime import open_for_user
from textual.widgets import Input, TextArea
# no caret blink: a repaint every 0.5 s
Input._toggle_cursor = lambda self: None
TextArea._toggle_cursor_blink_visible = lambda self: None
db, login, settings_file = sys.argv[1:4]
args = cli_parser.parser().parse_args(["--db", db, "--config", settings_file])
settings = cli._settings(args)
if hasattr(settings, "start_area"):  # the desk keys start on the accounts list
    settings.start_area = "accounts"
open_for_user(db, settings, login=login)
from crm_tui.app import CrmApp
app = CrmApp()
app.run()
sys.exit(app.return_code or 0)
"""

# The bytes a terminal (xterm) sends for each key the bench presses.
KEY_BYTES = {
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "space": b" ",
    "backspace": b"\x7f",
    "shift+right": b"\x1b[1;2C",
    "shift+left": b"\x1b[1;2D",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "right_square_bracket": b"]",
    "left_square_bracket": b"[",
    "slash": b"/",
    "ctrl+s": b"\x13",
    "ctrl+u": b"\x15",
}
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def key_bytes(key: str) -> bytes:
    """The bytes of a key named as Textual names it ("enter", "T", "shift+right")."""
    if key in KEY_BYTES:
        return KEY_BYTES[key]
    if len(key) == 1:
        return key.encode()
    raise ValueError(f"the bench cannot type the key {key!r}")


def visible_text(output: bytes) -> str:
    """What `output` draws: its text with the escape sequences taken out."""
    return _ESCAPES.sub(b"", output).decode("utf-8", errors="replace")


def _drawn(output: bytes, expect) -> bool:
    if expect is None:
        return True
    text = visible_text(output)
    if isinstance(expect, str):
        return expect in text
    if isinstance(expect, tuple):
        return any(part in text for part in expect)
    return all(part in text for part in expect)


class NotDrawn(RuntimeError):
    """The text a key should bring up was not drawn."""


class Terminal:
    """One run of the app on a pseudo-terminal; a context manager."""

    def __init__(
        self,
        db_path: Path | str,
        login: str = "bench",
        *,
        pythonpath: str | None = None,
        size: tuple[int, int] = SIZE,
        quiet_s: float = QUIET_S,
    ) -> None:
        self.db_path = str(db_path)
        self.login = login
        self.pythonpath = pythonpath
        self.size = size
        self.quiet_s = quiet_s
        self.proc: subprocess.Popen | None = None
        self.fd = -1
        self._tail = b""
        self._first = 0.0
        self.last: dict = {}
        self._home = tempfile.TemporaryDirectory(prefix="crm-tui-bench-tty-")

    def __enter__(self) -> Terminal:
        try:
            self.start()
        except BaseException:
            self.close()  # an app that never drew what was asked is not left running
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self, ready: str | None = "Active accounts") -> float:
        """Start the app; seconds until its first screen settled (with
        `ready` drawn, when given)."""
        master, slave = os.openpty()
        cols, rows = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        home = Path(self._home.name)
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "COLUMNS": str(cols),
            "LINES": str(rows),
            "CRM_TUI_CONFIG_DIR": str(home / "config"),
            "CRM_TUI_DATA_DIR": str(home / "data"),
            "CRM_TUI_STATE_DIR": str(home / "state"),
        }
        for name in ("TEXTUAL", "TEXTUAL_DRIVER", "TEXTUAL_HEADLESS", "NO_COLOR"):
            env.pop(name, None)
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        settings_file = str(home / "no-config.toml")  # never written: the defaults
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, self.db_path, self.login, settings_file],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            cwd=str(home),
            close_fds=True,
        )
        os.close(slave)
        self.fd = master
        os.set_blocking(master, False)
        _, seconds = self._settle(started, ready, START_GIVE_UP_S)
        return seconds

    def press(self, key: str, expect=None, give_up_s: float = GIVE_UP_S) -> tuple[float, str]:
        """Write `key`; seconds from the write to the last byte before the
        output went quiet with `expect` drawn, and the text drawn. `expect`
        is a text, a tuple of texts (any one), or a list of texts (all).
        NotDrawn when it never was. `self.last` says when the first byte
        came and how much CPU the app used meanwhile (quiet window included)."""
        self.drain()
        data = key_bytes(key)
        cpu = self.cpu_seconds()
        written = time.perf_counter()
        os.write(self.fd, data)
        out, seconds = self._settle(written, expect, give_up_s)
        self.last = {"first_byte": self._first - written, "cpu": self.cpu_seconds() - cpu}
        return seconds, visible_text(out)

    def cpu_seconds(self) -> float:
        """CPU time the app has used so far (user and system, all threads)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, AttributeError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def drain(self) -> bytes:
        """Read what the app wrote since the last reading (a late repaint)."""
        out = b""
        while True:
            chunk = self._read(0.0)
            if not chunk:
                return out
            out += chunk

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # the app closed the terminal: it exited
            chunk = b""
        if not chunk:
            self._exited()
        self._tail = (self._tail + chunk)[-4096:]
        return chunk

    def _exited(self) -> None:
        code = self.proc.wait(5) if self.proc is not None else None
        said = " ".join(visible_text(self._tail).split())[-400:]
        raise RuntimeError(f"the app exited (status {code}) under the bench's terminal: {said}")

    def _settle(self, started: float, expect: str | None, give_up_s: float) -> tuple[bytes, float]:
        """Read until `expect` was drawn (if given) and `quiet_s` passed with
        nothing written; the output and seconds from `started` to its last byte."""
        out = b""
        last = None
        seen = _drawn(b"", expect)
        deadline = started + give_up_s
        while True:
            now = time.perf_counter()
            if last is not None and seen:
                wait = last + self.quiet_s - now
                if wait <= 0:
                    return out, last - started
            else:
                if expect is None and now >= started + NOTHING_S:
                    return out, 0.0  # a key that changes nothing on screen
                wait = deadline - now if expect is not None else started + NOTHING_S - now
                if wait <= 0:
                    shown = " ".join(visible_text(out).split())[:300]
                    raise NotDrawn(
                        f"{expect!r} was not drawn within {give_up_s:g} s; drew: {shown!r}"
                    )
            chunk = self._read(min(wait, deadline - now))
            if chunk:
                out += chunk
                last = time.perf_counter()
                if len(out) == len(chunk):
                    self._first = last
                seen = seen or _drawn(out, expect)

    def close(self) -> None:
        """Quit the app: its quit key, then a signal if it does not go."""
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None:
                try:
                    os.write(self.fd, b"\x1b")  # a modal first, then quit
                    time.sleep(0.2)
                    os.write(self.fd, b"q")
                    self.proc.wait(5)
                except (OSError, subprocess.TimeoutExpired):
                    os.killpg(self.proc.pid, signal.SIGTERM)
                    try:
                        self.proc.wait(5)
                    except subprocess.TimeoutExpired:
                        os.killpg(self.proc.pid, signal.SIGKILL)
                        self.proc.wait(5)
        finally:
            if self.fd >= 0:
                os.close(self.fd)
                self.fd = -1
            self.proc = None
            self._home.cleanup()
