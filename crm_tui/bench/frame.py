"""First-frame probe, run as a child process by the bench:

    python -m crm_tui.bench.frame app|bare DBPATH [PARENT_WALL_TIME] [--files]

`app` starts the way `crm-tui --db DBPATH` does (cli.main and cmd_run: the
collector paused, the command line parsed, settings read, the database
opened, CrmApp(), which opens on the dashboard), signed in as the bench
user and without a config file (`start`: another area to open on); `bare` is a plain Textual app with Header + DataTable + Footer that fills its
table on mount. Both run at 120x36 on a driver that turns every frame into
terminal text, as for a terminal, and hands it to the probe instead. The
clock stops once a frame with the table's rows has been drawn (its first
row's text is in what was written), the same moment for both apps; on the
dashboard, once a frame is drawn after every tile was read.

One JSON line on stdout reports the time from process start (the parent's
wall clock just before it spawned us) and from this module's first line to
that frame, the peak RSS, and how many of the modules loaded were compiled
from source because they had no valid .pyc. With --files it also lists every
file the process loaded (modules, their bytecode, shared libraries, style
sheets), which the bench drops from the page cache for its cold runs.
"""

import time  # noqa: I001 (first, on purpose)

# Taken before any other import: in-process time counts from here.
T0_WALL = time.time()
T0 = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

SIZE = (120, 36)
BARE_COLUMNS = ["Account", "City", "Country", "Phone", "Primary contact", "Owner"]
# A first frame that never comes fails the probe instead of hanging the bench.
GIVE_UP_SECONDS = 60.0
# A settings file that is never there: the app starts with the defaults.
NO_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-config.toml")


def _app_class(mode: str, db_path: str, start: str = ""):
    if mode == "app":
        # What `crm-tui --db DBPATH` does (cli.main, cmd_run), signed in as
        # the bench user and with no config file (the defaults).
        from crm_tui import startup

        startup.pause_collector()
        from crm_tui import cli, cli_parser
        from crm_tui.runtime import open_for_user

        args = cli_parser.parser().parse_args(["--db", db_path, "--config", NO_CONFIG])
        settings = cli._settings(args)
        if start:
            settings.start_area = start
        open_for_user(db_path, settings, login="bench")
        from crm_tui.app import CrmApp

        return CrmApp
    if mode == "bare":
        from textual.app import App
        from textual.widgets import DataTable, Footer, Header

        class Bare(App):
            def compose(self):
                yield Header()
                yield DataTable()
                yield Footer()

            def on_mount(self) -> None:
                table = self.query_one(DataTable)
                table.add_columns(*BARE_COLUMNS)
                # a screenful of rows, as the real list shows
                for i in range(SIZE[1]):
                    table.add_row(*(f"{name} {i}" for name in BARE_COLUMNS))

        return Bare
    raise SystemExit(f"unknown mode {mode!r}: use app or bare")


