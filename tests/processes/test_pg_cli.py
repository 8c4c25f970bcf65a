"""The command line on a PostgreSQL URL: init, users, doctor, backup, and
copying a team's SQLite database across, all or nothing."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from crm_tui import cli
from crm_tui.db import close_database, database
from crm_tui.runtime import open_for_user
from crm_tui.services import session
from crm_tui.services.customers import accounts, notes
from crm_tui.services.support import cases


@pytest.fixture(autouse=True)
def _signed_out():
    yield
    session.act_as(None)
    close_database()


def test_init_users_doctor_and_backup(pg_server, pg_database, tmp_path, capsys):
    assert cli.main(["init", pg_database]) == 0
    assert f"{pg_server.superuser} is its admin" in capsys.readouterr().out
    assert cli.main(["init", pg_database]) == 1
    assert "already holds a crm-tui database" in capsys.readouterr().err

    login = f"ann_{secrets.token_hex(3)}"
    assert cli.main(["--db", pg_database, "users", "add", login, "--role", "agent"]) == 0
    assert f"can connect as the PostgreSQL role {login}" in capsys.readouterr().out
    dbname = pg_database.split("/")[3].split("?")[0]
    with psycopg.connect(pg_server.url(dbname, login)) as conn:
        assert conn.execute("SELECT crm_user_id() IS NOT NULL").fetchone() == (True,)

    assert cli.main(["--db", pg_database, "doctor"]) == 0
    report = capsys.readouterr().out
    assert "FAIL" not in report and "schema level" in report

    dump = tmp_path / "team.dump"
    assert cli.main(["--db", pg_database, "backup", str(dump)]) == 0
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format


def _team_file(path):
    open_for_user(path, login="tester")
    acme = accounts.create({"name": "Acme Trading", "city": "تهران"})
    notes.add(("account", acme.id), "Contract scan", attachment=("scan.pdf", b"%PDF\x00\xff"))
    case = cases.create({"title": "Printer jams", "account_id": acme.id})
    session.act_as(None)
    close_database()
    return acme.id, case.number


def test_copy_moves_every_row_and_work_carries_on(pg_database, tmp_path, capsys):
    source = tmp_path / "crm.db"
    acme_id, first_case = _team_file(source)
    assert cli.main(["--db", str(source), "copy", "--to", pg_database]) == 0
    assert "every table's row count and checksum match" in capsys.readouterr().out
    assert cli.main(["--db", pg_database, "doctor"]) == 1  # no access rules yet
    assert "have no access rules" in capsys.readouterr().out
    assert cli.main(["--db", pg_database, "access"]) == 0
    assert "access rules in force" in capsys.readouterr().out
    assert cli.main(["--db", pg_database, "doctor"]) == 0

    open_for_user(pg_database, login="tester")
    acme = accounts.get(acme_id)
    assert (acme.name, acme.city) == ("Acme Trading", "تهران")
    [row] = notes.list_for(("account", acme_id))
    saved = notes.save_attachment(row["id"], tmp_path / "out")
    assert saved.read_bytes() == b"%PDF\x00\xff"
    after = cases.create({"title": "Second", "account_id": acme_id})
    assert after.number > first_case  # numbering carries on after the copied cases
    assert accounts.create({"name": "New"}).id > acme_id  # and so do ids


def test_a_failed_copy_leaves_the_target_empty_and_a_full_one_is_refused(
    pg_database, tmp_path, capsys
):
    source = tmp_path / "crm.db"
    acme_id, _ = _team_file(source)
    open_for_user(source, login="tester")
    # SQLite keeps text in a number column; PostgreSQL will not take it
    database.execute_sql("UPDATE account SET employees = 'many' WHERE id = ?", (acme_id,))
    close_database()
    assert cli.main(["--db", str(source), "copy", "--to", pg_database]) == 1
    capsys.readouterr()
    with psycopg.connect(pg_database) as conn:
        assert conn.execute('SELECT count(*) FROM "user"').fetchone() == (0,)

    open_for_user(source, login="tester")
    database.execute_sql("UPDATE account SET employees = 40 WHERE id = ?", (acme_id,))
    close_database()
    assert cli.main(["--db", str(source), "copy", "--to", pg_database]) == 0
    assert cli.main(["--db", str(source), "copy", "--to", pg_database]) == 1
    assert "already holds a crm-tui database" in capsys.readouterr().err
