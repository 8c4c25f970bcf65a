"""`crm-tui bench`'s interaction rows: the real app in a pseudo-terminal
(crm_tui/bench/terminal.py), each desk key timed from its bytes to the last
byte of the settled screen, as the median and p95 of its repetitions.

Three people work, each in their own app: the admin (areas, the accounts
filter, records, tabs, the activity modal, completing an activity), a
salesperson on their pipeline board, and an agent in the case queue. Keys
that write (complete, move, take, resolve) run on a copy of the bench
database, so the cached one stays as it was generated.

A toast disappears with a repaint 5 s after it appeared (Textual's
notification timeout); a key is not pressed while one of those is due, so
that no reading ends on another key's toast.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from crm_tui.bench.budgets import INTERACT_MS, INTERACT_P95_MS
from crm_tui.bench.service_data import SERVICE_LOGIN
from crm_tui.bench.terminal import NotDrawn, Terminal

SALES_LOGIN = "bench03"  # a salesperson with a few hundred open opportunities
TOAST_S = 5.0
TOAST_GUARD_S = 1.5  # how long before a toast's repaint a key may still be pressed
TOAST_GONE_S = 0.5  # how long after it is due its repaint is over
# The areas' keys and the title each one shows, from the accounts the app
# opens on (an area's key pressed in it draws nothing) round to them.
AREAS = (
    ("2", "Contacts —"),
    ("3", "Leads —"),
    ("4", "Pipeline —"),
    ("5", "Quotes —"),
    ("6", "Cases —"),
    ("7", "Knowledge —"),
    ("8", "Activities —"),
    ("0", "Dashboard —"),
    ("1", "Accounts —"),
)
# Text that each tab of an account draws, whichever tab it comes from.
TABS = ("Account number", "Job title", "Subject", "Attachment", "Field")
ACTIONS = (
    ("area", "area switch (0..8)"),
    ("filter", "filter keystroke, accounts (results shown)"),
    ("open", "open an account (enter on a list row)"),
    ("open_bench", "open the bench account (1,000 activities)"),
    ("tab", "next tab on the bench account (])"),
    ("modal_open", "open the activity modal (a)"),
    ("modal_close", "close a modal (escape)"),
    ("complete", "complete an activity (c)"),
    ("board_move", "move a card on the board (shift+→ / shift+←)"),
    ("take", "take a case in the queue (t)"),
    ("next_case", "next case (T): taken and opened"),
    ("resolve_open", "resolve a case: R opens the form"),
    ("resolve_save", "resolve a case: ctrl+s (and y to confirm)"),
)


class Desk:
    """One person's app on a terminal, with the readings taken so far."""

    def __init__(self, terminal: Terminal, samples: dict[str, list[float]]) -> None:
        self.t = terminal
        self.samples = samples
        self.toasts: list[float] = []

    def _wait_for_toasts(self) -> None:
        """Sleep past every toast due to go away while the next key is read."""
        while True:
            now = time.perf_counter()
            self.toasts = [due for due in self.toasts if due > now - TOAST_GONE_S]
            soon = [due for due in self.toasts if due <= now + TOAST_GUARD_S]
            if not soon:
                return
            time.sleep(max(0.0, max(soon) + TOAST_GONE_S - now))
            self.t.drain()

    def key(self, key: str, expect=None, toast: bool = False) -> str:
        """Press a key without timing it; what it drew."""
        self._wait_for_toasts()
        _, drawn = self.t.press(key, expect)
        if toast:
            self.toasts.append(time.perf_counter() + TOAST_S)
        return drawn

    def type(self, text: str) -> None:
        """Type `text`, a key at a time, untimed."""
        for char in text:
            self.key("space" if char == " " else char)

    def time(self, action: str, key: str, expect=None, toast: bool = False) -> str:
        """Press a key and keep its reading under `action`; what it drew."""
        self._wait_for_toasts()
        seconds, drawn = self.t.press(key, expect)
        self.samples.setdefault(action, []).append(seconds * 1000)
        for part, value in self.t.last.items():
            self.samples.setdefault(f"{action}:{part}", []).append(value * 1000)
        if toast:
            self.toasts.append(time.perf_counter() + TOAST_S)
        return drawn


