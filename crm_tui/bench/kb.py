"""In-process timings of the knowledge base (issue 5) and of the command
palette's "go to": the ranked search of the knowledge area for typical
queries (as an agent, who sees published articles and their own, and as a
manager, who sees everything: the visibility filter changes the plan), the
suggestions beside a case re-run as its title is typed word by word, and
GoToProvider.search's find_by_name over every record type.

Nothing here writes: kb_search.search runs kb.publish_due/expire_due, which
find nothing due in the generated data (see crm_tui.bench.kb_data).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from crm_tui.bench.budgets import FILTER_MS, KB_SEARCH_MS
from crm_tui.bench.measure import stats, timed
from crm_tui.bench.service_data import SERVICE_LOGIN
from crm_tui.bench.signin import signed_in
from crm_tui.db import database, is_postgres
from crm_tui.services import search as full_text
from crm_tui.services.knowledge import kb_query, kb_search

# The manager the bench signs in as (a reviewer: sees every state).
MANAGER_LOGIN = "bench01"


def queries(rare: str) -> dict[str, str]:
    """What people type into the knowledge-base search box, by kind."""
    return {
        "common word": "error",
        "two words": "printer offline",
        "phrase": '"paper jam"',
        "prefix": "pass*",
        "exclusion": "vpn -android",
        "OR": "invoice OR refund",
        "rare word": rare,
        "Persian word": "چاپگر",
        "no words (most helpful)": "",
    }


# A case title typed word by word, with its description (issue 5).
CASE_TITLE = "Cannot log in after password reset on the portal"
CASE_DESCRIPTION = (
    "Since this morning the portal rejects the new password and says the account is locked."
)
# What the palette is asked (a name prefix, a case number, an email fragment, a Persian name).
PALETTE_QUERIES = ("mar", "CAS-0001", "gmail", "مریم")
PALETTE_LIMIT = 8


def rare_word() -> str:
    """An error code that a few articles mention (the rarest one indexed)."""
    from crm_tui.bench import kb_data

    codes = kb_data.rare_codes(_seed())
    if is_postgres():
        # the index's words with the number of documents holding each
        counts = dict(
            database.execute_sql(
                "SELECT word, ndoc FROM ts_stat('SELECT doc FROM kb_fts') WHERE word = ANY(?)",
                (codes,),
            ).fetchall()
        )
        return _rarest(counts, codes)
    conn = database.connection()
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_rows USING fts5vocab(main, kb_fts, row)"
    )
    try:
        counts = dict(
            conn.execute(
                f"SELECT term, doc FROM temp.kb_rows WHERE term IN ({', '.join('?' * len(codes))})",
                codes,
            )
        )
    finally:
        conn.execute("DROP TABLE temp.kb_rows")
    return _rarest(counts, codes)


def _rarest(counts: dict[str, int], codes: list[str]) -> str:
    candidates = [c for c in counts if counts[c] >= 2] or list(counts)
    return min(candidates, key=lambda c: (counts[c], c)) if candidates else codes[0]


def _seed() -> int:
    from crm_tui.bench.generate import SEED

    return SEED + 3


def _matches(typed: str) -> int:
    """How many index rows (every version) the query matches."""
    fts = kb_query.to_fts(kb_query.parse(typed))
    if fts is None:
        return database.execute_sql("SELECT count(*) FROM kb_article").fetchone()[0]
    if is_postgres():
        sql, fts = full_text.matches_sql("kb"), full_text.match_param("kb", fts)
        return database.execute_sql(f"SELECT count(*) FROM ({sql}) AS m", (fts,)).fetchone()[0]
    return database.execute_sql(
        "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH ?", (fts,)
    ).fetchone()[0]


@contextlib.contextmanager
def _no_snippets() -> Iterator[None]:
    """kb_search without its snippets (kb_query.snippet returns nothing), to
    tell the query's time from the Python that highlights the results."""
    real = kb_query.snippet
    kb_query.snippet = lambda text, query, words=24: []
    try:
        yield
    finally:
        kb_query.snippet = real


# screens/knowledge_search.py FIRST_SNIPPETS
FIRST_SNIPPETS = 8


def search(typed_queries: dict[str, str], repeat: int = 15) -> dict:
    """kb_search.search(typed, limit=50, snippets=8) per query, as the
    knowledge screen asks (a screenful of snippets; the rest are filled in
    after the results show), as the agent and as the manager.
    Returns {role: {kind: stats + typed, rows, matches}}, "worst"."""
    out: dict = {}
    worst = {"median": -1.0}
    for role, login in (("agent", SERVICE_LOGIN), ("manager", MANAGER_LOGIN)):
        with signed_in(login):
            per_query = {}
            for kind, typed in typed_queries.items():

                def run(typed=typed):
                    return kb_search.search(typed, limit=50, snippets=FIRST_SNIPPETS)

                result = stats(timed(run, repeat))
                # the same call with snippets not computed: the database's share
                with _no_snippets():
                    result["without_snippets"] = stats(timed(run, repeat))["median"]
                result["typed"] = typed
                result["rows"] = len(run())
                result["matches"] = _matches(typed)
                per_query[kind] = result
                if result["median"] > worst["median"]:
                    worst = {"role": role, "kind": kind, **result}
            out[role] = {"login": login, **per_query}
    out["worst"] = worst
    return out


