"""The `crm-tui` command: the TUI by default, subcommands for operations.

Errors exit non-zero with one clear line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import peewee

from crm_tui import cli_parser, config, startup
from crm_tui.db.faults import fault_from
from crm_tui.errors import CrmError
from crm_tui.text import clean


def _settings(args) -> config.Settings:
    try:
        settings = config.load(Path(args.config) if args.config else None)
        if settings.keymap:
            # the key registry, which the services never import, knows the ids and keys
            from crm_tui.keys import checks

            checks.check_settings(settings)
    except ValueError as exc:
        raise CrmError(f"bad settings: {exc}") from None
    return settings


def _db_path(args, settings: config.Settings) -> Path | str:
    """The SQLite file, or the postgresql:// URL, this command works on."""
    if args.demo:
        from crm_tui import demo

        return demo.demo_path()
    if args.db and _is_url(args.db):
        return args.db
    return Path(args.db).expanduser() if args.db else settings.database_path()


def _is_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def _open(args, settings: config.Settings, *, must_exist: bool = True):
    from crm_tui.runtime import open_for_user

    path = _db_path(args, settings)
    if args.demo:
        from crm_tui import demo

        return demo.open_demo(settings)
    if must_exist and not _is_url(path) and not path.exists():
        raise CrmError(f"no database at {path}; create one with: crm-tui init {path}")
    return open_for_user(path, settings)


def cmd_run(args) -> int:
    try:
        settings = _settings(args)
        _open(args, settings, must_exist=bool(args.db))
        from crm_tui.app import CrmApp

        app = CrmApp()
        app.run()
    finally:
        startup.resume_collector(freeze=False)  # a start that failed before its first frame
    if app.crash_line:
        print(app.crash_line, file=sys.stderr)
    return app.return_code or 0


def cmd_init(args) -> int:
    from crm_tui.db import close_database, database, sharing
    from crm_tui.runtime import open_for_user
    from crm_tui.services import session, users

    settings = _settings(args)
    if _is_url(args.path):
        return _init_postgres(args, settings)
    path = Path(args.path).expanduser()
    if path.exists():
        raise CrmError(f"{path} exists; init creates a new database")
    if args.group and not args.shared:
        raise CrmError("--group goes with --shared")
    gid = None
    if args.shared:
        if not args.group:
            raise CrmError("a shared database needs --group NAME (the users' common group)")
        gid = sharing.prepare_folder(path.parent, args.group)
    # Only files this init creates are removed if it fails part way.
    created = [p for p in sharing.database_files(path) if not p.exists()]
    old_umask = os.umask(0o007 if args.shared else 0o077)
    try:
        user = open_for_user(path, settings)
        users.mark_shared(bool(args.shared))
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        if gid is not None:
            sharing.share_files(path, gid)
    except BaseException:
        # Half a database would make the next init say "exists".
        session.act_as(None)
        close_database()
        for leftover in created:
            leftover.unlink(missing_ok=True)
        raise
    finally:
        os.umask(old_umask)
    print(f"created {path}; {user.login} is its admin")
    if args.shared:
        print(
            f"shared with group {args.group}: add each person with crm-tui --db {path} users add LOGIN"
        )
    session.act_as(None)
    return 0


def _init_postgres(args, settings: config.Settings) -> int:
    """The schema in an existing, empty PostgreSQL database (the server's
    admin creates the database: createdb), with the connected role as admin."""
    from crm_tui.db import pg_admin
    from crm_tui.db.postgres import redact
    from crm_tui.runtime import open_for_user
    from crm_tui.services import session

    if args.shared or args.group:
        raise CrmError("--shared and --group are for a SQLite file; PostgreSQL has its own roles")
    level = pg_admin.schema_level(args.path)
    if level:
        raise CrmError(
            f"{redact(args.path)} already holds a crm-tui database (schema level {level}); "
            "init creates a new one"
        )
    user = open_for_user(args.path, settings)
    from crm_tui.db import database
    from crm_tui.services import server_access

    with database.atomic():
        server_access.install()
    print(f"created the crm-tui schema in {redact(args.path)}; {user.login} is its admin")
    print(
        "access is enforced by the server: each person connects as their own role; "
        f"add them with crm-tui --db URL users add LOGIN (creates the role, a member of "
        f"{server_access.PERSON})"
    )
    session.act_as(None)
    return 0


