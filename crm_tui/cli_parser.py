"""The command line `crm-tui` reads: the app's options and every command's
arguments (the commands themselves are in crm_tui/cli.py)."""

from __future__ import annotations

import argparse

from crm_tui import cli_workflow


class _ExportNames:
    """The names `export` takes, read from the services only when argparse
    looks at them (an export, or its help), not on every start."""

    @staticmethod
    def _names() -> tuple[str, ...]:
        from crm_tui.services.export import EXPORTS

        return tuple(EXPORTS)

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


def parser() -> argparse.ArgumentParser:
    """The command line: the app's options, then one command and its own."""
    # The export names and the roles' terms come from the services, so the two
    # never disagree.
    from crm_tui.services.access import DEPTHS, PRIVILEGES, ROLES

    p = argparse.ArgumentParser(
        prog="crm-tui",
        description="A keyboard-driven terminal CRM. With no command, opens the app.",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        metavar="PATH|URL",
        help="the database file, or a postgresql:// URL (default: from config)",
    )
    where.add_argument(
        "--demo",
        action="store_true",
        help="use the demo database in the user data directory (seeded on first use)",
    )
    p.add_argument("--config", metavar="PATH", help="settings file (default: user config dir)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser("init", help="create a database and make you its admin")
    init.add_argument("path", metavar="PATH")
    init.add_argument(
        "--shared",
        action="store_true",
        help="make it group-writable for several users on this host",
    )
    init.add_argument("--group", metavar="NAME", help="the group that shares it (with --shared)")

    users = sub.add_parser("users", help="manage users (admins)")
    usub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = usub.add_parser("add", help="add a user for an OS login")
    add.add_argument("login")
    add.add_argument("--name", default="", help="full name shown in the app")
    add.add_argument("--role", default="agent", choices=ROLES)
    usub.add_parser("list", help="list users")
    setrole = usub.add_parser("set-role", help="change a user's role")
    setrole.add_argument("login")
    setrole.add_argument("role", choices=ROLES)
    setteam = usub.add_parser("set-team", help="put a user in a sales team ('' for none)")
    setteam.add_argument("login")
    setteam.add_argument("team")

    roles = sub.add_parser("roles", help="what each role may do (admins change it)")
    rsub = roles.add_subparsers(dest="roles_command", metavar="ACTION")
    rlist = rsub.add_parser("list", help="the privileges of every role (the default action)")
    rlist.add_argument("role", nargs="?", choices=ROLES, help="one role only")
    rset = rsub.add_parser("set", help="change one privilege of a role (admins)")
    rset.add_argument("role", choices=ROLES)
    rset.add_argument("kind", metavar="KIND", help="a record kind, e.g. account, case, note")
    rset.add_argument("privilege", choices=PRIVILEGES)
    rset.add_argument("depth", choices=DEPTHS)

    _fields(sub)
    _imports(sub)
    _mail(sub)
    _reports(sub)
    cli_workflow.add_parsers(sub)
    sub.add_parser("doctor", help="check SQLite, journal mode, file modes, integrity, schema")
    backup = sub.add_parser(
        "backup", help="copy the database into a new file, safely while others keep working"
    )
    backup.add_argument("dest", metavar="DEST")
    restore = sub.add_parser(
        "restore", help="put a backup in place of the database (nobody may have it open)"
    )
    restore.add_argument("backup", metavar="BACKUP")
    # Its own dest: a subparser's default would overwrite a --db given before the command.
    restore.add_argument("--db", dest="restore_db", metavar="PATH", help="the database to restore")
    sub.add_parser(
        "access",
        help="PostgreSQL: install the access rules again and add missing people's roles",
    )

    copy = sub.add_parser(
        "copy", help="copy this SQLite database into a new PostgreSQL database (all or nothing)"
    )
    copy.add_argument(
        "--to", required=True, metavar="URL", help="postgresql://… of an empty database"
    )

    export = sub.add_parser("export", help="write records to stdout")
    export.add_argument("what", choices=_ExportNames())
    export.add_argument(
        "--format",
        choices=("csv", "json", "xlsx", "vcf", "ics"),
        default="csv",
        help="xlsx: an Excel workbook (needs --output); vcf: contacts as vCards; "
        "ics: activities as an iCalendar file (meetings as events, due tasks as to-dos)",
    )
    export.add_argument(
        "--output",
        metavar="FILE",
        help="write to a new file (readable by you alone) instead of standard output",
    )
    export.add_argument(
        "--since",
        metavar="DAY",
        help="with --format ics: only activities starting or due on or after DAY (2026-01-05, -2w)",
    )
    export.add_argument(
        "--everyone",
        action="store_true",
        help="with --format ics: everyone's activities you may read, not only yours",
    )
    export.add_argument(
        "--view",
        metavar="NAME",
        help="only the records a saved view of the list shows, in its order",
    )
    # Everything after `bench` goes to crm_tui.bench's own parser. A prefix no
    # option uses keeps argparse from taking `--json` for an unknown option of
    # this subparser (REMAINDER alone refuses a first argument that starts with -).
    bench = sub.add_parser(
        "bench",
        help="measure performance on a generated large database",
        add_help=False,
        prefix_chars="+",
    )
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    return p


def _mail(sub) -> None:
    send = sub.add_parser(
        "send", help="send the queued email through the SMTP server in config.toml ([mail])"
    )
    send.add_argument(
        "--watch", type=int, metavar="SECONDS", default=0,
        help="keep sending, looking for new mail every SECONDS (for a service)",
    )  # fmt: skip
    unsub = sub.add_parser("unsubscribe", help="record a reply asking for no more campaign email")
    unsub.add_argument(
        "who", metavar="TOKEN|EMAIL", help="the token of the reply's subject, or an address"
    )


def _reports(sub) -> None:
    rep = sub.add_parser("report", help="run a report: a built-in one or one saved in the app")
    rep.add_argument("name", metavar="NAME", help="its name (crm-tui reports lists them)")
    rep.add_argument("--format", choices=("table", "csv", "xlsx", "json"), default="table")
    rep.add_argument("--output", metavar="FILE", help="write to a new file (xlsx needs one)")
    rep.add_argument("--query", metavar="TEXT", help="narrow it further: owner:me close:2026-q4")
    sub.add_parser("reports", help="the reports you may run, built in and saved")
    prn = sub.add_parser("print", help="print a quote, order or invoice to a PDF file")
    prn.add_argument("kind", choices=("quote", "order", "invoice"))
    prn.add_argument("number", metavar="NUMBER", help="QUO-00001-R2, ORD-00001, INV-00001")
    prn.add_argument("file", metavar="FILE", help="a new .pdf file (or a folder)")


def _imports(sub) -> None:
    # kinds, modes and keys are checked by the import service, which names them
    imp = sub.add_parser(
        "import", help="bring records in from CSV, Excel or vCard (a dry run unless --yes)"
    )
    imp.add_argument("kind", metavar="KIND", help="accounts, contacts, leads, products, "
                     "opportunities, competitors, cases or activities")  # fmt: skip
    imp.add_argument("file", metavar="FILE", help=".csv (any dialect), .xlsx or .vcf")
    imp.add_argument("--map", metavar="NAME", help="a saved column map")
    imp.add_argument("--column", action="append", metavar="HEADER=FIELD",
                     help="map a column to a field (empty FIELD: not imported); repeatable")  # fmt: skip
    imp.add_argument("--mode", choices=("create", "update", "upsert"),
                     help="create new records (the default), update matches only, or upsert: "
                     "update a match, else create")  # fmt: skip
    imp.add_argument("--key", metavar="KEY", help="what rows are matched on: email, id, name …")
    imp.add_argument("--dates", choices=("dmy", "mdy"), help="day or month first, when asked")
    imp.add_argument("--decimal", choices=(".", ","), help="the file's decimal mark, when asked")
    imp.add_argument("--create-accounts", action="store_true",
                     help="create an account a row names when none has the name")  # fmt: skip
    imp.add_argument("--save-map", metavar="NAME", help="save this map for next time")
    imp.add_argument("--errors", metavar="FILE", help="where the rows not written go "
                     "(default: beside FILE)")  # fmt: skip
    imp.add_argument("--list", metavar="NAME", help="add what is imported to this static "
                     "marketing list (of the same kind)")  # fmt: skip
    imp.add_argument("--yes", action="store_true", help="import after showing the dry run")
    done = sub.add_parser("imports", help="past imports; revert one")
    dsub = done.add_subparsers(dest="imports_command", metavar="ACTION")
    dsub.add_parser("list", help="your imports (an admin's: everyone's), newest first")
    revert = dsub.add_parser("revert", help="undo an import, keeping what changed since")
    revert.add_argument("id", type=int, metavar="N")


def _fields(sub) -> None:
    # kinds and types are checked by the service, which names the choices:
    # the parser is read on every start and must not load the services
    fields = sub.add_parser("fields", help="custom fields of a record kind (admins change them)")
    fsub = fields.add_subparsers(dest="fields_command", metavar="ACTION")
    flist = fsub.add_parser("list", help="the custom fields (the default action)")
    flist.add_argument("kind", nargs="?", metavar="KIND", help="one kind only, e.g. account")
    flist.add_argument("--removed", action="store_true", help="removed fields too")
    add = fsub.add_parser("add", help="add a field to a kind")
    add.add_argument("kind", metavar="KIND", help="account, contact, lead, opportunity, case ...")
    add.add_argument("name", metavar="NAME", help="lower-case letters, digits and _")
    add.add_argument(
        "--type",
        required=True,
        metavar="TYPE",
        help="text, long_text, integer, number, money, date, boolean, option_set or lookup",
    )
    edit = fsub.add_parser("edit", help="change a field's label, options or flags")
    edit.add_argument("kind", metavar="KIND")
    edit.add_argument("name", metavar="NAME")
    for parser_ in (add, edit):
        parser_.add_argument("--label", help="what forms and lists call it")
        parser_.add_argument("--options", help="an option set's labels, with commas")
    add.add_argument("--target", metavar="KIND", help="what a lookup points at")
    add.add_argument("--required", action="store_true", help="every new record must fill it")
    add.add_argument(
        "--searchable", action="store_true", help="indexed; text is found by the filter's words"
    )
    edit.add_argument("--required", choices=("yes", "no"))
    edit.add_argument("--searchable", choices=("yes", "no"))
    for action, text in (
        ("remove", "hide a field; its values are kept"),
        ("restore", "show a removed field again"),
        ("purge", "drop a removed field and its values for good"),
    ):
        step = fsub.add_parser(action, help=text)
        step.add_argument("kind", metavar="KIND")
        step.add_argument("name", metavar="NAME")
        if action == "purge":
            step.add_argument("--confirm", required=True, metavar="NAME", help="the field's name")
