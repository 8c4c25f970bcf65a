"""Build (and cache) the big benchmark database.

The schema comes from the real migrations (crm_tui.db.open_database); rows are
bulk-inserted with raw SQL through the APSW connection, with every column
filled the way the services fill it (name_sort from crm_tui.text.sort_key,
times as crm_tui.models.base.to_db_time text, sort_at as activities.log sets
it, version 1 for a record never edited). Secondary indexes are dropped
during the load and rebuilt afterwards from their own SQL, and the FTS
documents are computed by a fast path that `verify_documents` proves equal to
what crm_tui.services.search.reindex writes.

What the generated data has no equivalent for: bulk records carry no audit
entries (only the bench account has a history) and activities have no party
rows; neither affects the measured queries, which read by index. The sales
part (teams, products, the pipeline, quotes) is crm_tui.bench.sales_data, the
service part (queues, cases, resources, bookings) crm_tui.bench.service_data,
the knowledge base (subjects, article versions, case links, ratings, kb_fts)
crm_tui.bench.kb_data.

A cache of an older generator version is brought up to this one by the
steps in UPGRADES when there are any (v3 -> v4 adds the knowledge base to
the v3 database in place, in about half a minute), instead of regenerating
it; `--rebuild` still builds from scratch.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from crm_tui import text
from crm_tui.bench import kb_data, names, sales_data, service_data
from crm_tui.services import search
from crm_tui.services.validate import phone_search_terms

# Bump when the generated content changes: a cached database of another
# version is never reused.
GENERATOR_VERSION = 4
# 2: the sales pipeline, products, quotes, teams; 3: cases, bookings; 4: the knowledge base

SEED = 20240611
CHUNK = 20_000
# The bench account's share of all activities (1,000 of 2,000,000).
BENCH_SHARE = 1000 / 2_000_000
HISTORY_DAYS = 3 * 365
OWNERS = 24  # bench01 .. bench24 own the records; bench is the admin

ACCOUNT_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, state, "
    "name, name_sort, account_number, parent_id, primary_contact_id, industry, phone, email, "
    "website, street, city, state_province, postal_code, country, annual_revenue, employees, "
    "description"
)
CONTACT_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, state, "
    "first_name, last_name, full_name, name_sort, job_title, account_id, email, phone, mobile, "
    "street, city, state_province, postal_code, country, description"
)
ACTIVITY_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, kind, state, "
    "status_reason, subject, description, regarding_type, regarding_id, direction, priority, "
    "scheduled_start, due_at, actual_end, duration_minutes, location, follow_up_of_id, sort_at"
)
NOTE_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, "
    "regarding_type, regarding_id, subject, body"
)


@dataclass(frozen=True)
class Scale:
    accounts: int
    contacts: int
    activities: int
    # Open opportunities (a tenth as many more are won or lost); by default
    # half the accounts: 50k in the full database, as the budget says.
    opportunities: int | None = None
    # Cases (a few thousand of them active) and resource bookings: by default
    # two per account and a twentieth of that, 200k and 10k in the full
    # database, as the budgets say.
    cases: int | None = None
    bookings: int | None = None
    # Knowledge-article versions: 20k in the full database (the budgets).
    articles: int | None = None

    def __post_init__(self) -> None:
        if self.opportunities is None:
            object.__setattr__(self, "opportunities", self.accounts // 2)
        if self.cases is None:
            object.__setattr__(self, "cases", self.accounts * 2)
        if self.bookings is None:
            object.__setattr__(self, "bookings", self.cases // 20)
        if self.articles is None:
            object.__setattr__(self, "articles", kb_data.default_articles(self.accounts))

    @property
    def bench_activities(self) -> int:
        return max(1, round(self.activities * BENCH_SHARE))


FULL = Scale(100_000, 1_000_000, 2_000_000)
QUICK = Scale(10_000, 100_000, 200_000)


@dataclass
class Generated:
    path: Path
    scale: Scale
    bench_account: int
    seconds: float
    reused: bool = False
    # The generator version of the cache this one was upgraded from, if it was.
    upgraded_from: int | None = None


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- cache ---------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "crm-tui-bench"


def cache_path(quick: bool = False) -> Path:
    stem = "bench-quick" if quick else "bench"
    return cache_dir() / f"{stem}-v{GENERATOR_VERSION}.db"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _clean_cache_dir(keep: Path, log: Callable[[str], None]) -> None:
    """Drop partial builds of dead processes and caches of other generator versions."""
    stem = keep.name.split("-v")[0]
    for item in cache_dir().glob(f"{stem}-v*.db*"):
        if ".partial-" in item.name:
            pid = item.name.rsplit(".partial-", 1)[1].split("-")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                item.unlink(missing_ok=True)
        elif not item.name.startswith(keep.name):
            log(f"bench: removing the cache of another generator version: {item}")
            item.unlink(missing_ok=True)


def ensure(
    *, quick: bool = False, rebuild: bool = False, log: Callable[[str], None] = _stderr
) -> Generated:
    """The cached benchmark database, built first if missing (or `rebuild`)."""
    scale = QUICK if quick else FULL
    path = cache_path(quick)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not rebuild and not path.exists():
        older = _upgradable(path)
        if older is not None:
            return _upgrade_cache(older, path, scale, log)
    _clean_cache_dir(path, log)
    if path.exists() and not rebuild:
        info = read_info(path)
        if info is not None and info.get("version") == GENERATOR_VERSION:
            log(f"bench: reusing {path} (generator v{GENERATOR_VERSION}; --rebuild regenerates)")
            return Generated(path, scale, int(info["bench_account"]), 0.0, reused=True)
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    _remove_db_files(partial)
    log(
        f"bench: generating {scale.accounts:,} accounts, {scale.contacts:,} contacts, "
        f"{scale.activities:,} activities, {scale.opportunities:,} open opportunities, "
        f"{scale.cases:,} cases, {scale.bookings:,} bookings, {scale.articles:,} knowledge "
        f"articles into {path} ..."
    )
    try:
        result = generate(partial, scale=scale, log=log)
    except BaseException:
        _remove_db_files(partial)
        raise
    _remove_db_files(path)
    os.replace(partial, path)
    _remove_db_files(partial)  # a stray -shm of the finished build
    result.path = path
    log(f"bench: generated in {result.seconds:.0f} s")
    return result


# Steps that bring a finished cache of generator version k to k + 1 in place:
# UPGRADES[k](conn, scale, log) on the open database (after its migrations).
def _add_knowledge_base(conn, scale: Scale, log: Callable[[str], None]) -> None:
    kb_data.load(conn, articles=scale.articles, now=dt.datetime.now(dt.UTC), seed=SEED + 3, log=log)


UPGRADES: dict[int, Callable] = {3: _add_knowledge_base}


def _upgradable(path: Path) -> Path | None:
    """An older cache next to `path` that UPGRADES can bring to this version
    (or one whose upgrade finished but was not renamed yet)."""
    stem = path.name.split("-v")[0]
    for version in sorted(UPGRADES, reverse=True):
        older = path.with_name(f"{stem}-v{version}.db")
        if not older.exists():
            continue
        info = read_info(older)
        if info is None:
            continue
        if info.get("version") == GENERATOR_VERSION or all(
            v in UPGRADES for v in range(info.get("version", -1), GENERATOR_VERSION)
        ):
            return older
    return None


def _upgrade_cache(older: Path, path: Path, scale: Scale, log: Callable[[str], None]) -> Generated:
    """Apply UPGRADES to the cache at `older` in place (each step one
    transaction, with the generator record), then rename it to `path`."""
    from crm_tui.db import close_database, connection, open_database

    started = time.perf_counter()
    info = read_info(older)
    assert info is not None
    version = from_version = info["version"]
    if version != GENERATOR_VERSION:
        log(f"bench: upgrading {older} from generator v{version} to v{GENERATOR_VERSION} ...")
    upgrade(older)  # this crm-tui's migrations first
    open_database(older)
    conn = connection()
    try:
        record = json.loads(
            conn.execute("SELECT value FROM meta WHERE key = 'bench_generator'").fetchone()[0]
        )
        from_version = record.get("upgraded_from", version)
        while version < GENERATOR_VERSION:
            UPGRADES[version](conn, scale, log)
            version += 1
            marks = json.loads(
                conn.execute("SELECT value FROM meta WHERE key = 'bench_marks'").fetchone()[0]
            )
            for table in RESTORED:
                if table not in marks:  # a table the step filled
                    marks[table] = conn.execute(
                        f'SELECT coalesce(max(id), 0) FROM "{table}"'
                    ).fetchone()[0]
            marks["sequence"] = dict(conn.execute("SELECT name, next FROM sequence"))
            record.update(
                version=version,
                scale=asdict(scale),
                upgraded_from=from_version,
                upgrade_seconds=round(time.perf_counter() - started, 1),
            )
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [("bench_generator", json.dumps(record)), ("bench_marks", json.dumps(marks))],
            )
            conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        close_database()
    _remove_db_files(path)
    os.replace(older, path)
    _remove_db_files(older)
    seconds = time.perf_counter() - started
    log(f"bench: upgraded to generator v{GENERATOR_VERSION} in {seconds:.0f} s")
    return Generated(path, scale, int(info["bench_account"]), seconds, upgraded_from=from_version)


def read_info(path: Path) -> dict | None:
    """The generator record of a finished database, or None."""
    import apsw

    try:
        conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    except apsw.Error:
        return None
    try:
        rows = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('bench_generator', 'bench_account')"
            )
        )
    except apsw.Error:
        return None
    finally:
        conn.close()
    if "bench_generator" not in rows or "bench_account" not in rows:
        return None
    info = json.loads(rows["bench_generator"])
    info["bench_account"] = int(rows["bench_account"])
    return info


# --- times ---------------------------------------------------------------------------


class Clock:
    """Times as microseconds since a UTC midnight, written exactly as
    crm_tui.models.base.to_db_time writes them (fixed width, so text order
    is time order) but without building a datetime per row."""

    def __init__(self, start: dt.date, days: int) -> None:
        self.start = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
        self._days = [(start + dt.timedelta(days=d)).isoformat() + "T" for d in range(days)]
        self._clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}." for s in range(86_400)]

    def text(self, us: int) -> str:
        seconds, micro = divmod(us, 1_000_000)
        day, second = divmod(seconds, 86_400)
        return f"{self._days[day]}{self._clock[second]}{micro:06d}"

    def datetime(self, us: int) -> dt.datetime:
        return self.start + dt.timedelta(microseconds=us)


DAY = 86_400_000_000
HOUR = 3_600_000_000


# --- FTS documents -------------------------------------------------------------------


class _FastText:
    """crm_tui.text as search._documents sees it during generation: the same
    module, but normalize() takes a shortcut for printable ASCII (where it
    only trims and lower-cases) and folds other text word by word, each
    distinct word once (folding never reaches across a space in generated
    text, which has no control characters)."""

    def __init__(self) -> None:
        self._words: dict[str, str] = {}

    def __getattr__(self, name: str):
        return getattr(text, name)

    def normalize(self, value: str | None) -> str:
        if not value:
            return ""
        if value.isascii() and value.isprintable():
            return value.strip().lower()
        words = self._words
        out = []
        for word in value.split(" "):
            if word.isascii() and word.isprintable():
                out.append(word.lower())
                continue
            folded = words.get(word)
            if folded is None:
                folded = text.normalize(word)
                if len(words) < 200_000:
                    words[word] = folded
            out.append(folded)
        return " ".join(out).strip()


def fast_documents(nationals: dict[str, str]) -> Callable[[tuple], tuple[str, str]]:
    """search._documents itself (the same code, so the index gets what
    search.reindex would write), run with two shortcuts: _FastText, and the
    search terms of a phone the generator built from a known national number
    (popped from `nationals`) instead of asking phonenumbers to parse it.
    `check_document` compares the result with the real function."""

    def phone_terms(value: str) -> list[str]:
        national = nationals.pop(value, None)
        if national is None:
            return phone_search_terms(value)
        return sorted({value[1:], national, "0" + national})

    real = search._documents
    scope = {**real.__globals__, "text": _FastText(), "phone_search_terms": phone_terms}
    return types.FunctionType(real.__code__, scope, "_documents", real.__defaults__)


def check_document(row: tuple, made: tuple[str, str]) -> None:
    """Raise if the fast path disagrees with search._documents for a source row
    (id, name, number, email, web, phone, mobile, city, country, extra)."""
    expected = search._documents(row)
    if made != expected:
        raise AssertionError(f"FTS document of #{row[0]}: fast path {made!r} != {expected!r}")


# --- generation ------------------------------------------------------------------------


_NATIONAL_LENGTH = {"1": 10, "98": 10, "44": 10, "49": 10, "45": 8}


def _phone(rnd: random.Random, code: str, prefixes: list[str]) -> tuple[str, str]:
    """(E.164 as normalize_phone stores it, the national number phonenumbers finds)."""
    prefix = prefixes[int(rnd.random() * len(prefixes))]
    digits = _NATIONAL_LENGTH.get(code, 9) - len(prefix)
    rest = f"{int(rnd.random() * 10**digits):0{digits}d}"
    if code == "1":  # NANP: the exchange code starts with 2-9
        rest = str(2 + int(rnd.random() * 8)) + rest[1:]
    national = prefix + rest
    return "+" + code + national, national


def _slug(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isascii() and ch.isalnum())


class _Loader:
    """Runs the bulk load on the APSW connection in big transactions."""

    def __init__(self, conn, log: Callable[[str], None]) -> None:
        self.conn = conn
        self.log = log
        self.t0 = time.perf_counter()

    def insert(self, table: str, columns: str, rows: Iterator[tuple], total: int) -> None:
        marks = ", ".join("?" * len(columns.split(",")))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self._chunks(sql, rows, total, table)

    def _chunks(self, sql: str, rows: Iterator[tuple], total: int, label: str) -> None:
        done = 0
        last = time.perf_counter()
        batch: list[tuple] = []
        self.conn.execute("BEGIN")
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self.conn.executemany(sql, batch)
                done += len(batch)
                batch.clear()
                if time.perf_counter() - last > 5:
                    last = time.perf_counter()
                    self.log(f"bench:   {label}: {done:,} / {total:,}  ({self.elapsed()})")
        if batch:
            self.conn.executemany(sql, batch)
            done += len(batch)
        self.conn.execute("COMMIT")
        self.log(f"bench:   {label}: {done:,} rows ({self.elapsed()})")

    def elapsed(self) -> str:
        return f"{time.perf_counter() - self.t0:.0f} s"


def generate(
    path: Path | str,
    *,
    scale: Scale | None = None,
    accounts: int | None = None,
    contacts: int | None = None,
    activities: int | None = None,
    opportunities: int | None = None,
    seed: int = SEED,
    log: Callable[[str], None] = _stderr,
) -> Generated:
    """Create the database at `path` (which must not exist) at `scale` (or the
    given counts). The database is closed afterwards, in WAL mode."""
    from crm_tui.db import close_database, connection, open_database

    if scale is None:
        scale = Scale(
            accounts if accounts is not None else FULL.accounts,
            contacts if contacts is not None else FULL.contacts,
            activities if activities is not None else FULL.activities,
            opportunities,
        )
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; generate into a new file")
    started = time.perf_counter()
    open_database(path)
    conn = connection()
    try:
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "foreign_keys = OFF",
            # the rows are valid by construction; the test runs integrity_check
            "ignore_check_constraints = ON",
            "cache_size = -400000",
            "temp_store = MEMORY",
        ):
            conn.execute(f"PRAGMA {pragma}").fetchall()
        bench_account = _load(conn, scale, seed, log)
        seconds = time.perf_counter() - started
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('bench_generator', ?)",
            (
                json.dumps(
                    {
                        "version": GENERATOR_VERSION,
                        "scale": asdict(scale),
                        "seed": seed,
                        "seconds": round(seconds, 1),
                        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    }
                ),
            ),
        )
        for pragma in (
            "journal_mode = WAL",
            "synchronous = NORMAL",
            "foreign_keys = ON",
            "ignore_check_constraints = OFF",
        ):
            conn.execute(f"PRAGMA {pragma}").fetchall()
    finally:
        close_database()
    return Generated(path, scale, bench_account, time.perf_counter() - started)


def _load(conn, scale: Scale, seed: int, log: Callable[[str], None]) -> int:
    from crm_tui.services.customers.accounts import INDUSTRIES as accounts_industries

    rnd = random.Random(seed)
    rand = rnd.random

    def randrange(low: int, high: int) -> int:
        return low + int(rand() * (high - low))

    def choice(seq):
        return seq[int(rand() * len(seq))]

    loader = _Loader(conn, log)
    nationals: dict[str, str] = {}
    documents = fast_documents(nationals)

    def phone(code: str, prefixes: list[str]) -> str:
        e164, national = _phone(rnd, code, prefixes)
        nationals[e164] = national
        return e164

    checked = [0]

    def document(row: tuple) -> tuple[str, str]:
        made = documents(row)
        # every 997th row, and every 53rd with non-ASCII text (Persian folding)
        if row[0] % 997 == 1 or (row[0] % 53 == 1 and not "".join(row[1:]).isascii()):
            check_document(row, made)
            checked[0] += 1
        return made

    n_acc, n_con, n_act = scale.accounts, scale.contacts, scale.activities
    end = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start_day = (end - dt.timedelta(days=HISTORY_DAYS)).date()
    clock = Clock(start_day, HISTORY_DAYS + 60)
    now_us = int((end - clock.start).total_seconds()) * 1_000_000
    span = now_us - DAY  # records were created up to a day ago
    tx = clock.text

    # Secondary indexes are rebuilt after the load (a sort beats random inserts).
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('account', 'contact', 'activity', 'note', 'audit_entry', "
        + ", ".join(
            f"'{table}'" for table in (*sales_data.SALES_TABLES, *service_data.SERVICE_TABLES)
        )
        + ")"
    ).fetchall()
    for index_name, _ in indexes:
        conn.execute(f'DROP INDEX "{index_name}"')

    # Users: the admin the app signs in as, and the owners (writers sign in as them).
    user_rows = [(1, "bench", "Bench Admin", "admin", 1, tx(0))]
    for i in range(1, OWNERS + 1):
        full = f"{choice(names.FIRST_NAMES)} {choice(names.LAST_NAMES)}"
        role = "manager" if i <= 2 else ("sales" if i % 2 else "agent")
        user_rows.append((i + 1, f"bench{i:02d}", full, role, 1, tx(0)))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO user (id, login, full_name, role, active, created_at) VALUES (?,?,?,?,?,?)",
        user_rows,
    )
    conn.execute("COMMIT")
    owner_ids = [row[0] for row in user_rows[1:]]

    bench = n_acc // 2 + 1

    # Plan who works where before writing, so accounts can name a primary contact.
    latin_places, persian_places = names.PLACES, names.PERSIAN_PLACES
    account_persian = bytearray(n_acc + 1)
    for a in range(1, n_acc + 1):
        account_persian[a] = rand() < 0.1
    account_persian[bench] = 0
    contact_account = [0] * (n_con + 1)  # 0 = no account
    primary = [0] * (n_acc + 1)
    bench_contacts = min(20, n_con)
    for c in range(1, n_con + 1):
        a = bench if c <= bench_contacts else (randrange(1, n_acc + 1) if rand() < 0.9 else 0)
        contact_account[c] = a
        if a and not primary[a]:
            primary[a] = c

    # Accounts ---------------------------------------------------------------------
    account_names = [""] * (n_acc + 1)
    account_domains = [""] * (n_acc + 1)
    fts_rows: list[tuple] = []
    bench_created: list[int] = []

    def account_rows() -> Iterator[tuple]:
        for a in range(1, n_acc + 1):
            if account_persian[a]:
                name = (
                    f"{choice(names.PERSIAN_COMPANY_FIRST)} "
                    f"{choice(names.PERSIAN_COMPANY_WORDS)} {choice(names.PERSIAN_COMPANY_WORDS)}"
                )
                domain = f"co{a}.ir"
                city, province, country, code, prefixes = choice(persian_places)
            else:
                suffix = choice(names.COMPANY_SUFFIX)
                first, second = choice(names.COMPANY_FIRST), choice(names.COMPANY_SECOND)
                name = f"{first} {second} {suffix}".strip()
                domain = f"{_slug(first + second)}.{'com' if rand() < 0.7 else 'net'}"
                city, province, country, code, prefixes = choice(latin_places)
            account_names[a] = name
            account_domains[a] = domain
            number = f"ACC-{a:07d}"
            email = f"info@{domain}" if rand() < 0.8 else ""
            website = f"www.{domain}" if rand() < 0.7 else ""
            phone_number = phone(code, prefixes) if rand() < 0.9 else ""
            industry = choice(accounts_industries)
            created = int(span * (a - 1 + rand()) / n_acc)
            owner = choice(owner_ids)
            state = "inactive" if rand() < 0.05 and a != bench else "active"
            parent = randrange(1, a) if a > 10 and rand() < 0.03 else None
            stamp = tx(created)
            if a == bench:
                bench_created.append(created)
            source = (a, name, number, email, website, phone_number, "", city, country, industry)
            fts_rows.append((a, *document(source)))
            yield (
                a, 1, stamp, owner, stamp, owner, owner, state, name, sort_key(name), number,
                parent, primary[a] or None, industry, phone_number, email,
                website, f"{randrange(1, 400)} {choice(names.STREETS)}", city, province,
                f"{randrange(10000, 99999)}", country,
                randrange(100_000, 500_000_000) * 100 if rand() < 0.6 else None,
                randrange(1, 20_000) if rand() < 0.6 else None, "",
            )  # fmt: skip
            if len(fts_rows) >= CHUNK:
                flush_fts("account")

    def flush_fts(kind: str) -> None:
        conn.executemany(
            f"INSERT INTO {kind}_fts (rowid, name, details) VALUES (?, ?, ?)", fts_rows
        )
        fts_rows.clear()

    sort_cache: dict[str, str] = {}

    def sort_key(value: str) -> str:
        key = sort_cache.get(value)
        if key is None:
            key = text.sort_key(value)
            if len(sort_cache) < 500_000:
                sort_cache[value] = key
        return key

    log("bench: accounts ...")
    loader.insert("account", ACCOUNT_COLUMNS, account_rows(), n_acc)
    conn.execute("BEGIN")
    flush_fts("account")
    conn.execute("COMMIT")

    # Contacts ---------------------------------------------------------------------
    def contact_rows() -> Iterator[tuple]:
        for c in range(1, n_con + 1):
            a = contact_account[c]
            persian = (rand() < 0.8) if (a and account_persian[a]) else (rand() < 0.05)
            if persian:
                first, last = choice(names.PERSIAN_FIRST_NAMES), choice(names.PERSIAN_LAST_NAMES)
                local = f"user{c}"
                city, province, country, code, prefixes = choice(persian_places)
            else:
                first, last = choice(names.FIRST_NAMES), choice(names.LAST_NAMES)
                local = f"{first.lower()}.{last.lower()}"
                if rand() < 0.5:
                    local += str(randrange(1, 100))
                city, province, country, code, prefixes = choice(latin_places)
            if rand() < 0.04:
                first = ""  # a few people are known by one name only
            full = f"{first} {last}".strip()
            domain = account_domains[a] if a else choice(("gmail.com", "outlook.com", "yahoo.com"))
            email = f"{local}@{domain}" if rand() < 0.85 else ""
            phone_number = phone(code, prefixes) if rand() < 0.8 else ""
            mobile = phone(code, prefixes) if rand() < 0.6 else ""
            job = choice(names.JOB_TITLES)
            created = int(span * (c - 1 + rand()) / n_con)
            owner = choice(owner_ids)
            stamp = tx(created)
            company = account_names[a] if a else ""
            source = (c, full, "", email, company, phone_number, mobile, city, country, job)
            fts_rows.append((c, *document(source)))
            yield (
                c, 1, stamp, owner, stamp, owner, owner,
                "inactive" if rand() < 0.05 else "active", first, last, full,
                sort_key(f"{last} {first}"), job, a or None, email, phone_number, mobile,
                f"{randrange(1, 400)} {choice(names.STREETS)}", city, province,
                f"{randrange(10000, 99999)}", country, "",
            )  # fmt: skip
            if len(fts_rows) >= CHUNK:
                flush_fts("contact")

    log("bench: contacts ...")
    loader.insert("contact", CONTACT_COLUMNS, contact_rows(), n_con)
    conn.execute("BEGIN")
    flush_fts("contact")
    conn.execute("COMMIT")

    # Activities -------------------------------------------------------------------
    n_bench = scale.bench_activities
    bench_rows = set(rnd.sample(range(n_act), n_bench))
    kinds = (
        ["phone_call"] * 35 + ["email"] * 30 + ["task"] * 15 + ["appointment"] * 10
        + ["letter"] * 3 + ["fax"] * 1 + ["service_activity"] * 3 + ["campaign_response"] * 3
    )  # fmt: skip
    topics = names.TOPICS
    templates = names.SUBJECT_TEMPLATES
    descriptions = names.DESCRIPTIONS

    def other_account() -> int:
        a = randrange(1, n_acc) if n_acc > 1 else bench
        return a + 1 if a >= bench and n_acc > 1 else a

    def activity_rows() -> Iterator[tuple]:
        for i in range(n_act):
            if i in bench_rows:
                rtype, rid = "account", bench
            else:
                r = rand()
                if r < 0.45:
                    rtype, rid = "account", other_account()
                elif r < 0.95:
                    rtype, rid = "contact", randrange(1, n_con + 1)
                else:
                    rtype, rid = None, None
            kind = choice(kinds)
            created = int(span * (i + rand()) / n_act)
            owner = choice(owner_ids)
            subject = choice(templates[kind]).format(t=choice(topics))
            description = choice(descriptions) if rand() < 0.3 else ""
            direction = duration = scheduled = due = ended = None
            version, modified = 1, created
            priority = "normal" if rand() < 0.85 else choice(("low", "high"))
            location = ""
            if kind in ("task", "appointment", "service_activity"):
                due = created + randrange(1, 14) * DAY + randrange(0, 8) * HOUR
                if kind != "task":
                    scheduled = due
                    location = "Customer site" if rand() < 0.5 else ""
                r = rand()
                if due < now_us and r < 0.8:
                    state, ended = "completed", due
                elif r < 0.9 or due >= now_us:
                    state = "open" if kind == "task" else "scheduled"
                else:
                    state, ended = "canceled", min(due, now_us - HOUR)
                if ended is not None:
                    version, modified = 2, ended
            else:
                state, ended = "completed", created
                if kind in ("phone_call", "email"):
                    direction = "outgoing" if rand() < 0.6 else "incoming"
                if kind == "phone_call":
                    duration = randrange(1, 45)
            # sort_at as activities.log sets it: the due time while open, else the end
            stamp = tx(created)
            end_stamp = None if ended is None else (stamp if ended == created else tx(ended))
            due_stamp = None if due is None else tx(due)
            yield (
                i + 1, version, stamp, owner, stamp if modified == created else end_stamp, owner,
                owner, kind, state, "", subject, description, rtype, rid, direction, priority,
                None if scheduled is None else due_stamp, due_stamp, end_stamp, duration,
                location, None, due_stamp if ended is None else end_stamp,
            )  # fmt: skip

    log("bench: activities ...")
    loader.insert("activity", ACTIVITY_COLUMNS, activity_rows(), n_act)

    # Notes (a twentieth of the activities), the bench account's among them -----------
    n_notes = max(1, n_act // 20)
    bench_notes = min(n_notes, max(1, n_bench // 50))
    bench_note_rows = set(rnd.sample(range(n_notes), bench_notes))

    def note_rows() -> Iterator[tuple]:
        for i in range(n_notes):
            if i in bench_note_rows:
                rtype, rid = "account", bench
            elif rand() < 0.5:
                rtype, rid = "account", other_account()
            else:
                rtype, rid = "contact", randrange(1, n_con + 1)
            created = int(span * (i + rand()) / n_notes)
            owner = choice(owner_ids)
            stamp = tx(created)
            yield (
                i + 1, 1, stamp, owner, stamp, owner, owner, rtype, rid,
                f"Note on {choice(topics)}", choice(descriptions),
            )  # fmt: skip

    loader.insert("note", NOTE_COLUMNS, note_rows(), n_notes)

    # The sales pipeline, its products, price list and quotes, the users' teams.
    sales_data.load(
        conn,
        insert=loader.insert,
        open_opportunities=scale.opportunities,
        accounts=n_acc,
        contacts=n_con,
        account_persian=account_persian,
        tx=tx,
        now_us=now_us,
        today=end.date(),
        seed=seed + 1,
        log=log,
    )

    # Queues, cases, resources, services and bookings.
    service_data.load(
        conn,
        insert=loader.insert,
        cases=scale.cases,
        bookings=scale.bookings,
        accounts=n_acc,
        contact_account=contact_account,
        account_persian=account_persian,
        tx=tx,
        at=clock.datetime,
        now_us=now_us,
        seed=seed + 2,
        log=log,
    )

    # The knowledge base: subjects, article versions, ratings, case links.
    kb_data.load(conn, articles=scale.articles, now=end, seed=seed + 3, log=log)

    # The bench account's audit trail: created, then edited now and then.
    owner, name = conn.execute(
        "SELECT owner_id, name FROM account WHERE id = ?", (bench,)
    ).fetchone()
    created_us = bench_created[0]
    audit = [
        (
            tx(created_us),
            owner,
            "account",
            bench,
            "create",
            json.dumps({"name": [None, name]}, ensure_ascii=False, sort_keys=True),
        )
    ]
    step = max(1, (now_us - created_us) // 31)
    for k in range(1, 31):
        old, new = f"+1 555 01{k:02d}", f"+1 555 01{k + 1:02d}"
        audit.append(
            (
                tx(created_us + k * step),
                choice(owner_ids),
                "account",
                bench,
                "update",
                json.dumps({"phone": [old, new]}, sort_keys=True),
            )
        )
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO audit_entry (at, user_id, record_type, record_id, action, changes) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        audit,
    )
    conn.execute("COMMIT")

    log(f"bench: rebuilding {len(indexes)} indexes ...")
    conn.execute("BEGIN")
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    log(f"bench:   indexes rebuilt ({loader.elapsed()})")
    log(f"bench:   {checked[0]:,} sampled FTS documents equal search._documents' output")

    marks = {
        table: conn.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
        for table in RESTORED
    }
    marks["sequence"] = dict(conn.execute("SELECT name, next FROM sequence"))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        [("bench_account", str(bench)), ("bench_marks", json.dumps(marks))],
    )
    conn.execute("COMMIT")
    return bench


# Tables the bench writes to, in the order `restore` deletes from them (lines
# before their documents); rows above the generator's marks are the bench's.
RESTORED = (
    "activity_party", "activity", "note", "audit_entry", "quote_line", "quote",
    "opportunity_line", "opportunity", "case", "kb_article_case", "kb_rating", "kb_article",
)  # fmt: skip
# Full-text indexes keyed by the id of a table in RESTORED.
RESTORED_FTS = {
    "quote_fts": "quote", "opportunity_fts": "opportunity", "case_fts": "case",
    "kb_fts": "kb_article",
}  # fmt: skip


def upgrade(path: Path | str) -> None:
    """Bring a cached database to this crm-tui's schema (its migrations)."""
    from crm_tui.db import close_database, open_database

    open_database(path)
    close_database()


