"""Contracts: drafts, lines with allotments, the state machine, expiry by
date, attaching cases (customer, dates, used-up lines) and consumption."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui.db import database
from crm_tui.errors import ConflictError, DomainError, ValidationError
from crm_tui.services import dates
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.support import contracts

TODAY = dates.today()
START = TODAY - dt.timedelta(days=30)
END = TODAY + dt.timedelta(days=335)


@pytest.fixture
def acme(db):
    return accounts.create({"name": "Acme"})


def draft(account, **data):
    values = {"name": "Support 2026", "account_id": account.id, "starts_on": START,
              "ends_on": END}  # fmt: skip
    values.update(data)
    return contracts.create(values)


def active(account, line=None, **data):
    row = draft(account, **data)
    row = contracts.add_line(row.id, row.version, line or {"allotment_type": "cases", "total": 3})
    return contracts.activate(row.id, row.version)


def test_create_numbers_a_draft_and_audits(acme):
    first = draft(acme)
    second = draft(acme, name="Second")
    assert (first.number, second.number) == ("CNT-00001", "CNT-00002")
    assert first.state == "draft" and first.version == 1
    assert (first.starts_on, first.ends_on) == (START, END)
    assert contracts.customer_name(first) == "Acme"
    trail = contracts.audit_trail(first.id)
    assert trail[0]["action"] == "create" and trail[0]["user"]


def test_create_refuses_bad_data(acme):
    with pytest.raises(ValidationError) as caught:
        contracts.create({"name": "", "starts_on": "2026-13-01", "ends_on": END})
    assert set(caught.value.errors) >= {"name", "starts_on"}
    with pytest.raises(ValidationError) as caught:
        contracts.create({"name": "X", "starts_on": START, "ends_on": END})
    assert "customer" in caught.value.errors["account_id"]
    with pytest.raises(ValidationError) as caught:
        draft(acme, ends_on=START - dt.timedelta(days=1))
    assert "before the start" in caught.value.errors["ends_on"]
    with pytest.raises(ValidationError) as invalid:
        draft(acme, account_id=99999)
    assert invalid.value.errors == {"account_id": "the account does not exist"}


def test_contact_customer(db):
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee"})
    row = contracts.create({"name": "Ann's", "contact_id": ann.id, "starts_on": START,
                            "ends_on": END})  # fmt: skip
    assert contracts.customer_name(row) == "Ann Lee"
    assert [r["id"] for r in contracts.contracts_of("contact", ann.id)] == [row.id]


def test_only_a_draft_is_editable(acme):
    row = draft(acme)
    row = contracts.update(row.id, row.version, {"name": "Renamed", "description": "x"})
    assert (row.name, row.version) == ("Renamed", 2)
    with pytest.raises(ConflictError):
        contracts.update(row.id, 1, {"name": "Stale"})
    row = contracts.add_line(row.id, row.version, {"allotment_type": "coverage"})
    line_id = contracts.lines_of(row.id)[0]["id"]
    row = contracts.activate(row.id, row.version)
    for attempt in (
        lambda: contracts.update(row.id, row.version, {"name": "No"}),
        lambda: contracts.add_line(row.id, row.version, {"allotment_type": "coverage"}),
        lambda: contracts.update_line(row.id, row.version, line_id, {"title": "No"}),
        lambda: contracts.remove_line(row.id, row.version, line_id),
    ):
        with pytest.raises(DomainError, match="only a draft contract can be edited"):
            attempt()


def test_lines_add_update_remove(acme):
    row = draft(acme)
    row = contracts.add_line(row.id, row.version, {"allotment_type": "cases", "total": "5"})
    row = contracts.add_line(
        row.id, row.version, {"allotment_type": "minutes", "total": 600, "title": "Hours"}
    )
    row = contracts.add_line(row.id, row.version, {"allotment_type": "coverage"})
    lines = contracts.lines_of(row.id)
    assert [(li["line_number"], li["allotment_type"], li["total"], li["remaining"])
            for li in lines] == [(1, "cases", 5, 5), (2, "minutes", 600, 600),
                                 (3, "coverage", None, None)]  # fmt: skip
    assert lines[0]["title"] == "Number of cases" and lines[1]["title"] == "Hours"
    assert (lines[0]["starts_on"], lines[0]["ends_on"]) == (START, END)
    assert row.version == 4
    row = contracts.update_line(row.id, row.version, lines[0]["id"], {"total": 7})
    assert contracts.lines_of(row.id)[0]["total"] == 7
    row = contracts.remove_line(row.id, row.version, lines[2]["id"])
    assert [li["line_number"] for li in contracts.lines_of(row.id)] == [1, 2]
    actions = [e["action"] for e in contracts.audit_trail(row.id)]
    assert actions.count("line added") == 3 and "line changed" in actions
    assert "line removed" in actions
    with pytest.raises(ConflictError):
        contracts.add_line(row.id, 1, {"allotment_type": "coverage"})


def test_line_refusals(acme):
    row = draft(acme)
    with pytest.raises(ValidationError, match="needs a total"):
        contracts.add_line(row.id, row.version, {"allotment_type": "cases"})
    with pytest.raises(ValidationError, match="needs a total"):
        contracts.add_line(row.id, row.version, {"allotment_type": "minutes", "total": ""})
    with pytest.raises(ValidationError) as invalid:
        contracts.add_line(row.id, row.version, {"allotment_type": "hours", "total": 1})
    assert (
        set(invalid.value.errors) == {"allotment_type"}
        and "'hours' is not one of" in invalid.value.errors["allotment_type"]
    )
    with pytest.raises(ValidationError, match="within the contract"):
        contracts.add_line(
            row.id,
            row.version,
            {"allotment_type": "coverage", "ends_on": END + dt.timedelta(days=1)},
        )
    with pytest.raises(ValidationError, match="within the contract"):
        contracts.add_line(
            row.id,
            row.version,
            {"allotment_type": "coverage", "starts_on": START - dt.timedelta(days=1)},
        )
    # the contract's dates cannot shrink past a line
    row = contracts.add_line(row.id, row.version, {"allotment_type": "coverage"})
    with pytest.raises(ValidationError, match="outside"):
        contracts.update(row.id, row.version, {"ends_on": END - dt.timedelta(days=1)})


def test_transitions(acme):
    row = draft(acme)
    with pytest.raises(DomainError, match="no lines"):
        contracts.activate(row.id, row.version)
    with pytest.raises(DomainError, match="only an active contract can be put on hold"):
        contracts.hold(row.id, row.version)
    with pytest.raises(DomainError, match="only a contract on hold can be resumed"):
        contracts.resume(row.id, row.version)
    row = contracts.add_line(row.id, row.version, {"allotment_type": "cases", "total": 1})
    row = contracts.activate(row.id, row.version)
    assert row.state == "active"
    with pytest.raises(DomainError, match="already active"):
        contracts.activate(row.id, row.version)
    with pytest.raises(ConflictError):
        contracts.hold(row.id, row.version - 1)
    row = contracts.hold(row.id, row.version)
    assert row.state == "on_hold"
    with pytest.raises(DomainError, match="only a draft contract can be activated"):
        contracts.activate(row.id, row.version)
    row = contracts.resume(row.id, row.version)
    assert row.state == "active"
    row = contracts.cancel(row.id, row.version)
    assert row.state == "canceled"
    for verb in (contracts.activate, contracts.hold, contracts.resume):
        with pytest.raises(DomainError, match="canceled"):
            verb(row.id, row.version)
    with pytest.raises(DomainError, match="already canceled"):
        contracts.cancel(row.id, row.version)
    # cancel from draft and from on hold too
    other = draft(acme)
    assert contracts.cancel(other.id, other.version).state == "canceled"
    held = active(acme)
    held = contracts.hold(held.id, held.version)
    assert contracts.cancel(held.id, held.version).state == "canceled"
    states = [
        e["changes"]["state"] for e in contracts.audit_trail(row.id) if e["action"] == "state"
    ]
    assert states == [
        ["draft", "active"], ["active", "on_hold"], ["on_hold", "active"], ["active", "canceled"]
    ]  # fmt: skip


def test_activate_refuses_a_contract_already_past_its_end(acme):
    row = draft(acme, starts_on=TODAY - dt.timedelta(days=60), ends_on=TODAY - dt.timedelta(1))
    row = contracts.add_line(row.id, row.version, {"allotment_type": "coverage"})
    with pytest.raises(DomainError, match="change its end date"):
        contracts.activate(row.id, row.version)


def test_expiry_by_date(acme):
    running = active(acme, name="Running")
    held = active(acme, name="Held")
    held = contracts.hold(held.id, held.version)
    still_draft = draft(acme, name="Draft")
    later = active(acme, name="Later", ends_on=END + dt.timedelta(days=10))
    assert contracts.expire_due(END) == 0  # ends_on < today only
    assert contracts.expire_due(END + dt.timedelta(days=1)) == 2
    assert contracts.expire_due(END + dt.timedelta(days=1)) == 0
    assert contracts.get(running.id).state == "expired"
    assert contracts.get(held.id).state == "expired"
    assert contracts.get(running.id).version == running.version + 1
    assert contracts.get(still_draft.id).state == "draft"
    assert contracts.get(later.id).state == "active"
    entry = contracts.audit_trail(held.id)[-1]
    assert entry["action"] == "expired" and entry["user"] is None
    assert entry["changes"] == {"state": ["on_hold", "expired"]}
    expired = contracts.get(running.id)
    with pytest.raises(DomainError, match="expired"):
        contracts.resume(expired.id, expired.version)
    with pytest.raises(DomainError, match="expired"):
        contracts.cancel(expired.id, expired.version)


def test_reads_expire_contracts_that_have_ended(acme):
    row = active(acme)
    # as if time passed: its end date is now behind us
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    database.execute_sql("UPDATE contract SET ends_on = ? WHERE id = ?", (yesterday, row.id))
    database.execute_sql(
        "UPDATE contract_line SET ends_on = ? WHERE contract_id = ?", (yesterday, row.id)
    )
    assert [r["id"] for r in contracts.page(view="active").rows] == []
    assert contracts.get(row.id).state == "expired"


def test_check_attach(acme):
    row = active(acme, line={"allotment_type": "cases", "total": 1})
    line = contracts.lines_of(row.id)[0]
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "account_id": acme.id})
    stranger = contacts.create({"first_name": "Sam", "last_name": "Roe"})
    other = accounts.create({"name": "Other"})
    assert contracts.check_attach(line["id"], acme.id, None, TODAY) is None
    assert contracts.check_attach(line["id"], None, ann.id, TODAY) is None
    with pytest.raises(DomainError, match="is for Acme"):
        contracts.check_attach(line["id"], other.id, None, TODAY)
    with pytest.raises(DomainError, match="is for Acme"):
        contracts.check_attach(line["id"], None, stranger.id, TODAY)
    with pytest.raises(DomainError, match="covers"):
        contracts.check_attach(line["id"], acme.id, None, START - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="covers"):
        contracts.check_attach(line["id"], acme.id, None, END + dt.timedelta(days=1))
    # a line narrower than its contract
    row2 = draft(acme)
    row2 = contracts.add_line(
        row2.id, row2.version, {"allotment_type": "coverage", "starts_on": TODAY}
    )
    row2 = contracts.activate(row2.id, row2.version)
    narrow = contracts.lines_of(row2.id)[0]
    with pytest.raises(DomainError, match="covers"):
        contracts.check_attach(narrow["id"], acme.id, None, TODAY - dt.timedelta(days=1))
    assert contracts.check_attach(narrow["id"], acme.id, None, TODAY) is None
    # used up: a warning, not a refusal
    contracts.consume(line["id"], None)
    warning = contracts.check_attach(line["id"], acme.id, None, TODAY)
    assert "used up" in warning and "0 remaining" in warning
    # not active
    held = contracts.hold(row.id, contracts.get(row.id).version)
    with pytest.raises(DomainError, match="only an active contract"):
        contracts.check_attach(line["id"], acme.id, None, TODAY)
    draft_row = draft(acme)
    draft_row = contracts.add_line(draft_row.id, draft_row.version, {"allotment_type": "coverage"})
    with pytest.raises(DomainError, match="draft"):
        contracts.check_attach(contracts.lines_of(draft_row.id)[0]["id"], acme.id, None, TODAY)
    assert held.state == "on_hold"


def test_check_attach_contact_contract(db):
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee"})
    bob = contacts.create({"first_name": "Bob", "last_name": "Ray"})
    row = contracts.create({"name": "Ann's", "contact_id": ann.id, "starts_on": START,
                            "ends_on": END})  # fmt: skip
    row = contracts.add_line(row.id, row.version, {"allotment_type": "coverage"})
    row = contracts.activate(row.id, row.version)
    line_id = contracts.lines_of(row.id)[0]["id"]
    assert contracts.check_attach(line_id, None, ann.id, TODAY) is None
    with pytest.raises(DomainError, match="is for Ann Lee"):
        contracts.check_attach(line_id, None, bob.id, TODAY)


def test_consume_each_allotment_type(acme):
    row = draft(acme)
    for data in (
        {"allotment_type": "cases", "total": 2},
        {"allotment_type": "minutes", "total": 120},
        {"allotment_type": "coverage"},
    ):
        row = contracts.add_line(row.id, row.version, data)
    row = contracts.activate(row.id, row.version)
    cases, minutes, coverage = (li["id"] for li in contracts.lines_of(row.id))
    contracts.consume(cases, 45)
    contracts.consume(minutes, 45)
    contracts.consume(minutes, None)
    contracts.consume(coverage, 30)
    lines = contracts.lines_of(row.id)
    assert [(li["used"], li["remaining"]) for li in lines] == [(1, 1), (45, 75), (0, None)]
    contracts.consume(minutes, 100)  # past the total: recorded, remaining shows 0
    assert contracts.lines_of(row.id)[1]["used"] == 145
    assert contracts.lines_of(row.id)[1]["remaining"] == 0
    used = [e for e in contracts.audit_trail(row.id) if e["action"] == "allotment used"]
    assert used[0]["changes"]["line 1 used"] == [0, 1]
    assert used[1]["changes"]["line 2 used"] == [0, 45]
    # consumption does not bump the contract's version (nobody edits an active one)
    assert contracts.get(row.id).version == row.version


def test_lists(acme):
    a = active(acme, name="Alpha support")
    b = draft(acme, name="Beta support")
    c = draft(acme, name="Gamma")
    contracts.cancel(c.id, c.version)
    assert [r["name"] for r in contracts.page(view="active").rows] == ["Alpha support"]
    assert [r["name"] for r in contracts.page(view="draft").rows] == ["Beta support"]
    assert [r["name"] for r in contracts.page(view="ended").rows] == ["Gamma"]
    rows = contracts.page(view="all").rows
    assert [r["name"] for r in rows] == ["Alpha support", "Beta support", "Gamma"]
    assert rows[0]["customer"] == "Acme"
    assert set(contracts.VIEWS) >= {"active", "draft", "all"}
    assert [r["id"] for r in contracts.find_by_name("beta")] == [b.id]
    assert [r["id"] for r in contracts.find_by_name("cnt-00001")] == [a.id]
    assert contracts.find_by_name("  ") == []
    assert len(contracts.contracts_of("account", acme.id)) == 3
    usable = contracts.contracts_of("account", acme.id, usable_on=TODAY)
    assert [r["id"] for r in usable] == [a.id]
    with pytest.raises(DomainError):
        contracts.contracts_of("lead", 1)


def test_line_product_must_exist(acme):
    row = draft(acme)
    with pytest.raises(ValidationError, match="product does not exist"):
        contracts.add_line(row.id, row.version, {"allotment_type": "coverage", "product_id": "x"})


def test_usable_lines_of_a_customer_and_their_labels(acme):
    other = accounts.create({"name": "Other"})
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "account_id": acme.id})
    cases_line = active(acme)
    minutes = draft(acme, name="Hours")
    minutes = contracts.add_line(
        minutes.id, minutes.version, {"allotment_type": "minutes", "total": 600, "title": "Hours"}
    )
    contracts.activate(minutes.id, minutes.version)
    draft(acme, name="Not active yet")
    active(other, name="Someone else's")
    found = contracts.usable_lines(acme.id, None, TODAY)
    assert [r["contract_id"] for r in found] == [cases_line.id, minutes.id]
    assert found[0]["label"] == f"{cases_line.number} line 1 · Number of cases · 3 of 3 cases left"
    assert found[1]["label"].endswith("Hours · 600 of 600 minutes left")
    # a contact alone brings its account's contracts
    assert contracts.usable_lines(None, ann.id, TODAY) == found
    # outside the dates: nothing
    assert contracts.usable_lines(acme.id, None, END + dt.timedelta(days=1)) == []
    assert contracts.line_label(found[1]["id"]) == found[1]["label"]
    assert contracts.line_label(99999) == ""


def test_cases_of_a_contract(acme):
    from crm_tui.services.support import cases

    row = active(acme)
    line = contracts.lines_of(row.id)[0]
    used = cases.create({"title": "Broken", "account_id": acme.id, "contract_line_id": line["id"]})
    cases.create({"title": "Unrelated", "account_id": acme.id})
    found = contracts.cases_of(row.id)
    assert [(r["number"], r["line_number"]) for r in found] == [(used.number, 1)]


def test_contract_dates_take_day_phrases(acme, monkeypatch):
    thursday = dt.date(2026, 11, 26)
    monkeypatch.setattr(dates, "today", lambda: thursday)
    row = contracts.create(
        {"name": "Phrased", "account_id": acme.id, "starts_on": "fri", "ends_on": "+1m"}
    )
    assert (row.starts_on, row.ends_on) == (dt.date(2026, 11, 27), dt.date(2026, 12, 26))
    # as a list or form shows a day, and refused with the forms it takes
    row = contracts.update(row.id, row.version, {"ends_on": "31 Dec 2027"})
    assert row.ends_on == dt.date(2027, 12, 31)
    with pytest.raises(ValidationError) as excinfo:
        contracts.update(row.id, row.version, {"ends_on": "end of year"})
    assert excinfo.value.errors["ends_on"] == (
        "'end of year' is not a date; try today, tomorrow, fri, +3d, +2w or 2026-12-01"
    )
