"""Opportunities service: records, validation, stage gates, closing as won or
lost, reopen, hold, conflicts, the list with its filters, and sales teams."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui.config import Settings
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import ConflictError, DomainError, NotFound, ValidationError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import audit, dates, records, session, users
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.sales import opportunities, opportunity_list
from crm_tui.services.sales.opportunities import StageGateError

TODAY = dt.date(2026, 5, 14)


@pytest.fixture
def today(monkeypatch):
    """Fix the configured zone's today (what overdue and the close filters mean)."""
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def acme(db):
    return accounts.create({"name": "Acme Corp"})


def errors_of(excinfo) -> dict[str, str]:
    return excinfo.value.errors


def add_line(opportunity_id: int, description: str = "40 laptops") -> None:
    database.execute_sql(
        "INSERT INTO opportunity_line (opportunity_id, line_number, description) VALUES (?, 1, ?)",
        (opportunity_id, description),
    )


def add_quote(opportunity_id: int, account_id: int, state: str = "active") -> int:
    """A quote row written directly: the quotes service belongs to another area."""
    now = to_db_time(utcnow())
    me = session.current_user().id
    return database.execute_sql(
        "INSERT INTO quote (version, created_at, created_by_id, modified_at, modified_by_id, "
        "owner_id, number, name, name_sort, account_id, opportunity_id, currency, state) "
        "VALUES (1, ?, ?, ?, ?, ?, (SELECT 'QUO-' || count(*) FROM quote), 'Q', 'q', ?, ?, "
        "'USD', ?) RETURNING id",
        (now, me, now, me, me, account_id, opportunity_id, state),
    ).fetchall()[0][0]


def add_competitor(name: str = "Globex") -> int:
    with write():
        return records.create("competitor", {"name": name, "name_sort": name.lower()})


def at_stage(stage: str, account_id: int, **extra):
    """An opportunity moved (through its gates) to `stage`."""
    opp = opportunities.create(
        {
            "name": extra.pop("name", "Laptops"),
            "account_id": account_id,
            "estimated_close_date": "2026-06-30",
            "estimated_revenue": "10,000.00",
            "description": "forty laptops",
            **extra,
        }
    )
    for step in opportunities.STAGES[1 : opportunities.STAGES.index(stage) + 1]:
        if step == "close":
            add_quote(opp.id, account_id)
        opp = opportunities.move_stage(opp.id, opp.version, step)
    return opp


# --- create / get / update -----------------------------------------------------------


def test_create_with_form_strings(db, acme):
    opp = opportunities.create(
        {
            "name": "  40 laptops\tfor Acme ",
            "account_id": acme.id,
            "estimated_revenue": "1,250.50",
            "estimated_close_date": "2026-12-31",
            "rating": "hot",
            "description": "line one\nline two",
        }
    )
    assert opp.id and opp.version == 1
    assert opp.name == "40 laptops for Acme" and opp.name_sort == "40 laptops for acme"
    assert (opp.stage, opp.state, opp.status_reason) == ("qualify", "open", "in_progress")
    assert opp.probability == opportunities.DEFAULT_PROBABILITY["qualify"] == 10
    assert opp.estimated_revenue == 125050
    assert opp.estimated_close_date == dt.date(2026, 12, 31)
    assert opp.rating == "hot" and opp.description == "line one\nline two"
    assert opp.owner_id == db.id and opp.account_id == acme.id
    assert opportunities.customer_name(opp) == "Acme Corp"
    assert opportunities.get(opp.id).name == "40 laptops for Acme"
    assert audit.history("opportunity", opp.id)[0]["action"] == "create"


def test_create_minimal_and_empty_values(db):
    opp = opportunities.create(
        {"name": "Bare", "estimated_revenue": "", "estimated_close_date": "", "probability": ""}
    )
    assert opp.estimated_revenue is None and opp.estimated_close_date is None
    assert opp.probability == 10 and opp.rating == "warm" and opp.price_list_id is None
    assert opportunities.customer_name(opp) == ""


def test_customer_can_be_a_contact(db):
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee"})
    opp = opportunities.create({"name": "Consulting", "contact_id": ann.id})
    assert opportunities.customer_name(opp) == "Ann Lee"
    row = opportunities.page(scope="all").rows[0]
    assert row["customer"] == "Ann Lee"


