"""Files as other products write them, imported: a HubSpot export (a
byte-order mark, Windows line ends, a note with a newline, a repeated
person), an address book of vCards 2.1 to 4.0, opportunities with day-first
dates settled by one cell and amounts with a decimal comma, and an Excel
workbook written by an export and read back unchanged. Every row of every
file is accounted for."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.db import dict_rows
from crm_tui.services import export
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.imports import history, mapping, plan, runs, sources, vcard

DATA = Path(__file__).parent.parent / "data" / "imports"


def guessed(path, kind):
    return mapping.guess(kind, sources.open_source(path).headers)


def test_a_hubspot_export(db, tmp_path):
    path = DATA / "hubspot_contacts.csv"
    source = sources.open_source(path)
    assert source.describe() == "UTF-8 with a byte-order mark, comma-separated"
    columns = guessed(path, "contact")
    assert columns["Record ID"] is None  # another system's id is not ours
    assert (columns["Phone Number"], columns["Company Name"], columns["Country/Region"]) == (
        "phone", "account", "country")  # fmt: skip
    columns["Company Name"] = None
    found = plan.dry_run(path, "contact", columns)
    assert found.counts == {"create": 2, "duplicate": 1, "error": 1}
    first = found.shown["create"][0]
    assert first.values["description"] == "Met at GITEX\r\nwants a demo"
    assert found.shown["duplicate"][0].problems[0][2] == "repeats row 2"
    assert found.errors[0].number == 5


def test_vcards_of_every_version(db, tmp_path):
    path = DATA / "contacts.vcf"
    columns = guessed(path, "contact")
    assert columns["Email"] == "email" and columns["Full name"] == "full_name"
    columns["Account"] = None
    found = plan.dry_run(path, "contact", columns)
    assert found.counts == {"create": 3, "error": 1}
    made = {r.values["last_name"]: r.values for r in found.shown["create"]}
    assert made["Díaz"]["mobile"] == "+44 7700 900123"
    assert made["Díaz"]["description"] == "Met at the fair, likes tea\nSecond line"
    assert made["Müller"]["first_name"] == "Jürgen"
    assert made["رضایی"]["email"] == "maryam@example.ir"
    runs.run(path, "contact", columns, errors_to=tmp_path / "e.csv")
    out = io.StringIO()
    export.write("contacts", out, "vcf")
    again = tmp_path / "again.vcf"
    again.write_text(out.getvalue(), encoding="utf-8")
    assert [r.cells["Last name"] for r in vcard.rows(again)][-3:] == ["Díaz", "رضایی", "Müller"]


def test_opportunities_in_a_day_first_file_with_decimal_commas(db, tmp_path):
    accounts.create({"name": "Contoso"})
    path = DATA / "opportunities_mixed.csv"
    found = plan.dry_run(path, "opportunity", guessed(path, "opportunity"))
    assert found.questions == {}  # 13/01/2027 settles day first; 1.250.000,00 a comma
    assert found.counts == {"create": 2, "duplicate": 1, "error": 2}
    reasons = sorted(p[0] for r in found.errors for p in r.problems)
    assert reasons == ["Amount", "Probability (%)"]
    done = runs.run(path, "opportunity", guessed(path, "opportunity"), errors_to=tmp_path / "e.csv")
    rows = dict_rows("SELECT name, estimated_revenue AS r, estimated_close_date AS d "
                     "FROM opportunity WHERE name IN ('Harbour cranes', 'Crane service') "
                     "ORDER BY name")  # fmt: skip
    assert [(r["name"], r["r"], str(r["d"])) for r in rows] == [
        ("Crane service", 98000, "2026-11-27"), ("Harbour cranes", 125000000, "2027-01-13")]  # fmt: skip
    assert done.counts == found.counts


def test_an_excel_export_read_back_changes_nothing(db, tmp_path):
    account = accounts.create({"name": "Contoso", "annual_revenue": "1250000.50"})
    contacts.create({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
                     "account_id": account.id, "description": "=1+1 is text"})  # fmt: skip
    for what, kind in (("contacts", "contact"), ("accounts", "account")):
        count, written = export.to_new_file(what, str(tmp_path / f"{what}.xlsx"))
        assert count >= 1
        upsert = plan.Options(mode="upsert", key="id")
        found = plan.dry_run(written, kind, guessed(written, kind), upsert)
        assert set(found.counts) == {"unchanged"}, [r.problems for r in found.errors]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(["", "Lee", "Ray", "نیک‌نام", "=cmd"]),
                          st.sampled_from(["", "a@x.com", "b@x.com", "bad", "A@X.COM"]),
                          st.sampled_from(["", "31/12/2026", "12/31/2026", "soon"])),
                max_size=10))  # fmt: skip
def test_a_run_never_loses_a_row(db, tmp_path_factory, people):
    folder = tmp_path_factory.mktemp("p")
    path = folder / "people.csv"
    lines = ["Last Name,Email,Follow Up", *(",".join(p) for p in people)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    before = dict_rows("SELECT count(*) AS n FROM contact")[0]["n"]
    columns = {"Last Name": "last_name", "Email": "email", "Follow Up": None}
    done = runs.run(path, "contact", columns, errors_to=folder / "errors.csv")
    rows = [p for p in people if any(p)]
    assert sum(done.counts.values()) == len(rows)
    after = dict_rows("SELECT count(*) AS n FROM contact")[0]["n"]
    assert after - before == done.counts["create"]
    not_written = done.counts["error"] + done.counts["duplicate"]
    if done.counts["error"]:
        lines = (folder / "errors.csv").read_text("utf-8-sig").splitlines()
        assert len(lines) == 1 + done.counts["error"]
    assert not_written + done.counts["create"] == len(rows)
    history.revert(done.import_id)
    assert dict_rows("SELECT count(*) AS n FROM contact")[0]["n"] == before


def test_persian_calendar_days_are_read_and_said(db, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("Topic,Close\r\nDeal A,1403/05/12\r\nDeal B,۱۴۰۳/۱۲/۳۰\r\nDeal C,1402/12/30\r\n",
                    encoding="utf-8")  # fmt: skip
    mapped = {"Topic": "name", "Close": "estimated_close_date"}
    found = plan.dry_run(path, "opportunity", mapped)
    assert found.notes == ["Close: read as Solar Hijri (Persian calendar) days, "
                           "1403/05/12 = 02 Aug 2024"]  # fmt: skip
    assert found.counts == {"create": 2, "error": 1}  # Esfand 30 of a common year is no day
    days = [str(r.values["estimated_close_date"]) for r in found.shown["create"]]
    assert days == ["2024-08-02", "2025-03-20"]
