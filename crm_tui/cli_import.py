"""`crm-tui import` and `crm-tui imports`: a file brought in from the
command line, always shown as a dry run first (nothing is written without
--yes), and past imports listed and reverted."""

from __future__ import annotations

from crm_tui.errors import CrmError
from crm_tui.text import clean

SHOWN_ROWS = 5


def _mapping(args, kind: str, source):
    from crm_tui.services.imports import mapping, maps, plan

    options = plan.Options()
    if args.map:
        saved = maps.by_name(kind, args.map)
        columns, options = maps.applied(saved, source.headers), saved.options
    else:
        columns = mapping.guess(kind, source.headers)
    for said in args.column or ():
        header, sep, field = said.partition("=")
        if not sep or header not in columns:
            known = ", ".join(repr(h) for h in source.headers)
            raise CrmError(f"--column takes HEADER=FIELD with a header of the file ({known})")
        columns[header] = field.strip() or None
    given = {
        "mode": args.mode, "key": args.key, "dates": args.dates, "decimal": args.decimal,
        "create_missing": True if args.create_accounts else None,
    }  # fmt: skip
    changed = {k: v for k, v in given.items() if v is not None}
    return columns, plan.Options(**{**options.__dict__, **changed})


def run(args) -> int:
    """Show the dry run of importing FILE as KIND; with --yes, import it."""
    from crm_tui.services.imports import maps, plan, sources, targets

    kind = _kind(args.kind, targets.KINDS)
    source = sources.open_source(args.file)
    columns, options = _mapping(args, kind, source)
    found = plan.dry_run(source.path, kind, columns, options)
    _show(found)
    if args.save_map:
        saved = maps.save(kind, args.save_map, columns, options)
        said = clean(repr(saved.name))
        print(f"saved the map {said}: crm-tui import {clean(args.kind)} FILE --map {said}")
    if found.questions:
        print("\nanswer first: --dates dmy|mdy, --decimal .|,")
        return 1
    target_list = _target_list(args.list, kind) if args.list else None
    if not args.yes:
        print("\nnothing was written; add --yes to import")
        return 0
    done = _with_progress(source.path, kind, columns, options, found.total, args)
    counts = ", ".join(f"{n:,} {a}" for a, n in sorted(done.counts.items()))
    rate = done.counts.total() / done.seconds if done.seconds else 0
    print(f"import #{done.import_id}: {counts} in {done.seconds:.1f} s ({rate:,.0f} rows/s)")
    if done.error_file:
        print(f"rows not written, with why: {clean(done.error_file)}")
    print(f"to undo it: crm-tui imports revert {done.import_id}")
    if target_list is not None:
        from crm_tui.services.marketing import list_members

        added = list_members.add_imported(target_list.id, done.import_id)
        print(f"added {added:,} to the marketing list {clean(target_list.name)!r}")
    return 0


def _target_list(name: str, kind: str):
    """The active static list named `name` whose members are of `kind`."""
    from crm_tui.services.marketing import lists

    found = [r for r in lists.find_by_name(name, limit=20) if r["name"].lower() == name.lower()]
    if not found:
        raise CrmError(f"no active marketing list is named {name!r}")
    row = found[0]
    if row["member_type"] != kind or row["dynamic"]:
        raise CrmError(f"{name!r} is not a static list of {kind}s")
    return lists.get(row["id"])


def _kind(typed: str, kinds) -> str:
    from crm_tui import meta

    named = {k: k for k in kinds} | {meta.kind(k).plural.lower(): k for k in kinds}
    wanted = named.get(typed.strip().lower())
    if wanted is None:
        choices = ", ".join(meta.kind(k).plural.lower() for k in kinds)
        raise CrmError(f"cannot import {typed!r}; choose one of {choices}")
    return wanted


def _show(found) -> None:
    from crm_tui.services.imports.plan import ACTIONS

    print(f"{clean(found.source.path.name)}: {found.source.describe()}")
    for header, field in found.mapping.items():
        print(f"  {clean(header)!r:<32} -> {field or '(not imported)'}")
    options = found.options
    key = f", matched on {options.key}" if options.key else ""
    print(f"mode: {options.mode}{key}")
    for note in found.notes:
        print(f"note: {clean(note)}")
    for column, why in found.questions.items():
        print(f"question: {clean(column)!r}: {why}")
    counts = ", ".join(f"{found.counts[a]:,} {a}" for a in ACTIONS if found.counts[a])
    print(f"{found.total:,} rows: {counts or 'none'}")
    for target, name in sorted(found.to_create_first):
        print(f"  new {target}: {clean(name)}")
    for action in ("duplicate", "error"):
        for row in found.shown.get(action, [])[:SHOWN_ROWS]:
            for column, value, why in row.problems:
                where = f" {clean(column)!r}={clean(value)!r}" if column else ""
                print(f"  row {row.number} {action}:{where} {clean(why)}")
        more = found.counts[action] - min(SHOWN_ROWS, len(found.shown.get(action, [])))
        if more > 0:
            print(f"  … {more:,} more {action} rows")


def _with_progress(path, kind, columns, options, total, args):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from crm_tui.services.imports import runs

    bars = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>8} rows/s"),
        console=Console(stderr=True),
    )
    task = bars.add_task("import", total=total or 1, rate="")

    def update(state) -> None:
        bars.update(task, completed=state.done, rate=f"{state.rate:,.0f}")

    with bars:
        return runs.run(
            path, kind, columns, options, map_name=args.map or "", progress=update,
            errors_to=args.errors,
        )  # fmt: skip


def imports(args) -> int:
    """List past imports, or revert one."""
    from crm_tui.services.imports import history

    if args.imports_command == "revert":
        done = history.revert(args.id)
        print(f"import #{args.id} reverted: {done.removed:,} records removed, "
              f"{done.restored:,} put back")  # fmt: skip
        for kind, record_id, title, why in done.kept:
            print(f"  kept {kind} #{record_id} {clean(repr(title))}: {why}")
        return 0
    shown = history.recent()
    if not shown:
        print("no imports yet")
    for run_ in shown:
        counts = ", ".join(f"{n:,} {a}" for a, n in sorted(run_.counts.items()))
        print(clean(f"#{run_.id}  {run_.started_at[:16]}  {run_.user}  {run_.kind}  "
                    f"{run_.file_name}  {run_.mode}  {run_.state}  {counts}"))  # fmt: skip
    return 0