def test_get_missing_is_not_found(db):
    with pytest.raises(NotFound, match="#999"):
        opportunities.get(999)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "x" * 201}, "name", "limit is 200"),
        ({"name": "A", "estimated_revenue": "12.345"}, "estimated_revenue", "more than 2 decimals"),
        ({"name": "A", "estimated_revenue": "-1"}, "estimated_revenue", "positive"),
        ({"name": "A", "estimated_revenue": "lots"}, "estimated_revenue", "amount such as"),
        ({"name": "A", "probability": "101"}, "probability", "0 to 100"),
        ({"name": "A", "probability": "-1"}, "probability", "at least 0"),
        ({"name": "A", "probability": "half"}, "probability", "whole number"),
        (
            {"name": "A", "estimated_close_date": "31/12/2026"},
            "estimated_close_date",
            "is not a date",
        ),
        ({"name": "A", "rating": "lukewarm"}, "rating", "not one of"),
        ({"name": "A", "account_id": 999}, "account_id", "account does not exist"),
        ({"name": "A", "contact_id": 999}, "contact_id", "contact does not exist"),
        ({"name": "A", "lead_id": 999}, "lead_id", "lead does not exist"),
        ({"name": "A", "price_list_id": 999}, "price_list_id", "price list does not exist"),
        ({"name": "A", "account_id": "abc"}, "account_id", "does not exist"),
        ({"name": "A", "owner_id": 999}, "owner_id", "active user"),
        ({"name": "A", "description": "d" * 4001}, "description", "limit is 4000"),
    ],
)
def test_create_validation(db, data, field, message):
    with pytest.raises(ValidationError) as excinfo:
        opportunities.create(data)
    assert message in errors_of(excinfo)[field]
    assert dict_rows("SELECT count(*) AS n FROM opportunity")[0]["n"] == 0


def test_create_reports_every_bad_field(db):
    with pytest.raises(ValidationError) as excinfo:
        opportunities.create({"name": "", "probability": "200", "estimated_revenue": "x"})
    assert set(errors_of(excinfo)) == {"name", "probability", "estimated_revenue"}


def test_create_takes_the_default_price_list(db):
    before = session.settings()
    with write():
        now = utcnow()
        price_list = records.create("price_list", {"name": "Retail", "currency": "USD"}, at=now)
    try:
        session.configure(Settings(default_price_list="Retail"))
        assert opportunities.create({"name": "A"}).price_list_id == price_list
        chosen = opportunities.create({"name": "B", "price_list_id": None})
        assert chosen.price_list_id is None  # chosen on the form: none
        session.configure(Settings(default_price_list="No such list"))
        assert opportunities.create({"name": "C"}).price_list_id is None
    finally:
        session.configure(before)


def test_create_for_another_owner(db):
    sam = users.add("sam", "Sam Seller", "sales")
    assert opportunities.create({"name": "A", "owner_id": sam.id}).owner_id == sam.id


def test_update_changes_fields_and_is_audited(db, acme):
    opp = opportunities.create({"name": "Laptops", "estimated_revenue": "100"})
    changed = opportunities.update(
        opp.id,
        1,
        {"name": "Laptops and docks", "estimated_revenue": "250.00", "probability": "35"},
    )
    assert changed.version == 2
    assert (changed.name, changed.estimated_revenue, changed.probability) == (
        "Laptops and docks",
        25000,
        35,
    )
    trail = audit.history("opportunity", opp.id)
    assert trail[0]["action"] == "update"
    assert trail[0]["changes"]["estimated_revenue"] == [10000, 25000]
    # unchanged values write nothing
    assert opportunities.update(opp.id, 2, {"probability": "35"}).version == 2


def test_update_reindexes_name_and_customer(db, acme):
    opp = opportunities.create({"name": "Laptops"})
    assert opportunities.page(scope="all", query="acme").rows == []
    opp = opportunities.update(opp.id, 1, {"account_id": acme.id})
    assert [r["id"] for r in opportunities.page(scope="all", query="acme").rows] == [opp.id]
    opportunities.update(opp.id, opp.version, {"name": "Servers"})
    assert opportunities.page(scope="all", query="laptops").rows == []
    assert [r["name"] for r in opportunities.page(scope="all", query="serv").rows] == ["Servers"]


def test_update_probability_cannot_be_emptied(db):
    opp = opportunities.create({"name": "A"})
    with pytest.raises(ValidationError) as excinfo:
        opportunities.update(opp.id, 1, {"probability": ""})
    assert "required" in errors_of(excinfo)["probability"]


def test_update_stale_version_is_a_conflict(db):
    opp = opportunities.create({"name": "A", "estimated_revenue": "10"})
    opportunities.update(opp.id, 1, {"estimated_revenue": "20"})
    with pytest.raises(ConflictError) as excinfo:
        opportunities.update(opp.id, 1, {"estimated_revenue": "30"})
    assert excinfo.value.version == 2
    assert excinfo.value.current == {"estimated_revenue": 2000}
    assert excinfo.value.modified_by == db.full_name
    assert opportunities.get(opp.id).estimated_revenue == 2000


def test_won_and_lost_are_read_only_until_reopened(db, acme):
    won = opportunities.close_won(at_stage("qualify", acme.id).id, 1)
    with pytest.raises(DomainError, match="won; reopen it before you edit it"):
        opportunities.update(won.id, won.version, {"name": "Other"})
    lost = opportunities.close_lost(at_stage("qualify", acme.id).id, 1)
    with pytest.raises(DomainError, match="lost; reopen it"):
        opportunities.update(lost.id, lost.version, {"name": "Other"})
    reopened = opportunities.reopen(lost.id, lost.version)
    assert opportunities.update(reopened.id, reopened.version, {"name": "Other"}).name == "Other"


