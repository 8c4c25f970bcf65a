"""The benchmark's generator and measurements at a tiny scale (never the
full bench: budgets are measured by `crm-tui bench`, not by tests)."""

from __future__ import annotations

import json
import re

import apsw
import pytest

from crm_tui import config, meta, text
from crm_tui.bench import (
    generate,
    load,
    measure,
    report,
    sales,
    sales_data,
    service,
    service_data,
    writers,
)
from crm_tui.db import close_database, connection, trace_statements
from crm_tui.models.base import from_db_time, to_db_time
from crm_tui.runtime import open_for_user
from crm_tui.services import numbers, search, session
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.sales import opportunities

TINY = generate.Scale(accounts=200, contacts=2000, activities=4000)


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "tiny.db"
    result = generate.generate(path, scale=TINY, log=lambda _: None)
    return path, result


@pytest.fixture
def opened(tiny_db):
    path, result = tiny_db
    open_for_user(path, config.Settings(), login="bench")
    yield path, result
    generate.restore(path)
    session.act_as(None)
    close_database()


def _scalar(path, sql, params=()):
    conn = apsw.Connection(str(path))
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def _index_terms(kind: str) -> list[tuple]:
    conn = connection()
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{kind}_terms "
        f"USING fts5vocab(main, {kind}_fts, instance)"
    )
    rows = conn.execute(f"SELECT term, doc, col, offset FROM temp.{kind}_terms").fetchall()
    conn.execute(f"DROP TABLE temp.{kind}_terms")
    return sorted(rows)


def test_tiny_database_has_the_asked_counts_and_a_bench_account(tiny_db):
    path, result = tiny_db
    assert _scalar(path, "SELECT count(*) FROM account") == 200
    assert _scalar(path, "SELECT count(*) FROM contact") == 2000
    # the generated activities and the service activity of each booking
    assert _scalar(path, "SELECT count(*) FROM activity") == 4000 + TINY.bookings
    bench = int(_scalar(path, "SELECT value FROM meta WHERE key = 'bench_account'"))
    assert bench == result.bench_account
    share = TINY.bench_activities
    assert share == 2  # 1,000 of 2,000,000, scaled
    assert (
        _scalar(
            path,
            "SELECT count(*) FROM activity WHERE regarding_type = 'account' AND regarding_id = ?",
            (bench,),
        )
        == share
    )
    assert generate.read_info(path)["version"] == generate.GENERATOR_VERSION


def test_rows_are_filled_as_the_services_fill_them(tiny_db):
    path, _ = tiny_db
    conn = apsw.Connection(str(path))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # integrity_check also verifies NOT NULL and CHECK constraints
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for name, key in conn.execute("SELECT name, name_sort FROM account"):
            assert key == text.sort_key(name)
        for first, last, full, key in conn.execute(
            "SELECT first_name, last_name, full_name, name_sort FROM contact"
        ):
            assert full == contacts.full_name(first, last)
            assert key == text.sort_key(f"{last} {first}")
        for created, sort_at, state, due, ended in conn.execute(
            "SELECT created_at, sort_at, state, due_at, actual_end FROM activity"
        ):
            assert to_db_time(from_db_time(created)) == created
            # as activities.log and complete/cancel set it
            assert sort_at == (due if state in ("open", "scheduled") else ended)
    finally:
        conn.close()