def _areas(desk: Desk, n: int) -> None:
    for key, title in AREAS:  # unmeasured: each area's first visit imports it
        desk.key(key, title)
        if key == "7":
            desk.key("down")  # the knowledge search box lets go of the keys
    for _ in range(max(1, -(-n // len(AREAS)))):
        for key, title in AREAS:
            desk.time("area", key, title)
            if key == "7":
                desk.key("down")


def _to_list(desk: Desk, key: str, title: str, detail: str) -> None:
    """To an area's list: by way of the contacts (an area's own key may draw
    nothing), and out of a record left open there (the key may go back to it)."""
    desk.key("2", "Contacts —")
    drawn = desk.key(key, (title, detail))
    for _ in range(3):
        if title in drawn:
            return
        drawn = desk.key("escape", (title, detail))
    raise NotDrawn(f"{title!r} was not drawn: escape did not go back to the list")


def _to_accounts(desk: Desk) -> None:
    _to_list(desk, "1", "Accounts —", "Account —")


def _filter(desk: Desk, n: int, word: str) -> None:
    _to_accounts(desk)
    while len(desk.samples.get("filter", ())) < n:
        desk.key("slash")
        for char in word:
            desk.time("filter", "space" if char == " " else char, "Active accounts")
        desk.key("escape")  # the box lets go, then the list clears its filter
        desk.key("escape", "Active accounts")


def _records(desk: Desk, n: int, bench_name: str) -> None:
    _to_accounts(desk)
    for _ in range(n):
        desk.time("open", "enter", "Account —")
        desk.key("escape", "Active accounts")
        desk.key("j")
    _find(desk, bench_name)
    for _ in range(n):
        desk.time("open_bench", "enter", bench_name)
        desk.key("escape", "Active accounts")
    desk.key("enter", bench_name)
    for _ in range(n):
        desk.time("tab", "right_square_bracket", TABS)
    for _ in range(n):
        desk.time("modal_open", "a", "Subject")
        desk.time("modal_close", "escape", "Account —")


def _find(desk: Desk, name: str) -> None:
    """Filter the accounts list by `name`, back on the list with its best
    match highlighted."""
    desk.key("slash")
    desk.type(name)
    desk.key("escape", "Active accounts")


def _complete(desk: Desk, n: int, bench_name: str) -> None:
    _to_accounts(desk)
    _find(desk, bench_name)
    desk.key("enter", bench_name)
    for _ in range(len(TABS)):  # to the timeline
        if "Status" in desk.key("right_square_bracket", TABS):
            break
    for _ in range(n):
        drawn = desk.time("complete", "c", ("Marked complete", "Highlight an open"), toast=True)
        if "Marked complete" not in drawn:
            desk.samples["complete"].pop()
            break


def _board(desk: Desk, n: int) -> None:
    desk.key("4", "Qualify")
    desk.key("right")
    desk.key("left")  # the first card of the first column, selected
    for i in range(n):
        stage = "Develop" if i % 2 == 0 else "Qualify"
        key = "shift+right" if i % 2 == 0 else "shift+left"
        desk.time("board_move", key, f"moved to {stage}", toast=True)


def _view(desk: Desk, label: str) -> None:
    """Step through the case queue's views (v) to the one called `label`."""
    for _ in range(12):
        if label in desk.key("v", ("·  by", "· by")):
            return
    raise NotDrawn(f"no view of the case queue is called {label!r}")


def _to_cases(desk: Desk) -> None:
    _to_list(desk, "6", "Cases —", "Case —")


def _take(desk: Desk, n: int) -> None:
    _to_cases(desk)
    for _ in range(n):
        _view(desk, "Unassigned")
        desk.time("take", "t", "Taken:", toast=True)


def _resolve(desk: Desk, n: int) -> None:
    _to_cases(desk)
    _view(desk, "My active cases")
    for _ in range(n):
        desk.time("resolve_open", "R", "Resolution")
        desk.type("Fixed")
        # resolved, the form closes onto the refreshed queue; or it asks first
        # whether to cancel the case's open activities
        drawn = desk.time("resolve_save", "ctrl+s", ("My active cases", "open activities remain"))
        if "open activities remain" in drawn:
            desk.time("confirm", "y", "Case resolved", toast=True)
            for part in ("", ":cpu"):
                desk.samples[f"resolve_save{part}"][-1] += desk.samples[f"confirm{part}"].pop()


def _next_case(desk: Desk, n: int) -> None:
    _to_cases(desk)
    for _ in range(n):
        desk.time("next_case", "T", ["Taken:", "Timeline"], toast=True)
        desk.key("escape", "Cases —")


# Each desk's sections, in order; a section that fails is reported on its
# rows, and the desk goes on with the next from its own starting point.
DESKS = {
    "admin": (
        "bench",
        {
            "area": lambda d, n, name: _areas(d, n),
            "filter": lambda d, n, name: _filter(d, n, name),
            "records": _records,
            "complete": _complete,
        },
    ),
    "sales": (SALES_LOGIN, {"board_move": lambda d, n, name: _board(d, n)}),
    "agent": (
        SERVICE_LOGIN,
        {
            "take": lambda d, n, name: _take(d, n),
            "resolve": lambda d, n, name: _resolve(d, n),
            "next_case": lambda d, n, name: _next_case(d, n),
        },
    ),
}
SECTION = {"open": "records", "open_bench": "records", "tab": "records"}
SECTION |= {"modal_open": "records", "modal_close": "records"}
SECTION |= {"resolve_open": "resolve", "resolve_save": "resolve"}


def measure(
    db_path: Path | str,
    bench_account: int,
    repeat: int = 15,
    *,
    log: Callable[[str], None] = lambda _: None,
    pythonpath: str | None = None,
    only: tuple[str, ...] | None = None,
) -> dict:
    """Every action's readings (ms) on a copy of the database at `db_path`;
    with `only`, just those desks ("admin", "sales", "agent")."""
    with tempfile.TemporaryDirectory(prefix="crm-tui-bench-interact-") as folder:
        copy = Path(folder) / "interact.db"
        shutil.copyfile(db_path, copy)
        bench_name, activities = _bench_account(copy, bench_account)
        samples: dict[str, list[float]] = {}
        failures: dict[str, str] = {}
        for desk_name, (login, sections) in DESKS.items():
            if only and desk_name not in only:
                continue
            log(f"bench: interaction, the {desk_name} desk ({login}) on a 120x36 pseudo-terminal")
            try:
                with Terminal(copy, login, pythonpath=pythonpath) as terminal:
                    desk = Desk(terminal, samples)
                    for section, work in sections.items():
                        try:
                            work(desk, repeat, bench_name)
                        except (NotDrawn, ValueError) as exc:
                            failures[section] = " ".join(str(exc).split())[:400]
                            log(f"bench: interaction, {section} failed: {failures[section]}")
                            _recover(desk)
            except (RuntimeError, OSError) as exc:
                failures[desk_name] = " ".join(str(exc).split())[:400]
                log(f"bench: interaction, the {desk_name} desk failed: {failures[desk_name]}")
    return {
        "samples": samples,
        "failed": failures,
        "bench_account_name": bench_name,
        "bench_activities": activities,
    }


def _recover(desk: Desk) -> None:
    """Out of whatever a failed section left open: escape, and what it drew settles."""
    for _ in range(3):
        try:
            desk.key("escape")
        except NotDrawn:
            return


def _bench_account(path: Path, account_id: int) -> tuple[str, int]:
    """The bench account's name and how many activities are about it."""
    import apsw

    conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        row = conn.execute("SELECT name FROM account WHERE id = ?", (account_id,)).fetchone()
        count = conn.execute(
            "SELECT count(*) FROM activity WHERE regarding_type = 'account' AND regarding_id = ?",
            (account_id,),
        ).fetchone()[0]
    finally:
        conn.close()
    if row is None:
        raise RuntimeError(f"the bench account {account_id} is not in {path}")
    return row[0], count


def summary(samples: list[float]) -> tuple[float, float]:
    """Median and p95 (nearest rank) of readings in ms."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return round(statistics.median(ordered), 1), round(p95, 1)


def add_lines(report, raw: dict) -> None:
    """One line per action: median and p95 against 50 / 120 ms; an action
    whose desk failed, or that was never reached, is FAILED."""
    budget = f"<= {INTERACT_MS:.0f}/{INTERACT_P95_MS:.0f}"
    for action, label in ACTIONS:
        if action == "open_bench":
            label = f"open the bench account ({raw.get('bench_activities', 0):,} activities)"
        readings = raw["samples"].get(action)
        name = f"key: {label}"
        if not readings:
            section = SECTION.get(action, action)
            desk = next((name for name, (_, parts) in DESKS.items() if section in parts), "")
            reason = raw["failed"].get(section) or raw["failed"].get(desk) or "not run"
            report.add(name, None, "ms", budget, False, note=reason)
            continue
        median, p95 = summary(readings)
        ok = median <= INTERACT_MS and p95 <= INTERACT_P95_MS
        first = statistics.median(raw["samples"][f"{action}:first_byte"])
        cpu = statistics.median(raw["samples"][f"{action}:cpu"])
        note = f"{len(readings)} presses; first byte {first:.0f} ms, app CPU {cpu:.0f} ms"
        report.add(name, median, "ms", budget, ok, p95=p95, note=note)