def test_update_cannot_empty_what_the_stage_needs(db, acme):
    opp = at_stage("propose", acme.id)
    with pytest.raises(ValidationError) as excinfo:
        opportunities.update(opp.id, opp.version, {"account_id": None, "estimated_close_date": ""})
    assert errors_of(excinfo) == {
        "account_id": "an opportunity in Propose needs a customer",
        "estimated_close_date": "an opportunity in Propose needs an estimated close date",
    }
    with pytest.raises(ValidationError) as excinfo:
        opportunities.update(opp.id, opp.version, {"description": " ", "estimated_revenue": ""})
    assert set(errors_of(excinfo)) == {"description", "estimated_revenue"}
    # a product line stands in for the description; a contact for the account
    add_line(opp.id)
    ann = contacts.create({"last_name": "Lee"})
    opp = opportunities.update(opp.id, opp.version, {"description": "", "contact_id": ann.id})
    opp = opportunities.update(opp.id, opp.version, {"account_id": None})
    assert (opp.account_id, opp.contact_id, opp.description) == (None, ann.id, "")


def test_update_allowed_when_a_need_was_already_missing(db, acme):
    opp = at_stage("develop", acme.id)
    # data from before the gates (an import): the close date is missing already
    database.execute_sql(
        "UPDATE opportunity SET estimated_close_date = NULL WHERE id = ?", (opp.id,)
    )
    assert opportunities.update(opp.id, opp.version, {"name": "Renamed"}).name == "Renamed"


# --- stage gates -----------------------------------------------------------------------


def test_develop_gate_names_what_is_missing(db):
    opp = opportunities.create({"name": "A"})
    assert opportunities.missing_for(opp.id, "develop") == [
        "a customer",
        "an estimated close date",
    ]
    with pytest.raises(StageGateError) as excinfo:
        opportunities.move_stage(opp.id, 1, "develop")
    gate = excinfo.value
    assert gate.stage == "develop"
    assert gate.missing == ["a customer", "an estimated close date"]
    assert gate.fields == ["account_id", "contact_id", "estimated_close_date"]
    assert str(gate) == "Develop needs: a customer, an estimated close date"
    assert isinstance(gate, DomainError)
    assert opportunities.get(opp.id).stage == "qualify"


def test_gate_data_is_saved_with_the_move(db, acme):
    opp = opportunities.create({"name": "A"})
    moved = opportunities.move_stage(
        opp.id, 1, "develop", {"account_id": acme.id, "estimated_close_date": "2026-12-31"}
    )
    assert (moved.stage, moved.version, moved.probability) == ("develop", 2, 30)
    assert moved.account_id == acme.id and moved.estimated_close_date == dt.date(2026, 12, 31)
    entry = audit.history("opportunity", opp.id)[0]
    assert entry["action"] == "stage"
    assert entry["changes"]["stage"] == ["qualify", "develop"]
    assert entry["changes"]["account"] == [None, acme.id]
    assert entry["changes"]["probability"] == [10, 30]
    # the customer is searchable at once
    assert [r["id"] for r in opportunities.page(scope="all", query="acme").rows] == [opp.id]


def test_gate_data_not_enough_saves_nothing(db, acme):
    opp = opportunities.create({"name": "A"})
    with pytest.raises(StageGateError) as excinfo:
        opportunities.move_stage(opp.id, 1, "develop", {"account_id": acme.id})
    assert excinfo.value.missing == ["an estimated close date"]
    stored = opportunities.get(opp.id)
    assert (stored.stage, stored.account_id, stored.version) == ("qualify", None, 1)


def test_gate_data_is_validated(db, acme):
    opp = opportunities.create({"name": "A"})
    with pytest.raises(ValidationError) as excinfo:
        opportunities.move_stage(
            opp.id, 1, "develop", {"account_id": acme.id, "estimated_close_date": "soon"}
        )
    assert "is not a date" in errors_of(excinfo)["estimated_close_date"]
    assert opportunities.get(opp.id).account_id is None


def test_propose_gate(db, acme):
    opp = opportunities.create(
        {"name": "A", "account_id": acme.id, "estimated_close_date": "2026-06-30"}
    )
    opp = opportunities.move_stage(opp.id, 1, "develop")
    with pytest.raises(StageGateError) as excinfo:
        opportunities.move_stage(opp.id, opp.version, "propose")
    assert str(excinfo.value) == (
        "Propose needs: estimated revenue, a product line or a description of need"
    )
    assert excinfo.value.fields == ["estimated_revenue", "description"]
    # a product line is the need; the revenue comes with the move
    add_line(opp.id)
    assert opportunities.missing_for(opp.id, "propose") == ["estimated revenue"]
    moved = opportunities.move_stage(
        opp.id, opp.version, "propose", {"estimated_revenue": "5,000.00"}
    )
    assert (moved.stage, moved.estimated_revenue, moved.probability) == ("propose", 500000, 60)


