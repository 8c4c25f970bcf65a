"""Routing of new cases by config rules, and the config keys behind SLAs and routing."""

from __future__ import annotations

import pytest

from crm_tui import config
from crm_tui.db import database, write
from crm_tui.doctor import checks
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import session
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.sales import products
from crm_tui.services.support import routing


def make_queue(name: str, state: str = "active") -> int:
    now = to_db_time(utcnow())
    user_id = session.current_user().id
    with write():
        database.execute_sql(
            "INSERT INTO queue (created_at, created_by_id, modified_at, modified_by_id,"
            " owner_id, name, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now, user_id, now, user_id, user_id, name, state),
        )
    return database.execute_sql("SELECT id FROM queue WHERE name = ?", (name,)).fetchone()[0]


def use_rules(rules: list[dict]) -> config.Settings:
    s = config.Settings(routing=rules)
    s.validate()
    session.configure(s)
    return s


@pytest.fixture
def queues(db):
    names = ["Tier 1", "Tier 2", "Billing", "VIP", "Web", "Widgets", "Default"]
    made = {name: make_queue(name) for name in names}
    yield made
    session.configure(config.Settings())


def values(**kw) -> dict:
    row = {
        "case_type": "question",
        "priority": "normal",
        "product_id": None,
        "origin": "phone",
        "account_id": None,
        "contact_id": None,
    }
    row.update(kw)
    return row


def test_no_rules_routes_nowhere(queues):
    use_rules([])
    assert routing.route(values()) is None


def test_each_rule_field_fires(queues):
    acme = accounts.create({"name": "Acme Ltd"})
    maryam = contacts.create({"first_name": "Maryam", "last_name": "Ahmadi"})
    widget = products.create({"product_number": "W-1", "name": "Widget"})
    use_rules(
        [
            {"queue": "Tier 2", "type": "problem"},
            {"queue": "Billing", "priority": "low"},
            {"queue": "Widgets", "product": "W-1"},
            {"queue": "Web", "origin": "web"},
            {"queue": "VIP", "customer": "acme ltd"},
            {"queue": "Tier 1", "customer": "MARYAM AHMADI"},
        ]
    )
    assert routing.route(values(case_type="problem")) == queues["Tier 2"]
    assert routing.route(values(priority="low")) == queues["Billing"]
    assert routing.route(values(product_id=widget.id)) == queues["Widgets"]
    assert routing.route(values(origin="web")) == queues["Web"]
    assert routing.route(values(account_id=acme.id)) == queues["VIP"]
    assert routing.route(values(contact_id=maryam.id)) == queues["Tier 1"]
    assert routing.route(values()) is None


def test_all_keys_of_a_rule_must_match(queues):
    use_rules([{"queue": "VIP", "type": "problem", "priority": "high", "origin": "email"}])
    assert (
        routing.route(values(case_type="problem", priority="high", origin="email"))
        == (queues["VIP"])
    )
    assert routing.route(values(case_type="problem", priority="high", origin="phone")) is None
    assert routing.route(values(case_type="problem", priority="low", origin="email")) is None


def test_first_match_wins_and_catch_all(queues):
    use_rules(
        [
            {"queue": "VIP", "priority": "high", "type": "problem"},
            {"queue": "Tier 2", "priority": "high"},
            {"queue": "Default"},
        ]
    )
    assert routing.route(values(priority="high", case_type="problem")) == queues["VIP"]
    assert routing.route(values(priority="high")) == queues["Tier 2"]
    assert routing.route(values(priority="low")) == queues["Default"]


def test_unknown_or_inactive_queue_is_skipped(queues):
    make_queue("Closed desk", state="inactive")
    s = use_rules(
        [
            {"queue": "Tier 3", "priority": "high"},
            {"queue": "Closed desk", "priority": "high"},
            {"queue": "Tier 2", "priority": "high"},
        ]
    )
    assert routing.route(values(priority="high")) == queues["Tier 2"]
    problems = routing.check_rules()
    assert len(problems) == 2
    assert "rule 1" in problems[0] and "'Tier 3'" in problems[0]
    assert "rule 2" in problems[1] and "inactive" in problems[1]
    assert routing.check_rules(config.Settings()) == []
    assert routing.route(values(priority="high"), s) == queues["Tier 2"]


def test_unknown_product_or_customer_ids_do_not_match(queues):
    use_rules([{"queue": "Widgets", "product": "W-1"}, {"queue": "VIP", "customer": "Acme"}])
    assert routing.route(values(product_id=999_999, account_id=999_999)) is None


