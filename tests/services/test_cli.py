"""The command line: each subcommand, and errors as one clear line."""

from __future__ import annotations

import csv
import grp
import io
import json
import os
import stat
import subprocess
import sys

import pytest

from crm_tui import cli
from crm_tui.db import close_database
from crm_tui.services import session


@pytest.fixture(autouse=True)
def _fresh_session():
    yield
    session.act_as(None)
    close_database()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


def test_init_makes_the_os_login_admin(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(session, "os_login", lambda: "alice")
    path = tmp_path / "crm.db"
    code, out, _ = run(capsys, "init", str(path))
    assert code == 0 and "alice is its admin" in out
    code, out, _ = run(capsys, "--db", str(path), "users", "list")
    assert code == 0
    assert out.split()[:2] == ["alice", "admin"]


def test_init_refuses_an_existing_file(tmp_path, capsys):
    path = tmp_path / "crm.db"
    path.write_text("")
    code, _, err = run(capsys, "init", str(path))
    assert code == 1 and err.startswith("crm-tui: ") and "exists" in err
    assert err.count("\n") == 1


def test_shared_init_is_group_writable_with_a_setgid_folder(tmp_path, capsys):
    group = grp.getgrgid(os.getgid()).gr_name
    path = tmp_path / "shared" / "crm.db"
    code, _, _ = run(capsys, "init", "--shared", "--group", group, str(path))
    assert code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o660
    folder_mode = path.parent.stat().st_mode
    assert folder_mode & stat.S_ISGID and folder_mode & 0o070 == 0o070
    code, out, _ = run(capsys, "--db", str(path), "doctor")
    assert code == 0, out
    assert "FAIL" not in out and "quick_check: ok" in out and "journal mode wal" in out


def test_shared_init_needs_a_real_group(tmp_path, capsys):
    code, _, err = run(
        capsys, "init", "--shared", "--group", "no-such-group-xyz", str(tmp_path / "x.db")
    )
    assert code == 1 and "no group named" in err


def test_doctor_flags_a_world_writable_database(tmp_path, capsys):
    path = tmp_path / "crm.db"
    run(capsys, "init", str(path))
    os.chmod(path, 0o666)
    code, out, _ = run(capsys, "--db", str(path), "doctor")
    assert code == 1 and "FAIL" in out and "world-writable" in out


def test_users_add_and_set_role_and_unknown_login(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(session, "os_login", lambda: "alice")
    path = tmp_path / "crm.db"
    run(capsys, "init", str(path))
    code, out, _ = run(
        capsys,
        "--db",
        str(path),
        "users",
        "add",
        "maryam",
        "--name",
        "Maryam Ahmadi",
        "--role",
        "sales",
    )
    assert code == 0 and "added maryam (sales)" in out
    code, out, _ = run(capsys, "--db", str(path), "users", "set-role", "maryam", "manager")
    assert code == 0 and "manager" in out
    code, _, err = run(capsys, "--db", str(path), "users", "set-role", "alice", "agent")
    assert code == 1 and "last admin" in err
    monkeypatch.setattr(session, "os_login", lambda: "stranger")
    code, _, err = run(capsys, "--db", str(path), "users", "list")
    assert code == 1
    assert "ask an admin: crm-tui users add stranger" in err
    monkeypatch.setattr(session, "os_login", lambda: "maryam")
    code, _, err = run(capsys, "--db", str(path), "users", "add", "bob")
    assert code == 1 and "only an admin" in err


def test_backup_and_export(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(session, "os_login", lambda: "alice")
    path = tmp_path / "crm.db"
    run(capsys, "init", str(path))
    from crm_tui.runtime import open_for_user
    from crm_tui.services.customers import accounts, activities, contacts

    open_for_user(path, login="alice")
    account = accounts.create({"name": 'Contoso, "Ltd"', "city": "Tehran"})
    contacts.create({"first_name": "مریم", "last_name": "احمدی", "account_id": account.id})
    activities.log("phone_call", "Renewal", regarding=("account", account.id))
    close_database()

    code, out, _ = run(capsys, "--db", str(path), "backup", str(tmp_path / "copy.db"))
    assert code == 0 and (tmp_path / "copy.db").exists()
    code, _, err = run(capsys, "--db", str(path), "backup", str(tmp_path / "copy.db"))
    assert code == 1 and "exists" in err

    code, out, _ = run(capsys, "--db", str(tmp_path / "copy.db"), "export", "accounts")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["name"] == 'Contoso, "Ltd"' and rows[0]["city"] == "Tehran"
    code, out, _ = run(capsys, "--db", str(path), "export", "contacts", "--format", "json")
    assert json.loads(out)[0]["full_name"] == "مریم احمدی"
    code, out, _ = run(capsys, "--db", str(path), "export", "activities")
    assert "Renewal" in out and "phone_call" in out


def test_export_quotes_orders_invoices(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(session, "os_login", lambda: "alice")
    path = tmp_path / "crm.db"
    run(capsys, "init", str(path))
    from crm_tui.runtime import open_for_user
    from crm_tui.services.customers import accounts
    from crm_tui.services.sales import lines, orders, quotes

    open_for_user(path, login="alice")
    account = accounts.create({"name": "Contoso"})
    quote = quotes.create({"name": "Fit-out", "account_id": account.id, "discount": ""})
    quote = lines.add_line(
        "quote",
        quote.id,
        quote.version,
        {"description": "Survey", "unit_price": "1,250.05", "quantity": "2", "tax_percent": "10"},
    )
    quote = quotes.activate(quote.id, quote.version)
    order = quotes.win(quote.id, quote.version)
    order = orders.submit(order.id, order.version)
    order = orders.fulfil(order.id, order.version)
    orders.create_invoice(order.id, order.version)
    close_database()

    expected = {"quotes": "QUO-00001-R1", "orders": "ORD-00001", "invoices": "INV-00001"}
    for what, number in expected.items():
        code, out, _ = run(capsys, "--db", str(path), "export", what)
        (row,) = list(csv.DictReader(io.StringIO(out)))
        assert code == 0 and row["number"] == number and row["customer"] == "Contoso"
        assert (row["subtotal"], row["tax_total"], row["total_amount"]) == (
            "2500.10",
            "250.01",
            "2750.11",
        )
    code, out, _ = run(capsys, "--db", str(path), "export", "quotes", "--format", "json")
    assert json.loads(out)[0]["state"] == "won"
    with pytest.raises(SystemExit):
        cli.main(["--db", str(path), "export", "leads-and-more"])
    assert "invalid choice" in capsys.readouterr().err


def test_missing_database_is_one_clear_line(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "nope.db"), "export", "accounts")
    assert code == 1
    assert (
        err == f"crm-tui: no database at {tmp_path / 'nope.db'}; create one with: "
        f"crm-tui init {tmp_path / 'nope.db'}\n"
    )


def test_bad_settings_file_is_reported(tmp_path, capsys):
    bad = tmp_path / "config.toml"
    bad.write_text("synchronous = 'SOMETIMES'\n")
    code, _, err = run(capsys, "--config", str(bad), "--db", str(tmp_path / "x.db"), "doctor")
    assert code == 1 and "bad settings" in err and "NORMAL or FULL" in err


def test_no_traceback_from_the_installed_entry_point(tmp_path):
    env = {**os.environ, "CRM_TUI_CONFIG_DIR": str(tmp_path), "CRM_TUI_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "crm_tui", "--db", str(tmp_path / "n.db"), "users", "list"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.startswith("crm-tui: ")


def test_users_set_team_and_list(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(session, "os_login", lambda: "alice")
    path = tmp_path / "crm.db"
    run(capsys, "init", str(path))
    run(capsys, "--db", str(path), "users", "add", "maryam", "--name", "Maryam Ahmadi")
    code, out, _ = run(capsys, "--db", str(path), "users", "set-team", "maryam", "North")
    assert (code, out) == (0, "maryam is now in team North\n")
    code, out, _ = run(capsys, "--db", str(path), "users", "list")
    line = next(line for line in out.splitlines() if line.startswith("maryam"))
    assert line.split()[:2] == ["maryam", "agent"] and line.endswith("Maryam Ahmadi  [North]")
    assert "[" not in next(line for line in out.splitlines() if line.startswith("alice"))
    code, out, _ = run(capsys, "--db", str(path), "users", "set-team", "maryam", "")
    assert (code, out) == (0, "maryam has no team\n")
    code, _, err = run(capsys, "--db", str(path), "users", "set-team", "nobody", "North")
    assert code == 1 and "nobody is not a user" in err
    monkeypatch.setattr(session, "os_login", lambda: "maryam")
    code, _, err = run(capsys, "--db", str(path), "users", "set-team", "maryam", "South")
    assert code == 1 and "only an admin" in err