def test_propose_gate_accepts_a_description_of_need(db, acme):
    opp = at_stage("develop", acme.id, description="")
    with pytest.raises(StageGateError) as excinfo:
        opportunities.move_stage(opp.id, opp.version, "propose", {"description": "   "})
    assert excinfo.value.missing == ["a product line or a description of need"]
    moved = opportunities.move_stage(
        opp.id, opp.version, "propose", {"description": "They need forty laptops"}
    )
    assert moved.stage == "propose" and moved.description == "They need forty laptops"


def test_close_gate_needs_an_active_quote(db, acme):
    opp = at_stage("propose", acme.id)
    with pytest.raises(StageGateError) as excinfo:
        opportunities.move_stage(opp.id, opp.version, "close")
    assert excinfo.value.missing == ["an active quote"]
    assert excinfo.value.fields == []
    assert str(excinfo.value) == (
        "Close needs: an active quote; create a quote for this opportunity and activate it first"
    )
    add_quote(opp.id, acme.id, state="draft")
    other = at_stage("qualify", acme.id, name="Other")
    add_quote(other.id, acme.id)  # active, but another opportunity's
    with pytest.raises(StageGateError):
        opportunities.move_stage(opp.id, opp.version, "close")
    add_quote(opp.id, acme.id)
    moved = opportunities.move_stage(opp.id, opp.version, "close")
    assert (moved.stage, moved.probability) == ("close", 80)


def test_gates_are_cumulative(db, acme):
    opp = at_stage("propose", acme.id)
    database.execute_sql(
        "UPDATE opportunity SET account_id = NULL, estimated_revenue = NULL WHERE id = ?",
        (opp.id,),
    )
    with pytest.raises(StageGateError) as excinfo:
        opportunities.move_stage(opp.id, opp.version, "close")
    assert excinfo.value.missing == ["a customer", "estimated revenue", "an active quote"]
    assert excinfo.value.fields == ["account_id", "contact_id", "estimated_revenue"]
    assert opportunities.missing_for(opp.id, "qualify") == []


def test_gate_fields(db):
    assert opportunities.gate_fields("qualify") == []
    assert opportunities.gate_fields("develop") == [
        "account_id",
        "contact_id",
        "estimated_close_date",
    ]
    assert opportunities.gate_fields("propose") == ["estimated_revenue", "description"]
    assert opportunities.gate_fields("close") == []
    with pytest.raises(DomainError, match="unknown stage"):
        opportunities.gate_fields("negotiate")


def test_forward_moves_go_one_step_at_a_time(db, acme):
    opp = opportunities.create({"name": "A", "account_id": acme.id})
    with pytest.raises(DomainError, match="one stage at a time: from Qualify the next is Develop"):
        opportunities.move_stage(opp.id, 1, "propose")
    with pytest.raises(DomainError, match="the next is Develop"):
        opportunities.move_stage(opp.id, 1, "close")
    assert opportunities.get(opp.id).stage == "qualify"


def test_every_move_forward_and_back(db, acme):
    opp = at_stage("close", acme.id)
    assert opp.stage == "close"
    stages = [e["changes"]["stage"] for e in audit.history("opportunity", opp.id)[::-1][1:]]
    assert stages == [["qualify", "develop"], ["develop", "propose"], ["propose", "close"]]
    # back one step at a time, probability following the defaults
    for stage, probability in (("propose", 60), ("develop", 30), ("qualify", 10)):
        opp = opportunities.move_stage(opp.id, opp.version, stage)
        assert (opp.stage, opp.probability) == (stage, probability)


def test_moving_back_may_skip_stages_and_needs_no_gate(db, acme):
    opp = at_stage("close", acme.id)
    database.execute_sql("UPDATE opportunity SET account_id = NULL WHERE id = ?", (opp.id,))
    back = opportunities.move_stage(opp.id, opp.version, "qualify")
    assert back.stage == "qualify"


def test_manual_probability_stays_when_moving(db, acme):
    opp = opportunities.create(
        {"name": "A", "account_id": acme.id, "estimated_close_date": "2026-06-30"}
    )
    opp = opportunities.update(opp.id, 1, {"probability": "45"})
    opp = opportunities.move_stage(opp.id, opp.version, "develop")
    assert opp.probability == 45
    opp = opportunities.move_stage(opp.id, opp.version, "qualify")
    assert opp.probability == 45
    # a probability given with the move wins
    opp = opportunities.move_stage(opp.id, opp.version, "develop", {"probability": "50"})
    assert opp.probability == 50


def test_move_refusals(db, acme):
    opp = at_stage("develop", acme.id)
    with pytest.raises(DomainError, match="already in Develop"):
        opportunities.move_stage(opp.id, opp.version, "develop")
    with pytest.raises(DomainError, match="unknown stage 'won'"):
        opportunities.move_stage(opp.id, opp.version, "won")
    with pytest.raises(ConflictError):
        opportunities.move_stage(opp.id, opp.version - 1, "propose")
    with pytest.raises(NotFound):
        opportunities.move_stage(999, 1, "develop")
    won = opportunities.close_won(opp.id, opp.version)
    with pytest.raises(DomainError, match="won; reopen it to move it"):
        opportunities.move_stage(won.id, won.version, "qualify")


