"""`crm-tui bench`: run every measurement and print them against the product's
performance budgets (a table, or JSON with --json).

A line PASSes when its median is within budget; p95 is shown beside it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crm_tui.bench import frames, generate
from crm_tui.bench.budgets import WRITERS_PER_S
from crm_tui.db import is_url


@dataclass
class Line:
    name: str
    value: float | None
    unit: str
    budget: str = ""
    ok: bool | None = None  # None: no budget, or not measured
    p95: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "FAILED" if self.ok is False else "skipped"
        return "" if self.ok is None else ("PASS" if self.ok else "OVER")


@dataclass
class Report:
    database: dict
    lines: list[Line] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    def add(self, *args, **kwargs) -> None:
        self.lines.append(Line(*args, **kwargs))

    @property
    def over(self) -> list[Line]:
        return [line for line in self.lines if line.ok is False]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="crm-tui bench",
        description=(
            "Measure the performance budgets on a generated database of 100k accounts, "
            "1M contacts, 2M activities, 50k open opportunities, 200k cases, 10k bookings and "
            "20k knowledge articles "
            "(built once and cached in the temp directory)."
        ),
    )
    p.add_argument("--rebuild", action="store_true", help="regenerate the cached database")
    p.add_argument(
        "--quick",
        action="store_true",
        help="a tenth of the data (10k accounts, 100k contacts, 200k activities, 5k open "
        "opportunities, 20k cases, 1k bookings), for smoke runs",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "--db",
        metavar="URL",
        help="run on the PostgreSQL database at this postgresql:// URL (an empty one, or one "
        "the bench built before) instead of the cached SQLite file",
    )
    p.add_argument(
        "--load",
        action="store_true",
        help="run the load test alone: many agents, each a process signed in as its own user, "
        "working through a desk's mix at once",
    )
    p.add_argument(
        "--interact",
        action="store_true",
        help="run the interaction benchmark alone: desk keys pressed in the real app on a "
        "pseudo-terminal, each timed to its settled screen",
    )
    p.add_argument(
        "--no-interact",
        action="store_true",
        help="leave the interaction benchmark out of a full run",
    )
    p.add_argument(
        "--agents", type=int, default=50, metavar="N", help="agents of the load test (50)"
    )
    p.add_argument("--writers", type=int, default=8, metavar="N", help="writer processes (8)")
    p.add_argument(
        "--seconds",
        type=float,
        metavar="S",
        help="how long writers write (5), or agents work under --load (30)",
    )
    p.add_argument(
        "--frame-runs", type=int, default=5, metavar="N", help="first-frame runs of each app (5)"
    )
    p.add_argument(
        "--cold-runs",
        type=int,
        default=3,
        metavar="N",
        help="first-frame runs of each app with its files dropped from the page cache (3)",
    )
    p.add_argument("--repeat", type=int, default=15, metavar="N", help="runs per timing (15)")
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when a budget is exceeded or a measurement failed",
    )
    return p


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def warm_cache(path: Path | str) -> float:
    """Read the database file once so that it starts in the OS page cache, as
    on a host whose memory holds it (this VM's kernel evicts idle pages within
    seconds, which otherwise makes each phase start cold). Returns seconds.
    A PostgreSQL database is the server's to cache: nothing is read then."""
    started = time.perf_counter()
    if is_url(path):
        return 0.0
    with open(path, "rb") as db_file:
        while db_file.read(1 << 24):
            pass
    return time.perf_counter() - started


