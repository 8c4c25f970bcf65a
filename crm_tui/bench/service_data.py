"""The customer-service part of the bench database (issue 4): queues and their
members, cases (a few thousand active ones waiting or being worked on, the
rest resolved or canceled over the years), and service scheduling: 50
resources in groups, a few services, and bookings around today.

Rows are bulk-inserted with raw SQL like crm_tui.bench.generate, filled the
way the services fill them: title_sort from crm_tui.text.sort_key, numbers
as crm_tui.services.numbers formats them (with the `sequence` counter set
past them), SLA targets from crm_tui.services.support.sla.due on the configured
business calendar and targets (the defaults the bench runs with), and
next_breach_at from sla.next_breach (NULL once closed or while the clock is
paused). The case search index gets search._documents' output through
documents.fast_documents, sampled against the real function.

Simplifications (none touches the measured queries): closed cases have no
case_resolution activity and no audit trail; each booking's service
activity books one resource.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator

from crm_tui import text
from crm_tui.bench import names
from crm_tui.bench.documents import check_document, fast_documents
from crm_tui.db import is_postgres
from crm_tui.models.base import to_db_time
from crm_tui.services import dates, numbers, search
from crm_tui.services.support import sla

# The agent the bench signs in as for the case queue: a member of two queues.
SERVICE_LOGIN = "bench04"
# Queues and their share of the cases.
QUEUES = (
    ("Tier 1", 30), ("Tier 2", 15), ("Billing", 12), ("Technical", 12), ("Returns", 8),
    ("Field service", 8), ("VIP", 5), ("Escalations", 10),
)  # fmt: skip
SERVICE_TABLES = ("case", "booking", "queue_member", "resource", "service_requirement")
# Of every 100 cases, this many are still active (at least ACTIVE_MIN in all).
ACTIVE_PERCENT = 3
ACTIVE_MIN = 60
RESOURCES = 50
# Resource groups: (group, resource type, how many, work days, hours).
RESOURCE_GROUPS = (
    ("technicians", "user", 20, "1,2,3,4,5", ("08:00", "16:00")),
    ("specialists", "user", 10, "1,2,3,4,5", ("09:00", "17:00")),
    ("vans", "equipment", 8, "1,2,3,4,5,6", ("07:00", "18:00")),
    ("rooms", "facility", 6, "1,2,3,4,5", ("08:00", "18:00")),
    ("loaners", "equipment", 6, "1,2,3,4,5", ("09:00", "17:00")),
)
# Services: (name, minutes, requirements: a group name or "#k" for the k-th resource).
SERVICES = (
    ("Installation", 120, ("technicians", "vans")),
    ("Site survey", 90, ("technicians",)),
    ("Workshop", 60, ("specialists", "rooms")),
    ("Expert consultation", 60, ("#21",)),
)
BOOKING_DAYS_BACK = 60  # bookings from this many days ago ...
BOOKING_DAYS_AHEAD = 30  # ... to this many days ahead

CASE_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, state, "
    "status_reason, number, title, title_sort, account_id, contact_id, description, case_type, "
    "origin, priority, severity, subject, queue_id, first_response_by, resolve_by, "
    "first_responded_at, resolved_at, paused_since, paused_minutes, billable_minutes, "
    "next_breach_at, assigned"
)
BOOKING_ACTIVITY_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, kind, state, "
    "subject, regarding_type, regarding_id, scheduled_start, due_at, actual_end, "
    "duration_minutes, location, sort_at"
)
CASE_PROBLEMS = [
    "Cannot log in to", "Invoice question about", "Error message in", "Slow response from",
    "Request for a quote on", "Missing delivery of", "Refund for", "How to configure",
    "Broken", "Upgrade of", "Password reset for", "Data export from", "Outage of",
    "Wrong charge on", "Training request:", "Warranty claim:",
]  # fmt: skip
CASE_THINGS = [
    "the portal", "the mobile app", "the printer", "the router", "the monthly invoice",
    "the API", "the dashboard", "order 4711", "the license", "the firewall", "the scanner",
    "the VPN", "email sync", "the backup", "the reports", "the handheld terminal",
]  # fmt: skip
PERSIAN_CASES = [
    "مشکل ورود به سامانه", "پرسش درباره فاکتور", "خرابی چاپگر", "درخواست بازپرداخت",
    "کندی سرور", "ارسال نشدن سفارش", "راه‌اندازی شبکه", "تمدید گارانتی",
]  # fmt: skip
DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
MINUTE_US = 60_000_000


class _Nationals:
    """What documents.fast_documents asks for a phone: its national number. The
    generated phones are "+" + country code + national number, and no
    generated country code is a prefix of another."""

    def __init__(self) -> None:
        self.codes = sorted(
            {place[3] for place in names.PLACES} | {place[3] for place in names.PERSIAN_PLACES},
            key=len,
        )

    def pop(self, value: str, default=None):
        if not value.startswith("+"):
            return default
        for code in self.codes:
            if value.startswith(code, 1):
                return value[1 + len(code) :]
        return default


def active_count(cases: int) -> int:
    return min(cases, max(ACTIVE_MIN, cases * ACTIVE_PERCENT // 100))


def load(
    conn,
    *,
    insert: Callable[[str, str, Iterator[tuple], int], None],
    cases: int,
    bookings: int,
    accounts: int,
    contact_account: list[int],
    account_persian: bytearray,
    tx: Callable[[int], str],
    at: Callable[[int], dt.datetime],
    now_us: int,
    seed: int,
    log: Callable[[str], None],
) -> dict[str, int]:
    """Write the service rows; `insert` is the generator's bulk loader, `tx`
    turns microseconds since the generator's clock start into stored time
    text and `at` into an aware datetime. Call after the core and sales rows
    (accounts, contacts, users with roles, activities) are in. Returns row
    counts per table."""
    rnd = random.Random(seed)  # its own stream: the other data stays as it was
    rand = rnd.random

    def randrange(low: int, high: int) -> int:
        return low + int(rand() * (high - low))

    def choice(seq):
        return seq[int(rand() * len(seq))]

    contacts = len(contact_account) - 1
    users = conn.execute('SELECT id, login, role FROM "user" ORDER BY id').fetchall()
    admin = users[0][0]
    agents = [uid for uid, _, role in users if role == "agent"]
    managers = [uid for uid, _, role in users if role == "manager"]
    me = next(uid for uid, login, _ in users if login == SERVICE_LOGIN)
    stamp0 = tx(0)

    # Queues and members: every agent works two or three queues (the bench's
    # agent Tier 1 and Billing), the managers all of them.
    queue_ids = list(range(1, len(QUEUES) + 1))
    members: dict[int, list[int]] = {q: list(managers) for q in queue_ids}
    for k, agent in enumerate(agents):
        if agent == me:
            mine = [1, 3]
        else:
            mine = sorted({1 + k % len(QUEUES), 1 + (k + 3) % len(QUEUES)})
            if rand() < 0.4:
                mine = sorted({*mine, 1 + (k + 5) % len(QUEUES)})
        for q in mine:
            members[q].append(agent)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO queue (id, version, created_at, created_by_id, modified_at, "
        "modified_by_id, owner_id, state, name, description) "
        "VALUES (?, 1, ?, ?, ?, ?, ?, 'active', ?, '')",
        [(q, stamp0, admin, stamp0, admin, admin, QUEUES[q - 1][0]) for q in queue_ids],
    )
    conn.executemany(
        "INSERT INTO queue_member (queue_id, user_id) VALUES (?, ?)",
        [(q, uid) for q in queue_ids for uid in members[q]],
    )
    conn.execute("COMMIT")
    queue_weights = []
    for q, (_, share) in enumerate(QUEUES, start=1):
        queue_weights += [q] * share

    # Cases --------------------------------------------------------------------
    cal = sla.calendar()
    targets = {p: sla.targets(p) for p in ("high", "normal", "low")}
    n_active = active_count(cases)
    active_rows = set(rnd.sample(range(cases), n_active))
    history_us = now_us - DAY_US
    sort_keys: dict[str, str] = {}

    def sort_key(value: str) -> str:
        key = sort_keys.get(value)
        if key is None:
            key = sort_keys[value] = text.sort_key(value)
        return key

    def stored(when: dt.datetime | None) -> str | None:
        return None if when is None else to_db_time(when)

    def case_rows() -> Iterator[tuple]:
        active_seen = 0
        for i in range(cases):
            case_id = i + 1
            active = i in active_rows
            if active:
                # Active cases are recent: most opened in the last two weeks,
                # a few have been dragging on for months.
                if rand() < 0.9:
                    created = now_us - randrange(10 * MINUTE_US, 14 * DAY_US)
                else:
                    created = now_us - randrange(14 * DAY_US, 180 * DAY_US)
                active_seen += 1
            else:
                created = int(history_us * (i + rand()) / cases)
                created = min(created, now_us - 2 * DAY_US)
            # Customer: an account, or a contact (with their account if they have one).
            if rand() < 0.6 or contacts == 0:
                account, contact = randrange(1, accounts + 1), None
            else:
                contact = randrange(1, contacts + 1)
                account = contact_account[contact] or None
            persian = account_persian[account] if account else rand() < 0.05
            if persian:
                title = choice(PERSIAN_CASES)
            else:
                title = f"{choice(CASE_PROBLEMS)} {choice(CASE_THINGS)}"
            r = rand()
            priority = "high" if r < 0.15 else ("low" if r > 0.8 else "normal")
            queue = choice(queue_weights) if rand() < 0.9 else None
            creator = choice(agents) if rand() < 0.7 else admin
            created_at = at(created)
            paused_minutes = 0
            paused_since = None
            first_by_minutes, resolve_minutes = targets[priority]
            state, reason, assigned = "active", "in_progress", 1
            responded = resolved = None
            billable = None
            version = 1
            modified = created
            if active:
                r = rand()
                if r < 0.12:
                    reason = "on_hold"
                elif r < 0.2:
                    reason = "waiting_for_details"
                elif r < 0.3:
                    reason = "researching"
                if rand() < 0.2:  # paused before and resumed
                    paused_minutes = randrange(30, 600)
                if queue is not None and rand() < 0.35:
                    assigned, owner = 0, creator  # waiting in the queue
                else:
                    owner = choice(members[queue]) if queue is not None else choice(agents)
                    version += 1
                    modified = min(now_us, created + randrange(MINUTE_US, 4 * HOUR_US))
                if rand() < 0.6:
                    responded = min(now_us, created + randrange(5 * MINUTE_US, 8 * HOUR_US))
                    version += 1
                    modified = max(modified, responded)
                if reason in ("on_hold", "waiting_for_details"):
                    since = min(now_us, created + randrange(10 * MINUTE_US, 3 * DAY_US))
                    paused_since = at(since)
                    version += 1
                    modified = max(modified, since)
            else:
                owner = choice(members[queue]) if queue is not None else choice(agents)
                responded = created + randrange(5 * MINUTE_US, 2 * DAY_US)
                ended = min(now_us - HOUR_US, created + randrange(HOUR_US, 20 * DAY_US))
                responded = min(responded, ended)
                if rand() < 0.05:
                    state, reason = "canceled", "canceled"
                else:
                    state = "resolved"
                    reason = "problem_solved" if rand() < 0.7 else "information_provided"
                    resolved = ended
                    billable = randrange(5, 240) if rand() < 0.3 else None
                version, modified = 4, ended
            first_by = sla.due(created_at, first_by_minutes, paused_minutes, cal)
            resolve_by = sla.due(created_at, resolve_minutes, paused_minutes, cal)
            row = {
                "state": state,
                "paused_since": paused_since,
                "first_responded_at": None if responded is None else at(responded),
                "first_response_by": first_by,
                "resolve_by": resolve_by,
            }
            breach = sla.next_breach(row)
            stamp = tx(created)
            yield (
                case_id, version, stamp, creator, stamp if modified == created else tx(modified),
                owner if modified != created else creator, owner, state, reason,
                numbers.format_number("case", case_id), title, sort_key(title), account, contact,
                "", choice(("question", "problem", "problem", "request")),
                choice(("phone", "phone", "email", "email", "web", "walk_in")), priority,
                "high" if priority == "high" and rand() < 0.3 else "default",
                choice(CASE_THINGS) if rand() < 0.3 else "", queue, stored(first_by),
                stored(resolve_by), None if responded is None else tx(responded),
                None if resolved is None else tx(resolved), stored(paused_since), paused_minutes,
                billable, stored(breach), assigned,
            )  # fmt: skip

    log("bench: cases ...")
    insert('"case"', CASE_COLUMNS, case_rows(), cases)

    # The search index: search._documents of reindex's rows, by the fast path.
    documents = fast_documents(_Nationals())
    sql = search._SOURCES["case"][0]
    # what search.index stores of a document (its words, on PostgreSQL)
    as_stored = search.document if is_postgres() else None
    conn.execute("BEGIN")
    batch: list[tuple] = []
    checked = 0
    for row in conn.execute(sql).fetchall():
        made = documents(row)
        if row[0] % 997 == 1 or (row[0] % 53 == 1 and not "".join(map(str, row[1:])).isascii()):
            check_document(row, made)
            checked += 1
        batch.append((row[0], *(made if as_stored is None else map(as_stored, made))))
        if len(batch) >= 20_000:
            conn.executemany("INSERT INTO case_fts (rowid, name, details) VALUES (?, ?, ?)", batch)
            batch.clear()
    conn.executemany("INSERT INTO case_fts (rowid, name, details) VALUES (?, ?, ?)", batch)
    conn.execute(
        "INSERT INTO sequence (name, next) VALUES ('case', ?) "
        "ON CONFLICT (name) DO UPDATE SET next = excluded.next",
        (cases + 1,),
    )
    conn.execute("COMMIT")
    log(f"bench:   case_fts: {cases:,} documents ({checked} sampled against search._documents)")

    # Resources, services and bookings -------------------------------------------
    zone = dates.configured_zone()
    resource_rows, hours = [], {}
    rid = 0
    for group, kind, count, days, (start, end) in RESOURCE_GROUPS:
        for k in range(1, count + 1):
            rid += 1
            user = agents[(rid - 1) % len(agents)] if kind == "user" else None
            name = f"{group[:-1].capitalize()} {k:02d}"
            resource_rows.append(
                (rid, 1, stamp0, admin, stamp0, admin, admin, "active", name, kind, user,
                 group, days, start, end, "")
            )  # fmt: skip
            hours[rid] = ({int(d) for d in days.split(",")}, start, end)
    service_rows, requirement_rows = [], []
    for k, (name, minutes, needs) in enumerate(SERVICES, start=1):
        service_rows.append(
            (k, 1, stamp0, admin, stamp0, admin, admin, "active", name, "", minutes)
        )
        for need in needs:
            if need.startswith("#"):
                requirement_rows.append((k, int(need[1:]), None))
            else:
                requirement_rows.append((k, None, need))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO resource (id, version, created_at, created_by_id, modified_at, "
        "modified_by_id, owner_id, state, name, resource_type, user_id, group_name, work_days, "
        "work_start, work_end, time_zone) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        resource_rows,
    )
    conn.executemany(
        "INSERT INTO service (id, version, created_at, created_by_id, modified_at, "
        "modified_by_id, owner_id, state, name, description, duration_minutes) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        service_rows,
    )
    conn.executemany(
        "INSERT INTO service_requirement (service_id, resource_id, group_name) VALUES (?,?,?)",
        requirement_rows,
    )
    conn.execute("COMMIT")

    # Every (resource, working day) around today gets its share of the
    # bookings, placed without overlap inside the resource's hours.
    today = at(now_us).astimezone(zone).date()
    first_day = today - dt.timedelta(days=BOOKING_DAYS_BACK)
    pairs = []
    for r in range(1, rid + 1):
        days, _, _ = hours[r]
        for d in range(BOOKING_DAYS_BACK + BOOKING_DAYS_AHEAD + 1):
            day = first_day + dt.timedelta(days=d)
            if day.isoweekday() in days:
                pairs.append((r, day))
    per_pair = [bookings // len(pairs)] * len(pairs) if pairs else []
    for k in rnd.sample(range(len(pairs)), bookings % len(pairs) if pairs else 0):
        per_pair[k] += 1
    first_activity = conn.execute("SELECT coalesce(max(id), 0) FROM activity").fetchone()[0] + 1
    now = at(now_us)
    booking_rows: list[tuple] = []
    activity_rows: list[tuple] = []
    for (r, day), n in zip(pairs, per_pair, strict=True):
        if not n:
            continue
        _, start, end = hours[r]
        opens = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=zone)
        span = (dt.datetime.combine(day, dt.time.fromisoformat(end), tzinfo=zone) - opens) // (
            dt.timedelta(minutes=15)
        )  # quarter hours in the day
        lengths = [choice((2, 4, 4, 6, 8)) for _ in range(n)]  # 30 min to 2 h
        while sum(lengths) > span:
            lengths[lengths.index(max(lengths))] //= 2
        spare = span - sum(lengths)
        gaps = sorted(randrange(0, spare + 1) for _ in range(n))
        cursor = 0
        previous_gap = 0
        for length, gap in zip(lengths, gaps, strict=True):
            cursor += gap - previous_gap
            previous_gap = gap
            begins = (opens + dt.timedelta(minutes=15 * cursor)).astimezone(dt.UTC)
            cursor += length
            ends = (opens + dt.timedelta(minutes=15 * cursor)).astimezone(dt.UTC)
            activity_id = first_activity + len(activity_rows)
            owner = choice(agents)
            created = min(now, begins - dt.timedelta(days=randrange(1, 20)))
            done = ends <= now
            b, e, c = to_db_time(begins), to_db_time(ends), to_db_time(created)
            activity_rows.append(
                (activity_id, 2 if done else 1, c, owner, e if done else c, owner, owner,
                 "service_activity", "completed" if done else "scheduled",
                 f"{choice(SERVICES)[0]}: {choice(CASE_THINGS)}", "account",
                 randrange(1, accounts + 1), b, e, e if done else None, 15 * length,
                 "Customer site" if rand() < 0.5 else "", e)
            )  # fmt: skip
            booking_rows.append((len(booking_rows) + 1, activity_id, r, b, e))
    insert("activity", BOOKING_ACTIVITY_COLUMNS, iter(activity_rows), len(activity_rows))
    insert(
        "booking",
        "id, activity_id, resource_id, starts_at, ends_at",
        iter(booking_rows),
        len(booking_rows),
    )
    return {
        "queue": len(QUEUES),
        "case": cases,
        "active_case": n_active,
        "resource": len(resource_rows),
        "booking": len(booking_rows),
    }