def restore(path: Path | str) -> dict[str, int]:
    """Delete what a bench run wrote (rows above the marks the generator
    recorded), so every run starts from the generated state. Returns the
    number of rows deleted per table."""
    import apsw

    conn = apsw.Connection(str(path))
    try:
        conn.set_busy_timeout(10_000)
        row = conn.execute("SELECT value FROM meta WHERE key = 'bench_marks'").fetchone()
        if row is None:
            return {}
        marks = json.loads(row[0])
        # Only rows the bench wrote go; nothing refers to them but each other,
        # and an activity's unindexed follow_up_of_id would make every foreign
        # key check on delete a table scan.
        conn.execute("PRAGMA foreign_keys = OFF").fetchall()
        deleted = {}
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table in RESTORED:
                if table in marks:
                    conn.execute(f'DELETE FROM "{table}" WHERE id > ?', (marks[table],))
                    deleted[table] = conn.changes()
            for fts, table in RESTORED_FTS.items():
                if table in marks:
                    conn.execute(f"DELETE FROM {fts} WHERE rowid > ?", (marks[table],))
            if "sequence" in marks:  # document numbers the bench took are given back
                conn.execute("DELETE FROM sequence")
                conn.executemany(
                    "INSERT INTO sequence (name, next) VALUES (?, ?)", marks["sequence"].items()
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        return deleted
    finally:
        conn.close()
