"""The bench on PostgreSQL times what people get: the access rules are
installed, and each measurement runs as the person's own role (the bench's
superuser connection would skip row-level security)."""

from __future__ import annotations

from crm_tui import config
from crm_tui.bench import generate, postgres
from crm_tui.bench.service_data import SERVICE_LOGIN
from crm_tui.bench.signin import connect_as, signed_in
from crm_tui.db import close_database, database
from crm_tui.models import User
from crm_tui.runtime import open_for_user
from crm_tui.services import roles, session

TINY = generate.Scale(accounts=50, contacts=200, activities=400)


def test_measurements_run_as_the_persons_role_under_the_rules(pg_database):
    generate.generate(pg_database, scale=TINY, log=lambda _: None)
    postgres.enforce_access(pg_database, lambda _: None)
    open_for_user(pg_database, config.Settings(), login="bench")
    try:
        assert connect_as("bench")
        every = database.execute_sql("SELECT count(*) FROM account").fetchone()[0]
        assert every == TINY.accounts
        agent = User.get(User.login == SERVICE_LOGIN)
        roles.set_depth(agent.role, "account", "read", "own")
        owned = database.execute_sql(
            "SELECT count(*) FROM account WHERE owner_id = ?", (agent.id,)
        ).fetchone()[0]
        assert owned < every
        with signed_in(SERVICE_LOGIN):
            assert database.execute_sql("SELECT session_user").fetchone()[0] == SERVICE_LOGIN
            # the server's rules apply to what is timed, not only the app's
            assert database.execute_sql("SELECT count(*) FROM account").fetchone()[0] == owned
        assert database.execute_sql("SELECT session_user").fetchone()[0] == "bench"
        assert connect_as(None)
    finally:
        session.act_as(None)
        close_database()