def test_on_hold_opportunity_still_moves(db, acme):
    opp = at_stage("develop", acme.id)
    opp = opportunities.hold(opp.id, opp.version)
    moved = opportunities.move_stage(opp.id, opp.version, "propose")
    assert (moved.stage, moved.status_reason) == ("propose", "on_hold")


# --- closing ---------------------------------------------------------------------------


def close_activities(opportunity_id: int) -> list[dict]:
    return dict_rows(
        "SELECT kind, state, subject, description FROM activity "
        "WHERE regarding_type = 'opportunity' AND regarding_id = ?",
        (opportunity_id,),
    )


def test_close_won_defaults(db, acme, today):
    opp = at_stage("propose", acme.id, name="Laptops")
    won = opportunities.close_won(opp.id, opp.version)
    assert (won.state, won.status_reason, won.version) == ("won", "won", opp.version + 1)
    assert won.actual_revenue == won.estimated_revenue == 1_000_000
    assert won.actual_close_date == today
    assert won.stage == "propose"
    [activity] = close_activities(opp.id)
    assert activity["kind"] == "opportunity_close" and activity["state"] == "completed"
    assert activity["subject"] == "Won: Laptops"
    assert "Actual revenue: 10,000.00 USD" in activity["description"]
    assert "Close date: 2026-05-14" in activity["description"]
    entry = audit.history("opportunity", opp.id)[0]
    assert entry["action"] == "state" and entry["changes"]["state"] == ["open", "won"]


def test_close_won_with_values(db, acme, today):
    opp = at_stage("qualify", acme.id)
    won = opportunities.close_won(
        opp.id,
        1,
        actual_revenue="9,999.99",
        close_date="2026-05-01",
        description="Signed at\nthe fair",
    )
    assert won.actual_revenue == 999999 and won.actual_close_date == dt.date(2026, 5, 1)
    assert won.close_reason == "Signed at\nthe fair"
    [activity] = close_activities(opp.id)
    assert activity["description"] == (
        "Actual revenue: 9,999.99 USD\nClose date: 2026-05-01\n\nSigned at\nthe fair"
    )
    # a date object is fine too
    other = at_stage("qualify", acme.id, name="Other")
    won = opportunities.close_won(other.id, 1, close_date=dt.date(2026, 4, 30))
    assert won.actual_close_date == dt.date(2026, 4, 30)


def test_close_won_refusals(db, acme, today):
    opp = opportunities.create({"name": "No estimate"})
    with pytest.raises(ValidationError) as excinfo:
        opportunities.close_won(opp.id, 1)
    assert "enter the actual revenue" in errors_of(excinfo)["actual_revenue"]
    with pytest.raises(ValidationError) as excinfo:
        opportunities.close_won(opp.id, 1, actual_revenue="12.345")
    assert "decimals" in errors_of(excinfo)["actual_revenue"]
    with pytest.raises(ValidationError) as excinfo:
        opportunities.close_won(opp.id, 1, actual_revenue="10", close_date="2026-05-15")
    assert "future" in errors_of(excinfo)["close_date"]
    with pytest.raises(ValidationError) as excinfo:
        opportunities.close_won(opp.id, 1, actual_revenue="10", close_date="yesterday-ish")
    assert "is not a date" in errors_of(excinfo)["close_date"]
    with pytest.raises(ConflictError):
        opportunities.close_won(opp.id, 7, actual_revenue="10")
    assert close_activities(opp.id) == []
    won = opportunities.close_won(opp.id, 1, actual_revenue="0")
    assert won.actual_revenue == 0
    with pytest.raises(DomainError, match="already won; reopen it first"):
        opportunities.close_won(won.id, won.version, actual_revenue="10")
    with pytest.raises(DomainError, match="already won"):
        opportunities.close_lost(won.id, won.version)


def test_close_is_one_transaction_with_its_activity(db, acme, monkeypatch):
    opp = at_stage("qualify", acme.id)

    def broken(*args, **kwargs):
        raise DomainError("the activity could not be written")

    monkeypatch.setattr(activities, "log", broken)
    with pytest.raises(DomainError, match="could not be written"):
        opportunities.close_won(opp.id, 1)
    stored = opportunities.get(opp.id)
    assert (stored.state, stored.version, stored.actual_revenue) == ("open", 1, None)


def test_close_lost_without_competitor(db, acme, today):
    opp = at_stage("develop", acme.id, name="Servers")
    lost = opportunities.close_lost(opp.id, opp.version, reason="canceled")
    assert (lost.state, lost.status_reason, lost.lost_to_id) == ("lost", "canceled", None)
    assert lost.actual_close_date == today and lost.actual_revenue is None
    [activity] = close_activities(opp.id)
    assert activity["subject"] == "Lost: Servers"
    assert activity["description"] == "Reason: Canceled\nClose date: 2026-05-14"