def test_fts_index_is_what_reindex_would_build_and_finds_a_generated_name(opened):
    path, _ = opened
    before = {kind: _index_terms(kind) for kind in ("account", "contact")}
    conn = connection()
    full_name, contact_id = conn.execute(
        "SELECT full_name, id FROM contact WHERE first_name <> '' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    rows = contacts.page(view="all", query=full_name, limit=100).rows
    assert contact_id in [r["id"] for r in rows]
    name, account_id = conn.execute("SELECT name, id FROM account WHERE id = 7").fetchone()
    assert account_id in [r["id"] for r in accounts.page(view="all", query=name).rows]
    conn.execute("BEGIN IMMEDIATE")
    search.reindex("account")
    search.reindex("contact")
    conn.execute("COMMIT")
    assert _index_terms("account") == before["account"]
    assert _index_terms("contact") == before["contact"]


def test_measurements_return_numbers_and_restore_removes_what_they_wrote(opened):
    path, result = opened
    pages = measure.list_first_page(repeat=2)
    assert pages["accounts"]["median"] > 0 and pages["contacts"]["median"] > 0
    typed = measure.filter_keystrokes({"latin": ["m", "ma"], "persian": ["م"]}, repeat=1)
    assert typed["contacts"]["m"]["median"] > 0 and typed["contacts"]["m"]["rows"] > 0
    assert typed["worst"]["median"] >= typed["accounts"]["ma"]["median"]
    opened_account = measure.open_account(result.bench_account, repeat=1)
    assert opened_account["total"]["median"] > 0
    assert opened_account["sizes"]["activities"] == TINY.bench_activities
    write = measure.activity_write(list(range(1, TINY.accounts + 1)), repeat=3)
    assert write["n"] == 3 and write["median"] > 0
    assert _scalar(path, "SELECT count(*) FROM activity") > TINY.activities + TINY.bookings
    deleted = generate.restore(path)
    assert deleted["activity"] == 6 and deleted["audit_entry"] == 6  # 3 warm-up + 3 timed
    assert _scalar(path, "SELECT count(*) FROM activity") == TINY.activities + TINY.bookings


def test_writer_processes_write_without_errors(tiny_db):
    path, _ = tiny_db
    try:
        result = writers.run(
            str(path), processes=2, seconds=0.3, accounts=TINY.accounts, contacts=TINY.contacts
        )
    finally:
        generate.restore(path)
    assert result["writes"] > 0 and result["errors"] == 0
    assert result["writes_per_s"] > 0
    assert _scalar(path, "SELECT count(*) FROM activity") == TINY.activities + TINY.bookings


def test_ensure_builds_once_then_reuses_and_drops_partial_builds(tmp_path, monkeypatch):
    monkeypatch.setattr(generate, "cache_dir", lambda: tmp_path)
    monkeypatch.setattr(generate, "QUICK", generate.Scale(50, 200, 2000))
    stale = tmp_path / f"bench-quick-v{generate.GENERATOR_VERSION}.db.partial-999999999"
    stale.write_text("interrupted")
    old = tmp_path / "bench-quick-v0.db"
    old.write_text("old generator")
    built = generate.ensure(quick=True, log=lambda _: None)
    assert not built.reused and built.path == generate.cache_path(quick=True)
    assert not stale.exists() and not old.exists()
    again = generate.ensure(quick=True, log=lambda _: None)
    assert again.reused and again.bench_account == built.bench_account


def test_report_renders_budgets_and_json():
    rep = report.Report(
        database={
            "path": "/tmp/x.db",
            "accounts": 1,
            "contacts": 2,
            "activities": 3,
            "size_mb": 1,
            "reused": True,
            "generated_seconds": None,
        }
    )
    rep.add("list first page: accounts", 1.5, "ms", "<= 30", True, p95=2.0)
    rep.add("8 writers x 5 s: writes/s", 900.0, "/s", ">= 1000", False)
    rep.add("first frame: app / bare", None, "x", "<= 1.3", note="skipped: app not available")
    table = report.render(rep)
    assert "PASS" in table and "OVER" in table and "skipped" in table
    assert "1 over budget" in table
    data = json.loads(report.as_json(rep))
    assert [r["result"] for r in data["results"]] == ["PASS", "OVER", "skipped"]


def _plan(sql: str, params) -> list[tuple[int, int, str]]:
    return [
        (row[0], row[1], row[3])
        for row in connection().execute(f"EXPLAIN QUERY PLAN {sql}", params)
    ]


def _statements(fn) -> list[str]:
    seen: list[str] = []
    trace_statements(lambda sql, _in_tx: seen.append(sql))
    try:
        fn()
    finally:
        connection().exec_trace = None
    return seen


def test_a_filtered_page_joins_the_display_rows_for_the_page_only(opened):
    def plan_of(view: str) -> list[tuple[int, int, str]]:
        sql = next(
            s
            for s in _statements(lambda: contacts.page(view=view, query="ma", limit=10))
            if "MATCH" in s and "count(*)" not in s  # not the too-many-to-rank probe
        )
        return _plan(sql, ('"ma"*', 11))

    # a broad view: every match ranked in the index, records read in rank order
    plan = plan_of("active")
    details = [d for _, _, d in plan]
    assert "MATERIALIZE _r" in details
    top = [d for _, parent, d in plan if parent == 0]
    assert top[1].startswith("SCAN _r") and "SEARCH c USING INTEGER PRIMARY KEY" in top[2]
    assert details.count("USE TEMP B-TREE FOR ORDER BY") == 1  # inside the CTE only
    # a narrow view: matches filtered by their record, owner and account joined after the LIMIT
    plan = plan_of("inactive")
    top = [d for _, parent, d in plan if parent == 0]
    assert top[0] == "CO-ROUTINE _p" and top[1].startswith("SCAN _p")
    assert any(d.startswith("SEARCH u ") for d in top)


def test_open_activities_of_a_record_are_read_from_the_partial_index(opened):
    _, result = opened
    regarding = ("account", result.bench_account)
    statements = _statements(
        lambda: (activities.open_items(regarding), activities.open_count(regarding))
    )
    for sql in statements:
        plan = " ".join(d for _, _, d in _plan(sql, (*regarding, 50)[: sql.count("?")]))
        assert "activity_open_regarding" in plan, plan


# --- sales (issue 3) ----------------------------------------------------------------------


def test_tiny_database_has_an_open_pipeline_in_every_stage(tiny_db):
    path, _ = tiny_db
    assert generate.FULL.opportunities == 50_000 and generate.QUICK.opportunities == 5_000
    conn = apsw.Connection(str(path))
    try:
        by_stage = dict(
            conn.execute("SELECT stage, count(*) FROM opportunity WHERE state = 'open' GROUP BY 1")
        )
        assert set(by_stage) == set(opportunities.STAGES)
        assert all(count > 0 for count in by_stage.values())
        assert sum(by_stage.values()) == TINY.opportunities == 100
        closed = dict(conn.execute("SELECT state, count(*) FROM opportunity GROUP BY 1"))
        assert closed["won"] > 0 and closed["lost"] > 0
        today = conn.execute("SELECT date('now')").fetchone()[0]
        overdue = conn.execute(
            "SELECT count(*) FROM opportunity WHERE state = 'open' AND estimated_close_date < ?",
            (today,),
        ).fetchone()[0]
        assert 0 < overdue < 50
        # the pipeline belongs to salespeople in teams, and the bench's salesperson has some
        owners = conn.execute(
            "SELECT DISTINCT u.role, u.team FROM opportunity o JOIN user u ON u.id = o.owner_id"
        ).fetchall()
        assert {role for role, _ in owners} <= {"sales", "manager"}
        assert all(team for _, team in owners)
        login_team = conn.execute(
            "SELECT team FROM user WHERE login = ?", (sales_data.SALES_LOGIN,)
        ).fetchone()[0]
        assert login_team
        # every open card in Close has the active quote its gate needs
        assert (
            conn.execute(
                "SELECT count(*) FROM opportunity o WHERE o.state = 'open' AND o.stage = 'close' "
                "AND NOT EXISTS (SELECT 1 FROM quote q WHERE q.opportunity_id = o.id "
                "AND q.state = 'active')"
            ).fetchone()[0]
            == 0
        )
        # stored totals are the sum of the stored lines; numbering continues after them
        for total, subtotal, tax, discount, lines_net, lines_tax in conn.execute(
            "SELECT q.total_amount, q.subtotal, q.tax_total, q.discount_total, "
            "sum(l.base_amount - l.discount_total), sum(l.tax_amount) "
            "FROM quote q JOIN quote_line l ON l.quote_id = q.id GROUP BY q.id"
        ):
            assert (subtotal, tax) == (lines_net, lines_tax)
            assert total == subtotal - discount + tax
        quotes = conn.execute("SELECT count(*) FROM quote").fetchone()[0]
        assert conn.execute("SELECT next FROM sequence WHERE name = 'quote'").fetchone() == (
            quotes + 1,
        )
        for name, key in conn.execute("SELECT name, name_sort FROM opportunity"):
            assert key == text.sort_key(name)
    finally:
        conn.close()


def test_generated_opportunities_are_found_by_name_and_customer(opened):
    conn = connection()
    opp_id, name, customer = conn.execute(
        "SELECT o.id, o.name, a.name FROM opportunity o JOIN account a ON a.id = o.account_id "
        "WHERE o.state = 'open' ORDER BY o.id LIMIT 1"
    ).fetchone()
    found = opportunities.page(scope="all", query=f"{name} {customer}", limit=100).rows
    assert opp_id in [row["id"] for row in found]


def test_sales_measurements_return_numbers_and_restore_removes_what_they_wrote(opened):
    path, result = opened
    before = {
        table: _scalar(path, f"SELECT count(*) FROM {table}")
        for table in ("opportunity", "opportunity_fts", "quote", "quote_line", "audit_entry")
    }
    sequence = _scalar(path, "SELECT next FROM sequence WHERE name = 'quote'")
    # one repetition, the fewest `crm-tui bench --repeat` takes: every timing has its sample
    raw = sales.measure_all(result.bench_account, TINY.accounts, repeat=1, log=lambda _: None)
    kanban = raw["kanban"]
    assert kanban["all"]["cards"] == TINY.opportunities
    assert 0 < kanban["mine"]["cards"] <= kanban["team"]["cards"] < kanban["all"]["cards"]
    assert raw["quote"]["lines"] == 200
    assert raw["quote"]["add_line"]["n"] == raw["quote"]["remove_line"]["n"] == 1
    rep = report.Report(database={})
    sales.add_lines(rep, raw)
    names = [line.name for line in rep.lines]
    for expected in (
        "kanban load: mine",
        "kanban load: team",
        "kanban load: all",
        "move card forward (gate fields)",
        "move card back",
        "quote: add line 200 (totals of 200)",
        "quote: recompute (200 lines)",
        "quote: update_line (200 lines)",
        "line preview while typing",
        "opportunities first page: all",
        "filter opportunities (all): worst",
    ):
        assert expected in names
    assert all(line.value > 0 and line.ok is not None and line.p95 for line in rep.lines)
    data = json.loads(report.as_json(rep))
    assert {r["name"] for r in data["results"]} == set(names)
    deleted = generate.restore(path)
    assert deleted["opportunity"] == 1 and deleted["quote"] == 1 and deleted["quote_line"] == 200
    after = {table: _scalar(path, f"SELECT count(*) FROM {table}") for table in before}
    assert after == before
    assert _scalar(path, "SELECT next FROM sequence WHERE name = 'quote'") == sequence


def test_report_names_the_open_opportunities():
    rep = report.Report(
        database={
            "path": "/tmp/x.db",
            "accounts": 1,
            "contacts": 2,
            "activities": 3,
            "opportunities": 50_000,
            "size_mb": 1,
            "reused": True,
            "generated_seconds": None,
        }
    )
    rep.add("kanban load: all", 50.0, "ms", "<= 100", True, p95=60.0)
    assert "50,000 open opportunities" in report.render(rep)


def test_the_command_line_passes_every_option_to_the_bench():
    from crm_tui import cli_parser

    args = cli_parser.parser().parse_args(["bench", "--quick", "--repeat", "3", "--json"])
    assert args.command == "bench" and args.bench_args == ["--quick", "--repeat", "3", "--json"]
    assert cli_parser.parser().parse_args(["bench"]).bench_args == []


# --- customer service (issue 4) -------------------------------------------------------------


def test_tiny_database_has_cases_in_queues_with_their_sla_targets(tiny_db):
    from crm_tui.services.support import sla

    path, _ = tiny_db
    assert (generate.FULL.cases, generate.FULL.bookings) == (200_000, 10_000)
    assert (TINY.cases, TINY.bookings) == (400, 20)
    conn = apsw.Connection(str(path))
    try:
        assert conn.execute('SELECT count(*) FROM "case"').fetchone()[0] == TINY.cases
        assert conn.execute("SELECT count(*) FROM case_fts").fetchone()[0] == TINY.cases
        states = dict(conn.execute('SELECT state, count(*) FROM "case" GROUP BY 1'))
        assert states["active"] == service_data.active_count(TINY.cases)
        assert states["resolved"] > 0 and states["canceled"] > 0
        assert conn.execute("SELECT next FROM sequence WHERE name = 'case'").fetchone() == (
            TINY.cases + 1,
        )
        # numbered and sorted as the services do; waiting cases sit in a queue
        for case_id, number, title, key, assigned, queue in conn.execute(
            'SELECT id, number, title, title_sort, assigned, queue_id FROM "case"'
        ):
            assert number == numbers.format_number("case", case_id)
            assert key == text.sort_key(title)
            assert assigned or queue is not None
        # stored SLA targets and the next breach are what sla computes
        cal = sla.calendar()
        for row in dict_rows_of(conn, 'SELECT * FROM "case" ORDER BY id'):
            first, resolve = sla.targets(row["priority"])
            created = from_db_time(row["created_at"])
            assert from_db_time(row["first_response_by"]) == sla.due(
                created, first, row["paused_minutes"], cal
            )
            assert from_db_time(row["resolve_by"]) == sla.due(
                created, resolve, row["paused_minutes"], cal
            )
            times = ("first_response_by", "resolve_by", "first_responded_at", "paused_since")
            breach = sla.next_breach({**row, **{k: from_db_time(row[k]) for k in times}})
            assert from_db_time(row["next_breach_at"]) == breach
        login = conn.execute(
            "SELECT count(*) FROM queue_member m JOIN user u ON u.id = m.user_id WHERE u.login = ?",
            (service_data.SERVICE_LOGIN,),
        ).fetchone()[0]
        assert login == 2
        assert conn.execute("SELECT count(*) FROM resource").fetchone()[0] == 50
        assert conn.execute("SELECT count(*) FROM booking").fetchone()[0] == TINY.bookings
        # no resource is booked twice at once
        assert (
            conn.execute(
                "SELECT count(*) FROM booking a JOIN booking b ON a.resource_id = b.resource_id "
                "AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
            ).fetchone()[0]
            == 0
        )
    finally:
        conn.close()


def dict_rows_of(conn, sql):
    cursor = conn.execute(sql)
    columns = [d[0] for d in cursor.getdescription()]
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def test_generated_cases_are_found_by_number_and_title(opened):
    from crm_tui.services.support import cases

    number, title, case_id = (
        connection()
        .execute('SELECT number, title, id FROM "case" ORDER BY id DESC LIMIT 1')
        .fetchone()
    )
    assert case_id in [row["id"] for row in cases.find_by_name(number)]
    assert case_id in [row["id"] for row in cases.find_by_name(title, limit=500)]


def test_service_measurements_return_numbers_and_restore_removes_what_they_wrote(opened):
    path, _ = opened
    tables = ("case", "case_fts", "activity", "audit_entry", "booking")
    before = {table: _scalar(path, f'SELECT count(*) FROM "{table}"') for table in tables}
    sequence = _scalar(path, "SELECT next FROM sequence WHERE name = 'case'")
    raw = service.measure_all(repeat=2, log=lambda _: None)
    assert raw["case_queue"]["all"]["rows"] == service_data.active_count(TINY.cases)
    assert all(raw["case_queue"][view]["rows"] > 0 for view in service.VIEWS)
    assert raw["cases_write"]["take"]["n"] == 30 and raw["cases_write"]["resolve"]["n"] == 30
    assert raw["find_slot"]["worst"]["slots"] == service.SLOTS_ASKED
    rep = report.Report(database={})
    service.add_lines(rep, raw)
    names = [line.name for line in rep.lines]
    for expected in (
        "case queue first page: mine",
        "case queue first page: unassigned",
        "case queue first page: queue",
        "case queue first page: all",
        "take a case",
        "resolve a case",
        "find a slot: Installation",
    ):
        assert expected in names
    assert any(name.startswith("SLA countdown refresh") for name in names)
    assert all(line.value > 0 and line.ok is not None and line.p95 for line in rep.lines)
    deleted = generate.restore(path)
    assert deleted["case"] == 31 and deleted["activity"] == 31  # resolutions
    after = {table: _scalar(path, f'SELECT count(*) FROM "{table}"') for table in tables}
    assert after == before
    assert _scalar(path, "SELECT next FROM sequence WHERE name = 'case'") == sequence


# --- knowledge base (issue 5) ------------------------------------------------------------------


def test_tiny_database_has_a_knowledge_base_in_every_state(tiny_db):
    from crm_tui.bench import kb_data

    path, _ = tiny_db
    assert generate.FULL.articles == 20_000 and TINY.articles == 40
    conn = apsw.Connection(str(path))
    try:
        assert conn.execute("SELECT count(*) FROM kb_article").fetchone()[0] == TINY.articles
        assert conn.execute("SELECT count(*) FROM kb_fts").fetchone()[0] == TINY.articles
        assert conn.execute("SELECT count(*) FROM subject").fetchone()[0] == 40
        states = dict(conn.execute("SELECT state, count(*) FROM kb_article GROUP BY 1"))
        assert states["published"] > TINY.articles // 2 and states["draft"] >= kb_data.AGENT_DRAFTS
        # at most one published version of a number; versions numbered apart
        assert (
            conn.execute(
                "SELECT count(*) FROM (SELECT number FROM kb_article WHERE state = 'published' "
                "GROUP BY number HAVING count(*) > 1)"
            ).fetchone()[0]
            == 0
        )
        numbers_taken = conn.execute("SELECT count(DISTINCT number) FROM kb_article").fetchone()[0]
        assert conn.execute("SELECT next FROM sequence WHERE name = 'article'").fetchone() == (
            numbers_taken + 1,
        )
        for number, title, key in conn.execute("SELECT number, title, title_sort FROM kb_article"):
            assert key == text.sort_key(title) and number.startswith("KA-")
        drafts = conn.execute(
            "SELECT count(*) FROM kb_article a JOIN user u ON u.id = a.owner_id "
            "WHERE u.login = ? AND a.state = 'draft'",
            (service_data.SERVICE_LOGIN,),
        ).fetchone()[0]
        assert drafts >= kb_data.AGENT_DRAFTS
        assert conn.execute("SELECT count(*) FROM kb_article WHERE language = 'fa'").fetchone()[0]
        # counters are what the services keep: links and ratings counted
        assert (
            conn.execute(
                "SELECT count(*) FROM kb_article a WHERE helped_count <> (SELECT count(*) "
                "FROM kb_article_case l WHERE l.article_id = a.id) OR rating_count <> "
                "(SELECT count(*) FROM kb_rating r WHERE r.article_id = a.id) OR rating_total <> "
                "(SELECT coalesce(sum(stars), 0) FROM kb_rating r WHERE r.article_id = a.id)"
            ).fetchone()[0]
            == 0
        )
        assert conn.execute(
            "SELECT count(*) FROM kb_article_case l JOIN kb_article a ON a.id = l.article_id "
            "WHERE a.state <> 'published'"
        ).fetchone() == (0,)
        # nothing falls due, so searching never writes
        today = conn.execute("SELECT date('now', '+1 year')").fetchone()[0]
        assert conn.execute(
            "SELECT count(*) FROM kb_article WHERE (state = 'approved' AND publish_on <= ?) "
            "OR (state = 'published' AND expires_on <= ?)",
            (today, today),
        ).fetchone() == (0,)
        for (body,) in conn.execute("SELECT body FROM kb_article WHERE major = 1 AND minor = 0"):
            assert 200 <= len(body.split()) <= 700
    finally:
        conn.close()


def test_kb_index_is_what_kb_index_would_build(opened):
    from crm_tui.services.knowledge import kb

    before = _index_terms("kb")
    conn = connection()
    conn.execute("BEGIN IMMEDIATE")
    for (article_id,) in conn.execute("SELECT id FROM kb_article").fetchall():
        kb.index(article_id)
    conn.execute("COMMIT")
    assert _index_terms("kb") == before


def test_kb_measurements_return_numbers_and_write_nothing(opened):
    from crm_tui.bench import kb

    path, _ = opened
    tables = ("kb_article", "kb_fts", "kb_article_case", "audit_entry", "note")
    before = {table: _scalar(path, f'SELECT count(*) FROM "{table}"') for table in tables}
    raw = kb.measure_all(repeat=2, log=lambda _: None)
    assert raw["articles"] == TINY.articles
    agent, manager = raw["search"]["agent"], raw["search"]["manager"]
    assert set(agent) - {"login"} == set(kb.queries("x"))
    assert manager["no words (most helpful)"]["rows"] == TINY.articles
    assert agent["no words (most helpful)"]["rows"] < TINY.articles  # drafts of others hidden
    assert agent["rare word"]["matches"] >= 1
    assert all(s["rows"] > 0 for s in raw["suggest"].values())
    assert raw["palette"]["mar"]["hits"] > 0
    assert raw["palette"]["mar"]["sources"] == len(meta.findable())
    rep = report.Report(database={})
    kb.add_lines(rep, raw)
    names = [line.name for line in rep.lines]
    for expected in (
        "KB search (agent): common word",
        "KB search (manager): Persian word",
        "KB search: worst",
        f"KB suggest: {kb.CASE_TITLE!r}",
        "palette go-to: 'CAS-0001'",
    ):
        assert expected in names
    assert all(line.value > 0 and line.ok is not None and line.p95 for line in rep.lines)
    after = {table: _scalar(path, f'SELECT count(*) FROM "{table}"') for table in tables}
    assert after == before
    assert not any(generate.restore(path).values())


def test_ensure_upgrades_a_v3_cache_with_the_knowledge_base(tmp_path, monkeypatch):
    scale = generate.Scale(50, 200, 2000)
    monkeypatch.setattr(generate, "cache_dir", lambda: tmp_path)
    monkeypatch.setattr(generate, "QUICK", scale)
    older = tmp_path / "bench-quick-v3.db"
    generate.generate(older, scale=scale, log=lambda _: None)
    # what a v3 build was: no knowledge base, no marks of it
    conn = apsw.Connection(str(older))
    conn.execute("BEGIN")
    for table in ("kb_article_case", "kb_rating", "kb_fts", "kb_article", "subject"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM sequence WHERE name = 'article'")
    info = json.loads(
        conn.execute("SELECT value FROM meta WHERE key = 'bench_generator'").fetchone()[0]
    )
    marks = json.loads(
        conn.execute("SELECT value FROM meta WHERE key = 'bench_marks'").fetchone()[0]
    )
    for table in ("kb_article_case", "kb_rating", "kb_article"):
        del marks[table]
    del marks["sequence"]["article"]
    conn.execute(
        "UPDATE meta SET value = ? WHERE key = 'bench_generator'",
        (json.dumps({**info, "version": 3}),),
    )
    conn.execute("UPDATE meta SET value = ? WHERE key = 'bench_marks'", (json.dumps(marks),))
    conn.execute("COMMIT")
    conn.close()

    built = generate.ensure(quick=True, log=lambda _: None)
    assert built.upgraded_from == 3 and not built.reused
    assert built.path == generate.cache_path(quick=True) and not older.exists()
    assert _scalar(built.path, "SELECT count(*) FROM kb_article") == scale.articles
    assert _scalar(built.path, "SELECT count(*) FROM kb_fts") == scale.articles
    marks = json.loads(_scalar(built.path, "SELECT value FROM meta WHERE key = 'bench_marks'"))
    assert marks["kb_article"] == scale.articles and "article" in marks["sequence"]
    assert generate.read_info(built.path)["version"] == generate.GENERATOR_VERSION
    assert not any(generate.restore(built.path).values())
    again = generate.ensure(quick=True, log=lambda _: None)
    assert again.reused


# --- PostgreSQL (crm-tui bench --db URL) and the load test -----------------------------------


def _pg_rows(url: str, sql: str):
    import psycopg

    with psycopg.connect(url) as pg:
        return pg.execute(sql).fetchall()


# Generated times count from the moment of the build: two builds differ in them only.
_BUILD_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}")


def _comparable(row) -> tuple:
    return tuple(_BUILD_TIME.sub("T", v) if isinstance(v, str) else v for v in row)


def test_postgresql_gets_the_rows_sqlite_gets(tiny_db, pg_database):
    path, _ = tiny_db
    built = generate.generate(pg_database, scale=TINY, log=lambda _: None)
    assert generate.read_info(pg_database)["bench_account"] == built.bench_account
    conn = apsw.Connection(str(path))
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' "
                "AND name NOT LIKE 'sqlite%' AND name NOT IN ('meta', 'schema_migration')"
            )
        ]
        for table in tables:
            columns = ", ".join(f'"{c[1]}"' for c in conn.execute(f'PRAGMA table_info("{table}")'))
            sql = f'SELECT {columns} FROM "{table}" ORDER BY 1, 2'
            expected = [_comparable(row) for row in conn.execute(sql)]
            assert [_comparable(row) for row in _pg_rows(pg_database, sql)] == expected, table
        for kind in ("account", "contact", "case", "kb", "opportunity", "quote"):
            sql = f"SELECT count(*) FROM {kind}_fts"
            assert _pg_rows(pg_database, sql) == conn.execute(sql).fetchall(), kind
    finally:
        conn.close()
    # explicit ids: the next row gets the next id; the planner has statistics
    assert _pg_rows(pg_database, "SELECT nextval(pg_get_serial_sequence('account', 'id'))") == [
        (TINY.accounts + 1,)
    ]
    assert _pg_rows(pg_database, "SELECT count(*) FROM pg_stats WHERE tablename = 'contact'")[0][0]