# --- the run ---------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> Report:
    """Build or reuse the bench database, measure, and return the report."""
    if args.db is not None and not is_url(args.db):
        raise SystemExit(
            "bench: --db takes a postgresql:// URL; on SQLite the bench builds and caches "
            "its own database file"
        )
    gen = generate.ensure(quick=args.quick, rebuild=args.rebuild, log=_log, db=args.db)
    generate.upgrade(gen.path)  # a newer crm-tui's migrations, before anything is timed
    restored = generate.restore(gen.path)
    if any(restored.values()):
        _log(f"bench: removed rows left by an interrupted run: {restored}")
    if is_url(str(gen.path)):
        from crm_tui.bench import postgres

        postgres.enforce_access(str(gen.path), _log)
    scale = gen.scale
    report = Report(database=_describe(gen))
    if args.load:
        _load_test(report, gen, args)
        return report
    if args.interact:
        _interact(report, gen, args.repeat)
        return report

    warm_cache(gen.path)
    _log("bench: first frame (app vs bare Textual, alternating) ...")
    try:
        frame = frames.first_frame(gen.path, args.frame_runs, args.cold_runs, log=_log)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        frame = {"failed": str(exc)}
    report.raw["first_frame"] = frame
    frames.add_lines(report, frame)

    warm_cache(gen.path)
    _measure_in_process(report, gen, args.repeat)
    generate.restore(gen.path)
    warm_cache(gen.path)

    seconds = 5.0 if args.seconds is None else args.seconds
    _log(f"bench: {args.writers} writer processes for {seconds:g} s ...")
    try:
        from crm_tui.bench import writers

        result = writers.run(
            str(gen.path),
            processes=args.writers,
            seconds=seconds,
            accounts=scale.accounts,
            contacts=scale.contacts,
        )
    finally:
        generate.restore(gen.path)
    report.raw["writers"] = result
    label = f"{args.writers} writers x {seconds:g} s: writes/s"
    report.add(
        label,
        result["writes_per_s"],
        "/s",
        f">= {WRITERS_PER_S:.0f}",
        result["writes_per_s"] >= WRITERS_PER_S,
        note=f"{result['writes']:,} writes; per write median "
        f"{result['latency_ms']['median']:.1f} ms, p95 {result['latency_ms']['p95']:.1f} ms"
        if result["latency_ms"]
        else "",
    )
    report.add(
        f"{args.writers} writers: errors",
        result["errors"],
        "",
        "= 0",
        result["errors"] == 0,
        note="; ".join(f"{k} x{v}" for k, v in result["error_kinds"].items()),
    )
    if not args.no_interact:
        _interact(report, gen, args.repeat)
    return report


def _describe(gen: generate.Generated) -> dict:
    """The report's header: where the database is, what it holds, how it was built."""
    if is_url(gen.path):
        from crm_tui.bench import postgres
        from crm_tui.db.postgres import redact

        where, engine, size = redact(str(gen.path)), "postgresql", postgres.size_mb(gen.path)
    else:
        where, engine, size = str(gen.path), "sqlite", round(gen.path.stat().st_size / 2**20)
    return {
        "path": where,
        "engine": engine,
        "generator_version": generate.GENERATOR_VERSION,
        **asdict(gen.scale),
        "bench_account": gen.bench_account,
        "bench_account_activities": gen.scale.bench_activities,
        "generated_seconds": None if gen.reused else round(gen.seconds, 1),
        "reused": gen.reused,
        "upgraded_from": gen.upgraded_from,
        "size_mb": size,
        "writers_target": "the bench database; rows the bench writes are deleted afterwards",
    }


def _load_test(report: Report, gen: generate.Generated, args: argparse.Namespace) -> None:
    from crm_tui.bench import load

    seconds = 30.0 if args.seconds is None else args.seconds
    warm_cache(gen.path)
    try:
        result = load.measure(str(gen.path), agents=args.agents, seconds=seconds, log=_log)
    finally:
        generate.restore(gen.path)
    report.raw["load"] = result
    load.add_lines(report, result)


def _interact(report: Report, gen: generate.Generated, repeat: int) -> None:
    from crm_tui.bench import interact

    if is_url(str(gen.path)):
        report.add("key: interaction", None, "ms", "", None, note="measured on SQLite only")
        return
    warm_cache(gen.path)
    _area(
        report,
        "interaction",
        lambda: interact.measure(gen.path, gen.bench_account, repeat, log=_log),
        interact.add_lines,
    )


def _area(report: Report, name: str, measure, add) -> None:
    """Run one area's measurements and add its lines; an area that fails
    adds one FAILED line with the reason, and the others still run."""
    try:
        raw = measure()
    except Exception as exc:  # noqa: BLE001 - any failure is the area's result
        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]
        _log(f"bench: {name} failed: {reason}")
        report.raw[name] = {"failed": reason}
        report.add(f"{name}: failed", None, "", "", False, note=reason)
        return
    report.raw[name] = raw
    add(report, raw)


