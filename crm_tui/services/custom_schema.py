"""Custom fields as the database and the rest of the code see them: each is
a real column `cf_<name>` of its kind's table (added, indexed, dropped
here), a Peewee field of the kind's model and an attribute of the kind's
metadata (kept in step here, so that forms, lists, the query language,
export and history read them as they read the built-in ones).

Why columns and not a side table of values: a list page, a query condition
and a sort read the record's own row with its own indexes, as for any
built-in attribute; on a million contacts a side table would join every
page and every condition. SQLite and PostgreSQL both add a nullable column
without rewriting the table; only an index (a searchable field) or a purge
(dropping the column) walks the rows, and both are an admin's explicit step.
"""

from __future__ import annotations

from peewee import IntegerField, TextField
from playhouse.apsw_ext import DateField  # stores ISO text; APSW adapts no dates itself

from crm_tui import meta
from crm_tui.db import database, is_postgres
from crm_tui.errors import PermissionDenied
from crm_tui.meta import Attribute, AttributeType, Money, Option
from crm_tui.models.base import MoneyField

PREFIX = "cf_"

# The kinds an admin may add fields to: those with a form of their own.
CUSTOMISABLE = ("account", "contact", "lead", "opportunity", "case", "product", "competitor")

# The field types an admin chooses from, as the metadata's attribute types.
TYPES: dict[str, AttributeType] = {
    "text": AttributeType.TEXT,
    "long_text": AttributeType.MEMO,
    "integer": AttributeType.INTEGER,
    "number": AttributeType.DECIMAL,
    "money": AttributeType.MONEY,
    "date": AttributeType.DATE,
    "boolean": AttributeType.BOOLEAN,
    "option_set": AttributeType.OPTION_SET,
    "lookup": AttributeType.LOOKUP,
}
_INTEGER_TYPES = ("integer", "money", "boolean", "lookup")


def column_of(name: str) -> str:
    """The column (and model field) that holds the custom field `name`."""
    return PREFIX + name


def attribute(
    name: str,
    label: str,
    type_: str,
    options: tuple[Option, ...] = (),
    target: str | None = None,
    *,
    required: bool = False,
    searchable: bool = False,
) -> Attribute:
    """The metadata's description of one custom field."""
    return Attribute(
        column_of(name),
        label,
        TYPES[type_],
        required=required,
        searchable=searchable,
        options=options,
        target=target,
        plain_id=True,  # the column holds the id itself: cf_<name>, not cf_<name>_id
        money=Money() if type_ == "money" else None,
        custom=True,
    )


def _field(type_: str):
    if type_ == "money":
        return MoneyField(null=True)
    if type_ == "date":
        return DateField(null=True)
    if type_ in _INTEGER_TYPES:
        return IntegerField(null=True)
    return TextField(null=True)


def describe(by_kind: dict[str, list[tuple[Attribute, str]]]) -> None:
    """Make the models and the metadata hold exactly these custom fields
    ({kind: [(attribute, type)]}); kinds not named get none."""
    for kind in meta.kinds():
        model = kind.model if kind.name in by_kind or _has_custom(kind) else None
        if model is None:
            continue
        wanted = by_kind.get(kind.name, [])
        names = {a.name for a, _ in wanted}
        for field_name in [f for f in model._meta.fields if f.startswith(PREFIX)]:
            if field_name not in names:
                model._meta.remove_field(field_name)
                if field_name in model.__dict__:
                    delattr(model, field_name)
        for attr, type_ in wanted:
            present = model._meta.fields.get(attr.name)
            if present is None or type(present) is not type(_field(type_)):
                model._meta.add_field(attr.name, _field(type_))
        meta.customise(kind.name, tuple(a for a, _ in wanted))


def _has_custom(kind) -> bool:
    return any(a.custom for a in kind.attributes)


def _table(kind: str) -> str:
    return meta.kind(kind).model._meta.table_name


def _index(kind: str, name: str) -> str:
    return f"{_table(kind)}_{column_of(name)}"


# How a searchable field is indexed: as the query language compares it
# (text folded to lower case, a number kept as text compared as a number).
_INDEX_FORM = {"text": "lower", "long_text": "lower", "number": "numeric"}
_INDEX_SQL = {"lower": 'lower("{}")', "numeric": 'CAST("{}" AS NUMERIC)', "plain": '"{}"'}


def add_column(kind: str, name: str, type_: str) -> None:
    """Add the field's column to its kind's table (inside the caller's write)."""
    form = "integer" if type_ in _INTEGER_TYPES else "text"
    if is_postgres():
        _on_server("add", kind, name, form)
        return
    sql_type = "INTEGER" if form == "integer" else "TEXT"
    database.execute_sql(f'ALTER TABLE "{_table(kind)}" ADD COLUMN "{column_of(name)}" {sql_type}')


def add_index(kind: str, name: str, type_: str) -> None:
    """Index the field's column the way the query language reads it."""
    form = _INDEX_FORM.get(type_, "plain")
    if is_postgres():
        _on_server("index", kind, name, form)
        return
    database.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{_index(kind, name)}" '
        f'ON "{_table(kind)}" ({_INDEX_SQL[form].format(column_of(name))})'
    )


def drop_index(kind: str, name: str) -> None:
    """Drop the index `add_index` made, if there is one."""
    if is_postgres():
        _on_server("unindex", kind, name, "")
        return
    database.execute_sql(f'DROP INDEX IF EXISTS "{_index(kind, name)}"')


def drop_column(kind: str, name: str) -> None:
    """Drop the field's column and its index: its values are gone."""
    drop_index(kind, name)
    if is_postgres():
        _on_server("drop", kind, name, "")
        return
    database.execute_sql(f'ALTER TABLE "{_table(kind)}" DROP COLUMN "{column_of(name)}"')


def _on_server(action: str, kind: str, name: str, form: str) -> None:
    """PostgreSQL: the role owning the tables changes them itself; a person
    (an admin connected as their own login) asks crm_custom_column, which
    runs as that role, checks that they are an admin and builds the
    statement from names it quotes itself."""
    table, column, index = _table(kind), column_of(name), _index(kind, name)
    # Changing a table waits for every transaction reading it, and every later
    # read waits behind the change: give up soon rather than stall the desk.
    database.execute_sql("SET LOCAL lock_timeout = '3s'")
    owns = database.execute_sql(
        "SELECT tableowner = current_user FROM pg_tables "
        "WHERE tablename = ? AND schemaname = current_schema()",
        (table,),
    ).fetchone()
    if not (owns and owns[0]):
        present = database.execute_sql("SELECT to_regproc('crm_custom_column')").fetchone()[0]
        if present is None:
            raise PermissionDenied(
                "this database's access rules predate custom fields: the role that owns "
                "the tables must run `crm-tui access install` once"
            )
        database.execute_sql("SELECT crm_custom_column(?, ?, ?, ?)", (action, table, column, form))
        return
    types = {"integer": "BIGINT", "text": 'TEXT COLLATE "C"'}
    statements = {
        "add": lambda: f'ALTER TABLE "{table}" ADD COLUMN "{column}" {types[form]}',
        "index": lambda: (
            f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ({_INDEX_SQL[form].format(column)})'
        ),
        "unindex": lambda: f'DROP INDEX IF EXISTS "{index}"',
        "drop": lambda: f'ALTER TABLE "{table}" DROP COLUMN "{column}"',
    }
    database.execute_sql(statements[action]())
