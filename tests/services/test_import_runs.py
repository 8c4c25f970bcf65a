"""Writing an import and undoing it: rows written through the kinds' own
services in short batches, the run recorded with what it created and
changed, an error file for the rest, and a revert that keeps what was
changed since."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import ValidationError
from crm_tui.services import export
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.imports import history, mapping, plan, runs, sources
from crm_tui.services.sales import products

DATA = Path(__file__).parent.parent / "data" / "imports"


def count(table: str) -> int:
    return dict_rows(f'SELECT count(*) AS n FROM "{table}"')[0]["n"]


def guessed(path, kind):
    return mapping.guess(kind, sources.open_source(path).headers)


def write(tmp_path, name: str, body: str, encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding=encoding)
    return path


def test_a_run_writes_the_planned_rows_records_them_and_reports_the_rest(db, tmp_path):
    contacts.create({"first_name": "Sara", "last_name": "Karimi", "email": "sara@parstile.ir"})
    path = write(tmp_path, "people.csv",
                 "First Name,Last Name,Email\r\n"
                 "Ann,Lee,ann@example.com\r\n"
                 "Bo,Ray,not-an-email\r\n"
                 "Sara,Karimi,sara@parstile.ir\r\n"
                 "Cy,Wu,cy@example.com\r\n")  # fmt: skip
    before = count("contact")
    done = runs.run(path, "contact", guessed(path, "contact"))
    assert done.counts == {"create": 2, "error": 1, "duplicate": 1}
    assert count("contact") == before + 2
    recorded = history.get(done.import_id)
    assert (recorded.state, recorded.counts, recorded.file_name) == (
        "done", {"create": 2, "duplicate": 1, "error": 1}, "people.csv")  # fmt: skip
    with open(done.error_file, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["First Name", "Last Name", "Email", *runs.PROBLEM_COLUMNS]
    assert rows[1][:4] == ["Bo", "Ray", "not-an-email", "3"]
    assert "Email" in rows[1][4]
    assert Path(done.error_file).stat().st_mode & 0o777 == 0o600


def test_revert_removes_what_was_created_and_keeps_what_was_changed_since(db, tmp_path):
    path = write(tmp_path, "people.csv",
                 "Full Name,Email\r\nAnn Lee,ann@example.com\r\nCy Wu,cy@example.com\r\n")  # fmt: skip
    before = count("contact")
    done = runs.run(path, "contact", guessed(path, "contact"))
    cy = dict_rows("SELECT id, version FROM contact WHERE email = 'cy@example.com'")[0]
    contacts.update(cy["id"], cy["version"], {"job_title": "Buyer"})
    undone = history.revert(done.import_id)
    assert undone.removed == 1
    assert [(k, why) for k, _id, _title, why in undone.kept] == [
        ("contact", "changed since the import")]  # fmt: skip
    assert count("contact") == before + 1
    assert history.get(done.import_id).state == "reverted"
    deleted = dict_rows("SELECT count(*) AS n FROM audit_entry WHERE action = 'delete'")[0]["n"]
    assert deleted == 1
    with pytest.raises(Exception, match="already reverted"):
        history.revert(done.import_id)


def test_upsert_updates_by_email_and_revert_puts_the_old_values_back(db, tmp_path):
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
                           "job_title": "Clerk", "city": "Leeds"})  # fmt: skip
    path = write(tmp_path, "people.csv",
                 "Email,Job Title,City\r\n"
                 "ANN@example.com,Buyer,\r\n"
                 "new@example.com,Chief,York\r\n")  # fmt: skip
    options = plan.Options(mode="upsert", key="email")
    mapped = {"Email": "email", "Job Title": "job_title", "City": "city"}
    dry = plan.dry_run(path, "contact", mapped, options)
    assert dry.counts == {"update": 1, "error": 1}  # a new contact needs a last name
    done = runs.run(path, "contact", mapped, options)
    changed = contacts.get(ann.id)
    assert (changed.job_title, changed.city) == ("Buyer", "Leeds")  # an empty cell leaves it
    history.revert(done.import_id)
    assert contacts.get(ann.id).job_title == "Clerk"


def test_update_only_refuses_rows_that_match_nothing(db, tmp_path):
    path = write(tmp_path, "p.csv", "Product Number,List Price\r\nNOPE-1,10.00\r\n")
    products.create({"product_number": "P-1", "name": "Widget", "list_price": "5.00"})
    found = plan.dry_run(path, "product", guessed(path, "product"),
                         plan.Options(mode="update", key="product number"))  # fmt: skip
    assert found.counts == {"error": 1}
    assert "no product has this product number" in found.errors[0].problems[0][2]


def test_an_export_imported_again_with_upsert_on_its_id_changes_nothing(db, tmp_path):
    account = accounts.create({"name": "Contoso", "annual_revenue": "1250000.50",
                               "employees": "40", "industry": "Consulting"})  # fmt: skip
    contacts.create({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
                     "account_id": account.id, "phone": "+442079460958"})  # fmt: skip
    contacts.create({"first_name": "مریم", "last_name": "رضایی", "city": "تهران"})
    for what, kind, other_key in (
        ("contacts", "contact", "email"),
        ("accounts", "account", "name"),
    ):
        out = io.StringIO()
        export.write(what, out)
        path = write(tmp_path, f"{what}.csv", out.getvalue())
        upsert = plan.Options(mode="upsert", key="id")
        found = plan.dry_run(path, kind, guessed(path, kind), upsert)
        assert found.counts == {"unchanged": count(kind)}, [r.problems for r in found.errors]
        by_other = plan.dry_run(path, kind, guessed(path, kind), plan.Options("upsert", other_key))
        # the contact without an email has nothing to be matched on: it would be new
        assert by_other.counts == ({"unchanged": 1, "create": 1} if kind == "contact"
                                   else {"unchanged": 1})  # fmt: skip
        done = runs.run(path, kind, guessed(path, kind), upsert)
        assert done.counts == {"unchanged": count(kind)}


def test_a_missing_account_is_created_when_asked(db, tmp_path):
    path = write(tmp_path, "p.csv",
                 "Last Name,Company\r\nLee,Fabrikam\r\nRay,Fabrikam\r\nWu,\r\n")  # fmt: skip
    refused = plan.dry_run(path, "contact", guessed(path, "contact"))
    assert refused.counts == {"error": 2, "create": 1}
    asked = plan.Options(create_missing=True)
    found = plan.dry_run(path, "contact", guessed(path, "contact"), asked)
    assert found.counts == {"create": 3}
    assert found.to_create_first == {("account", "Fabrikam")}
    before = count("account")
    done = runs.run(path, "contact", guessed(path, "contact"), asked)
    assert count("account") == before + 1
    linked = dict_rows("SELECT count(*) AS n FROM contact c JOIN account a ON a.id = c.account_id "
                       "WHERE a.name = 'Fabrikam'")[0]["n"]  # fmt: skip
    assert linked == 2
    history.revert(done.import_id)  # the account it made goes with its contacts
    assert count("account") == before


def test_ambiguous_dates_are_asked_and_read_as_answered(db, tmp_path):
    path = write(tmp_path, "o.csv",
                 "Topic,Est. Close Date,Amount\r\n"
                 "Deal A,03/04/2027,\"1.250,50\"\r\n"
                 "Deal B,05/06/2027,\"2.000,00\"\r\n")  # fmt: skip
    mapped = {
        "Topic": "name",
        "Est. Close Date": "estimated_close_date",
        "Amount": "estimated_revenue",
    }
    found = plan.dry_run(path, "opportunity", mapped)
    assert list(found.questions) == ["Est. Close Date"]
    assert found.counts == {"error": 2}
    with pytest.raises(ValidationError):
        runs.run(path, "opportunity", mapped)
    runs.run(path, "opportunity", mapped, plan.Options(dates="mdy"))
    rows = dict_rows("SELECT name, estimated_close_date AS d, estimated_revenue AS r "
                     "FROM opportunity ORDER BY name")  # fmt: skip
    assert [(r["name"], str(r["d"]), r["r"]) for r in rows][-2:] == [
        ("Deal A", "2027-03-04", 125050), ("Deal B", "2027-05-06", 200000)]  # fmt: skip


def test_leads_products_cases_and_activities_import(db, tmp_path):
    found = plan.dry_run(DATA / "salesforce_leads.csv", "lead",
                         guessed(DATA / "salesforce_leads.csv", "lead"))  # fmt: skip
    assert found.counts["create"] >= 1
    before = count("lead")
    runs.run(DATA / "salesforce_leads.csv", "lead", guessed(DATA / "salesforce_leads.csv", "lead"),
             errors_to=tmp_path / "leads.errors.csv")  # fmt: skip
    assert count("lead") == before + found.counts["create"]
    leads_now = count("lead")
    assert leads_now > before
    account = accounts.create({"name": "Contoso"})
    path = write(tmp_path, "cases.csv",
                 "Case Title,Customer,Priority,Origin\r\n"
                 "Printer jams,Contoso,High,Email\r\n"
                 "No customer,,Normal,Phone\r\n")  # fmt: skip
    done = runs.run(path, "case", guessed(path, "case"))
    assert done.counts == {"create": 1, "error": 1}
    case = dict_rows("SELECT number, priority, origin, account_id FROM \"case\" "
                     "WHERE title = 'Printer jams'")[0]  # fmt: skip
    assert (case["priority"], case["origin"], case["account_id"]) == ("high", "email", account.id)
    path = write(tmp_path, "acts.csv",
                 "Type,Subject,Regarding,Due Date\r\n"
                 f"Task,Call back,{case['number']},2027-01-15 10:00\r\n"
                 "Phone Call,Intro,Contoso,\r\n"
                 "Task,Lost,Nobody Inc,\r\n")  # fmt: skip
    dry = plan.dry_run(path, "activity", guessed(path, "activity"))
    assert [(r.number, r.problems[0][2]) for r in dry.errors] == [
        (4, "no record has this name or number")]  # fmt: skip
    done = runs.run(path, "activity", guessed(path, "activity"))
    assert done.counts == {"create": 2, "error": 1}
    made = dict_rows("SELECT kind, regarding_type, state FROM activity WHERE subject IN "
                     "('Call back', 'Intro') ORDER BY subject")  # fmt: skip
    assert [(r["kind"], r["regarding_type"]) for r in made] == [
        ("task", "case"),
        ("phone_call", "account"),
    ]


def test_a_stopped_run_keeps_what_it_wrote_and_can_be_reverted(db, tmp_path, monkeypatch):
    monkeypatch.setattr(runs, "BATCH", 2)
    body = "Last Name\r\n" + "".join(f"P{i}\r\n" for i in range(7))
    path = write(tmp_path, "p.csv", body)
    before = count("contact")
    done = runs.run(path, "contact", {"Last Name": "last_name"}, stop=lambda: True)
    assert count("contact") == before + 2
    assert history.get(done.import_id).state == "stopped"
    history.revert(done.import_id)
    assert count("contact") == before


def test_a_person_who_may_not_create_the_kind_is_refused_before_the_file_is_read(db, tmp_path):
    from crm_tui.errors import PermissionDenied
    from crm_tui.models import User
    from crm_tui.services import roles, session, users

    users.add("lone", "Lone Agent", "agent")
    roles.set_depth("agent", "product", "create", "none")
    session.act_as(User.get(User.login == "lone"))
    path = write(tmp_path, "p.csv", "Product Number,Name\r\nP-9,Widget\r\n")
    with pytest.raises(PermissionDenied):
        plan.dry_run(path, "product", guessed(path, "product"))
    before = count("import_run")
    with pytest.raises(PermissionDenied):
        runs.run(path, "product", guessed(path, "product"))
    assert count("import_run") == before  # nothing recorded either


def test_every_imported_cell_is_cleaned_as_typed_text_is(db, tmp_path):
    path = write(tmp_path, "p.csv",
                 'Last Name,Job Title,Notes\r\n"\x1b[31mRed\x1b[0m","[bold]Boss[/]\u202e","a\x07b"\r\n')  # fmt: skip
    done = runs.run(path, "contact", guessed(path, "contact"))
    assert done.counts == {"create": 1}
    row = dict_rows("SELECT last_name, job_title, description FROM contact WHERE id = "
                    "(SELECT max(id) FROM contact)")[0]  # fmt: skip
    assert "\x1b" not in row["last_name"] and "\x07" not in row["description"]
    assert "\u202e" not in row["job_title"]


@pytest.mark.sqlite_only
def test_rows_planned_in_a_second_process_are_written_as_planned_here(db, tmp_path):
    contacts.create({"first_name": "Sara", "last_name": "Karimi", "email": "sara@parstile.ir"})
    accounts.create({"name": "Fabrikam"})
    body = (
        "Full Name,Email,Company\r\n"
        + "".join(
            f"Person {i},p{i % 40}@example.com,{'Fabrikam' if i % 3 else 'Nowhere Ltd'}\r\n"
            for i in range(120)
        )
        + "Sara Karimi,sara@parstile.ir,\r\nNo Email,bad,\r\n"
    )
    path = write(tmp_path, "p.csv", body)
    columns = guessed(path, "contact")
    options = plan.Options(create_missing=True)
    expected = plan.dry_run(path, "contact", columns, options)
    before = count("contact")
    runner = runs.Runner(path, "contact", columns, options, batch=16, parallel=True,
                         errors_to=tmp_path / "e.csv")  # fmt: skip
    assert runner._planned is not None  # planned in a second process
    while runner.step():
        pass
    done = runner.finish()
    assert done.counts == expected.counts
    assert count("contact") == before + expected.counts["create"]
    assert dict_rows("SELECT count(*) AS n FROM account WHERE name = 'Nowhere Ltd'")[0]["n"] == 1
    history.revert(done.import_id)
    assert count("contact") == before


def test_a_run_cut_short_can_be_reverted_once_it_has_stopped_writing(db, tmp_path):
    from crm_tui.db import database, write

    path = tmp_path / "p.csv"
    path.write_text("Last Name\r\n" + "".join(f"P{i}\r\n" for i in range(6)), "utf-8")
    before = count("contact")
    runner = runs.Runner(path, "contact", {"Last Name": "last_name"}, batch=2)
    runner.step()  # then the process dies: finish() is never called
    assert count("contact") == before + 2
    assert history.get(runner.import_id).counts == {"create": 2}
    with pytest.raises(Exception, match="still running"):
        history.revert(runner.import_id)
    with write():
        database.execute_sql("UPDATE import_run SET finished_at = '2000-01-01T00:00:00.000000' "
                             "WHERE id = ?", (runner.import_id,))  # fmt: skip
    history.revert(runner.import_id)
    assert count("contact") == before


def test_an_update_of_a_record_the_person_may_not_change_is_an_error_in_the_dry_run(db, tmp_path):
    from crm_tui.models import User
    from crm_tui.services import roles, session, users

    theirs = contacts.create({"last_name": "Other", "email": "other@example.com"})
    users.add("lone", "Lone Agent", "agent")
    roles.set_depth("agent", "contact", "write", "own")
    session.act_as(User.get(User.login == "lone"))
    path = write(tmp_path, "p.csv", "Email,Job Title\r\nother@example.com,Boss\r\n")
    options = plan.Options(mode="update", key="email")
    found = plan.dry_run(path, "contact", {"Email": "email", "Job Title": "job_title"}, options)
    assert [r.problems[0] for r in found.errors] == [
        ("Email", "other@example.com", "you may not change this contact")]  # fmt: skip
    assert contacts.get(theirs.id).job_title == ""


def test_an_owner_is_named_by_login_or_name_and_an_unknown_one_says_how(db, tmp_path):
    from crm_tui.services import users

    users.add("sara", "Sara Karimi", "sales")
    path = write(tmp_path, "p.csv",
                 "Last Name,Owner\r\nLee,sara\r\nRay,SARA KARIMI\r\nWu,nobody\r\n")  # fmt: skip
    found = plan.dry_run(path, "contact", {"Last Name": "last_name", "Owner": "owner"})
    assert found.counts == {"create": 2, "error": 1}
    assert found.errors[0].problems[0][2] == "no user has this login or name"
    owners = {r.values["owner_id"] for r in found.shown["create"]}
    assert len(owners) == 1


def test_a_duplicate_is_named_only_when_the_person_may_read_it(db, tmp_path):
    from crm_tui.models import User
    from crm_tui.services import roles, session, users

    contacts.create({"last_name": "Hidden", "email": "hidden@example.com"})
    users.add("lone", "Lone Agent", "agent")
    roles.set_depth("agent", "contact", "read", "own")
    session.act_as(User.get(User.login == "lone"))
    path = write(tmp_path, "p.csv", "Last Name,Email\r\nNew,hidden@example.com\r\n")
    found = plan.dry_run(path, "contact", guessed(path, "contact"))
    assert found.counts == {"create": 1}  # Hidden is not named to someone who may not read it