def test_the_search_index_on_postgresql_is_what_the_services_write(pg_database):
    from crm_tui.db import database, open_database
    from crm_tui.services.knowledge import kb

    generate.generate(pg_database, scale=TINY, log=lambda _: None)
    open_database(pg_database)
    try:
        for kind in ("account", "contact", "case"):
            stored = {
                row[0]: (row[1], row[2])
                for row in database.execute_sql(f"SELECT rowid, name, details FROM {kind}_fts")
            }
            for row in database.execute_sql(search._SOURCES[kind][0]).fetchall():
                assert stored[row[0]] == tuple(map(search.document, search._documents(row)))
        for article_id, *stored in database.execute_sql(
            "SELECT rowid, title, keywords, cases, body FROM kb_fts"
        ).fetchall():
            assert tuple(stored) == tuple(map(search.document, kb._documents(article_id)))
    finally:
        close_database()


def test_a_quick_bench_runs_on_postgresql_and_leaves_the_database_as_built(
    pg_database, monkeypatch
):
    monkeypatch.setattr(generate, "QUICK", TINY)
    args = report._parser().parse_args(
        ["--db", pg_database, "--quick", "--repeat", "2", "--frame-runs", "1"]
        + ["--writers", "2", "--seconds", "0.5"]
    )
    rep = report.run(args)
    assert rep.database["engine"] == "postgresql" and not rep.database["reused"]
    assert pg_database not in rep.database["path"]  # shown without what a URL may hold
    failed = [(line.name, line.note) for line in rep.lines if line.verdict == "FAILED"]
    assert failed == []
    names = {line.name for line in rep.lines}
    for expected in (
        "list first page: contacts",
        "filter: worst prefix",
        "activity write (activities.log)",
        "kanban load: all",
        "take a case",
        "KB search: worst",
        "2 writers: errors",
    ):
        assert expected in names
    # the app's, not the bench's; the desk keys write, and are timed on a copy of a SQLite file
    unmeasured = ("first frame: app / bare", "peak RSS of the app", "key: interaction")
    assert all(line.value is not None for line in rep.lines if line.name not in unmeasured)
    (keys,) = [line for line in rep.lines if line.name == "key: interaction"]
    assert keys.note == "measured on SQLite only"
    assert not any(generate.restore(pg_database).values())
    assert _pg_rows(pg_database, "SELECT count(*) FROM activity") == [
        (TINY.activities + TINY.bookings,)
    ]
    again = generate.ensure(quick=True, db=pg_database, log=lambda _: None)
    assert again.reused and again.path == pg_database
    # another scale, or --rebuild: never dropped, a new database is asked for
    with pytest.raises(SystemExit, match="another bench build"):
        generate.ensure(quick=True, rebuild=True, db=pg_database, log=lambda _: None)
    monkeypatch.setattr(generate, "QUICK", generate.Scale(100, 1000, 2000))
    with pytest.raises(SystemExit, match="another bench build"):
        generate.ensure(quick=True, db=pg_database, log=lambda _: None)


