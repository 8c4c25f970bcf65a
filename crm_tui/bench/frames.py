"""`crm-tui bench`'s first frame: the real app against a bare Textual app,
each started as a new process (crm_tui/bench/frame.py) and timed until its
table's rows are drawn.

Warm runs start with every file the two read already in the OS page cache, as
a second start does; cold runs first drop those files (modules, bytecode,
shared libraries, style sheets and the database) from the page cache, as
after a reboot. posix_fadvise does that per file, for files this user can
read, without root; pages that other running processes have mapped (the
interpreter itself while other Pythons run) stay cached.
"""

from __future__ import annotations

import compileall
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from crm_tui.bench.budgets import FRAME_RATIO, RSS_MB
from crm_tui.db import is_url

MODES = ("bare", "app")
PROBE_TIMEOUT = 120
# The packages of crm-tui; an editable install keeps screens/, styles/ and
# data/ beside crm_tui/, so each is looked up rather than assumed inside it.
PACKAGES = ("crm_tui", "crm_tui.screens", "crm_tui.styles", "crm_tui.data")


def compile_bytecode() -> bool:
    """Write crm-tui's missing or stale .pyc files, as an install does (an
    editable one has none until the code is imported, and not even then
    under PYTHONDONTWRITEBYTECODE). False when some could not be written."""
    ok = True
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        for folder in (spec and spec.submodule_search_locations) or ():
            ok = bool(compileall.compile_dir(folder, quiet=2)) and ok
    return ok


def probe(mode: str, db_path: Path | str, *, list_files: bool = False) -> dict:
    """One start of `mode` in a new process; its JSON report."""
    command = [sys.executable, "-m", "crm_tui.bench.frame", mode, str(db_path)]
    started = time.time()
    proc = subprocess.run(
        [*command, repr(started), *(["--files"] if list_files else [])],
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{mode} probe failed: {tail}")
    return json.loads(lines[-1])


def drop_from_page_cache(paths: list[str]) -> int:
    """Ask the kernel to forget the cached pages of these files; how many it
    was asked about (a file that cannot be opened is left as it is)."""
    dropped = 0
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fdatasync(fd)  # dirty pages are not dropped: write them first
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            dropped += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return dropped


def _summary(samples: dict[str, list[dict]]) -> dict:
    def med(mode: str, key: str) -> float:
        return round(statistics.median(s[key] for s in samples[mode]), 1)

    out: dict = {
        mode: {
            "first_frame_ms": med(mode, "first_frame_ms"),
            "in_process_ms": med(mode, "in_process_ms"),
            "cpu_ms": med(mode, "cpu_ms"),
            "all_ms": [s["first_frame_ms"] for s in samples[mode]],
            "peak_rss_mb": max(s["peak_rss_mb"] for s in samples[mode]),
            "screen": samples[mode][0]["screen"],
            "modules": max(s["bytecode"]["modules"] for s in samples[mode]),
            "compiled": max(s["bytecode"]["compiled"] for s in samples[mode]),
            "compiled_names": max(
                (s["bytecode"]["compiled_names"] for s in samples[mode]), key=len
            ),
        }
        for mode in MODES
    }
    out["ratio"] = round(out["app"]["first_frame_ms"] / out["bare"]["first_frame_ms"], 3)
    return out


def first_frame(db_path: Path | str, runs: int = 5, cold_runs: int = 3, log=lambda _: None) -> dict:
    """Medians of `runs` warm starts of the bare app and of the real one,
    alternating, after one unmeasured start of each; then `cold_runs` of each
    with their files dropped from the page cache before every start."""
    if importlib.util.find_spec("crm_tui.app") is None:
        return {"skipped": "app not available"}
    compiled = compile_bytecode()
    files: set[str] = set()
    for mode in MODES:
        files.update(probe(mode, db_path, list_files=True)["files"])
    samples: dict[str, list[dict]] = {mode: [] for mode in MODES}
    for _ in range(runs):
        for mode in MODES:
            samples[mode].append(probe(mode, db_path))
    out = _summary(samples)
    out["bytecode_written"] = compiled
    if cold_runs <= 0:
        return out
    if not hasattr(os, "posix_fadvise"):
        out["cold"] = {"skipped": "this OS cannot drop a file from its page cache"}
        return out
    if not is_url(db_path):
        files.update(f"{db_path}{suffix}" for suffix in ("", "-wal", "-shm"))
    log(f"bench: first frame, cold ({len(files)} files dropped from the page cache each time) ...")
    cold: dict[str, list[dict]] = {mode: [] for mode in MODES}
    for _ in range(cold_runs):
        for mode in MODES:
            drop_from_page_cache(sorted(files))
            cold[mode].append(probe(mode, db_path))
    out["cold"] = _summary(cold)
    out["cold"]["files_dropped"] = len(files)
    return out


def _bytecode_note(frame: dict) -> str:
    app = frame["app"]
    if not app["compiled"]:
        return f"all {app['modules']} modules ran from .pyc"
    names = ", ".join(app["compiled_names"][:3])
    return (
        f"{app['compiled']} of {app['modules']} modules had no .pyc and were compiled "
        f"({names}…): the times include compiling them"
    )


def add_lines(report, frame: dict) -> None:
    """The report's first-frame lines: the warm ratio against its budget, the
    cold one beside it, and the app's peak memory. A probe that failed is a
    FAILED line, which `--strict` counts like a budget that is over."""
    name, cold_name = "first frame: app / bare", "first frame, cold: app / bare"
    budget = f"<= {FRAME_RATIO}"
    if "skipped" in frame or "failed" in frame:
        reason = frame.get("skipped") or frame["failed"]
        ok = False if "failed" in frame else None
        report.add(name, None, "x", budget, ok, note=reason)
        report.add(cold_name, None, "x", "", None, note=reason)
        report.add("peak RSS of the app", None, "MB", f"<= {RSS_MB:.0f}", None, note=reason)
        return
    report.add(
        name,
        frame["ratio"],
        "x",
        budget,
        frame["ratio"] <= FRAME_RATIO,
        note=f"app {frame['app']['first_frame_ms']:.0f} ms, "
        f"bare {frame['bare']['first_frame_ms']:.0f} ms from process start to the rows; "
        + _bytecode_note(frame),
    )
    cold = frame.get("cold")
    if cold is None:
        report.add(cold_name, None, "x", "", None, note="not measured (--cold-runs 0)")
    elif "skipped" in cold:
        report.add(cold_name, None, "x", "", None, note=cold["skipped"])
    else:
        report.add(
            cold_name,
            cold["ratio"],
            "x",
            "",
            None,
            note=f"no budget; app {cold['app']['first_frame_ms']:.0f} ms, "
            f"bare {cold['bare']['first_frame_ms']:.0f} ms with their "
            f"{cold['files_dropped']} files dropped from the page cache first",
        )
    rss = frame["app"]["peak_rss_mb"]
    report.add("peak RSS of the app", rss, "MB", f"<= {RSS_MB:.0f}", rss <= RSS_MB)