def cmd_users(args) -> int:
    from crm_tui.services import users

    settings = _settings(args)
    _open(args, settings)
    if args.users_command == "add":
        user = users.add(args.login, args.name, args.role)
        print(f"added {user.login} ({user.role})")
        if _is_url(_db_path(args, settings)):
            from crm_tui.services import server_access

            server_access.add_login(user.login)
            print(f"{user.login} can connect as the PostgreSQL role {user.login}")
    elif args.users_command == "set-role":
        user = users.set_role(args.login, args.role)
        print(f"{user.login} is now {user.role}")
    elif args.users_command == "set-team":
        user = users.set_team(args.login, args.team)
        print(
            f"{user.login} is now in team {user.team}" if user.team else f"{user.login} has no team"
        )
    else:
        # Names and teams are people's text: never let one drive the terminal.
        for user in users.all_users(include_inactive=True):
            status = "" if user.active else "  (inactive)"
            team = f"  [{clean(user.team)}]" if user.team else ""
            print(f"{clean(user.login):<20} {user.role:<8} {clean(user.full_name)}{team}{status}")
    return 0


def cmd_roles(args) -> int:
    from crm_tui.services import access, roles

    settings = _settings(args)
    _open(args, settings)
    if args.roles_command == "set":
        roles.set_depth(args.role, args.kind, args.privilege, args.depth)
        print(f"{args.role} now has {args.privilege} on {args.kind} at depth {args.depth}")
        return 0
    rows = roles.table_rows(getattr(args, "role", None))
    by_role: dict[str, dict[str, dict[str, str]]] = {}
    for role, kind, privilege, depth, changed in rows:
        by_role.setdefault(role, {}).setdefault(kind, {})[privilege] = depth + (
            "*" if changed else ""
        )
    for role, kinds in by_role.items():
        print(f"{role:<14}" + "".join(f"{p:<8}" for p in access.PRIVILEGES))
        for kind, cells in kinds.items():
            print(f"  {kind:<12}" + "".join(f"{cells[p]:<8}" for p in access.PRIVILEGES))
        print()
    print("depth: none · own (records you own) · team (also your team's) · org (every record);")
    print("* changed from the default by an admin: crm-tui roles set ROLE KIND PRIVILEGE DEPTH")
    return 0


def cmd_doctor(args) -> int:
    from crm_tui import doctor

    settings = _settings(args)
    path = _db_path(args, settings)
    if _is_url(path):
        from crm_tui.db import pg_admin

        found = pg_admin.checks(path)
    elif not path.exists():
        raise CrmError(f"no database at {path}")
    else:
        found = doctor.checks(path, settings)
    problems = 0
    for ok, line in found:
        print(("ok    " if ok else "FAIL  ") + line)
        problems += not ok
    return 1 if problems else 0


def cmd_backup(args) -> int:
    from crm_tui.db import connection
    from crm_tui.db.backup import backup, finishing_on_terminate

    settings = _settings(args)
    target = _db_path(args, settings)
    if _is_url(target):
        from crm_tui.db import pg_admin

        dest = pg_admin.dump(target, Path(args.dest).expanduser())
        print(f"backed up to {dest} (pg_dump custom format; restore with pg_restore)")
        return 0
    _open(args, settings)
    with finishing_on_terminate():
        dest = backup(connection(), Path(args.dest).expanduser())
    print(f"backed up to {dest}")
    return 0


def cmd_restore(args) -> int:
    from crm_tui.db.backup import finishing_on_terminate
    from crm_tui.db.migrations import LATEST
    from crm_tui.db.restore import restore

    settings = _settings(args)
    if args.restore_db and (args.demo or (args.db and args.db != args.restore_db)):
        raise CrmError("name the database once: --db PATH or --demo, before or after restore")
    path = Path(args.restore_db).expanduser() if args.restore_db else _db_path(args, settings)
    if _is_url(args.restore_db) or _is_url(path):
        raise CrmError(
            "on PostgreSQL, restore a backup with the server's tool: "
            "pg_restore --clean --if-exists --dbname URL BACKUP (see the README)"
        )
    source = Path(args.backup).expanduser()
    with finishing_on_terminate():
        done = restore(source, path)
    later = f"; it is upgraded to level {LATEST} when next opened" if done.level < LATEST else ""
    print(
        f"{'created' if done.created else 'restored'} {path} from {source} "
        f"(schema level {done.level}{later})"
    )
    if done.kept:
        print(f"the database as it was is kept in {done.kept}")
    return 0


def cmd_access(args) -> int:
    """(Re)install the server's access rules, as the role owning the tables,
    and give every active person without one a login role."""
    from crm_tui.db import database, open_database
    from crm_tui.services import server_access, users

    settings = _settings(args)
    target = _db_path(args, settings)
    if not _is_url(target):
        raise CrmError("access is for a PostgreSQL database: pass --db postgresql://…")
    # the tables' owner does this, who need not be a person of the CRM
    open_database(target, busy_timeout_ms=settings.busy_timeout_ms)
    with database.atomic():
        tables = server_access.install()
    added = server_access.add_missing_logins([u.login for u in users.all_users()])
    print(f"access rules in force on {tables} tables")
    for login in added:
        print(f"created the PostgreSQL role {login}")
    return 0