def test_close_lost_to_a_competitor(db, acme, today):
    globex = add_competitor("Globex")
    opp = at_stage("propose", acme.id, name="Servers")
    lost = opportunities.close_lost(
        opp.id,
        opp.version,
        competitor_id=globex,
        close_date="2026-05-10",
        description="cheaper",
    )
    assert (lost.status_reason, lost.lost_to_id) == ("out_sold", globex)
    assert lost.actual_close_date == dt.date(2026, 5, 10) and lost.close_reason == "cheaper"
    [activity] = close_activities(opp.id)
    assert activity["description"] == (
        "Reason: Out-sold\nLost to: Globex\nClose date: 2026-05-10\n\ncheaper"
    )


def test_close_lost_refusals(db, acme):
    opp = at_stage("qualify", acme.id)
    with pytest.raises(ValidationError) as excinfo:
        opportunities.close_lost(opp.id, 1, competitor_id=999)
    assert errors_of(excinfo) == {"competitor_id": "the competitor does not exist"}
    with pytest.raises(ValidationError) as excinfo:
        opportunities.close_lost(opp.id, 1, reason="won")
    assert "out_sold, canceled" in errors_of(excinfo)["reason"]
    with pytest.raises(ConflictError):
        opportunities.close_lost(opp.id, 2)
    assert opportunities.get(opp.id).state == "open"
    assert close_activities(opp.id) == []


def test_reopen_clears_the_close(db, acme):
    globex = add_competitor()
    opp = at_stage("propose", acme.id)
    lost = opportunities.close_lost(opp.id, opp.version, competitor_id=globex, description="x")
    again = opportunities.reopen(lost.id, lost.version)
    assert (again.state, again.status_reason, again.stage) == ("open", "in_progress", "propose")
    assert (again.lost_to_id, again.actual_close_date, again.close_reason) == (None, None, "")
    won = opportunities.close_won(again.id, again.version)
    again = opportunities.reopen(won.id, won.version)
    assert again.actual_revenue is None and again.state == "open"
    actions = [e["action"] for e in audit.history("opportunity", opp.id)[:4]]
    assert actions == ["state", "state", "state", "state"]
    with pytest.raises(DomainError, match="only a won or lost one can be reopened"):
        opportunities.reopen(again.id, again.version)
    with pytest.raises(ConflictError):
        opportunities.reopen(won.id, won.version)


def test_hold_and_resume(db, acme):
    opp = at_stage("qualify", acme.id)
    held = opportunities.hold(opp.id, 1)
    assert (held.state, held.status_reason, held.version) == ("open", "on_hold", 2)
    with pytest.raises(DomainError, match="already on hold"):
        opportunities.hold(held.id, held.version)
    with pytest.raises(ConflictError):
        opportunities.resume(held.id, 1)
    resumed = opportunities.resume(held.id, held.version)
    assert resumed.status_reason == "in_progress"
    with pytest.raises(DomainError, match="already in progress"):
        opportunities.resume(resumed.id, resumed.version)
    assert audit.history("opportunity", opp.id)[0]["changes"] == {
        "status_reason": ["on_hold", "in_progress"]
    }
    won = opportunities.close_won(resumed.id, resumed.version)
    with pytest.raises(DomainError, match="reopen it before you put on hold"):
        opportunities.hold(won.id, won.version)


# --- list ----------------------------------------------------------------------------


@pytest.fixture
def team(db):
    """tester and sam in team "north", kim in "south"; each owns opportunities."""
    users.set_team("tester", "north")
    sam = users.add("sam", "Sam Seller", "sales")
    kim = users.add("kim", "Kim Closer", "sales")
    users.set_team("sam", "north")
    users.set_team("kim", "south")
    return {"tester": db.id, "sam": sam.id, "kim": kim.id}


def make(name: str, owner: int, close: str = "", revenue: str = "", **extra):
    return opportunities.create(
        {
            "name": name,
            "owner_id": owner,
            "estimated_close_date": close,
            "estimated_revenue": revenue,
            **extra,
        }
    )


def names(page) -> list[str]:
    return [row["name"] for row in page.rows]


def test_list_scopes(db, team, today):
    make("Mine", team["tester"])
    make("Sam's", team["sam"])
    make("Kim's", team["kim"])
    assert names(opportunities.page()) == ["Mine"]
    assert sorted(names(opportunities.page(scope="team"))) == ["Mine", "Sam's"]
    assert sorted(names(opportunities.page(scope="all"))) == ["Kim's", "Mine", "Sam's"]
    # a team change shows at once, without signing in again
    users.set_team("tester", "")
    assert names(opportunities.page(scope="team")) == ["Mine"]
    with pytest.raises(DomainError, match="unknown scope"):
        opportunities.page(scope="everyone")