def test_the_bench_builds_only_into_an_empty_database_or_its_own(pg_database, monkeypatch):
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as pg:
        pg.execute("CREATE TABLE precious (id int)")
    with pytest.raises(SystemExit, match="not empty"):
        generate.ensure(quick=True, db=pg_database, log=lambda _: None)
    assert _pg_rows(pg_database, "SELECT count(*) FROM precious") == [(0,)]
    with pytest.raises(SystemExit, match="postgresql://"):
        report.run(report._parser().parse_args(["--db", "/tmp/some.db"]))


def _check_load(result: dict, agents: int) -> None:
    assert result["agents"] == agents
    assert result["errors"] == 0, result["error_kinds"]
    for operation, s in result["per_operation"].items():
        assert s["count"] > 0 and s["median"] > 0, operation
    assert result["operations_per_s"] > 0
    rep = report.Report(database={})
    load.add_lines(rep, result)
    assert [line.verdict for line in rep.lines][-1] == "PASS"
    assert len(rep.lines) == len(load.OPERATIONS) + 2


def test_the_load_test_runs_agents_without_errors_on_sqlite(tiny_db):
    path, _ = tiny_db
    try:
        result = load.measure(str(path), agents=2, seconds=2.0, log=lambda _: None)
    finally:
        deleted = generate.restore(path)
    _check_load(result, 2)
    assert deleted["case"] == result["per_operation"]["open a case"]["count"]
    assert _scalar(path, "SELECT count(*) FROM user WHERE login LIKE 'load%'") == 2
    assert _scalar(path, "SELECT count(*) FROM activity") == TINY.activities + TINY.bookings


