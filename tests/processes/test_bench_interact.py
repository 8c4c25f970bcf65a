"""The bench's interaction probe (crm_tui/bench/terminal.py, interact.py):
the real app on a pseudo-terminal, a key timed to its settled screen, and a
reading refused when the screen the key should bring up is never drawn."""

from __future__ import annotations

import pytest

from crm_tui.bench import generate, interact, report
from crm_tui.bench.terminal import NotDrawn, Terminal, visible_text

TINY = generate.Scale(accounts=200, contacts=2000, activities=4000)


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("interact") / "tiny.db"
    return path, generate.generate(path, scale=TINY, log=lambda _: None)


def test_an_area_key_is_timed_to_the_screen_it_brings_up(tiny_db):
    path, _ = tiny_db
    with Terminal(path, "bench") as terminal:
        readings = []
        for _ in range(3):
            seconds, drawn = terminal.press("2", "Contacts —")
            assert "Contacts —" in drawn
            readings.append(seconds)
            seconds, drawn = terminal.press("1", "Accounts —")
            assert "Active accounts" in drawn
            readings.append(seconds)
    # from the key to the last byte: more than nothing, less than the give-up
    assert all(0.001 < seconds < 10 for seconds in readings)


def test_a_reading_fails_loudly_when_the_expected_text_is_never_drawn(tiny_db):
    path, _ = tiny_db
    with Terminal(path, "bench") as terminal, pytest.raises(NotDrawn) as failed:
        terminal.press("2", "No such screen title", give_up_s=3.0)
    assert "No such screen title" in str(failed.value)
    assert "Contacts" in str(failed.value)  # what was drawn instead


def test_the_admin_desk_reports_median_and_p95_rows(tiny_db, monkeypatch):
    path, result = tiny_db
    areas_only = {"area": lambda desk, n, name: interact._areas(desk, n)}
    monkeypatch.setitem(interact.DESKS, "admin", ("bench", areas_only))
    raw = interact.measure(path, result.bench_account, 2, only=("admin",))
    assert raw["failed"] == {}
    assert len(raw["samples"]["area"]) == len(interact.AREAS)
    rep = report.Report(database={})
    interact.add_lines(rep, raw)
    area = next(line for line in rep.lines if line.name.startswith("key: area switch"))
    assert 0 < area.value <= area.p95 < 10_000
    assert area.budget == "<= 50/120"
    # the actions not run are FAILED, which --strict counts as over budget
    unreached = [line for line in rep.lines if line.value is None]
    assert unreached and all(line.ok is False for line in unreached)


def test_visible_text_drops_escape_sequences():
    drawn = b"\x1b[?2026h\x1b[1;1H\x1b[38;2;1;2;3mAccounts \xe2\x80\x94\x1b[0m x\x1b]0;t\x07"
    assert visible_text(drawn) == "Accounts — x"


def test_a_key_is_over_budget_when_its_p95_is_even_if_its_median_is_not():
    steady = [20.0] * 18
    raw = {
        "samples": {
            "area": [*steady, 20.0, 20.0],
            "area:first_byte": [5.0] * 20,
            "area:cpu": [10.0] * 20,
            "filter": [*steady, 400.0, 400.0],  # a tenth of the presses slow
            "filter:first_byte": [5.0] * 20,
            "filter:cpu": [10.0] * 20,
        },
        "failed": {},
        "bench_activities": 1000,
    }
    rep = report.Report(database={})
    interact.add_lines(rep, raw)
    area, typed = rep.lines[0], rep.lines[1]
    assert (area.value, area.p95, area.ok) == (20.0, 20.0, True)
    assert (typed.value, typed.p95, typed.ok) == (20.0, 400.0, False)
    assert typed in rep.over
    bench = next(line for line in rep.lines if "bench account" in line.name)
    assert "1,000 activities" in bench.name