def test_list_close_filters(db, today):
    me = db.id
    for name, close in [
        ("Last month", "2026-04-30"),
        ("Yesterday", "2026-05-13"),
        ("Today", "2026-05-14"),
        ("End of month", "2026-05-31"),
        ("June", "2026-06-30"),
        ("July", "2026-07-01"),
        ("Undated", ""),
    ]:
        make(name, me, close)
    assert names(opportunities.page(close="this_month")) == ["Yesterday", "Today", "End of month"]
    assert names(opportunities.page(close="this_quarter")) == [
        "Last month",
        "Yesterday",
        "Today",
        "End of month",
        "June",
    ]
    assert names(opportunities.page(close="overdue")) == ["Last month", "Yesterday"]
    assert len(opportunities.page(close=None).rows) == 7
    with pytest.raises(DomainError, match="unknown close filter"):
        opportunities.page(close="next_year")


@pytest.mark.parametrize(
    ("today_is", "first", "last"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 5, 14), dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 9, 30), dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 12, 31), dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ],
)
def test_quarters(today_is, first, last):
    assert opportunity_list.close_range("this_quarter", today_is) == (first, last)


def test_month_ends():
    assert opportunity_list.close_range("this_month", dt.date(2028, 2, 10)) == (
        dt.date(2028, 2, 1),
        dt.date(2028, 2, 29),
    )
    assert opportunity_list.close_range("this_month", dt.date(2026, 12, 5))[1] == dt.date(
        2026, 12, 31
    )
    assert opportunity_list.close_range("overdue", dt.date(2026, 3, 1)) == (
        None,
        dt.date(2026, 2, 28),
    )


def test_list_states(db, acme):
    make("Open one", db.id)
    opportunities.close_won(make("Won one", db.id, revenue="1").id, 1)
    opportunities.close_lost(make("Lost one", db.id).id, 1)
    assert names(opportunities.page()) == ["Open one"]
    assert names(opportunities.page(state="won")) == ["Won one"]
    assert names(opportunities.page(state="lost")) == ["Lost one"]
    assert sorted(names(opportunities.page(state="all"))) == ["Lost one", "Open one", "Won one"]
    with pytest.raises(DomainError, match="unknown state"):
        opportunities.page(state="closed")


def test_list_row_columns(db, acme):
    opp = make("Laptops", db.id, "2026-06-30", "1,000.00", account_id=acme.id, rating="hot")
    [row] = opportunities.page().rows
    assert row == {
        "id": opp.id,
        "name": "Laptops",
        "customer": "Acme Corp",
        "stage": "qualify",
        "estimated_revenue": 100000,
        "probability": 10,
        "estimated_close_date": "2026-06-30",
        "rating": "hot",
        "state": "open",
        "status_reason": "in_progress",
        "owner": db.full_name,
        "version": 1,
    }


def sample(db) -> None:
    rows = [
        ("Bravo", "2026-06-01", "300"),
        ("alpha", "", "100"),
        ("Charlie", "2026-06-01", ""),
        ("Delta", "2026-05-01", "300"),
        ("Echo", "", ""),
        ("Foxtrot", "2026-07-01", "50"),
        ("Golf", "2026-05-01", "1000"),
    ]
    for name, close, revenue in rows:
        make(name, db.id, close, revenue)


def test_list_sorts(db):
    sample(db)
    assert names(opportunities.page(sort="close_date")) == [
        "Delta",
        "Golf",
        "Bravo",
        "Charlie",
        "Foxtrot",
        "alpha",
        "Echo",
    ]
    assert names(opportunities.page(sort="name")) == [
        "alpha",
        "Bravo",
        "Charlie",
        "Delta",
        "Echo",
        "Foxtrot",
        "Golf",
    ]
    assert names(opportunities.page(sort="revenue")) == [
        "Golf",
        "Delta",
        "Bravo",
        "alpha",
        "Foxtrot",
        "Echo",
        "Charlie",
    ]
    golf = next(r for r in opportunities.page().rows if r["name"] == "Golf")
    opportunities.update(golf["id"], golf["version"], {"rating": "hot"})
    assert names(opportunities.page(sort="modified"))[0] == "Golf"
    with pytest.raises(DomainError, match="unknown sort"):
        opportunities.page(sort="probability")


@pytest.mark.parametrize("sort", ["close_date", "name", "revenue", "modified"])
@pytest.mark.parametrize("scope", ["mine", "all"])
def test_list_keyset_paging_covers_every_row_once(db, sort, scope):
    sample(db)
    everything = names(opportunities.page(sort=sort, scope=scope))
    seen, after = [], None
    while True:
        page = opportunities.page(sort=sort, scope=scope, after=after, limit=2)
        seen += names(page)
        if not page.more_after:
            break
        after = page.keys[-1]
    assert seen == everything and len(seen) == 7
    # and backwards from the end
    back = opportunities.page(sort=sort, scope=scope, last=True, limit=3)
    assert names(back) == everything[-3:]
    before = opportunities.page(sort=sort, scope=scope, before=back.keys[0], limit=3)
    assert names(before) == everything[-6:-3]