def cmd_copy(args) -> int:
    from crm_tui import transfer
    from crm_tui.db.postgres import redact

    settings = _settings(args)
    source = _db_path(args, settings)
    if _is_url(source):
        raise CrmError("copy reads a SQLite file: name it with --db PATH (or --demo)")
    if not _is_url(args.to):
        raise CrmError("copy --to takes a postgresql:// URL")
    if not source.exists():
        raise CrmError(f"no database at {source}")
    with _copy_progress() as progress:
        done = transfer.copy_to(source, args.to, progress)
    print(
        f"copied {done.rows:,} rows in {len(done.tables)} tables from {source} to "
        f"{redact(args.to)}; every table's row count and checksum match"
    )
    print(f"next: crm-tui --db {args.to!r} access  (access rules and people's roles)")
    return 0


@contextmanager
def _copy_progress():
    """A bar per table on stderr while the copy runs."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bars = Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    tasks: dict[str, int] = {}

    def update(table: str, done: int, total: int) -> None:
        if table not in tasks:
            tasks[table] = bars.add_task(table, total=total or 1)
        bars.update(tasks[table], completed=done if total else 1)

    with bars:
        yield update


def cmd_export(args) -> int:
    if args.format == "ics":
        return _export_calendar(args)
    if args.since or args.everyone:
        raise CrmError("--since and --everyone go with --format ics")
    if args.format == "xlsx" and not args.output:
        raise CrmError("an Excel export goes to a file: add --output FILE.xlsx")
    if args.format == "vcf" and args.what != "contacts":
        raise CrmError("only contacts export as vCards (vcf)")
    from crm_tui.services import export

    settings = _settings(args)
    _open(args, settings)
    view = None
    if args.view:
        from crm_tui.services import views

        view = views.by_name(export.EXPORTS[args.what].kind, args.view)
    if args.output:
        count, path = export.to_new_file(args.what, args.output, fmt=args.format, view=view)
        print(f"{count:,} {args.what} written to {path}", file=sys.stderr)
    else:
        export.write(args.what, sys.stdout, args.format, view=view)
    return 0


def cmd_import(args) -> int:
    from crm_tui import cli_import

    settings = _settings(args)
    _open(args, settings)
    return cli_import.run(args)


def cmd_imports(args) -> int:
    from crm_tui import cli_import

    settings = _settings(args)
    _open(args, settings)
    return cli_import.imports(args)


def cmd_fields(args) -> int:
    from crm_tui import cli_fields

    settings = _settings(args)
    _open(args, settings)
    return cli_fields.run(args)


def _export_calendar(args) -> int:
    # refused before the database is opened: nothing to read for these
    if args.what != "activities":
        raise CrmError("only activities export as iCalendar (ics)")
    if args.view:
        raise CrmError("--view does not go with --format ics")
    settings = _settings(args)
    _open(args, settings)
    # the calendar library is loaded for this command alone
    from crm_tui.services import calendar_export

    calendar_export.write(sys.stdout, since=args.since, everyone=args.everyone)
    return 0


def cmd_bench(args) -> int:
    from crm_tui import bench

    return bench.main(args.bench_args)


def _opened(module: str, function: str):
    """A command that opens the database, then runs `function` of
    crm_tui.`module` (imported for that command alone)."""

    def command(args) -> int:
        import importlib

        _open(args, _settings(args))
        return getattr(importlib.import_module(f"crm_tui.{module}"), function)(args)

    return command


COMMANDS = {
    None: cmd_run,
    "init": cmd_init,
    "users": cmd_users,
    "roles": cmd_roles,
    "doctor": cmd_doctor,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "export": cmd_export,
    "copy": cmd_copy,
    "access": cmd_access,
    "bench": cmd_bench,
    "fields": cmd_fields,
    "import": cmd_import,
    "imports": cmd_imports,
    "send": _opened("cli_mail", "send"),
    "unsubscribe": _opened("cli_mail", "unsubscribe"),
    "report": _opened("cli_report", "report"),
    "reports": _opened("cli_report", "reports"),
    "print": _opened("cli_report", "print_document"),
    "worker": _opened("cli_workflow", "worker"),
    "rules": _opened("cli_workflow", "rules_command"),
}


def main(argv: list[str] | None = None) -> int:
    args = startup.parse_args(
        lambda: cli_parser.parser().parse_args(argv)
    )  # collector paused for the app
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except CrmError as exc:
        print(f"crm-tui: {clean(str(exc))}", file=sys.stderr)
        return 1
    except Exception as exc:
        fault = fault_from(exc)
        if fault is not None:
            print(f"crm-tui: {fault}", file=sys.stderr)
            return 1
        if isinstance(exc, OSError | ValueError | peewee.DatabaseError):
            print(f"crm-tui: {clean(str(exc))}", file=sys.stderr)
            return 1
        from crm_tui import crashlog

        path = crashlog.record(exc)
        if path is None:
            raise
        print(crashlog.one_line(exc, path), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
