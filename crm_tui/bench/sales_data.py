"""The sales part of the bench database: sales teams, products and a price
list, competitors, the pipeline (open opportunities across the four stages
plus a tenth as many won and lost) and an active quote for every open
opportunity in Close, as its stage gate requires.

Rows are bulk-inserted with raw SQL like the rest of crm_tui.bench.generate,
filled the way the services fill them: name_sort from crm_tui.text.sort_key,
line and document amounts from crm_tui.services.sales.pricing, quote numbers with
the `sequence` counter set past them. The full-text indexes are built by
crm_tui.services.search.reindex itself (a few tens of thousands of rows).

Simplifications (none touches the measured queries): opportunities have no
product lines (Propose's gate is met by a description of need), won and lost
ones have no opportunity_close activity, and won ones no order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal

from crm_tui import text
from crm_tui.bench import names
from crm_tui.services import search
from crm_tui.services.sales import pricing

TEAMS = ("North", "South", "East", "West")
# The salesperson the bench signs in as for the pipeline: a team of three
# salespeople, about one thirteenth of the pipeline of their own.
SALES_LOGIN = "bench07"
PRICE_LIST = "Bench price list"
CURRENCY = "USD"
STAGES = ("qualify", "develop", "propose", "close")
DEFAULT_PROBABILITY = {"qualify": 10, "develop": 30, "propose": 60, "close": 80}
# Of every 25 open opportunities: 10 in Qualify, 7 Develop, 5 Propose, 3 Close.
STAGE_PATTERN = ["qualify"] * 10 + ["develop"] * 7 + ["propose"] * 5 + ["close"] * 3
SALES_TABLES = ("opportunity", "quote", "quote_line", "product", "price_list_item")

OPPORTUNITY_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, state, "
    "status_reason, name, name_sort, account_id, contact_id, price_list_id, stage, "
    "estimated_revenue, probability, estimated_close_date, rating, description, "
    "actual_revenue, actual_close_date, lost_to_id"
)
QUOTE_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, number, "
    "name, name_sort, account_id, contact_id, opportunity_id, price_list_id, currency, "
    "discount_percent, subtotal, discount_total, tax_total, total_amount, state, "
    "status_reason, revision, effective_from, effective_to"
)
LINE_COLUMNS = (
    "id, quote_id, line_number, product_id, description, quantity, unit, unit_price, "
    "price_overridden, discount_amount, discount_percent, tax_percent, base_amount, "
    "discount_total, tax_amount, extended_amount"
)
DAY_US = 86_400_000_000


def team_of(login: str) -> str:
    """bench01-06 North, 07-12 South, 13-18 East, 19-24 West; others none."""
    number = login.removeprefix("bench")
    if not number.isdigit() or not number:
        return ""
    return TEAMS[(int(number) - 1) // 6 % len(TEAMS)]


def load(
    conn,
    *,
    insert: Callable[[str, str, Iterator[tuple], int], None],
    open_opportunities: int,
    accounts: int,
    contacts: int,
    account_persian: bytearray,
    tx: Callable[[int], str],
    now_us: int,
    today: dt.date,
    seed: int,
    log: Callable[[str], None],
) -> dict[str, int]:
    """Write the sales rows; `insert(table, columns, rows, total)` is the
    generator's bulk loader, `tx` turns microseconds since the generator's
    clock start into stored time text. Returns row counts per table."""
    rnd = random.Random(seed)  # its own stream: the core data stays as it was
    rand = rnd.random

    def randrange(low: int, high: int) -> int:
        return low + int(rand() * (high - low))

    def choice(seq):
        return seq[int(rand() * len(seq))]

    # Teams and owners: managers and salespeople own the pipeline.
    users = conn.execute('SELECT id, login, role FROM "user" ORDER BY id').fetchall()
    conn.execute("BEGIN")
    conn.executemany(
        'UPDATE "user" SET team = ? WHERE id = ?',
        [(team_of(login), uid) for uid, login, _ in users],
    )
    conn.execute("COMMIT")
    owners = [uid for uid, login, role in users if role in ("sales", "manager") and team_of(login)]
    admin = users[0][0]

    # Products, the price list and competitors ------------------------------------
    stamp0 = tx(0)
    product_rows, item_rows, products = [], [], []
    for k, (name, kind, unit, price) in enumerate(names.PRODUCTS, start=1):
        state = "retired" if k % 13 == 0 else "active"
        list_price = price * 100
        product_rows.append(
            (k, 1, stamp0, admin, stamp0, admin, admin, state, f"PRD-{k:04d}", name,
             text.sort_key(name), kind, unit, list_price, list_price * 6 // 10, "")
        )  # fmt: skip
        if k % 4:  # the others are priced from their list price
            item_rows.append((len(item_rows) + 1, 1, k, list_price * 9 // 10))
            products.append((k, unit, list_price * 9 // 10))
        elif state == "active":
            products.append((k, unit, list_price))
    begins = (today - dt.timedelta(days=400)).isoformat()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO product (id, version, created_at, created_by_id, modified_at, "
        "modified_by_id, owner_id, state, product_number, name, name_sort, product_type, unit, "
        "list_price, cost, description) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        product_rows,
    )
    conn.execute(
        "INSERT INTO price_list (id, version, created_at, created_by_id, modified_at, "
        "modified_by_id, owner_id, state, name, currency, begins_on) "
        "VALUES (1, 1, ?, ?, ?, ?, ?, 'active', ?, ?, ?)",
        (stamp0, admin, stamp0, admin, admin, PRICE_LIST, CURRENCY, begins),
    )
    conn.executemany(
        "INSERT INTO price_list_item (id, price_list_id, product_id, amount) VALUES (?,?,?,?)",
        item_rows,
    )
    conn.executemany(
        "INSERT INTO competitor (id, version, created_at, created_by_id, modified_at, "
        "modified_by_id, owner_id, name, name_sort, website) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (k, 1, stamp0, admin, stamp0, admin, admin, name, text.sort_key(name),
             f"www.competitor{k}.com")
            for k, name in enumerate(names.COMPETITORS, start=1)
        ],
    )  # fmt: skip
    conn.execute("COMMIT")
    n_competitors = len(names.COMPETITORS)

    # Opportunities and the quotes of those in Close --------------------------------
    closed = max(1, open_opportunities // 10)
    total = open_opportunities + closed
    closed_rows = set(rnd.sample(range(total), closed))
    pattern = STAGE_PATTERN[:]
    rnd.shuffle(pattern)
    created_span = 2 * 365 * DAY_US
    first_us = max(0, now_us - created_span)
    sort_keys: dict[str, str] = {}
    quotes: list[tuple] = []
    quote_lines: list[tuple] = []
    tax_rates = [Decimal(0), Decimal(9), Decimal(20)]

    def sort_key(value: str) -> str:
        key = sort_keys.get(value)
        if key is None:
            key = sort_keys[value] = text.sort_key(value)
        return key

    def quote_for(opportunity: tuple, stamp: str) -> int:
        """Lines and header of an active quote; returns its total."""
        quote_id = len(quotes) + 1
        lines = []
        for number in range(1, randrange(1, 4) + 1):
            product, unit, price = choice(products)
            quantity = Decimal(randrange(1, 25))
            percent = choice((None, None, Decimal(5), Decimal(10)))
            tax = choice(tax_rates)
            amounts = pricing.line_amounts(
                quantity, price, discount_percent=percent, tax_percent=tax
            )
            lines.append(amounts)
            quote_lines.append(
                (len(quote_lines) + 1, quote_id, number, product, "",
                 pricing.decimal_text(quantity), unit, price, 0, None,
                 None if percent is None else pricing.decimal_text(percent),
                 pricing.decimal_text(tax), amounts.base, amounts.discount, amounts.tax,
                 amounts.extended)
            )  # fmt: skip
        header = Decimal(5) if rand() < 0.2 else None
        totals = pricing.document_totals(lines, discount_percent=header)
        opp_id, owner, name, account, contact = opportunity
        quotes.append(
            (quote_id, 2, stamp, owner, stamp, owner, owner, f"QUO-{quote_id:05d}", name,
             sort_key(name), account, contact, opp_id, 1, CURRENCY,
             None if header is None else pricing.decimal_text(header), totals.subtotal,
             totals.discount_total, totals.tax_total, totals.total_amount, "active", "open", 1,
             today.isoformat(), (today + dt.timedelta(days=30)).isoformat())
        )  # fmt: skip
        return totals.total_amount

    def opportunity_rows() -> Iterator[tuple]:
        open_seen = 0
        for i in range(total):
            opp_id = i + 1
            created = first_us + int(created_span * (i + rand()) / total)
            created = min(created, now_us - DAY_US)
            owner = choice(owners)
            is_closed = i in closed_rows
            if is_closed:
                stage = choice(STAGES[1:])
            else:
                stage = pattern[open_seen % len(pattern)]
                open_seen += 1
            # Customer: an account mostly, a contact now and then, none only in Qualify.
            r = rand()
            account = contact = None
            if r < 0.8 or (r >= 0.96 and stage != "qualify"):
                account = randrange(1, accounts + 1)
            elif r < 0.96:
                contact = randrange(1, contacts + 1)
            persian = account_persian[account] if account else rand() < 0.05
            if persian:
                name = choice(names.PERSIAN_DEAL_SUBJECTS)
            else:
                name = f"{choice(names.DEAL_SUBJECTS)} {choice(names.DEAL_KINDS)}".strip()
            # whole minor units (SQLite's INTEGER column made the float one; PostgreSQL would not)
            revenue = int(max(500, round(rnd.lognormvariate(10, 1.2), -2))) * 100
            if (stage == "qualify" and rand() < 0.3) or (stage == "develop" and rand() < 0.1):
                revenue = None
            probability = DEFAULT_PROBABILITY[stage]
            if rand() < 0.15:
                probability = randrange(5, 96)
            close_in = randrange(-60, 366)  # days from today; about one in seven overdue
            close_date = today + dt.timedelta(days=close_in)
            if stage == "qualify" and not is_closed and rand() < 0.1:
                close_date = None
            description = ""
            if STAGES.index(stage) >= 2 or rand() < 0.3:
                description = choice(names.NEEDS)
            stamp = tx(created)
            version, modified = 1, stamp
            state, status = "open", "on_hold" if rand() < 0.05 else "in_progress"
            actual_revenue = actual_close = lost_to = None
            if is_closed:
                ended = min(now_us - DAY_US, created + randrange(7, 200) * DAY_US)
                modified, version = tx(ended), 2
                closed_on = today - dt.timedelta(days=(now_us - ended) // DAY_US)
                actual_close = closed_on.isoformat()
                close_date = closed_on + dt.timedelta(days=randrange(-20, 21))
                if rand() < 0.45:
                    state, status, stage = "won", "won", "close"
                    actual_revenue = revenue if revenue is not None else 100_000
                else:
                    state, status = "lost", choice(("out_sold", "out_sold", "canceled"))
                    if status == "out_sold" and rand() < 0.7:
                        lost_to = randrange(1, n_competitors + 1)
            elif stage == "close":
                revenue = quote_for((opp_id, owner, name, account, contact), stamp)
            yield (
                opp_id, version, stamp, owner, modified, owner, owner, state, status, name,
                sort_key(name), account, contact, 1, stage, revenue, probability,
                None if close_date is None else close_date.isoformat(),
                choice(("hot", "warm", "warm", "cold")), description, actual_revenue,
                actual_close, lost_to,
            )  # fmt: skip

    log("bench: opportunities ...")
    insert("opportunity", OPPORTUNITY_COLUMNS, opportunity_rows(), total)
    insert("quote", QUOTE_COLUMNS, iter(quotes), len(quotes))
    insert("quote_line", LINE_COLUMNS, iter(quote_lines), len(quote_lines))
    conn.execute("BEGIN")
    if quotes:
        conn.execute("INSERT INTO sequence (name, next) VALUES ('quote', ?)", (len(quotes) + 1,))
    for kind in ("opportunity", "quote", "product", "competitor"):
        search.reindex(kind)  # the services' own document function
    conn.execute("COMMIT")
    return {
        "opportunity": total,
        "open_opportunity": open_opportunities,
        "quote": len(quotes),
        "quote_line": len(quote_lines),
        "product": len(product_rows),
    }
