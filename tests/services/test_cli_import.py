"""`crm-tui import` and `crm-tui imports` as a person types them: a dry run
that writes nothing unless --yes, an import with its error file and undo
line, a saved map used again, a question the file leaves answered by a flag,
and `export --format xlsx|vcf` to a new file. The workbook and vCard
libraries load only for those files."""

from __future__ import annotations

import subprocess
import sys

from crm_tui import cli
from crm_tui.db import close_database, dict_rows
from crm_tui.runtime import open_for_user
from crm_tui.services import session


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    session.act_as(None)
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


def contacts(db_path) -> int:
    open_for_user(db_path, login="tester")
    found = dict_rows("SELECT count(*) AS n FROM contact")[0]["n"]
    session.act_as(None)
    close_database()
    return found


def test_import_is_a_dry_run_until_yes_and_can_be_undone(db, db_path, tmp_path, capsys,
                                                          monkeypatch):  # fmt: skip
    session.act_as(None)
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    path = tmp_path / "people.csv"
    path.write_text("Name,E-mail,Met\r\nAnn Lee,ann@example.com,03/04/2026\r\n"
                    "Bo Ray,bad,05/06/2026\r\n", encoding="utf-8")  # fmt: skip
    before = contacts(db_path)
    db = ("--db", str(db_path))
    code, out, _ = run(capsys, *db, "import", "contacts", str(path))
    assert code == 0 and "2 rows: 1 create, 1 error" in out
    assert "row 3 error: 'E-mail'='bad'" in out and "nothing was written" in out
    assert contacts(db_path) == before
    code, out, err = run(capsys, *db, "import", "contacts", str(path), "--column", "Nope=email")
    assert code == 1 and "--column takes HEADER=FIELD" in err
    code, out, _ = run(capsys, *db, "import", "contacts", str(path), "--save-map", "mine",
                       "--yes", "--errors", str(tmp_path / "left.csv"))  # fmt: skip
    assert code == 0 and "import #" in out and "1 create, 1 error" in out
    assert str(tmp_path / "left.csv") in out and "crm-tui imports revert" in out
    assert contacts(db_path) == before + 1
    code, out, _ = run(capsys, *db, "imports")
    assert "people.csv" in out and "done" in out
    number = out.split()[0].lstrip("#")
    code, out, _ = run(capsys, *db, "imports", "revert", number)
    assert code == 0 and "1 records removed" in out
    assert contacts(db_path) == before
    code, out, _ = run(capsys, *db, "import", "contacts", str(path), "--map", "mine")
    assert code == 0 and "2 rows: 1 create, 1 error" in out
    code, out, err = run(capsys, *db, "import", "lamps", str(path))
    assert code == 1 and "choose one of accounts, contacts" in err


def test_a_question_of_the_file_is_answered_by_a_flag(db, db_path, tmp_path, capsys, monkeypatch):
    session.act_as(None)
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    path = tmp_path / "deals.csv"
    path.write_text("Topic,Est. Close Date\r\nDeal,03/04/2027\r\n", encoding="utf-8")
    mapped = ("--column", "Est. Close Date=estimated_close_date")
    code, out, _ = run(capsys, "--db", str(db_path), "import", "opportunities", str(path), *mapped)
    assert code == 1 and "day first or month first" in out and "--dates dmy|mdy" in out
    code, out, _ = run(capsys, "--db", str(db_path), "import", "opportunities", str(path),
                       *mapped, "--dates", "mdy")  # fmt: skip
    assert code == 0 and "1 rows: 1 create" in out


def test_exports_to_a_workbook_and_vcards(db, db_path, tmp_path, capsys, monkeypatch):
    from crm_tui.services.customers import contacts as contact_service

    contact_service.create({"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"})
    session.act_as(None)
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    db = ("--db", str(db_path))
    code, out, err = run(capsys, *db, "export", "contacts", "--format", "xlsx")
    assert code == 1 and "add --output FILE.xlsx" in err
    book = tmp_path / "c.xlsx"
    code, _, err = run(capsys, *db, "export", "contacts", "--format", "xlsx", "--output", str(book))
    assert code == 0 and book.stat().st_mode & 0o777 == 0o600
    code, _, err = run(capsys, *db, "export", "contacts", "--format", "xlsx", "--output", str(book))
    assert code == 1 and "exists" in err  # never overwritten
    code, out, _ = run(capsys, *db, "export", "contacts", "--format", "vcf")
    assert code == 0 and "BEGIN:VCARD" in out and "EMAIL:ann@example.com" in out
    code, out, err = run(capsys, *db, "export", "accounts", "--format", "vcf")
    assert code == 1 and "only contacts" in err


def test_the_workbook_and_vcard_libraries_load_only_for_their_files():
    code = (
        "import sys\n"
        "from crm_tui import app, cli, cli_parser, cli_import\n"
        "from crm_tui.services import export\n"
        "from crm_tui.services.imports import plan, runs, sources\n"
        "cli_parser.parser()\n"
        "print('openpyxl' in sys.modules, 'vobject' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False False"
