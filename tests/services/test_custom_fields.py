"""Custom fields: an admin adds a typed attribute to a record kind; it is a
real column, checked on every save, audited, found by the query language,
shown in lists and exports, and removing it keeps its values until purged."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from crm_tui import meta
from crm_tui.db import dict_rows, is_postgres
from crm_tui.errors import ConflictError, PermissionDenied, QueryError, ValidationError
from crm_tui.models import Account, User
from crm_tui.services import audit, custom_fields, export, session, users
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.sales import opportunities


def _columns(table: str) -> set[str]:
    if is_postgres():
        sql = "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
    else:
        sql = "SELECT name AS column_name FROM pragma_table_info(?)"
    return {r["column_name"] for r in dict_rows(sql, (table,))}


def test_a_field_is_a_column_an_attribute_and_a_checked_value(db):
    field = custom_fields.add("account", "tier", "option_set", options="Gold, Silver, Bronze")
    assert field.column == "cf_tier" and "cf_tier" in _columns("account")
    attribute = meta.kind("account").attribute("cf_tier")
    assert attribute.custom and attribute.label == "Tier"
    assert [o.label for o in attribute.options] == ["Gold", "Silver", "Bronze"]
    made = accounts.create({"name": "Darya Shipping", "cf_tier": "silver"})
    assert made.cf_tier == "silver"
    with pytest.raises(ValidationError) as refused:
        accounts.update(made.id, made.version, {"cf_tier": "Platinum"})
    assert refused.value.errors == {"cf_tier": "Tier is one of: Gold, Silver, Bronze"}
    assert Account.get_by_id(made.id).cf_tier == "silver"  # nothing written


def test_each_type_reads_what_people_type(db):
    for name, type_ in [("seats", "integer"), ("rate", "number"), ("budget", "money"),
                        ("renewal", "date"), ("partner", "boolean"), ("notes2", "long_text")]:  # fmt: skip
        custom_fields.add("account", name, type_)
    custom_fields.add("account", "referrer", "lookup", target="contact")
    person = contacts.create({"first_name": "Sara", "last_name": "Karimi"})
    made = accounts.create(
        {"name": "Pars Tile", "cf_seats": "1,200", "cf_rate": "12.50", "cf_budget": "2500.75",
         "cf_renewal": "2027-03-01", "cf_partner": "yes", "cf_notes2": "two\nlines",
         "cf_referrer": person.id}
    )  # fmt: skip
    row = Account.get_by_id(made.id)
    assert (row.cf_seats, row.cf_rate, row.cf_budget) == (1200, "12.5", 250075)
    assert str(row.cf_renewal) == "2027-03-01" and row.cf_partner == 1
    assert row.cf_notes2 == "two\nlines" and row.cf_referrer == person.id
    with pytest.raises(ValidationError) as refused:
        accounts.update(made.id, made.version,
                        {"cf_seats": "many", "cf_partner": "perhaps", "cf_referrer": 99999,
                         "cf_budget": "1.234", "cf_rate": "abc"})  # fmt: skip
    assert set(refused.value.errors) == {"cf_seats", "cf_partner", "cf_referrer", "cf_budget",
                                         "cf_rate"}  # fmt: skip


def test_a_required_field_is_needed_on_create_and_cannot_be_emptied(db):
    old = accounts.create({"name": "Before the field"})
    custom_fields.add("account", "region", "text", required=True)
    with pytest.raises(ValidationError) as refused:
        accounts.create({"name": "No region"})
    assert refused.value.errors == {"cf_region": "Region is required"}
    # a record made before the field was added is still editable ...
    saved = accounts.update(old.id, old.version, {"city": "Shiraz"})
    # ... but a value once given cannot be emptied
    saved = accounts.update(old.id, saved.version, {"cf_region": "South"})
    with pytest.raises(ValidationError):
        accounts.update(old.id, saved.version, {"cf_region": ""})


def test_changes_to_a_custom_field_are_audited_with_its_label(db):
    custom_fields.add("account", "tier", "option_set", options=["Gold", "Silver"])
    made = accounts.create({"name": "Audit Co", "cf_tier": "gold"})
    accounts.update(made.id, made.version, {"cf_tier": "silver"})
    history = audit.history_view("account", made.id)
    changed = [c for entry in history for c in entry.changes if c.field == "Tier"]
    assert [(c.old, c.new) for c in changed] == [("Gold", "Silver"), (None, "Gold")]


def test_the_query_language_and_lists_read_custom_fields(db):
    custom_fields.add("account", "seats", "integer", searchable=True)
    custom_fields.add("account", "tier", "option_set", options="Gold,Silver")
    for name, seats, tier in [("A1", 10, "gold"), ("A2", 500, "silver"), ("A3", None, "gold")]:
        accounts.create({"name": name, "cf_seats": seats, "cf_tier": tier})
    page = accounts.page(view="all", query="seats>100")
    assert [r["name"] for r in page.rows] == ["A2"]
    page = accounts.page(view="all", query="tier:gold -has:seats")
    assert [r["name"] for r in page.rows] == ["A3"]
    assert page.rows[0]["cf_tier"] == "gold" and page.rows[0]["cf_seats"] is None


def test_searchable_text_is_found_by_free_words(db):
    custom_fields.add("account", "motto", "text", searchable=True)
    accounts.create({"name": "Quiet Co", "cf_motto": "zephyrous winds"})
    accounts.create({"name": "Loud Co", "cf_motto": "nothing"})
    assert [r["name"] for r in accounts.page(view="all", query="zephyrous").rows] == ["Quiet Co"]


def test_making_a_text_field_searchable_later_indexes_what_records_hold(db):
    field = custom_fields.add("account", "motto", "text")
    accounts.create({"name": "Quiet Co", "cf_motto": "zephyrous winds"})
    assert accounts.page(view="all", query="zephyrous").rows == []
    custom_fields.update(field.id, field.version, searchable=True)
    assert [r["name"] for r in accounts.page(view="all", query="zephyrous").rows] == ["Quiet Co"]


def test_export_carries_custom_fields(db):
    custom_fields.add("account", "budget", "money")
    custom_fields.add("account", "tier", "option_set", options="Gold,Silver")
    accounts.create({"name": "Export Co", "cf_budget": "10.50", "cf_tier": "gold"})
    out = io.StringIO()
    export.write("accounts", out, "json")
    row = json.loads(out.getvalue())[0]
    assert Decimal(row["cf_budget"]) == Decimal("10.50")
    assert (row["cf_tier"], row["cf_tier_label"]) == ("gold", "Gold")


def test_removing_hides_a_field_and_keeps_its_values_until_purged(db):
    field = custom_fields.add("account", "tier", "text")
    made = accounts.create({"name": "Keep Co", "cf_tier": "gold"})
    removed = custom_fields.remove(field.id, field.version)
    assert not meta.kind("account").has_attribute("cf_tier")
    assert dict_rows("SELECT cf_tier FROM account WHERE id = ?", (made.id,))[0]["cf_tier"] == "gold"
    with pytest.raises(QueryError, match="no field 'tier'"):
        accounts.page(view="all", query="tier:gold")
    restored = custom_fields.restore(field.id, removed.version)
    assert Account.get_by_id(made.id).cf_tier == "gold"
    removed = custom_fields.remove(field.id, restored.version)
    with pytest.raises(ValidationError) as refused:
        custom_fields.purge(field.id, removed.version, confirm="yes")
    assert "tier" in refused.value.errors["confirm"]
    custom_fields.purge(field.id, removed.version, confirm="tier")
    assert "cf_tier" not in _columns("account")
    assert custom_fields.fields("account", removed=True) == []
    accounts.update(made.id, Account.get_by_id(made.id).version, {"city": "Yazd"})


def test_a_field_cannot_hide_or_shadow_another(db):
    with pytest.raises(ValidationError) as refused:
        custom_fields.add("account", "city", "text")
    assert "already" in refused.value.errors["label"]
    custom_fields.add("account", "tier", "text")
    with pytest.raises(ValidationError):
        custom_fields.add("account", "tier", "integer")
    with pytest.raises(ValidationError) as refused:
        custom_fields.add("account", "Bad Name!", "colour")
    assert set(refused.value.errors) == {"name", "type"}
    with pytest.raises(ValidationError):
        custom_fields.add("note", "x", "text")


def test_only_admins_change_fields_and_a_stale_change_is_refused(db):
    field = custom_fields.add("opportunity", "source", "text")
    users.add("sam", "Sam Sales", "sales")
    session.act_as(User.get(User.login == "sam"))
    with pytest.raises(PermissionDenied):
        custom_fields.add("opportunity", "other", "text")
    # a salesperson still fills the field in
    made = opportunities.create({"name": "Deal", "cf_source": "fair"})
    assert made.cf_source == "fair"
    session.act_as(User.get(User.login == "tester"))
    custom_fields.update(field.id, field.version, label="Lead source")
    with pytest.raises(ConflictError):
        custom_fields.update(field.id, field.version, label="Again")


def test_an_option_in_use_cannot_be_dropped_but_can_be_renamed(db):
    field = custom_fields.add("account", "tier", "option_set", options="Gold,Silver")
    accounts.create({"name": "Gold Co", "cf_tier": "gold"})
    with pytest.raises(ValidationError) as refused:
        custom_fields.update(field.id, field.version, options="Silver")
    assert "1 records hold Gold" in refused.value.errors["options"]
    renamed = custom_fields.update(field.id, field.version, options="Gold,Silver,Bronze")
    assert [o.code for o in renamed.options] == ["gold", "silver", "bronze"]


def test_another_database_forgets_this_ones_fields(db, tmp_path, settings):
    custom_fields.add("account", "tier", "text")
    assert meta.kind("account").has_attribute("cf_tier")
    from crm_tui.runtime import open_for_user

    open_for_user(tmp_path / "other.db", settings, login="tester")
    assert not meta.kind("account").has_attribute("cf_tier")
    assert "cf_tier" not in Account._meta.fields
    accounts.create({"name": "Plain Co"})  # no such column is ever asked for


def test_a_searchable_fields_condition_pages_in_the_lists_order(db, monkeypatch):
    from crm_tui.services import listing

    custom_fields.add("account", "seats", "integer", searchable=True)
    for index, name in enumerate(["Echo", "Alpha", "Delta", "Bravo", "Foxtrot", "Charlie"]):
        accounts.create({"name": name, "cf_seats": 10 * index})
    expected = ["Alpha", "Bravo", "Charlie", "Delta", "Foxtrot"]  # seats > 5 (not Echo), by name

    def walk() -> list[str]:
        names, after = [], None
        while True:
            page = accounts.page(view="all", query="seats>5", limit=2, after=after)
            names += [r["name"] for r in page.rows]
            if not page.more_after:
                return names
            after = page.keys[-1]

    assert walk() == expected  # read through the field's index
    monkeypatch.setattr(listing, "DRIVEN_AT_MOST", 1)
    assert walk() == expected  # too many for that: the list's order walked


def test_labels_are_words_never_styling(db):
    with pytest.raises(ValidationError) as refused:
        custom_fields.add("account", "tier", "text", label="[bold]Tier")
    assert "[" in refused.value.errors["label"]
    with pytest.raises(ValidationError):
        custom_fields.add("account", "tier", "option_set", options="Gold,[red]Silver")
    field = custom_fields.add("account", "tier", "text", label="Tier\x1b[31m")
    assert field.label == "Tier"  # the escape sequence cleaned away whole
    field = custom_fields.add("account", "level", "text", label="سطح مشتری")
    assert field.label == "سطح مشتری"