def test_the_load_test_runs_agents_without_errors_on_postgresql(pg_database):
    generate.generate(pg_database, scale=TINY, log=lambda _: None)
    try:
        result = load.measure(pg_database, agents=3, seconds=2.5, log=lambda _: None)
    finally:
        deleted = generate.restore(pg_database)
    _check_load(result, 3)
    assert deleted["case"] == result["per_operation"]["open a case"]["count"]
    assert _pg_rows(pg_database, "SELECT count(*) FROM activity") == [
        (TINY.activities + TINY.bookings,)
    ]


def test_the_import_measurement_leaves_the_contacts_as_they_were(opened):
    from crm_tui.bench import imports

    path, _ = opened
    before = _scalar(path, "SELECT count(*) FROM contact")
    done = imports.measure(300, log=lambda _: None)
    assert done["created"] == 300 and done["removed"] == 300
    assert done["dry_run_per_s"] > 0 and done["write_per_s"] > 0
    assert _scalar(path, "SELECT count(*) FROM contact") == before
    rep = report.Report(database={})
    measure.add_lines(rep, {"import": done})
    assert [line.name for line in rep.lines] == [
        "import: dry run (rows/s)", "import: writing (rows/s)"]  # fmt: skip


def test_workflow_measurements_run_every_scheduled_match_once_and_leave_nothing(opened):
    from crm_tui.bench import workflow

    path, _ = opened
    tables = ("case", "activity", "audit_entry")
    before = {table: _scalar(path, f'SELECT count(*) FROM "{table}"') for table in tables}
    raw = workflow.measure_all(repeat=2, log=lambda _: None)
    assert raw["realtime"]["rules"] == 5 and raw["realtime"]["with"]["n"] >= 60
    scheduled = raw["scheduled"]
    assert scheduled["queued"] > 0 and scheduled["done"] == scheduled["queued"]
    assert scheduled["failed"] == 0 and scheduled["queued_again"] == 0
    rep = report.Report(database={})
    workflow.add_lines(rep, raw)
    assert [line.name for line in rep.lines] == [
        "workflow: five real-time rules added to a case write",
        "workflow: scheduled matches run",
    ]
    assert rep.lines[1].ok is True
    generate.restore(path)
    for table in generate.EMPTIED:
        assert _scalar(path, f"SELECT count(*) FROM {table}") == 0
    after = {table: _scalar(path, f'SELECT count(*) FROM "{table}"') for table in tables}
    assert after == before
