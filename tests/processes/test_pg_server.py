"""The throwaway PostgreSQL server the PostgreSQL tests run against: a real
server on a private Unix socket, real databases and roles, gone after stop."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import psycopg
import pytest
from pg_server import BINDIR_ENV, PgServer, PgServerError, find_bindir, require_bindir
from psycopg.conninfo import conninfo_to_dict


def _name(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


def test_the_server_answers_through_its_url_over_the_socket_only(pg_server):
    url = pg_server.url("postgres")
    assert url.startswith(f"postgresql://{pg_server.superuser}@/postgres?")
    assert f"host={pg_server.socket_dir}" in url
    with psycopg.connect(url) as conn:
        user, addr, listen, encoding = conn.execute(
            "SELECT current_user, inet_server_addr(), current_setting('listen_addresses'), "
            "current_setting('server_encoding')"
        ).fetchone()
    assert user == pg_server.superuser
    assert addr is None  # a Unix socket, not TCP
    assert listen == ""
    assert encoding == "UTF8"
    assert pg_server.socket_path.is_socket()


def test_pg_database_is_a_fresh_empty_database(pg_server, pg_database):
    with psycopg.connect(pg_database) as conn:
        name, tables = conn.execute(
            "SELECT current_database(), "
            "(SELECT count(*) FROM pg_tables WHERE schemaname = 'public')"
        ).fetchone()
    assert name.startswith("test_")
    assert tables == 0


def test_two_databases_are_independent(pg_server, pg_database):
    other = _name("other")
    other_url = pg_server.create_database(other)
    try:
        with psycopg.connect(pg_database) as conn:
            conn.execute("CREATE TABLE account (name text)")
            conn.execute("INSERT INTO account VALUES ('Contoso')")
        with psycopg.connect(other_url) as conn:
            found = conn.execute("SELECT to_regclass('account')").fetchone()[0]
            assert found is None
            conn.execute("CREATE TABLE account (name text)")  # no clash with the first
            assert conn.execute("SELECT count(*) FROM account").fetchone()[0] == 0
        with psycopg.connect(pg_database) as conn:
            assert conn.execute("SELECT name FROM account").fetchall() == [("Contoso",)]
    finally:
        pg_server.drop_database(other)


def test_a_dropped_database_is_gone_even_with_a_connection_left_open(pg_server):
    name = _name("dropped")
    url = pg_server.create_database(name)
    left_open = psycopg.connect(url)
    try:
        pg_server.drop_database(name)
    finally:
        left_open.close()
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(url).close()


def test_a_role_made_by_the_helper_connects_as_itself_and_is_no_superuser(pg_server, pg_database):
    role = pg_server.create_role(_name("crm_app"))
    dbname = conninfo_to_dict(pg_database)["dbname"]
    with psycopg.connect(pg_server.url(dbname, user=role)) as conn:
        user, superuser = conn.execute(
            "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert (user, superuser) == (role, False)


def test_a_role_without_login_cannot_connect(pg_server):
    role = pg_server.create_role(_name("no_login"), login=False)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(pg_server.url("postgres", user=role)).close()


def test_a_role_that_does_not_exist_cannot_connect(pg_server):
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(pg_server.url("postgres", user=_name("nobody"))).close()


def _running(pid: int) -> bool:
    """Whether `pid` still runs; an exited server waiting to be reaped by init does not."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def _ended(pid: int, within: float = 5.0) -> bool:
    # pg_ctl returns once the pid file is gone, a moment before the process exits
    deadline = time.monotonic() + within
    while _running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_stop_ends_the_server_and_removes_its_socket_and_folder():
    server = PgServer(require_bindir()).start()
    try:
        url, socket, base = server.url(), server.socket_path, server.base
        pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT pg_backend_pid() > 0").fetchone()[0]
        assert socket.is_socket() and _running(pid)
    finally:
        server.stop()
    assert not socket.exists()
    assert not base.exists()
    assert _ended(pid)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=5).close()
    server.stop()  # twice is harmless


def test_a_server_that_will_not_start_fails_at_once_with_its_log():
    server = PgServer(require_bindir(), settings={"shared_buffers": "plenty"})
    with pytest.raises(PgServerError, match=r"(?s)did not start.*shared_buffers"):
        server.start()
    assert not server.base.exists()


def test_missing_binaries_skip_with_one_line_naming_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv(BINDIR_ENV, str(tmp_path))  # an empty folder: no initdb, no pg_ctl
    assert find_bindir() is None
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_bindir()
    reason = str(skipped.value)
    assert "\n" not in reason.strip()
    assert "apt-get install postgresql" in reason


def test_the_bindir_variable_names_a_real_installation(monkeypatch):
    found = find_bindir()
    if found is None:
        pytest.skip("PostgreSQL is not installed here")
    monkeypatch.setenv(BINDIR_ENV, str(found))
    assert find_bindir() == found
    assert (found / "initdb").exists() and (found / "pg_ctl").exists()