def test_list_filter_as_you_type(db, team, acme):
    make("Laptops for Acme", team["tester"], account_id=acme.id)
    make("Laptop docks", team["sam"])
    make("Servers", team["kim"], account_id=acme.id)
    assert names(opportunities.page(scope="all", query="lapt")) != []
    assert sorted(names(opportunities.page(scope="all", query="lapt"))) == [
        "Laptop docks",
        "Laptops for Acme",
    ]
    assert names(opportunities.page(query="lapt")) == ["Laptops for Acme"]
    assert sorted(names(opportunities.page(scope="team", query="lapt"))) == [
        "Laptop docks",
        "Laptops for Acme",
    ]
    # the customer's name is searchable too
    assert sorted(names(opportunities.page(scope="all", query="acme"))) == [
        "Laptops for Acme",
        "Servers",
    ]
    assert names(opportunities.page(scope="all", query="acme serv")) == ["Servers"]
    assert opportunities.page(scope="all", query="nothing-like-it").rows == []
    assert [r["name"] for r in opportunities.find_by_name("serv")] == ["Servers"]


def test_list_query_respects_close_and_state(db, today):
    make("Laptops soon", db.id, "2026-05-20")
    make("Laptops later", db.id, "2026-09-20")
    opportunities.close_lost(make("Laptops lost", db.id, "2026-05-21").id, 1)
    assert names(opportunities.page(query="laptops", close="this_month")) == ["Laptops soon"]
    assert names(opportunities.page(query="laptops", state="lost")) == ["Laptops lost"]


@pytest.mark.sqlite_only  # traces SQLite's statements
def test_list_never_uses_like(db):
    seen: list[str] = []
    conn = database.connection()

    def trace(cursor, sql, bindings):
        seen.append(sql)
        return True

    conn.exec_trace = trace
    try:
        opportunities.page(scope="all", query="lap")
        opportunities.page(scope="team")
    finally:
        conn.exec_trace = None
    assert seen and not any(" LIKE " in sql.upper() for sql in seen)
    assert any("opportunity_fts MATCH" in sql for sql in seen)


def test_labels_for_the_ui():
    assert list(opportunities.SCOPES) == ["mine", "team", "all"]
    assert list(opportunities.CLOSE_FILTERS) == [None, "this_month", "this_quarter", "overdue"]
    assert list(opportunities.VIEWS) == ["open", "won", "lost", "all"]
    assert set(opportunities.STAGE_LABELS) == set(opportunities.STAGES)
    assert list(opportunities.RATINGS) == ["hot", "warm", "cold"]
    assert opportunities.CLOSE_REASONS_LOST == {"out_sold": "Out-sold", "canceled": "Canceled"}
    assert set(opportunities.SORT_LABELS) == set(opportunity_list.SORTS)


# --- teams ---------------------------------------------------------------------------


def test_set_team_is_audited_and_admin_only(db):
    sam = users.add("sam", "Sam Seller", "sales")
    assert users.set_team("sam", "  North\t").team == "North"
    assert users.teams() == ["North"]
    entry = audit.history("user", sam.id)[0]
    assert entry["changes"] == {"team": ["", "North"]}
    assert users.set_team("sam", "").team == ""
    with pytest.raises(ValidationError) as invalid:
        users.set_team("sam", "x" * 81)
    assert invalid.value.errors == {"team": "team is 81 characters; the limit is 80"}
    with pytest.raises(NotFound):
        users.set_team("nobody", "North")
    session.act_as(users.get("sam"))
    with pytest.raises(DomainError, match="only an admin"):
        users.set_team("sam", "South")


def test_close_dates_take_the_phrases_of_every_date_field(db, acme, today):
    # TODAY is a Thursday: on a close date "thu" is today, "mon" the Monday before
    assert today.weekday() == 3
    opp = at_stage("qualify", acme.id, name="Phrased")
    won = opportunities.close_won(opp.id, 1, actual_revenue="10", close_date="-3d")
    assert won.actual_close_date == today - dt.timedelta(days=3)
    lost = at_stage("qualify", acme.id, name="Lost one")
    lost = opportunities.close_lost(lost.id, 1, close_date="mon")
    assert lost.actual_close_date == today - dt.timedelta(days=3)
    again = at_stage("qualify", acme.id, name="Today")
    again = opportunities.close_lost(again.id, 1, close_date="thu")
    assert again.actual_close_date == today
    later = at_stage("qualify", acme.id, name="Too early")
    with pytest.raises(ValidationError) as excinfo:
        opportunities.close_won(later.id, 1, actual_revenue="10", close_date="+3d")
    assert errors_of(excinfo)["close_date"] == "the close date is in the future"
    # a date that may be ahead reads today's weekday as next week's
    ahead = opportunities.create({"name": "Gate", "estimated_close_date": "thu"})
    assert ahead.estimated_close_date == today + dt.timedelta(days=7)