def suggestions_while_typing(repeat: int = 15) -> dict:
    """kb_search.suggest(title so far, description) for each word-by-word
    prefix of CASE_TITLE. Returns {prefix: stats + rows}, "worst"."""
    out: dict = {}
    worst = {"median": -1.0}
    words = CASE_TITLE.split()
    with signed_in(SERVICE_LOGIN):
        for k in range(1, len(words) + 1):
            prefix = " ".join(words[:k])

            def run(prefix=prefix):
                return kb_search.suggest(prefix, CASE_DESCRIPTION)

            result = stats(timed(run, repeat))
            result["rows"] = len(run())
            searched = kb_search.suggestion_words(prefix, CASE_DESCRIPTION)
            result["terms"] = min(len(searched), kb_search.SUGGESTION_WORDS)
            out[prefix] = result
            if result["median"] > worst["median"]:
                worst = {"prefix": prefix, **result}
    out["worst"] = worst
    return out


def _goto_sources() -> list[tuple[str, Callable]]:
    """(kind, find_by_name) of every "go to" source of the palette, as the
    palette itself lists them."""
    from crm_tui.screens.common.palette import sources

    return [(kind.name, finder) for kind, finder, _ in sources()]


def palette(repeat: int = 15) -> dict:
    """What GoToProvider.search asks for a query: every source's
    find_by_name(query, limit=8), one after the other. Returns {query:
    stats + hits, per-source medians, the slowest source}, "worst"."""
    sources = _goto_sources()
    out: dict = {}
    worst = {"median": -1.0}
    with signed_in(SERVICE_LOGIN):
        for query in PALETTE_QUERIES:
            per_source: dict[str, list[float]] = {kind: [] for kind, _ in sources}
            hits = {}

            def run(query=query, record=None, hits=hits):
                total = 0
                for kind, find in sources:
                    t0 = time.perf_counter()
                    found = find(query, limit=PALETTE_LIMIT)
                    if record is not None:
                        record[kind].append((time.perf_counter() - t0) * 1000)
                    hits[kind] = len(found)
                    total += len(found)
                return total

            run()
            samples = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                run(record=per_source)
                samples.append((time.perf_counter() - t0) * 1000)
            result = stats(samples)
            medians = {kind: stats(times)["median"] for kind, times in per_source.items()}
            slowest = max(medians, key=medians.get)
            result.update(
                hits=sum(hits.values()),
                per_source=medians,
                slowest=slowest,
                slowest_ms=medians[slowest],
                sources=len(sources),
            )
            out[query] = result
            if result["median"] > worst["median"]:
                worst = {"query": query, **result}
    out["worst"] = worst
    return out


# --- all of it, and the report's lines --------------------------------------------------


def measure_all(repeat: int = 15, log: Callable[[str], None] = print) -> dict:
    """Every knowledge-base and palette measurement."""
    out: dict = {
        "articles": database.execute_sql("SELECT count(*) FROM kb_article").fetchone()[0],
        "published": database.execute_sql(
            "SELECT count(*) FROM kb_article WHERE state = 'published'"
        ).fetchone()[0],
    }
    log("bench: knowledge-base search ...")
    out["search"] = search(queries(rare_word()), repeat)
    log("bench: article suggestions while typing a case title ...")
    out["suggest"] = suggestions_while_typing(repeat)
    log("bench: palette go-to across all record types ...")
    out["palette"] = palette(max(3, repeat // 3))
    return out


def add_lines(report, raw: dict) -> None:
    """The report's lines for `measure_all`'s result, against the performance budgets."""

    def add(name, s, budget, note=""):
        report.add(
            name, s["median"], "ms", f"<= {budget:.0f}", s["median"] <= budget, s["p95"], note
        )

    found = raw["search"]
    for role in ("agent", "manager"):
        sees = "published + own" if role == "agent" else "every state"
        for kind, s in found[role].items():
            if kind == "login":
                continue
            typed = s["typed"] or "(nothing)"
            add(f"KB search ({role}): {kind}", s, KB_SEARCH_MS,
                f"{typed}: {s['rows']} shown of {s['matches']:,} matching versions; "
                f"{s['without_snippets']:.1f} ms without snippets; "
                f"{found[role]['login']}, {sees}")  # fmt: skip
    w = found["worst"]
    add("KB search: worst", w, KB_SEARCH_MS,
        f"{w['role']}, {w['kind']} ({w['typed'] or 'nothing'}); "
        f"{raw['articles']:,} versions, {raw['published']:,} published")  # fmt: skip

    suggested = raw["suggest"]
    for prefix, s in suggested.items():
        if prefix == "worst":
            continue
        add(f"KB suggest: {prefix!r}", s, FILTER_MS,
            f"keystroke budget; + description, {s['terms']} OR terms, {s['rows']} shown")  # fmt: skip

    for query, s in raw["palette"].items():
        if query == "worst":
            continue
        add(f"palette go-to: {query!r}", s, FILTER_MS,
            f"keystroke budget, the sum over {s['sources']} record types; {s['hits']} hits; "
            f"slowest {s['slowest']} {s['slowest_ms']:.1f} ms")  # fmt: skip
