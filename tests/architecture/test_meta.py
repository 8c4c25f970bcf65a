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


def test_option_labels_are_the_ones_the_services_show():
    cases, leads, opps = service("cases"), service("leads"), service("opportunities")
    assert options_of("case", "case_type") == cases.TYPES
    assert options_of("case", "origin") == cases.ORIGINS
    assert options_of("case", "priority") == cases.PRIORITIES
    assert options_of("case", "severity") == cases.SEVERITIES
    assert options_of("lead", "source") == {k: v for k, v in leads.SOURCES.items() if k}
    assert options_of("lead", "rating") == leads.RATINGS == options_of("opportunity", "rating")
    assert tuple(options_of("opportunity", "stage")) == opps.STAGES
    assert options_of("opportunity", "stage") == opps.STAGE_LABELS
    assert options_of("product", "product_type") == service("products").TYPES
    assert options_of("contract_line", "allotment_type") == service("contracts").ALLOTMENT_TYPES
    assert options_of("resource", "resource_type") == service("scheduling").RESOURCE_TYPES
    assert options_of("article", "language") == service("kb").LANGUAGES
    industries = [i for i in service("accounts").INDUSTRIES if i]
    assert list(options_of("account", "industry")) == industries
    assert all(code == label for code, label in options_of("account", "industry").items())
    assert tuple(options_of("user", "role")) == service("access").ROLES
    activities = service("activities")
    assert options_of("activity", "kind") == {k: v.label for k, v in activities.KINDS.items()}


def test_states_and_status_reasons_are_the_ones_the_services_use():
    cases = service("cases")
    machine = meta.kind("case").states
    assert state_labels("case") == cases.STATES
    assert labels(machine.reasons) == cases.STATUS_LABELS
    assert machine.reason_codes("active") == cases.ACTIVE_REASONS
    assert machine.reason_codes("resolved") == cases.RESOLVE_REASONS
    assert machine.reason_codes("canceled") == cases.CANCEL_REASONS
    assert set(cases.PAUSING) <= set(machine.reason_codes("active"))

    leads = service("leads")
    machine = meta.kind("lead").states
    assert state_labels("lead") == leads.STATES
    assert labels(machine.reasons) == leads.STATUS
    assert labels(machine.state("disqualified").reasons) == leads.DISQUALIFY_REASONS

    opps = service("opportunities")
    machine = meta.kind("opportunity").states
    assert state_labels("opportunity") == opps.STATES
    assert labels(machine.reasons) == opps.STATUS_LABELS
    assert labels(machine.state("lost").reasons) == opps.CLOSE_REASONS_LOST

    for name in ("quote", "order", "invoice"):
        module = service(f"{name}s")
        assert state_labels(name) == module.STATES, name
        assert labels(meta.kind(name).states.reasons) == module.STATUS_LABELS, name
    closing = meta.kind("quote").states.transition("close").reasons
    assert {r: meta.kind("quote").reason_label(r) for r in closing} == service(
        "quotes"
    ).CLOSE_REASONS
    for name, editable in service("documents").EDITABLE.items():
        assert meta.kind(name).states.is_open(editable)

    assert state_labels("contract") == service("contracts").STATES
    assert state_labels("product") == service("products").STATES
    kb = service("kb")
    assert state_labels("article") == kb.STATES
    assert set(kb.IN_PROGRESS) <= set(meta.kind("article").states.open_states)

    activities = service("activities")
    machine = meta.kind("activity").states
    assert machine.codes == activities.STATES
    assert machine.open_states == activities.OPEN_STATES
    assert {k.logged_state for k in activities.KINDS.values()} <= set(machine.codes)


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
    for name, record_type in records.REGISTRY.items():
        kind = meta.kind(name)
        assert kind.model is record_type.model, name
        assert kind.title == record_type.title_field, name
        assert kind.regardable == record_type.regardable, name
    numbered = {k.name for k in meta.kinds() if k.number == "number"}
    assert numbered == set(service("numbers").PREFIXES)
    for name, plural in service("access").KINDS.items():
        assert meta.kind(name).plural.lower() == plural, name


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
    sources = r'\(\s*"(\w+)",\s*"([\w ]+)",\s*"[\w.]+",\s*lambda'
    goto = re.findall(sources, _source("crm_tui.widgets.palette"))
    assert goto == [(k.name, k.label) for k in meta.findable()]
    areas = dict(re.findall(r'"(\w+)": \("(\w+)", \w+Screen\)', _source("crm_tui.app")))
    assert areas and all(meta.kind(name).area == area for name, area in areas.items())
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
    assert result.stdout.strip() == "['crm_tui.errors']"
