"""The customer part of the bench database: the users (the admin the app
signs in as and the owners), accounts (a tenth of them Persian), contacts
(most working for an account, the bench account's twenty among them),
activities and notes (the bench account's share of them), with the
account and contact search documents, and at the end the bench account's
audit trail.

Rows are filled the way the services fill them (see crm_tui.bench.generate);
one random stream makes them, and the audit trail continues it after the
other areas have drawn from streams of their own.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from crm_tui import text
from crm_tui.bench import names
from crm_tui.bench.bulk import CHUNK, DAY, HOUR, Clock
from crm_tui.bench.documents import check_document, fast_documents
from crm_tui.bench.scale import Scale
from crm_tui.db import is_postgres
from crm_tui.services import search

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


@dataclass
class Customers:
    """What the customer rows leave for the other areas and the audit trail."""

    bench: int  # the bench account's id
    owner_ids: list[int]
    # account id -> 1 if its name is Persian; contact id -> account id (0: none)
    account_persian: bytearray
    contact_account: list[int]
    bench_created: int  # microseconds on the clock
    checked: int  # sampled FTS documents compared with search._documents
    rnd: random.Random  # the customer stream, which the audit trail continues


def load(
    conn,
    *,
    insert: Callable[[str, str, Iterator[tuple], int], None],
    scale: Scale,
    seed: int,
    clock: Clock,
    now_us: int,
    log: Callable[[str], None],
) -> Customers:
    """Write the users, accounts, contacts, activities and notes; `insert` is
    the generator's bulk loader, `clock` the generator's time text and
    `now_us` now on it."""
    from crm_tui.services.customers.accounts import INDUSTRIES as accounts_industries

    rnd = random.Random(seed)
    rand = rnd.random

    def randrange(low: int, high: int) -> int:
        return low + int(rand() * (high - low))

    def choice(seq):
        return seq[int(rand() * len(seq))]

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
    span = now_us - DAY  # records were created up to a day ago
    tx = clock.text

    # Users: the admin the app signs in as, and the owners (writers sign in as them).
    user_rows = [(1, "bench", "Bench Admin", "admin", 1, tx(0))]
    for i in range(1, OWNERS + 1):
        full = f"{choice(names.FIRST_NAMES)} {choice(names.LAST_NAMES)}"
        role = "manager" if i <= 2 else ("sales" if i % 2 else "agent")
        user_rows.append((i + 1, f"bench{i:02d}", full, role, 1, tx(0)))
    conn.execute("BEGIN")
    conn.executemany(
        'INSERT INTO "user" (id, login, full_name, role, active, created_at) VALUES (?,?,?,?,?,?)',
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
            f"INSERT INTO {kind}_fts (rowid, name, details) VALUES (?, ?, ?)",
            fts_rows if stored is None else [(r[0], stored(r[1]), stored(r[2])) for r in fts_rows],
        )
        fts_rows.clear()

    # What search.index stores of a document: the text itself on SQLite (not
    # called there, to keep that path as fast as it was), its words on PostgreSQL.
    stored = search.document if is_postgres() else None

    sort_cache: dict[str, str] = {}

    def sort_key(value: str) -> str:
        key = sort_cache.get(value)
        if key is None:
            key = text.sort_key(value)
            if len(sort_cache) < 500_000:
                sort_cache[value] = key
        return key

    log("bench: accounts ...")
    insert("account", ACCOUNT_COLUMNS, account_rows(), n_acc)
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
    insert("contact", CONTACT_COLUMNS, contact_rows(), n_con)
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
    insert("activity", ACTIVITY_COLUMNS, activity_rows(), n_act)

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

    insert("note", NOTE_COLUMNS, note_rows(), n_notes)

    return Customers(
        bench, owner_ids, account_persian, contact_account, bench_created[0], checked[0], rnd
    )


def add_audit_trail(conn, customers: Customers, *, tx: Callable[[int], str], now_us: int) -> None:
    """The bench account's audit trail: created, then edited now and then."""
    rand = customers.rnd.random

    def choice(seq):
        return seq[int(rand() * len(seq))]

    bench, owner_ids = customers.bench, customers.owner_ids
    owner, name = conn.execute(
        "SELECT owner_id, name FROM account WHERE id = ?", (bench,)
    ).fetchone()
    created_us = customers.bench_created
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
