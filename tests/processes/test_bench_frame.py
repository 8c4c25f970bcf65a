"""The bench's first frame (crm_tui/bench/frame.py, frames.py): both apps are
timed to the frame that shows their rows, with and without the page cache,
and `crm-tui bench --strict` fails on a first frame over budget or failed."""

from __future__ import annotations

import json
import os
import py_compile
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crm_tui import config
from crm_tui.bench import frame, frames, report
from crm_tui.db import close_database
from crm_tui.runtime import open_for_user
from crm_tui.services import session
from crm_tui.services.customers import accounts

ROOT = Path(__file__).resolve().parents[2]

# The probe, recording what it wrote: every frame's terminal text.
RECORDING = """
import json, sys
from crm_tui.bench import frame
written = []
make_driver = frame._terminal_driver

def recording_driver():
    base = make_driver()

    class Recording(base):
        def write(self, data):
            written.append(data)
            super().write(data)

    return Recording

frame._terminal_driver = recording_driver
frame.GIVE_UP_SECONDS = float(sys.argv[3])
result = frame.probe(sys.argv[1], sys.argv[2], start=sys.argv[4])
print(json.dumps({"result": result, "written": written}))
"""


def _database(path: Path, names: list[str]) -> Path:
    open_for_user(path, config.Settings(), login="bench")
    try:
        for name in names:
            accounts.create({"name": name, "city": "Leeds", "phone": "+442079460958"})
    finally:
        session.act_as(None)
        close_database()
    return path


@pytest.fixture(scope="module")
def listed(tmp_path_factory) -> Path:
    names = [f"Account {i}" for i in range(40)]
    return _database(tmp_path_factory.mktemp("frame") / "crm.db", names)


def _recorded(
    mode: str, path: Path, give_up: float = 60.0, start: str = ""
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", RECORDING, mode, str(path), str(give_up), start],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("mode", "start", "shows", "screen"),
    [
        ("app", "accounts", "Account 0", "AccountsScreen"),
        ("app", "", "Open deals", "DashboardScreen"),  # the pipeline tile's figures
        ("bare", "", "Account 0", "Screen"),
    ],
)
def test_the_clock_stops_at_the_first_frame_that_shows_the_rows(listed, mode, start, shows, screen):
    done = _recorded(mode, listed, start=start)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    stop = out["result"]["write_number"]
    before, at = out["written"][: stop - 1], out["written"][stop - 1]
    # "Account 0" is the first row of both lists: the bench account list
    # sorted by name, and the bare app's first cell; the dashboard's tiles
    # have their figures
    assert shows in at
    assert not any(shows in text for text in before)
    # nor any other frame: what came before are the terminal's control codes,
    # so the first frame a person sees already shows the rows
    assert all(len(text) < 100 for text in before), [len(text) for text in before]
    assert out["result"]["screen"] == screen
    assert out["result"]["cpu_ms"] > 0 and out["result"]["in_process_ms"] > 0


def test_a_list_with_no_rows_fails_the_probe_instead_of_hanging(tmp_path):
    done = _recorded("app", _database(tmp_path / "empty.db", []), give_up=1.0, start="accounts")
    assert done.returncode != 0
    assert "no frame showed the table's rows" in done.stderr


def test_the_probe_tells_a_module_run_from_its_pyc_from_one_compiled(tmp_path, monkeypatch):
    source = tmp_path / "mod.py"
    source.write_text("X = 1\n", encoding="utf-8")
    cached = py_compile.compile(str(source), cfile=str(tmp_path / "mod.pyc"))
    # a .pyc there before the process started, matching its source
    monkeypatch.setattr(frame, "T0_WALL", time.time() + 1)
    assert frame._pyc_was_valid(str(source), cached)
    # written while the process ran: this run compiled it
    monkeypatch.setattr(frame, "T0_WALL", os.stat(cached).st_mtime - 1)
    assert not frame._pyc_was_valid(str(source), cached)
    # the source changed since
    monkeypatch.setattr(frame, "T0_WALL", time.time() + 1)
    source.write_text("X = 22\n", encoding="utf-8")
    assert not frame._pyc_was_valid(str(source), cached)
    assert not frame._pyc_was_valid(str(source), str(tmp_path / "missing.pyc"))


def test_the_bench_writes_the_bytecode_before_it_measures():
    assert frames.compile_bytecode()


def test_files_are_dropped_from_the_page_cache(tmp_path):
    present = tmp_path / "present"
    present.write_bytes(b"x" * 10_000)
    assert frames.drop_from_page_cache([str(present), str(tmp_path / "missing")]) == 1


def test_first_frame_warm_and_cold_make_three_report_lines(listed):
    measured = frames.first_frame(listed, runs=1, cold_runs=1)
    for part in (measured, measured["cold"]):
        assert part["app"]["screen"] == "DashboardScreen" and part["bare"]["screen"] == "Screen"
        assert part["ratio"] > 0
    assert measured["cold"]["files_dropped"] > 100
    assert measured["app"]["compiled"] == 0  # compile_bytecode ran first
    rep = report.Report(database={})
    frames.add_lines(rep, measured)
    warm, cold, rss = rep.lines
    assert warm.name == "first frame: app / bare" and warm.verdict in ("PASS", "OVER")
    assert "modules ran from .pyc" in warm.note
    assert cold.name == "first frame, cold: app / bare" and cold.verdict == ""
    assert "dropped from the page cache" in cold.note
    assert rss.name == "peak RSS of the app" and rss.verdict == "PASS"


def _report_with(frame_result: dict) -> report.Report:
    described = {"path": "/tmp/x.db", "accounts": 1, "contacts": 2, "activities": 3}
    rep = report.Report(
        database={**described, "size_mb": 1, "reused": True, "generated_seconds": None}
    )
    frames.add_lines(rep, frame_result)
    return rep


@pytest.mark.parametrize(
    "frame_result, verdict",
    [
        ({"failed": "app probe failed: no frame showed the table's rows"}, "FAILED"),
        (
            {
                "ratio": 9.0,
                "app": {
                    "first_frame_ms": 900.0,
                    "peak_rss_mb": 50.0,
                    "modules": 400,
                    "compiled": 0,
                    "compiled_names": [],
                },
                "bare": {"first_frame_ms": 100.0},
            },
            "OVER",
        ),
    ],
)
def test_strict_fails_on_a_first_frame_over_budget_or_failed(monkeypatch, frame_result, verdict):
    rep = _report_with(frame_result)
    assert rep.lines[0].verdict == verdict and rep.lines[0] in rep.over
    monkeypatch.setattr(report, "run", lambda args: rep)
    assert report.main(["--strict"]) == 1
    assert report.main([]) == 0


def test_a_bench_without_the_app_skips_the_first_frame_without_failing():
    rep = _report_with({"skipped": "app not available"})
    assert [line.verdict for line in rep.lines] == ["skipped"] * 3 and not rep.over


def test_make_bench_fails_when_a_budget_is_over():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "crm-tui bench --strict" in makefile
