"""Saved and built-in reports: kept under a name, shared like views, run
from the command line as a table, CSV, JSON or an Excel workbook whose
totals are the engine's."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from crm_tui import cli
from crm_tui.db import close_database
from crm_tui.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from crm_tui.services import session, users
from crm_tui.services.customers import accounts
from crm_tui.services.reporting import builtin, engine, files, saved
from crm_tui.services.reporting.spec import Grouping, Measure, Spec
from crm_tui.services.sales import opportunities

BY_RATING = Spec(
    "opportunity",
    groups=(Grouping("rating"),),
    measures=(Measure(), Measure("sum", "estimated_revenue")),
)


def deals() -> None:
    acme = accounts.create({"name": '=HYPERLINK("x")'})
    for name, rating, revenue in (("A", "hot", "1000.50"), ("B", "hot", "99.50"),
                                  ("C", "cold", "20000")):  # fmt: skip
        opportunities.create({"name": name, "account_id": acme.id, "rating": rating,
                              "estimated_revenue": revenue})  # fmt: skip


def test_every_built_in_report_runs(db):
    deals()
    for report in builtin.reports():
        result = engine.run(report.spec)
        assert result.totals, report.name
    assert saved.by_name("pipeline").key == "builtin:pipeline"


def test_a_saved_report_is_shared_like_a_view(db):
    users.add("rana", "Rana Sales", "sales")
    users.add("mina", "Mina Manager", "manager")
    users.set_team("rana", "north")
    users.set_team("mina", "north")
    session.sign_in("rana")
    mine = saved.save(" My stages ", BY_RATING)
    assert (mine.name, mine.scope, mine.spec) == ("My stages", "personal", BY_RATING)
    with pytest.raises(PermissionDenied, match="only managers and admins share"):
        saved.save("Team stages", BY_RATING, "team")
    with pytest.raises(ValidationError, match="already a report called"):
        saved.save("my stages", BY_RATING)
    with pytest.raises(ValidationError) as caught:
        saved.save("Broken", Spec("opportunity", groups=(Grouping("nonsense"),)))
    assert "group1" in caught.value.errors
    session.sign_in("mina")
    assert mine.key not in [r.key for r in saved.visible()]
    shared = saved.save("North pipeline", BY_RATING, "team")
    with pytest.raises(NotFound):  # a personal report is not even seen
        saved.delete(mine.id)
    session.sign_in("rana")
    with pytest.raises(PermissionDenied, match="Mina Manager's report"):
        saved.delete(shared.id)
    keys = [r.key for r in saved.visible()]
    assert keys[: len(builtin.reports())] == [r.key for r in builtin.reports()]
    assert keys[-2:] == [mine.key, shared.key]
    changed = saved.update(mine.id, mine.version, name="Stages", spec=BY_RATING)
    with pytest.raises(ConflictError):
        saved.update(mine.id, mine.version, name="Stale")
    saved.delete(changed.id)
    with pytest.raises(NotFound):
        saved.get(mine.key)


def test_a_report_as_csv_json_and_a_workbook(db, tmp_path):
    deals()
    result = engine.run(BY_RATING)
    out = io.StringIO()
    assert files.write_csv(result, out) == 3
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["Rating", "Count of opportunities", "Sum of estimated revenue"],
        ["Hot", "2", "1100.00"],
        ["Cold", "1", "20000.00"],
        ["Total", "3", "21100.00"],
    ]
    out = io.StringIO()
    files.write_json(result, out)
    assert json.loads(out.getvalue())[-1] == {
        "row": "total", "Rating": "Total", "Count of opportunities": 3,
        "Sum of estimated revenue": "21100.00",
    }  # fmt: skip
    by_account = engine.run(Spec("opportunity", groups=(Grouping("account"),)))
    path = tmp_path / "r.xlsx"
    with open(path, "wb") as binary:
        files.write_xlsx(by_account, binary, "By account: [all]")
    sheet = openpyxl.load_workbook(path).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1] == ['=HYPERLINK("x")', 3]
    assert sheet.cell(2, 1).data_type == "s"  # a name is never run as a formula
    with open(tmp_path / "m.xlsx", "wb") as binary:
        files.write_xlsx(result, binary, "Money")
    money = openpyxl.load_workbook(tmp_path / "m.xlsx").active
    assert Decimal(str(money.cell(4, 3).value)) == Decimal("21100")


def test_the_report_command(db, db_path, tmp_path, capsys, monkeypatch):
    deals()
    session.act_as(None)
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    where = ("--db", str(db_path))

    def run(*argv):
        code = cli.main([*where, *argv])
        session.act_as(None)
        close_database()
        return code, *capsys.readouterr()

    code, out, _ = run("reports")
    assert code == 0 and "pipeline" in out and "Sales by month" in out
    code, out, _ = run("report", "pipeline", "--format", "csv", "--query", "rating:cold")
    assert code == 0
    assert out.splitlines()[-1] == "Total,,1,20000.00"
    code, out, _ = run("report", "pipeline")
    assert "Qualify total" in out and out.splitlines()[-1].split()[-2:] == ["3", "21,100.00"]
    code, _, err = run("report", "pipeline", "--format", "xlsx")
    assert code == 1 and "--output" in err
    target = tmp_path / "p.xlsx"
    code, _, err = run("report", "pipeline", "--format", "xlsx", "--output", str(target))
    assert code == 0 and target.exists() and "rows written" in err
    code, _, err = run("report", "pipeline", "--format", "xlsx", "--output", str(target))
    assert code == 1 and "exists" in err
    code, _, err = run("report", "no such thing")
    assert code == 1 and "no report is called" in err