def test_doctor_reports_rules_naming_missing_queues(db, db_path, queues):
    from crm_tui.db import close_database

    s = config.Settings(routing=[{"queue": "Nowhere"}, {"queue": "Tier 1"}])
    s.validate()
    session.act_as(None)
    close_database()
    found = checks(db_path, s)
    assert (False, "routing rule 1: no queue named 'Nowhere'; the rule is skipped") in found
    good = checks(db_path, config.Settings(routing=[{"queue": "Tier 1"}]))
    assert (True, "1 routing rule(s) name existing queues") in good


# --- config --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"business_days": []}, "business_days"),
        ({"business_days": [0, 1]}, "business_days"),
        ({"business_days": [8]}, "business_days"),
        ({"business_hours": ["17:00", "09:00"]}, "business_hours"),
        ({"business_hours": ["9", "17:00"]}, "business_hours"),
        ({"business_hours": ["09:00", "25:00"]}, "business_hours"),
        ({"business_hours": ["09:00"]}, "business_hours"),
        ({"holidays": ["2026-02-30"]}, "holidays"),
        ({"holidays": "2026-12-25"}, "holidays"),
        ({"sla": {"urgent": {"first_response_minutes": 5}}}, "sla"),
        ({"sla": {"high": {"first_response_minutes": 0}}}, "sla.high.first_response_minutes"),
        ({"sla": {"high": {"resolve_minutes": "8h"}}}, "sla.high.resolve_minutes"),
        ({"sla": {"high": {"respond": 5}}}, "sla.high"),
        ({"sla": {"high": 60}}, "sla.high"),
        ({"sla_nearing_percent": 0}, "sla_nearing_percent"),
        ({"sla_nearing_percent": 100}, "sla_nearing_percent"),
        ({"routing": {"queue": "x"}}, "routing"),
        ({"routing": [{"type": "problem"}]}, "queue is missing"),
        ({"routing": [{"queue": "A", "colour": "red"}]}, "colour"),
        ({"routing": [{"queue": "A", "type": "complaint"}]}, "type"),
        ({"routing": [{"queue": "A", "priority": "urgent"}]}, "priority"),
        ({"routing": [{"queue": "A", "origin": "fax"}]}, "origin"),
        ({"routing": [{"queue": "A", "product": 7}]}, "product"),
        ({"routing": [{"queue": ""}]}, "queue"),
    ],
)
def test_config_validation_names_the_key(changes, named):
    s = config.Settings(**changes)
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        s.validate()


def test_defaults_are_valid_and_independent():
    a, b = config.Settings(), config.Settings()
    a.validate()
    assert a.business_days == [1, 2, 3, 4, 5]
    assert a.business_hours == ["09:00", "17:00"]
    assert a.sla["normal"] == {"first_response_minutes": 240, "resolve_minutes": 1440}
    assert a.sla_nearing_percent == 75
    a.sla["high"]["resolve_minutes"] = 1
    a.routing.append({"queue": "x"})
    assert b.sla["high"]["resolve_minutes"] == 480 and b.routing == []


CONFIG = """
time_zone = "Europe/London"
business_days = [1, 2, 3, 4]
business_hours = ["08:30", "16:30"]
holidays = ["2026-12-25", "2026-12-28"]
sla_nearing_percent = 80

[sla.high]
first_response_minutes = 30
resolve_minutes = 240

[sla.low]
resolve_minutes = 5000

[[routing]]
queue = "VIP"
customer = "Acme Ltd"

[[routing]]
queue = "Tier 2"
type = "problem"
priority = "high"

[[routing]]
queue = "Tier 1"
"""


def test_toml_round_trip(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    loaded = config.load(path)
    assert loaded.business_days == [1, 2, 3, 4]
    assert loaded.business_hours == ["08:30", "16:30"]
    assert loaded.holidays == ["2026-12-25", "2026-12-28"]
    assert loaded.sla_nearing_percent == 80
    assert loaded.sla == {
        "high": {"first_response_minutes": 30, "resolve_minutes": 240},
        "normal": {"first_response_minutes": 240, "resolve_minutes": 1440},
        "low": {"first_response_minutes": 480, "resolve_minutes": 5000},
    }
    assert loaded.routing == [
        {"queue": "VIP", "customer": "Acme Ltd"},
        {"queue": "Tier 2", "type": "problem", "priority": "high"},
        {"queue": "Tier 1"},
    ]
    again = config.load(config.save(loaded, tmp_path / "saved" / "config.toml"))
    assert again == loaded
    assert config.load(config.save(config.Settings(), tmp_path / "d.toml")) == config.Settings()


def test_toml_bad_routing_rule_names_it(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[[routing]]\nqueue = "A"\n\n[[routing]]\nqueue = "B"\nsize = "xl"\n')
    with pytest.raises(ValueError, match="routing rule 2: unknown key"):
        config.load(path)