def _measure_in_process(report: Report, gen: generate.Generated, repeat: int) -> None:
    from crm_tui import config
    from crm_tui.bench import kb, marketing, measure, reporting, sales, service, workflow
    from crm_tui.bench.signin import connect_as
    from crm_tui.db import close_database
    from crm_tui.runtime import open_for_user
    from crm_tui.services import session

    accounts = gen.scale.accounts
    open_for_user(gen.path, config.Settings(), login="bench")
    connect_as("bench")
    try:
        for key, step in measure.steps(gen.bench_account, accounts, repeat, log=_log):
            _area(report, key, step, lambda rep, raw, key=key: measure.add_lines(rep, {key: raw}))
        _area(
            report,
            "sales",
            lambda: sales.measure_all(gen.bench_account, accounts, repeat, log=_log),
            sales.add_lines,
        )
        _area(report, "service", lambda: service.measure_all(repeat, log=_log), service.add_lines)
        _area(report, "kb", lambda: kb.measure_all(repeat, log=_log), kb.add_lines)
        _area(report, "marketing", lambda: marketing.measure_all(repeat, log=_log),
              marketing.add_lines)  # fmt: skip
        _area(report, "reporting", lambda: reporting.measure_all(repeat, log=_log),
              reporting.add_lines)  # fmt: skip
        _area(report, "workflow", lambda: workflow.measure_all(repeat, log=_log),
              workflow.add_lines)  # fmt: skip
    finally:
        session.act_as(None)
        close_database()


# --- output ------------------------------------------------------------------------------------


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"
    return f"{value:g}"


def _budget(line: Line) -> str:
    budget = line.budget + (f" {line.unit}" if line.unit in ("ms", "MB") and line.budget else "")
    return budget + ("/s" if line.unit == "/s" and line.budget else "")


def render(report: Report) -> str:
    db = report.database
    built = (
        "reused from the cache" if db["reused"] else f"generated in {db['generated_seconds']:.0f} s"
    )
    if db.get("upgraded_from"):
        built = f"upgraded from generator v{db['upgraded_from']} in {db['generated_seconds']:.0f} s"
    out = [
        f"crm-tui bench: {db['accounts']:,} accounts, {db['contacts']:,} contacts, "
        f"{db['activities']:,} activities"
        + (f", {db['opportunities']:,} open opportunities" if db.get("opportunities") else "")
        + (f", {db['cases']:,} cases" if db.get("cases") else "")
        + (f", {db['articles']:,} KB articles" if db.get("articles") else "")
        + f" ({db['size_mb']:,} MB, {built})",
        f"  {db['path']}",
        "",
    ]
    width = max(len(line.name) for line in report.lines) + 2
    budgets = [_budget(line) for line in report.lines]
    room = max(10, *(len(budget) + 1 for budget in budgets))
    out.append(f"{'measure':<{width}}{'median':>11}{'p95':>11}  {'budget':<{room}}{'result':<8}")
    for line, budget in zip(report.lines, budgets, strict=True):
        p95 = _fmt(line.p95, line.unit) if line.p95 is not None else ""
        text = (
            f"{line.name:<{width}}{_fmt(line.value, line.unit):>11}{p95:>11}  "
            f"{budget:<{room}}{line.verdict:<8}"
        )
        if line.note:
            text += f"  {line.note}"
        out.append(text.rstrip())
    over = report.over
    out.append("")
    cached = (
        "The database file is read into the OS page cache before each phase."
        if db.get("engine", "sqlite") == "sqlite"
        else "PostgreSQL caches the database itself (vacuumed and analysed after the load)."
    )
    out.append(
        "PASS/OVER compare the median with the budget (a key's row: its median and p95 with "
        f"both). {cached} Writers and load-test agents "
        "write into the bench database; what the bench wrote is deleted afterwards."
    )
    out.append(
        "all budgets met"
        if not over
        else f"{len(over)} over budget: " + ", ".join(line.name for line in over)
    )
    return "\n".join(out)


def as_json(report: Report) -> str:
    lines = [{**asdict(line), "result": line.verdict} for line in report.lines]
    return json.dumps(
        {"database": report.database, "results": lines, "raw": report.raw},
        indent=2,
        ensure_ascii=False,
    )


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    report = run(args)
    print(as_json(report) if args.json else render(report))
    return 1 if args.strict and report.over else 0
