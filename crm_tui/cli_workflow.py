"""`crm-tui worker` (the database's workflow runner) and `crm-tui rules`
(list, show, export, import, enable, disable, try, log)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from crm_tui.errors import CrmError, DomainError
from crm_tui.text import clean


def add_parsers(sub) -> None:
    """The `worker` and `rules` commands' arguments."""
    worker = sub.add_parser(
        "worker", help="run the workflow rules' queue and schedule (for systemd, or cron: --once)"
    )
    worker.add_argument("--once", action="store_true", help="one pass, then stop (for cron)")
    worker.add_argument("--quiet", action="store_true", help="say nothing unless it fails")
    # an app that started the worker: it stops when that process has gone
    worker.add_argument("--parent", type=int, default=0, help=argparse.SUPPRESS)
    rules = sub.add_parser("rules", help="workflow rules: list, show, export, import, switch")
    rsub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    rsub.add_parser("list", help="every rule: on or off, its kind and trigger")
    for name, said in (("show", "one rule, as TOML, with its runs"),
                       ("disable", "switch a rule off"),
                       ("delete", "delete a rule that is off and never ran"),
                       ("try", "a dry run: what the rule would do now, nothing kept")):  # fmt: skip
        one = rsub.add_parser(name, help=said)
        one.add_argument("name", metavar="NAME")
    enable = rsub.add_parser("enable", help="switch a rule on")
    enable.add_argument("name", metavar="NAME")
    enable.add_argument("--catch-up", metavar="DAYS", type=int, default=0,
                        help="a rule on time: also act on moments of the last DAYS days")  # fmt: skip
    export = rsub.add_parser("export", help="the rules as TOML (to stdout or a new file)")
    export.add_argument("file", metavar="FILE", nargs="?")
    load = rsub.add_parser("import", help="create or change rules from a TOML file")
    load.add_argument("file", metavar="FILE")
    log = rsub.add_parser("log", help="the latest runs (of one rule)")
    log.add_argument("name", metavar="NAME", nargs="?")
    log.add_argument("--failed", action="store_true", help="only runs that failed")


def worker(args) -> int:
    """Run as the database's workflow runner."""
    from crm_tui.services.workflow import runner

    def said(done) -> None:
        if args.quiet or (not done.queued and not done.jobs.total):
            return
        jobs = done.jobs
        print(f"queued {done.queued}; done {jobs.done}, skipped {jobs.skipped}, "
              f"failed {jobs.failed}, to retry {jobs.retrying}", file=sys.stderr)  # fmt: skip

    # stopped by its app or by systemd: the lease is given up on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def stop() -> bool:
        return bool(args.parent) and os.getppid() != args.parent

    try:
        runner.run(once=args.once, said=said, stop=stop)
    except DomainError as exc:
        if args.parent:
            return 0  # another runner took the lease first: it runs the rules
        raise CrmError(str(exc)) from None
    return 0


def _list(args) -> int:
    from crm_tui.services.workflow import rules

    kept = rules.all_rules()
    if not kept:
        print("no rules yet: crm-tui rules import FILE, or the Rules screen", file=sys.stderr)
    for rule in kept:
        state = "on " if rule.enabled else "off"
        print(clean(f"{state}  {rule.kind:12} {rule.trigger:9} {rule.name}"))
    return 0


def _show(args) -> int:
    from crm_tui.services.workflow import rules, runs, toml_io

    rule = rules.by_name(args.name)
    sys.stdout.write(clean(toml_io.export([rule]), multiline=True))
    counts = runs.counts(rule.id)
    said = ", ".join(f"{n} {runs.RESULTS[k].lower()}" for k, n in sorted(counts.items()))
    print(f"\n# runs: {said or 'none yet'}")
    return 0


def _switch(args) -> int:
    import datetime as dt

    from crm_tui.services.workflow import rules

    rule = rules.by_name(args.name)
    on = args.rules_command == "enable"
    catch_up = dt.timedelta(days=getattr(args, "catch_up", 0) or 0)
    rules.set_enabled(rule.id, on, catch_up=catch_up or None)
    print(clean(f"{rule.name}: {'on' if on else 'off'}"), file=sys.stderr)
    return 0


def _export(args) -> int:
    from crm_tui.services.workflow import toml_io

    text = toml_io.export()
    if not args.file:
        sys.stdout.write(text)
        return 0
    path = Path(args.file).expanduser()
    if path.exists():
        raise CrmError(f"{path} exists: choose another name")
    path.write_text(text, encoding="utf-8")
    print(f"rules written to {path}", file=sys.stderr)
    return 0


def _import(args) -> int:
    from crm_tui.errors import ValidationError
    from crm_tui.services.workflow import toml_io

    path = Path(args.file).expanduser()
    try:
        done = toml_io.load(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        for name, problem in exc.errors.items():
            print(clean(f"crm-tui: {name}: {problem}"), file=sys.stderr)
        print("crm-tui: nothing was changed", file=sys.stderr)
        return 1
    for label, names in (("created", done.created), ("changed", done.updated),
                         ("unchanged", done.unchanged)):  # fmt: skip
        if names:
            print(clean(f"{label}: {', '.join(names)}"), file=sys.stderr)
    return 0


def _try(args) -> int:
    from crm_tui.services import dates
    from crm_tui.services.workflow import dry_run, rules

    rule = rules.by_name(args.name)
    tried = dry_run.dry_run(rule)
    print(clean(tried.note))
    if tried.rows:
        print("Tried on these, and undone:")
    zone = dates.configured_zone()
    for row in tried.rows:
        due = f" (due {row.due_at.astimezone(zone):%Y-%m-%d %H:%M})" if row.due_at else ""
        print(clean(f"- {row.title}{due}"))
        for sentence in row.done:
            print("    " + clean(sentence))
        if row.error:
            print("    " + clean(f"fails: {row.error}"))
    for row in tried.upcoming:
        print(clean(f"- next: {row.title} at {row.due_at.astimezone(zone):%Y-%m-%d %H:%M}"))
    print("nothing was changed", file=sys.stderr)
    return 0


def _log(args) -> int:
    from crm_tui.services import dates
    from crm_tui.services.workflow import rules, runs

    rule_id = rules.by_name(args.name).id if args.name else None
    zone = dates.configured_zone()
    for run in reversed(runs.log(rule_id=rule_id, result="failed" if args.failed else None)):
        what = "; ".join(run["actions"]) or run["error"]
        record = run["record"] or f"{run['record_type']} #{run['record_id']}"
        print(clean(f"{run['at'].astimezone(zone):%Y-%m-%d %H:%M}  {run['result']:8} "
                    f"{run['rule']}  {record}: {what}"))  # fmt: skip
    return 0


def _delete(args) -> int:
    from crm_tui.services.workflow import rules

    name = rules.delete(rules.by_name(args.name).id)
    print(clean(f"{name}: deleted"), file=sys.stderr)
    return 0


RULES = {"delete": _delete, "list": _list, "show": _show, "enable": _switch, "disable": _switch,
         "export": _export, "import": _import, "try": _try, "log": _log}  # fmt: skip


def rules_command(args) -> int:
    """One of `crm-tui rules`' actions."""
    return RULES[args.rules_command](args)
