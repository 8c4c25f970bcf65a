"""First-frame probe, run as a child process by the bench:

    python -m crm_tui.bench.frame app|bare DBPATH [PARENT_WALL_TIME]

`app` opens DBPATH as the bench user the way the command line does
(runtime.open_for_user, then CrmApp(), which opens on the Accounts list);
`bare` is a plain Textual app with Header + DataTable + Footer. Both run
headless at 120x36 and exit as soon as the first frame has been composed
(the first App.post_display_hook once the app is mounted). One JSON line on stdout reports the time
from process start (the parent's wall clock just before it spawned us) and
from this module's first line to that frame, and the peak RSS.
"""

import time  # noqa: I001 (first, on purpose)

# Taken before any other import: in-process time counts from here.
T0_WALL = time.time()
T0 = time.perf_counter()

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

SIZE = (120, 36)
BARE_COLUMNS = ["Account", "City", "Country", "Phone", "Primary contact", "Owner"]


def _app_class(mode: str, db_path: str):
    if mode == "app":
        from crm_tui import config
        from crm_tui.runtime import open_for_user

        open_for_user(db_path, config.Settings(), login="bench")
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


def probe(mode: str, db_path: str, parent_wall: float | None = None) -> dict:
    base = _app_class(mode, db_path)
    seen: dict = {}
    displays = [0]

    class Probe(base):
        def post_display_hook(self) -> None:
            super().post_display_hook()
            # Frames drawn while the app is still mounting are not the first
            # screen a person sees; the first one after mounting is.
            if "wall" not in seen and self.is_mounted:
                seen["wall"] = time.time()
                seen["perf"] = time.perf_counter()
                seen["screen"] = type(self.screen).__name__
                seen["displays"] = displays[0] + 1
                self.call_later(self.exit)
            displays[0] += 1

    Probe().run(headless=True, size=SIZE)
    if "wall" not in seen:
        raise SystemExit("the app exited without displaying a frame")
    rss_kb = peak_rss_kb()
    return {
        "mode": mode,
        "first_frame_ms": round((seen["wall"] - parent_wall) * 1000, 1)
        if parent_wall is not None
        else None,
        "in_process_ms": round((seen["perf"] - T0) * 1000, 1),
        "interpreter_start_ms": round((T0_WALL - parent_wall) * 1000, 1)
        if parent_wall is not None
        else None,
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "screen": seen["screen"],
        "display_number": seen["displays"],
    }


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    parent_wall = float(argv[2]) if len(argv) > 2 else None
    result = probe(argv[0], argv[1], parent_wall)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
