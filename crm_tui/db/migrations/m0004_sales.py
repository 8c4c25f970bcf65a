"""Sales: competitors, products and price lists, leads, opportunities (with
lines and competitors), quotes, orders and invoices (each with lines), the
document number sequences, sales teams, and the full-text indexes of the
new record types.

Money columns hold integer minor units; quantities and percentages are
decimal text (Decimal in Python), so nothing passes through a float.
Document totals are stored on the header and recomputed by the services
from the lines in the same transaction as every line change.
"""

from crm_tui.db.migrations import ddl
from crm_tui.db.migrations.m0001_core import OWNED

# Lines of quotes, orders and invoices have the same shape.
LINE = """
    id INTEGER PRIMARY KEY,
    line_number INTEGER NOT NULL,
    product_id INTEGER REFERENCES product(id) ON DELETE RESTRICT,
    description TEXT NOT NULL DEFAULT '',
    quantity TEXT NOT NULL DEFAULT '1',
    unit TEXT NOT NULL DEFAULT '',
    unit_price INTEGER NOT NULL DEFAULT 0,
    price_overridden INTEGER NOT NULL DEFAULT 0,
    discount_amount INTEGER,
    discount_percent TEXT,
    tax_percent TEXT NOT NULL DEFAULT '0',
    base_amount INTEGER NOT NULL DEFAULT 0,
    discount_total INTEGER NOT NULL DEFAULT 0,
    tax_amount INTEGER NOT NULL DEFAULT 0,
    extended_amount INTEGER NOT NULL DEFAULT 0
"""

# Headers of quotes, orders and invoices: customer, pricing and totals.
DOCUMENT = """
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    name_sort TEXT NOT NULL,
    account_id INTEGER REFERENCES account(id) ON DELETE RESTRICT,
    contact_id INTEGER REFERENCES contact(id) ON DELETE RESTRICT,
    opportunity_id INTEGER REFERENCES opportunity(id) ON DELETE SET NULL,
    price_list_id INTEGER REFERENCES price_list(id) ON DELETE RESTRICT,
    currency TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    discount_amount INTEGER,
    discount_percent TEXT,
    subtotal INTEGER NOT NULL DEFAULT 0,
    discount_total INTEGER NOT NULL DEFAULT 0,
    tax_total INTEGER NOT NULL DEFAULT 0,
    total_amount INTEGER NOT NULL DEFAULT 0
"""
LINE_CHECKS = """
    CHECK (product_id IS NOT NULL OR description != ''),
    CHECK (discount_amount IS NULL OR discount_percent IS NULL)
"""
DOCUMENT_CHECKS = """
    CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL),
    CHECK (discount_amount IS NULL OR discount_percent IS NULL)
"""

FTS = """CREATE VIRTUAL TABLE {}_fts USING fts5(
    name, details, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"""

INDEXED_KINDS = ("lead", "opportunity", "competitor", "product", "quote", "order", "invoice")

