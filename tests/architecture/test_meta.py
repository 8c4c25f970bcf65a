"""The record metadata (crm_tui.meta) against what it describes: the models,
the database's CHECK constraints, and the constants, state changes, lists
and search index of the services. Each test fails when one side changes
without the other."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from peewee import DateField, ForeignKeyField, IntegerField, TextField

from crm_tui import meta
from crm_tui.db import database
from crm_tui.errors import NotFound
from crm_tui.meta import customers
from crm_tui.meta.types import AttributeType as T
from crm_tui.models.base import MoneyField, UTCDateTimeField

DOMAINS = ("customers", "sales", "support", "knowledge")


def service(name: str):
    """A service module wherever it lives (flat, or in its domain package)."""
    for package in ("crm_tui.services", *(f"crm_tui.services.{d}" for d in DOMAINS)):
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{name}":
                raise
    raise AssertionError(f"no service module {name!r}")


def labels(options) -> dict[str, str]:
    return {o.code: o.label for o in options}


def state_labels(kind: str) -> dict[str, str]:
    return {s.code: s.label for s in meta.kind(kind).states.states}


def options_of(kind: str, attribute: str) -> dict[str, str]:
    return labels(meta.attribute(kind, attribute).options)


def every_attribute():
    for kind in meta.kinds():
        for attribute in kind.attributes:
            yield kind, attribute


# --- the registry ---------------------------------------------------------------------------


def test_lookups_by_name_and_their_refusals():
    assert [k.name for k in meta.kinds()] == list(meta.names())
    assert len(set(meta.names())) == len(meta.kinds())
    case = meta.kind("case")
    assert case.attribute("priority").option_label("high") == "High"
    assert case.attribute("contract_line_id") is case.attribute("contract_line")
    assert case.state_label("resolved") == "Resolved"
    assert case.reason_label("waiting_for_details") == "Waiting for details"
    assert meta.attribute("account", "primary_contact").label == "Primary contact"
    assert meta.attribute("account", "annual_revenue").label == "Annual revenue"
    assert case.attribute("priority").option_label("") == ""
    for refused in (
        lambda: meta.kind("nope"),
        lambda: case.attribute("nope"),
        lambda: case.attribute("priority").option_label("urgent"),
        lambda: case.state_label("open"),
        lambda: case.states.transition("nope"),
        lambda: meta.kind("contract_line").state_label("active"),
        lambda: case.attribute("title").to_decimal(1),
    ):
        with pytest.raises(NotFound):
            refused()


def test_kind_for_model_finds_every_kind_and_refuses_other_models():
    from crm_tui.models import AuditEntry

    for kind in meta.kinds():
        assert meta.kind_for_model(kind.model) is kind
        assert meta.kind_for_model(kind.model()) is kind
    with pytest.raises(NotFound):
        meta.kind_for_model(AuditEntry)


# --- against the models --------------------------------------------------------------------


def test_every_attribute_is_a_field_of_the_model():
    for kind, attribute in every_attribute():
        assert attribute.name in kind.model._meta.fields, (kind.name, attribute.name)


def test_every_field_of_the_model_is_described_or_listed_as_internal():
    for kind in meta.kinds():
        described = [a.name for a in kind.attributes]
        assert len(described) == len(set(described)), kind.name
        # a stored key never names another attribute: attribute() is unambiguous
        keys = {a.key for a in kind.attributes if a.key != a.name}
        assert not keys & set(described), kind.name
        assert not kind.internal & set(described), kind.name
        assert set(kind.model._meta.fields) == set(described) | kind.internal, kind.name


def test_attribute_types_match_the_fields_that_store_them():
    for kind, attribute in every_attribute():
        field = kind.model._meta.fields[attribute.name]
        where = (kind.name, attribute.name)
        if attribute.type is T.LOOKUP and not attribute.plain_id:
            assert isinstance(field, ForeignKeyField), where
            assert field.rel_model is meta.kind(attribute.target).model, where
            assert field.column_name == attribute.key, where
        elif attribute.type is T.LOOKUP:
            assert isinstance(field, IntegerField) and not isinstance(field, MoneyField), where
            assert attribute.name.endswith("_id") and attribute.key == attribute.name, where
        else:
            assert not isinstance(field, ForeignKeyField), where
            expected = {
                T.MONEY: MoneyField,
                T.DATETIME: UTCDateTimeField,
                T.DATE: DateField,
                T.INTEGER: IntegerField,
                T.BOOLEAN: IntegerField,
            }.get(attribute.type, TextField)
            assert isinstance(field, expected), where
            if attribute.type in (T.INTEGER, T.BOOLEAN):
                assert not isinstance(field, MoneyField), where


def test_lookups_point_at_kinds():
    for kind, attribute in every_attribute():
        if attribute.type is not T.LOOKUP:
            assert attribute.target is None and attribute.kind_attribute is None
        elif attribute.target is None:
            # polymorphic: the kind is stored beside the id
            assert kind.has_attribute(attribute.kind_attribute), (kind.name, attribute.name)
        else:
            meta.kind(attribute.target)


def test_required_attributes_are_not_null_and_system_fields_are_read_only():
    for kind, attribute in every_attribute():
        if attribute.required:
            assert not kind.model._meta.fields[attribute.name].null, (kind.name, attribute.name)
        if attribute.name in ("id", "version", "created_at", "created_by", "modified_at",
                              "modified_by"):  # fmt: skip
            assert attribute.read_only, (kind.name, attribute.name)


def test_title_number_owner_and_states_are_described():
    for kind in meta.kinds():
        assert kind.attribute(kind.title).type in (T.TEXT,), kind.name
        if kind.number is not None:
            assert kind.attribute(kind.number).type is T.TEXT, kind.name
        assert kind.owned == ("owner" in kind.model._meta.fields), kind.name
        machine = kind.states
        assert (machine is not None) == ("state" in kind.model._meta.fields), kind.name
        if machine is not None:
            assert labels(kind.attribute(machine.attribute).options) == state_labels(kind.name)
            if machine.reason_attribute:
                reasons = kind.attribute(machine.reason_attribute).options
                assert reasons == machine.reasons, kind.name


def test_money_is_minor_units_in_a_known_currency():
    pricing = service("pricing")
    for kind, attribute in every_attribute():
        assert (attribute.type is T.MONEY) == (attribute.money is not None)
        assert (attribute.type is T.MONEY) == isinstance(
            kind.model._meta.fields[attribute.name], MoneyField
        ), (kind.name, attribute.name)
        if attribute.money is not None:
            assert attribute.money.minor_digits == pricing.MONEY_DECIMALS
            if attribute.money.currency_attribute is not None:
                assert kind.has_attribute(attribute.money.currency_attribute)
    total = meta.attribute("invoice", "total_amount")
    assert total.money.currency_attribute == "currency"
    assert total.to_decimal(123456) == Decimal("1234.56")
    assert total.to_decimal(-5) == Decimal("-0.05")
    assert total.to_decimal(None) is None


# --- against the database -------------------------------------------------------------------

_CHECK_IN = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)", re.IGNORECASE)


def test_option_sets_and_states_hold_exactly_the_codes_the_database_allows(db):
    tables = dict(
        database.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    )
    for kind in meta.kinds():
        sql = tables[kind.model._meta.table_name]
        for column, values in _CHECK_IN.findall(sql):
            codes = re.findall(r"'([^']*)'", values)
            attribute = kind.attribute(column)
            if not codes:  # CHECK (assigned IN (0, 1))
                assert attribute.type is T.BOOLEAN, (kind.name, column)
                continue
            assert attribute.type is T.OPTION_SET, (kind.name, column)
            assert set(attribute.option_codes) == set(codes), (kind.name, column)


# --- against the services ------------------------------------------------------------------

# The option sets and states the services export (the names screens read), by
# the table and column that store them. The services take them from the
# metadata, so they are held to the database's CHECK constraints instead.
_EXPORTED = (
    ("cases", "TYPES", "case", "case_type"),
    ("cases", "ORIGINS", "case", "origin"),
    ("cases", "PRIORITIES", "case", "priority"),
    ("cases", "SEVERITIES", "case", "severity"),
    ("cases", "STATES", "case", "state"),
    ("cases", "STATUS_LABELS", "case", "status_reason"),
    ("leads", "RATINGS", "lead", "rating"),
    ("leads", "STATES", "lead", "state"),
    ("leads", "STATUS", "lead", "status_reason"),
    ("opportunities", "STAGES", "opportunity", "stage"),
    ("opportunities", "STAGE_LABELS", "opportunity", "stage"),
    ("opportunities", "RATINGS", "opportunity", "rating"),
    ("opportunities", "STATES", "opportunity", "state"),
    ("opportunities", "STATUS_LABELS", "opportunity", "status_reason"),
    ("quotes", "STATES", "quote", "state"),
    ("quotes", "STATUS_LABELS", "quote", "status_reason"),
    ("orders", "STATES", "sales_order", "state"),
    ("orders", "STATUS_LABELS", "sales_order", "status_reason"),
    ("invoices", "STATES", "invoice", "state"),
    ("invoices", "STATUS_LABELS", "invoice", "status_reason"),
    ("products", "TYPES", "product", "product_type"),
    ("products", "STATES", "product", "state"),
    ("contracts", "STATES", "contract", "state"),
    ("contracts", "ALLOTMENT_TYPES", "contract_line", "allotment_type"),
    ("scheduling", "RESOURCE_TYPES", "resource", "resource_type"),
    ("kb", "STATES", "kb_article", "state"),
    ("activities", "KINDS", "activity", "kind"),
    ("activities", "STATES", "activity", "state"),
    ("access", "ROLES", "user", "role"),
    # the services' own option sets, which the metadata does not describe
    ("activities", "PARTICIPATIONS", "activity_party", "participation"),
    ("access", "PRIVILEGES", "role_privilege", "privilege"),
    ("access", "DEPTHS", "role_privilege", "depth"),
)


def test_the_services_option_sets_hold_exactly_the_codes_the_database_allows(db):
    tables = database.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    allowed = {
        (table, column): set(re.findall(r"'([^']*)'", values))
        for table, sql in tables.fetchall()
        if sql
        for column, values in _CHECK_IN.findall(sql)
    }
    for module, name, table, column in _EXPORTED:
        assert set(getattr(service(module), name)) == allowed[table, column], (module, name)
    # "" (none given) is stored as well; the rest are the option set's
    leads = service("leads")
    assert {k: v for k, v in leads.SOURCES.items() if k} == options_of("lead", "source")
    assert leads.SOURCES[""] == ""
    industries = service("accounts").INDUSTRIES
    assert industries[0] == "" and industries[1:] == list(options_of("account", "industry"))
    # no CHECK holds the languages: the form offers only these
    assert service("kb").LANGUAGES == options_of("article", "language")


def test_what_the_services_add_to_the_states_fits_the_machines():
    cases = service("cases")
    case = meta.kind("case").states
    assert set(cases.PAUSING) <= set(case.reason_codes("active"))
    assert cases.RESOLVE_REASONS == case.transition("resolve").reasons
    for name, editable in service("documents").EDITABLE.items():
        assert meta.kind(name).states.is_open(editable)
    kb = service("kb")
    assert set(kb.IN_PROGRESS) <= set(meta.kind("article").states.open_states)
    assert set(kb.REVIEWER_ROLES) <= set(options_of("user", "role"))
    activities = service("activities")
    machine = meta.kind("activity").states
    assert {k.logged_state for k in activities.KINDS.values()} <= set(machine.codes)
    assert all(k.label for k in activities.KINDS.values())
    from crm_tui import display

    assert set(display.ACTIVITY_ICONS) >= set(activities.KINDS)
    assert machine.open_states == activities.OPEN_STATES


def _spelled_out(node: ast.AST, codes: frozenset[str], words: dict[str, str]) -> bool:
    """Whether `node` is a literal holding exactly `codes`: a tuple, list or set
    of them, or a dict from them to their labels."""
    if isinstance(node, ast.Dict) and node.keys:
        keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
        values = [v.value for v in node.values if isinstance(v, ast.Constant)]
        return frozenset(keys) == codes and dict(zip(keys, values, strict=False)) == words
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts:
        items = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        return len(items) == len(node.elts) and frozenset(items) == codes
    return False


def test_no_service_spells_out_an_option_set_again():
    """Option codes and labels are written once, in the metadata: no literal
    in the services holds exactly an option set's codes, a state machine's
    states or a state's status reasons (a table keyed by the codes for what
    the metadata does not hold, such as icons or probabilities, is fine)."""
    sets: dict[frozenset[str], dict[str, str]] = {}
    for kind in meta.kinds():
        for attribute in kind.attributes:
            if len(attribute.options) > 1:
                sets[frozenset(attribute.option_codes)] = labels(attribute.options)
        if kind.states is not None:
            for state in kind.states.states:
                if len(state.reasons) > 1:
                    sets[frozenset(r.code for r in state.reasons)] = labels(state.reasons)
    root = Path(importlib.util.find_spec("crm_tui.services").origin).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for codes, words in sets.items():
                if _spelled_out(node, codes, words):
                    found.append(f"{path.relative_to(root)}:{node.lineno} {sorted(codes)}")
    assert not found, "take these from crm_tui.meta:\n" + "\n".join(found)


# Transitions with no public service function of their own.
_NO_FUNCTION = {("article", "supersede")}
_SERVICE_OF = {
    "account": "accounts",
    "contact": "contacts",
    "lead": "leads",
    "opportunity": "opportunities",
    "competitor": "competitors",
    "product": "products",
    "quote": "quotes",
    "order": "orders",
    "invoice": "invoices",
    "case": "cases",
    "contract": "contracts",
    "queue": "queues",
    "article": "kb",
    "activity": "activities",
}


def test_every_transition_is_a_service_function():
    for name, module_name in _SERVICE_OF.items():
        module = service(module_name)
        for transition in meta.kind(name).states.transitions:
            if (name, transition.name) not in _NO_FUNCTION:
                assert callable(getattr(module, transition.name, None)), (name, transition.name)


def test_state_machines_are_whole():
    machines = {k.states for k in meta.kinds() if k.states is not None}
    for machine in machines:
        codes = machine.codes
        assert len(set(codes)) == len(codes)
        reasons = [r.code for r in machine.reasons]
        assert len(set(reasons)) == len(reasons)  # a reason names one state
        assert (machine.reason_attribute is None) == (not reasons)
        assert machine.initial in codes
        if reasons:
            assert machine.initial_reason in machine.reason_codes(machine.initial)
        assert machine.open_states and machine.closed_states
        names = [t.name for t in machine.transitions]
        assert len(set(names)) == len(names)
        for transition in machine.transitions:
            assert transition.sources and set(transition.sources) <= set(codes), transition
            assert transition.target in codes, transition
            assert set(transition.reasons) <= set(machine.reason_codes(transition.target))
            assert bool(transition.reasons) == bool(reasons), transition
            for source in transition.sources:
                assert machine.can(source, transition.target)
        assert not machine.can(machine.closed_states[0], machine.closed_states[0])
    case = meta.kind("case").states
    assert [t.name for t in case.transitions_from("resolved")] == ["reactivate"]
    assert "expire_due" not in [
        t.name for t in meta.kind("contract").states.transitions_from("active")
    ]
    assert "expire_due" in [
        t.name for t in meta.kind("contract").states.transitions_from("active", by_person=False)
    ]


def test_the_registry_agrees_with_records_numbers_and_access():
    records = service("records")
    # records reads the kinds from the registry; it keeps no list of its own
    assert not hasattr(records, "REGISTRY") and not hasattr(records, "RecordType")
    for kind in meta.kinds():
        if not kind.regardable:
            with pytest.raises(NotFound, match="cannot regard"):
                records.require_regardable(kind.name, 1)
    # every kind the product numbers has a prefix, a unique one, and the
    # numbers it hands out fit its number attribute
    numbered = {k.name: k.number_prefix for k in meta.kinds() if k.number == "number"}
    assert all(numbered.values()) and len(set(numbered.values())) == len(numbered)
    numbers = service("numbers")
    for name, prefix in numbered.items():
        assert numbers.format_number(name, 7) == f"{prefix}-00007"
    # the access rules govern every kind a person owns or reads
    assert {k.name for k in meta.kinds() if k.owned} <= set(service("access").KINDS)


def test_searchable_attributes_are_what_the_search_index_holds():
    sources = service("search")._SOURCES
    for name, (sql, _) in sources.items():
        kind = meta.kind(name)
        table, alias = re.search(r'FROM\s+"?(\w+)"?(?:\s+(?!LEFT|JOIN|WHERE)(\w+))?', sql).groups()
        assert table == kind.model._meta.table_name
        selected = sql[: sql.index(" FROM ")]
        columns = {f.column_name for f in kind.model._meta.sorted_fields} - {"id"}
        prefix = rf"\b{alias}\." if alias else r"(?<![\w.])"
        indexed = {c for c in columns if re.search(prefix + rf"{c}\b", selected)}
        joined = {c for c in columns if re.search(rf"\.{c}\b", sql[len(selected) :])}
        searchable = {a.key for a in kind.searchable}
        assert indexed <= searchable, name
        assert searchable <= indexed | joined, name
    assert [k.name for k in meta.findable()][:3] == ["account", "contact", "lead"]


_SORT_KEYS = {"name_sort": "title", "title_sort": "title"}
_LISTS = {
    "account": "accounts",
    "contact": "contacts",
    "lead": "leads",
    "competitor": "competitors",
    "product": "products",
    "contract": "contracts",
    "quote": "quotes",
    "order": "orders",
    "invoice": "invoices",
    "opportunity": "opportunity_list",
}


def test_sortable_and_listed_attributes_are_what_the_lists_sort_and_show():
    for name, module_name in _LISTS.items():
        kind, spec = meta.kind(name), service(module_name).LIST
        alias = spec.table.split()[1]
        columns = {f.column_name for f in kind.model._meta.sorted_fields}
        sorted_by = set()
        for sort in spec.sorts.values():
            for column in re.findall(rf"\b{alias}\.(\w+)", sort.expr):
                assert column in columns, (name, column)
                sorted_by.add(kind.title if _SORT_KEYS.get(column) else column)
        assert {a.key for a in kind.attributes if a.sortable} == sorted_by, name
        for attribute in kind.listed:
            if attribute.type is not T.LOOKUP:
                assert re.search(rf"\.{attribute.key}\b", spec.columns), (name, attribute.name)


def _source(module: str) -> str:
    return Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8")


def test_the_palette_app_and_screens_name_the_kinds_meta_knows():
    # Read as text: importing them would import Textual.
    finders = re.findall(
        r'^    "(\w+)": \("[\w.]+", lambda', _source("crm_tui.screens.common.palette"), re.M
    )
    assert sorted(finders) == sorted(k.name for k in meta.findable())
    details = re.findall(
        r'^    "(\w+)": \("[\w.]+", "\w+Screen"\)', _source("crm_tui.screens.common.routes"), re.M
    )
    assert details and all(meta.kind(name).area for name in details)
    # the app asks the metadata for a kind's area; it keeps no map of its own
    assert "meta.kind(kind).area" in _source("crm_tui.app")
    screens = Path(importlib.util.find_spec("crm_tui.screens").origin).parent
    for path in screens.rglob("*.py"):
        for name in re.findall(r'^\s+KIND = "(\w+)"', path.read_text(encoding="utf-8"), re.M):
            meta.kind(name)


# --- words a person reads -------------------------------------------------------------------


def _readable(label: str) -> bool:
    return bool(label) and label == label.strip() and "_" not in label and label[0].isupper()


def test_labels_are_words_not_names():
    for kind in meta.kinds():
        assert _readable(kind.label) and _readable(kind.plural), kind.name
        for attribute in kind.attributes:
            assert _readable(attribute.label), (kind.name, attribute.name)
            for option in attribute.options:
                assert _readable(option.label), (kind.name, attribute.name, option.code)
                assert option.code, (kind.name, attribute.name)
            assert len(set(attribute.option_codes)) == len(attribute.options)
        if kind.states is not None:
            for transition in kind.states.transitions:
                assert _readable(transition.label), (kind.name, transition.name)
    assert customers.ACCOUNT.attribute("primary_contact").label == "Primary contact"


# --- where it sits --------------------------------------------------------------------------

_PACKAGE = Path(meta.__file__).parent
_ALLOWED = ("crm_tui.meta", "crm_tui.errors", "crm_tui.models", "crm_tui.text")


def test_meta_imports_nothing_above_it_and_its_files_stay_small():
    for path in _PACKAGE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert source.count("\n") <= 300, path.name
        for node in ast.walk(ast.parse(source)):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                if module.split(".")[0] in ("crm_tui", "textual", "rich"):
                    assert module.startswith(_ALLOWED), (path.name, module)


def test_importing_meta_loads_no_models_services_or_textual():
    probe = (
        "import sys, crm_tui.meta\n"
        "print(sorted(m for m in sys.modules if m.startswith(('crm_tui.', 'textual', 'peewee'))"
        " and not m.startswith('crm_tui.meta')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    # driver_import: the package's own start-up hook, which imports nothing itself
    assert result.stdout.strip() == "['crm_tui.driver_import', 'crm_tui.errors']"
