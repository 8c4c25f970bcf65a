"""In-process timings of the sales services (issue 3): the pipeline board,
moving a card through a stage gate, a quote with 200 lines, and the
opportunities list. Like crm_tui.bench.measure, each calls the real service
functions a screen calls and returns milliseconds (see measure.stats).

Everything runs signed in as the generator's salesperson (sales_data.SALES_LOGIN),
so "mine" and "team" are a real person's share of the pipeline. The records
written here (a card, a quote and its lines, audit entries) sit above the
generator's marks and `generate.restore` deletes them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from crm_tui.bench.budgets import FILTER_MS, KANBAN_MS, LIST_PAGE_MS, WRITE_MS
from crm_tui.bench.measure import LATIN_TYPING, PERSIAN_TYPING, stats, timed
from crm_tui.bench.sales_data import PRICE_LIST, SALES_LOGIN
from crm_tui.bench.signin import signed_in
from crm_tui.db import database
from crm_tui.models import PriceList
from crm_tui.services import dates
from crm_tui.services.sales import lines, opportunities, pipeline, quotes

SCOPES = ("mine", "team", "all")
CLOSE_FILTERS = ("this_month", "this_quarter", "overdue")


# --- the board --------------------------------------------------------------------------


def _board(f: pipeline.BoardFilter) -> Callable[[], tuple]:
    def load():
        # What the board reads when it opens: the column heads, then each
        # column's first page of cards.
        heads = pipeline.totals(f)
        return heads, [pipeline.cards(stage, f) for stage in opportunities.STAGES]

    return load


def kanban_load(repeat: int = 15) -> dict:
    """pipeline.totals + the first page of every column, per scope (any close
    date) and for everyone's cards per close filter. Each result carries the
    number of open cards in scope, how many the first pages show, and the
    medians of the totals query and of the four columns alone."""
    out: dict = {}
    variants = [(scope, None) for scope in SCOPES] + [("all", c) for c in CLOSE_FILTERS]
    for scope, close in variants:
        f = pipeline.BoardFilter(scope=scope, close=close)
        load = _board(f)
        result = stats(timed(load, repeat))
        heads, columns = load()
        result["cards"] = sum(head.count for head in heads.values())
        result["shown"] = sum(len(column.rows) for column in columns)
        result["totals_ms"] = stats(timed(lambda f=f: pipeline.totals(f), repeat))["median"]

        def all_columns(f=f):
            for stage in opportunities.STAGES:
                pipeline.cards(stage, f)

        result["columns_ms"] = stats(timed(all_columns, repeat))["median"]
        out[scope if close is None else f"{scope}/{close}"] = result
    # Paging deeper into the biggest column, as a person moving down it does.
    f = pipeline.BoardFilter(scope="all")
    first = pipeline.cards("qualify", f)

    def next_page():
        return pipeline.cards("qualify", f, after=first.keys[-1])

    out["next_page"] = stats(timed(next_page, repeat)) if first.keys else None
    return out


def move_card(account_ids: list[int], repeat: int = 15, seed: int = 2) -> dict:
    """opportunities.move_stage of a card Qualify -> Develop with the gate's
    fields filled in the prompt (a customer, which re-indexes the card for
    search, and a close date), and back to Qualify, `repeat` times each."""
    rnd = random.Random(seed)
    card = opportunities.create({"name": "Bench card"})
    version = card.version
    close = (dates.today() + dt.timedelta(days=45)).isoformat()
    forward, back = [], []
    for i in range(repeat + 1):  # the first round warms up
        data = {"account_id": str(rnd.choice(account_ids)), "estimated_close_date": close}
        t0 = time.perf_counter()
        version = opportunities.move_stage(card.id, version, "develop", data).version
        t1 = time.perf_counter()
        version = opportunities.move_stage(card.id, version, "qualify").version
        t2 = time.perf_counter()
        if i:
            forward.append((t1 - t0) * 1000)
            back.append((t2 - t1) * 1000)
    return {"forward": stats(forward), "back": stats(back), "opportunity": card.id}


# --- a quote with many lines ------------------------------------------------------------


def _line(products: list[int], k: int) -> dict:
    """Form data of the k-th line: products in turn, some discounted, some taxed."""
    return {
        "product_id": products[k % len(products)],
        "quantity": str(1 + k % 7),
        "discount": "10%" if k % 3 == 0 else "",
        "tax_percent": "9" if k % 2 else "0",
    }


def quote_lines(account_id: int, size: int = 200, repeat: int = 15) -> dict:
    """A draft quote built with `size` lines through lines.add_line, then:
    adding the `size`-th line (which recomputes the totals over all of them;
    removed again between runs), lines.recompute, lines.update_line of a line
    in the middle, lines.preview_line (the live amount while typing) and
    lines.lines_of (what the quote's detail reads)."""
    price_list = PriceList.get(PriceList.name == PRICE_LIST).id
    products = [
        pid
        for (pid,) in database.execute_sql(
            "SELECT id FROM product WHERE state = 'active' ORDER BY id"
        )
    ]
    quote = quotes.create(
        {"name": "Bench quote", "account_id": account_id, "price_list_id": price_list}
    )
    qid, version = quote.id, quote.version
    for k in range(size - 1):
        version = lines.add_line("quote", qid, version, _line(products, k)).version

    def last_line() -> int:
        sql = "SELECT max(id) FROM quote_line WHERE quote_id = ?"
        return database.execute_sql(sql, (qid,)).fetchone()[0]

    adds, removes = [], []
    for i in range(repeat + 1):  # the first round warms up
        t0 = time.perf_counter()
        version = lines.add_line("quote", qid, version, _line(products, size - 1)).version
        t1 = time.perf_counter()
        version = lines.remove_line("quote", qid, version, last_line()).version
        t2 = time.perf_counter()
        if i:
            adds.append((t1 - t0) * 1000)
            removes.append((t2 - t1) * 1000)
    # Put back untimed, so that every timed add has its timed remove: keeping
    # the last timed add instead left one repetition without any remove.
    version = lines.add_line("quote", qid, version, _line(products, size - 1)).version

    middle = database.execute_sql(
        "SELECT id FROM quote_line WHERE quote_id = ? AND line_number = ?", (qid, size // 2)
    ).fetchone()[0]
    state = {"version": version, "quantity": 2}

    def update():
        state["quantity"] = 5 - state["quantity"]  # 2, 3, 2, ...: a real change each time
        parent = lines.update_line(
            "quote", qid, state["version"], middle, {"quantity": str(state["quantity"])}
        )
        state["version"] = parent.version

    typing = {"product_id": products[0], "quantity": "12", "discount": "7.5%", "tax_percent": "9"}
    count = database.execute_sql(
        "SELECT count(*) FROM quote_line WHERE quote_id = ?", (qid,)
    ).fetchone()[0]
    totals = lines.recompute("quote", qid)
    return {
        "lines": count,
        "quote": qid,
        "total_amount": totals["total_amount"],
        "add_line": stats(adds),
        "remove_line": stats(removes),
        "recompute": stats(timed(lambda: lines.recompute("quote", qid), repeat)),
        "update_line": stats(timed(update, repeat)),
        "preview_line": stats(timed(lambda: lines.preview_line(typing, price_list), repeat)),
        "lines_of": stats(timed(lambda: lines.lines_of("quote", qid), repeat)),
    }


# --- the opportunities list -------------------------------------------------------------


def opportunity_list(
    typing: dict[str, list[str]] | None = None, repeat: int = 15, limit: int = 100
) -> dict:
    """The list's first page (open, by close date) and each prefix of a
    filter as a person types it, per scope. Returns {"first_page": {scope:
    stats}, "filter": {scope: {prefix: stats + rows}}, "worst": {scope: ...}}."""
    typing = typing or {"latin": LATIN_TYPING, "persian": PERSIAN_TYPING}
    out: dict = {"first_page": {}, "filter": {}, "worst": {}}
    for scope in SCOPES:

        def first(scope=scope):
            return opportunities.page(scope=scope, limit=limit)

        out["first_page"][scope] = {**stats(timed(first, repeat)), "rows": len(first().rows)}
        per_prefix = {}
        worst = {"median": -1.0}
        for sequence in typing.values():
            for prefix in sequence:

                def run(prefix=prefix, scope=scope):
                    return opportunities.page(scope=scope, query=prefix, limit=limit)

                result = stats(timed(run, max(3, repeat // 3)))
                result["rows"] = len(run().rows)
                per_prefix[prefix] = result
                if result["median"] > worst["median"]:
                    worst = {"prefix": prefix, **result}
        out["filter"][scope] = per_prefix
        out["worst"][scope] = worst
    return out


# --- all of it, and the report's lines --------------------------------------------------


def measure_all(
    bench_account: int, accounts: int, repeat: int = 15, log: Callable[[str], None] = print
) -> dict:
    """Every sales measurement, signed in as the bench salesperson."""
    with signed_in(SALES_LOGIN) as user:
        out: dict = {"user": user.login, "team": user.team}
        # Reads first, so that they see the generated pipeline only.
        log("bench: kanban load ...")
        out["kanban"] = kanban_load(repeat)
        log("bench: opportunities list ...")
        out["opportunity_list"] = opportunity_list(repeat=repeat)
        log("bench: moving a card ...")
        out["move_card"] = move_card(list(range(1, accounts + 1)), max(15, repeat))
        log("bench: a quote with 200 lines ...")
        out["quote"] = quote_lines(bench_account, 200, repeat)
    return out


def add_lines(report, raw: dict) -> None:
    """The report's lines for `measure_all`'s result, against the performance budgets."""

    def add(name, s, budget, note=""):
        report.add(
            name, s["median"], "ms", f"<= {budget:.0f}", s["median"] <= budget, s["p95"], note
        )

    kanban = raw["kanban"]
    who = f"as {raw['user']} (team {raw['team']})"
    for scope in SCOPES:
        s = kanban[scope]
        note = (
            f"{s['cards']:,} open cards, {s['shown']} shown; totals {s['totals_ms']:.1f} ms, "
            f"4 columns {s['columns_ms']:.1f} ms"
        )
        add(f"kanban load: {scope}", s, KANBAN_MS, note + (f"; {who}" if scope == "mine" else ""))
    close = max((k for k in kanban if "/" in k), key=lambda k: kanban[k]["median"], default=None)
    if close is not None:
        s = kanban[close]
        add(f"kanban load: {close.replace('/', ', ').replace('_', ' ')}", s, KANBAN_MS,
            f"slowest close filter; {s['cards']:,} cards")  # fmt: skip

    move = raw["move_card"]
    nearest = "no card budget: the activity-write budget is the nearest"
    add("move card forward (gate fields)", move["forward"], WRITE_MS, nearest)
    add("move card back", move["back"], WRITE_MS, nearest)

    q = raw["quote"]
    n = q["lines"]
    write_note = "a write: activity-write budget"
    add(f"quote: add line {n} (totals of {n})", q["add_line"], WRITE_MS, write_note)
    add(f"quote: update_line ({n} lines)", q["update_line"], WRITE_MS, write_note)
    add(f"quote: recompute ({n} lines)", q["recompute"], WRITE_MS, write_note)
    add("line preview while typing", q["preview_line"], FILTER_MS, "keystroke budget")
    add(f"quote: lines_of ({n} lines)", q["lines_of"], LIST_PAGE_MS, "the detail's lines table")

    listing = raw["opportunity_list"]
    for scope in SCOPES:
        s = listing["first_page"][scope]
        add(f"opportunities first page: {scope}", s, LIST_PAGE_MS, f"{s['rows']} rows")
    for scope in SCOPES:
        s = listing["worst"][scope]
        add(f"filter opportunities ({scope}): worst", s, FILTER_MS,
            f"{s['prefix']!r}, {s['rows']} rows")  # fmt: skip
