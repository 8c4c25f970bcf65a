"""The command line on a PostgreSQL URL: init, users, doctor, backup, and
copying a team's SQLite database across, all or nothing."""

from __future__ import annotations

import secrets

import peewee
import psycopg
import pytest

from crm_tui import cli
from crm_tui.db import close_database, database
from crm_tui.errors import PermissionDenied
from crm_tui.runtime import open_for_user
from crm_tui.services import custom_fields, session
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
    custom_fields.add("account", "motto", "text", searchable=True)
    acme = accounts.create({"name": "Acme Trading", "city": "تهران", "cf_motto": "zephyrous"})
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
    # custom fields come across with their values, found by their words
    assert accounts.get(acme_id).cf_motto == "zephyrous"
    assert [r["id"] for r in accounts.page(view="all", query="zephyrous").rows] == [acme_id]


def test_an_admins_own_login_adds_fields_and_an_agents_may_not(pg_server, pg_database, capsys):
    assert cli.main(["init", pg_database]) == 0
    dbname = pg_database.split("/")[3].split("?")[0]
    admin, agent = f"ada_{secrets.token_hex(3)}", f"abe_{secrets.token_hex(3)}"
    for login, role in ((admin, "admin"), (agent, "agent")):
        assert cli.main(["--db", pg_database, "users", "add", login, "--role", role]) == 0
    capsys.readouterr()
    open_for_user(pg_server.url(dbname, agent), login=agent)
    with pytest.raises(PermissionDenied):
        custom_fields.add("account", "tier", "text")
    close_database()
    # the tables are not the admin's: crm_custom_column changes them for them
    open_for_user(pg_server.url(dbname, admin), login=admin)
    custom_fields.add("account", "tier", "option_set", options="Gold,Silver", searchable=True)
    made = accounts.create({"name": "Tiered", "cf_tier": "gold"})
    assert [r["id"] for r in accounts.page(view="all", query="tier:gold").rows] == [made.id]
    field = custom_fields.by_name("account", "tier")
    field = custom_fields.remove(field.id, field.version)
    custom_fields.purge(field.id, field.version, confirm="tier")
    assert custom_fields.fields(removed=True) == []
    # a login may not use the function to change what is not a custom field
    with pytest.raises(peewee.DatabaseError, match="not a custom field"):
        with database.atomic():
            database.execute_sql("SELECT crm_custom_column('drop', 'account', 'name', '')")


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