def _terminal_driver():
    """A headless driver that says it is not: Textual then renders each frame
    to terminal text (which it skips when headless) and writes it here."""
    from textual.drivers.headless_driver import HeadlessDriver

    class TerminalText(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False

        def write(self, data: str) -> None:
            self._app.frame_written(data)

    return TerminalText


def first_row_text(screen) -> str | None:
    """The start of the first row's first non-empty cell in the screen's
    table, once it has rows: the text a frame showing the rows contains."""
    from textual.widgets import DataTable

    for table in screen.query(DataTable):
        if table.row_count:
            for cell in table.get_row_at(0):
                text = getattr(cell, "plain", cell)
                if isinstance(text, str) and text.strip():
                    return text.strip()[:12]
    return None


def peak_rss_kb() -> int:
    """This process's peak resident set. VmHWM first: on Linux, ru_maxrss
    survives exec, so a child spawned by a big parent would report the
    parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_seconds() -> float:
    """CPU time this process has used since it was started, interpreter
    start included: less sensitive than wall time to a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pyc_was_valid(source: str, cached: str) -> bool:
    """Whether `cached` held the bytecode of `source` before this process
    started: a pyc written since was compiled by this run."""
    import importlib.util

    try:
        pyc = os.stat(cached)
        src = os.stat(source)
        with open(cached, "rb") as file:
            header = file.read(16)
    except OSError:
        return False
    if pyc.st_mtime >= T0_WALL or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    if int.from_bytes(header[4:8], "little") & 1:
        return True  # hash-based: checked against the source when loaded
    return (
        int.from_bytes(header[8:12], "little") == int(src.st_mtime) & 0xFFFFFFFF
        and int.from_bytes(header[12:16], "little") == src.st_size & 0xFFFFFFFF
    )


def bytecode() -> dict:
    """How many of the loaded source modules ran from a .pyc."""
    compiled = []
    total = 0
    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        origin, cached = getattr(spec, "origin", None), getattr(spec, "cached", None)
        if not (isinstance(origin, str) and origin.endswith(".py") and cached):
            continue
        total += 1
        if not _pyc_was_valid(origin, cached):
            compiled.append(name)
    return {"modules": total, "compiled": len(compiled), "compiled_names": sorted(compiled)[:10]}


def loaded_files(app) -> list[str]:
    """Every file this process read to start: its modules' sources and
    bytecode, the shared libraries it mapped, the style sheets."""
    files = set()
    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        for path in (getattr(spec, "origin", None), getattr(spec, "cached", None)):
            if isinstance(path, str) and os.path.isabs(path):
                files.add(path)
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                parts = line.split(None, 5)
                if len(parts) == 6 and parts[5].startswith("/"):
                    files.add(parts[5].strip())
    except OSError:
        pass
    files.update(path for path, _ in app.stylesheet.source if os.path.isabs(path))
    return sorted(path for path in files if os.path.isfile(path))


def probe(
    mode: str,
    db_path: str,
    parent_wall: float | None = None,
    list_files: bool = False,
    start: str = "",
) -> dict:
    base = _app_class(mode, db_path, start)
    driver = _terminal_driver()
    seen: dict = {}
    frames = [0]

    class Probe(base):
        def get_driver_class(self):
            return driver

        def on_mount(self) -> None:
            # after the app's own on_mount (Textual calls each class's handler)
            self.set_timer(GIVE_UP_SECONDS, self.exit)

        def frame_written(self, data: str) -> None:
            frames[0] += 1
            if "wall" in seen:
                return
            ready = getattr(self.screen, "first_frame_ready", None)
            if ready is not None:  # the dashboard: its tiles read, then drawn
                shown = ready() and len(data) >= 100
            else:
                marker = first_row_text(self.screen)
                shown = marker is not None and marker in data
            if shown:
                seen["wall"] = time.time()
                seen["perf"] = time.perf_counter()
                seen["cpu"] = _cpu_seconds()
                seen["screen"] = type(self.screen).__name__
                seen["writes"] = frames[0]
                self.call_later(self.exit)

    app = Probe()
    app.run(size=SIZE)
    if "wall" not in seen:
        raise SystemExit("no frame showed the table's rows")
    rss_kb = peak_rss_kb()
    result = {
        "mode": mode,
        "first_frame_ms": round((seen["wall"] - parent_wall) * 1000, 1)
        if parent_wall is not None
        else None,
        "in_process_ms": round((seen["perf"] - T0) * 1000, 1),
        "interpreter_start_ms": round((T0_WALL - parent_wall) * 1000, 1)
        if parent_wall is not None
        else None,
        "cpu_ms": round(seen["cpu"] * 1000, 1),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "screen": seen["screen"],
        "write_number": seen["writes"],
        "bytecode": bytecode(),
    }
    if list_files:
        result["files"] = loaded_files(app)
    return result


def main(argv: list[str]) -> int:
    list_files = "--files" in argv
    argv = [arg for arg in argv if arg != "--files"]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    parent_wall = float(argv[2]) if len(argv) > 2 else None
    result = probe(argv[0], argv[1], parent_wall, list_files)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