STATEMENTS = [
    "ALTER TABLE user ADD COLUMN team TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE sequence (name TEXT PRIMARY KEY, next INTEGER NOT NULL)""",
    # Duplicate detection when a lead is qualified looks these up exactly.
    "CREATE INDEX account_email ON account (email COLLATE NOCASE) WHERE email != ''",
    "CREATE INDEX account_phone ON account (phone) WHERE phone != ''",
    "CREATE INDEX contact_email ON contact (email COLLATE NOCASE) WHERE email != ''",
    "CREATE INDEX contact_phone ON contact (phone) WHERE phone != ''",
    f"""CREATE TABLE competitor ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        website TEXT NOT NULL DEFAULT '',
        strengths TEXT NOT NULL DEFAULT '',
        weaknesses TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX competitor_state_name ON competitor (state, name_sort, id)",
    "CREATE INDEX competitor_name ON competitor (name_sort, id)",
    f"""CREATE TABLE product ({OWNED},
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'active', 'retired')),
        product_number TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        product_type TEXT NOT NULL DEFAULT 'sales_inventory' CHECK (product_type IN
            ('sales_inventory', 'service', 'flat_fee', 'misc_charge')),
        unit TEXT NOT NULL DEFAULT 'each',
        list_price INTEGER,
        cost INTEGER,
        description TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX product_state_name ON product (state, name_sort, id)",
    "CREATE INDEX product_name ON product (name_sort, id)",
    f"""CREATE TABLE price_list ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        name TEXT NOT NULL UNIQUE,
        currency TEXT NOT NULL,
        begins_on TEXT,
        ends_on TEXT,
        description TEXT NOT NULL DEFAULT '',
        CHECK (begins_on IS NULL OR ends_on IS NULL OR begins_on <= ends_on)
    )""",
    """CREATE TABLE price_list_item (
        id INTEGER PRIMARY KEY,
        price_list_id INTEGER NOT NULL REFERENCES price_list(id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        amount INTEGER NOT NULL,
        UNIQUE (price_list_id, product_id)
    )""",
    "CREATE INDEX price_list_item_product ON price_list_item (product_id)",
    f"""CREATE TABLE lead ({OWNED},
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'qualified', 'disqualified')),
        status_reason TEXT NOT NULL DEFAULT 'new' CHECK (status_reason IN ('new', 'contacted',
            'qualified', 'lost', 'cannot_contact', 'no_longer_interested', 'canceled')),
        topic TEXT NOT NULL DEFAULT '',
        first_name TEXT NOT NULL DEFAULT '',
        last_name TEXT NOT NULL,
        full_name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        company_name TEXT NOT NULL DEFAULT '',
        job_title TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        website TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        country TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        rating TEXT NOT NULL DEFAULT 'warm' CHECK (rating IN ('hot', 'warm', 'cold')),
        estimated_value INTEGER,
        description TEXT NOT NULL DEFAULT '',
        account_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
        contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
        opportunity_id INTEGER REFERENCES opportunity(id) ON DELETE SET NULL
    )""",
    "CREATE INDEX lead_state_name ON lead (state, name_sort, id)",
    "CREATE INDEX lead_name ON lead (name_sort, id)",
    "CREATE INDEX lead_owner_state_name ON lead (owner_id, state, name_sort, id)",
    "CREATE INDEX lead_modified ON lead (modified_at, id)",
    f"""CREATE TABLE opportunity ({OWNED},
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'won', 'lost')),
        status_reason TEXT NOT NULL DEFAULT 'in_progress' CHECK (status_reason IN
            ('in_progress', 'on_hold', 'won', 'canceled', 'out_sold')),
        name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        account_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
        contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
        lead_id INTEGER REFERENCES lead(id) ON DELETE SET NULL,
        price_list_id INTEGER REFERENCES price_list(id) ON DELETE SET NULL,
        stage TEXT NOT NULL DEFAULT 'qualify' CHECK (stage IN
            ('qualify', 'develop', 'propose', 'close')),
        estimated_revenue INTEGER,
        probability INTEGER NOT NULL DEFAULT 10 CHECK (probability BETWEEN 0 AND 100),
        estimated_close_date TEXT,
        rating TEXT NOT NULL DEFAULT 'warm' CHECK (rating IN ('hot', 'warm', 'cold')),
        description TEXT NOT NULL DEFAULT '',
        actual_revenue INTEGER,
        actual_close_date TEXT,
        lost_to_id INTEGER REFERENCES competitor(id) ON DELETE SET NULL,
        close_reason TEXT NOT NULL DEFAULT ''
    )""",
    # The board reads a stage's cards by close date, and its column totals,
    # from these alone (covering: no table row is read for the totals).
    """CREATE INDEX opportunity_board ON opportunity (state, stage, estimated_close_date, id,
        owner_id, estimated_revenue, probability)""",
    """CREATE INDEX opportunity_owner_board ON opportunity (owner_id, state, stage,
        estimated_close_date, id, estimated_revenue, probability)""",
    "CREATE INDEX opportunity_state_name ON opportunity (state, name_sort, id)",
    "CREATE INDEX opportunity_name ON opportunity (name_sort, id)",
    "CREATE INDEX opportunity_owner_state_name ON opportunity (owner_id, state, name_sort, id)",
    # The list's "recently changed" sort: walked in order within a state,
    # filtered by owner and close date without reading the table.
    """CREATE INDEX opportunity_state_modified ON opportunity (state, modified_at, id,
        owner_id, estimated_close_date)""",
    "CREATE INDEX opportunity_account ON opportunity (account_id)",
    "CREATE INDEX opportunity_contact ON opportunity (contact_id)",
    "CREATE INDEX opportunity_lost_to ON opportunity (lost_to_id) WHERE lost_to_id IS NOT NULL",
    """CREATE TABLE opportunity_competitor (
        id INTEGER PRIMARY KEY,
        opportunity_id INTEGER NOT NULL REFERENCES opportunity(id) ON DELETE CASCADE,
        competitor_id INTEGER NOT NULL REFERENCES competitor(id) ON DELETE CASCADE,
        UNIQUE (opportunity_id, competitor_id)
    )""",
    "CREATE INDEX opportunity_competitor_competitor ON opportunity_competitor (competitor_id)",
    f"""CREATE TABLE opportunity_line ({LINE},
        opportunity_id INTEGER NOT NULL REFERENCES opportunity(id) ON DELETE CASCADE,
        {LINE_CHECKS}
    )""",
    "CREATE INDEX opportunity_line_parent ON opportunity_line (opportunity_id, line_number)",
    f"""CREATE TABLE quote ({OWNED}, {DOCUMENT},
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'active', 'won', 'closed')),
        status_reason TEXT NOT NULL DEFAULT 'in_progress' CHECK (status_reason IN
            ('in_progress', 'open', 'won', 'lost', 'canceled', 'revised')),
        revision INTEGER NOT NULL DEFAULT 1,
        effective_from TEXT,
        effective_to TEXT,
        UNIQUE (number, revision),
        {DOCUMENT_CHECKS}
    )""",
    f"""CREATE TABLE quote_line ({LINE},
        quote_id INTEGER NOT NULL REFERENCES quote(id) ON DELETE CASCADE,
        {LINE_CHECKS}
    )""",
    "CREATE INDEX quote_line_parent ON quote_line (quote_id, line_number)",
    f"""CREATE TABLE sales_order ({OWNED}, {DOCUMENT},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN
            ('active', 'submitted', 'fulfilled', 'invoiced', 'canceled')),
        status_reason TEXT NOT NULL DEFAULT 'new' CHECK (status_reason IN ('new', 'pending',
            'submitted', 'complete', 'partial', 'invoiced', 'canceled')),
        quote_id INTEGER REFERENCES quote(id) ON DELETE SET NULL,
        requested_by TEXT,
        fulfilled_on TEXT,
        UNIQUE (number),
        {DOCUMENT_CHECKS}
    )""",
    f"""CREATE TABLE sales_order_line ({LINE},
        order_id INTEGER NOT NULL REFERENCES sales_order(id) ON DELETE CASCADE,
        {LINE_CHECKS}
    )""",
    "CREATE INDEX sales_order_line_parent ON sales_order_line (order_id, line_number)",
    f"""CREATE TABLE invoice ({OWNED}, {DOCUMENT},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paid', 'canceled')),
        status_reason TEXT NOT NULL DEFAULT 'new' CHECK (status_reason IN
            ('new', 'billed', 'complete', 'partial', 'canceled')),
        order_id INTEGER REFERENCES sales_order(id) ON DELETE SET NULL,
        due_date TEXT,
        paid_amount INTEGER NOT NULL DEFAULT 0,
        UNIQUE (number),
        {DOCUMENT_CHECKS}
    )""",
    f"""CREATE TABLE invoice_line ({LINE},
        invoice_id INTEGER NOT NULL REFERENCES invoice(id) ON DELETE CASCADE,
        {LINE_CHECKS}
    )""",
    "CREATE INDEX invoice_line_parent ON invoice_line (invoice_id, line_number)",
]

for _table in ("quote", "sales_order", "invoice"):
    STATEMENTS += [
        f"CREATE INDEX {_table}_state_name ON {_table} (state, name_sort, id)",
        f"CREATE INDEX {_table}_name ON {_table} (name_sort, id)",
        f"CREATE INDEX {_table}_owner_state_name ON {_table} (owner_id, state, name_sort, id)",
        f"CREATE INDEX {_table}_modified ON {_table} (modified_at, id)",
        f"CREATE INDEX {_table}_number ON {_table} (number, id)",
        f"CREATE INDEX {_table}_opportunity ON {_table} (opportunity_id)",
        f"CREATE INDEX {_table}_account ON {_table} (account_id)",
        f"CREATE INDEX {_table}_contact ON {_table} (contact_id)",
    ]
STATEMENTS += [
    "CREATE INDEX sales_order_quote ON sales_order (quote_id)",
    "CREATE INDEX invoice_order ON invoice (order_id)",
]
STATEMENTS += [FTS.format(kind) for kind in INDEXED_KINDS]


def up(db):
    ddl.run(db, STATEMENTS)
