"""Marketing: lists of accounts, contacts or leads (static ones hold their
members, dynamic ones a query), campaigns with their steps, the members
each step was distributed to, responses, a mail queue with one row per
recipient, and sales literature with its files.

Contact preferences (do not email, bulk email, phone, mail) become columns
of accounts, contacts and leads: every distribution reads them with the
member. A lead and an opportunity remember the campaign they came from.

`campaign_distribution` is keyed by the step and the member: a step is
distributed to a member once, however often it is run. `mail_message` is
one message to one address; `activity_id` is unique, so an email activity
is queued once. The single sender of a database holds the one row of
`mail_sender` (a lease it renews while it runs).
"""

from crm_tui.db.migrations import ddl
from crm_tui.db.migrations.m0001_core import OWNED

_PREFERENCES = ("do_not_email", "do_not_bulk_email", "do_not_phone", "do_not_mail")
CHANNELS = "'email', 'phone', 'letter', 'fax', 'appointment'"

STATEMENTS = [
    *(
        f"ALTER TABLE {table} ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0 "
        f"CHECK ({column} IN (0, 1))"
        for table in ("account", "contact", "lead")
        for column in _PREFERENCES
    ),
    f"""CREATE TABLE marketing_list ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        member_type TEXT NOT NULL CHECK (member_type IN ('account', 'contact', 'lead')),
        dynamic INTEGER NOT NULL DEFAULT 0 CHECK (dynamic IN (0, 1)),
        query TEXT NOT NULL DEFAULT '',
        purpose TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        cost INTEGER,
        description TEXT NOT NULL DEFAULT '',
        -- a static list's members, kept with them; a dynamic one's when last evaluated
        member_count INTEGER NOT NULL DEFAULT 0,
        evaluated_at TEXT
    )""",
    "CREATE INDEX marketing_list_state ON marketing_list (state, name_sort, id)",
    """CREATE TABLE list_member (
        list_id INTEGER NOT NULL REFERENCES marketing_list(id) ON DELETE CASCADE,
        member_id INTEGER NOT NULL,
        added_at TEXT NOT NULL,
        added_by_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
        PRIMARY KEY (list_id, member_id)
    )""",
    "CREATE INDEX list_member_member ON list_member (member_id, list_id)",
    f"""CREATE TABLE campaign ({OWNED},
        state TEXT NOT NULL DEFAULT 'proposed' CHECK (state IN
            ('proposed', 'ready', 'launched', 'completed', 'canceled', 'suspended')),
        number TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        campaign_type TEXT NOT NULL DEFAULT 'direct_marketing' CHECK (campaign_type IN
            ('advertisement', 'direct_marketing', 'event', 'co_branding', 'other')),
        is_template INTEGER NOT NULL DEFAULT 0 CHECK (is_template IN (0, 1)),
        proposed_start TEXT,
        proposed_end TEXT,
        actual_start TEXT,
        actual_end TEXT,
        budget INTEGER,
        other_cost INTEGER,
        expected_response INTEGER CHECK (expected_response BETWEEN 0 AND 100),
        expected_revenue INTEGER,
        offer TEXT NOT NULL DEFAULT '',
        objective TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        copied_from_id INTEGER REFERENCES campaign(id) ON DELETE SET NULL
    )""",
    "CREATE INDEX campaign_state ON campaign (is_template, state, name_sort, id)",
    "CREATE INDEX campaign_owner ON campaign (owner_id, state)",
    """CREATE TABLE campaign_list (
        campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        list_id INTEGER NOT NULL REFERENCES marketing_list(id) ON DELETE CASCADE,
        PRIMARY KEY (campaign_id, list_id)
    )""",
    "CREATE INDEX campaign_list_list ON campaign_list (list_id)",
    """CREATE TABLE campaign_product (
        campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        PRIMARY KEY (campaign_id, product_id)
    )""",
    f"""CREATE TABLE campaign_activity ({OWNED},
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'canceled')),
        status_reason TEXT NOT NULL DEFAULT 'proposed' CHECK (status_reason IN
            ('proposed', 'in_progress', 'completed', 'canceled')),
        campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        subject TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ({CHANNELS})),
        scheduled_start TEXT,
        scheduled_end TEXT,
        budget INTEGER,
        actual_cost INTEGER,
        assign_to TEXT NOT NULL DEFAULT 'member_owner' CHECK (assign_to IN
            ('member_owner', 'user', 'queue')),
        assignee_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
        queue_id INTEGER REFERENCES queue(id) ON DELETE SET NULL,
        message_subject TEXT NOT NULL DEFAULT '',
        message_body TEXT NOT NULL DEFAULT '',
        html INTEGER NOT NULL DEFAULT 0 CHECK (html IN (0, 1)),
        distributed_at TEXT,
        description TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX campaign_activity_campaign ON campaign_activity (campaign_id, id)",
    """CREATE TABLE campaign_distribution (
        step_id INTEGER NOT NULL REFERENCES campaign_activity(id) ON DELETE CASCADE,
        member_type TEXT NOT NULL,
        member_id INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('created', 'suppressed')),
        reason TEXT NOT NULL DEFAULT '',
        activity_id INTEGER REFERENCES activity(id) ON DELETE SET NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (step_id, member_type, member_id)
    )""",
    "CREATE INDEX campaign_distribution_activity ON campaign_distribution (activity_id) "
    "WHERE activity_id IS NOT NULL",
    """CREATE TABLE campaign_response (
        activity_id INTEGER PRIMARY KEY REFERENCES activity(id) ON DELETE CASCADE,
        campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        step_id INTEGER REFERENCES campaign_activity(id) ON DELETE SET NULL,
        channel TEXT NOT NULL CHECK (channel IN
            ('email', 'phone', 'letter', 'fax', 'appointment', 'web', 'other')),
        received_on TEXT NOT NULL,
        customer_type TEXT CHECK (customer_type IN ('account', 'contact', 'lead')),
        customer_id INTEGER,
        first_name TEXT NOT NULL DEFAULT '',
        last_name TEXT NOT NULL DEFAULT '',
        company_name TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        lead_id INTEGER REFERENCES lead(id) ON DELETE SET NULL
    )""",
    "CREATE INDEX campaign_response_campaign ON campaign_response (campaign_id, received_on)",
    "CREATE INDEX campaign_response_lead ON campaign_response (lead_id) WHERE lead_id IS NOT NULL",
    "ALTER TABLE lead ADD COLUMN campaign_id INTEGER REFERENCES campaign(id) ON DELETE SET NULL",
    "CREATE INDEX lead_campaign ON lead (campaign_id) WHERE campaign_id IS NOT NULL",
    "ALTER TABLE opportunity ADD COLUMN campaign_id INTEGER "
    "REFERENCES campaign(id) ON DELETE SET NULL",
    "CREATE INDEX opportunity_campaign ON opportunity (campaign_id, state) "
    "WHERE campaign_id IS NOT NULL",
    """CREATE TABLE mail_message (
        id INTEGER PRIMARY KEY,
        activity_id INTEGER REFERENCES activity(id) ON DELETE SET NULL,
        step_id INTEGER REFERENCES campaign_activity(id) ON DELETE CASCADE,
        recipient_type TEXT,
        recipient_id INTEGER,
        to_address TEXT NOT NULL,
        to_name TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL,
        body_text TEXT NOT NULL,
        body_html TEXT,
        message_id TEXT NOT NULL UNIQUE,
        unsubscribe_token TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN
            ('queued', 'sending', 'sent', 'failed', 'suppressed', 'canceled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        claim TEXT,
        queued_at TEXT NOT NULL,
        queued_by_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
        sent_at TEXT
    )""",
    "CREATE UNIQUE INDEX mail_message_activity ON mail_message (activity_id) "
    "WHERE activity_id IS NOT NULL",
    "CREATE INDEX mail_message_due ON mail_message (next_attempt_at, id) WHERE state = 'queued'",
    "CREATE INDEX mail_message_claimed ON mail_message (claim, id) WHERE state = 'sending'",
    "CREATE INDEX mail_message_step ON mail_message (step_id, state) WHERE step_id IS NOT NULL",
    """CREATE TABLE mail_sender (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        beat_at TEXT NOT NULL
    )""",
    f"""CREATE TABLE sales_literature ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        title TEXT NOT NULL,
        title_sort TEXT NOT NULL,
        literature_type TEXT NOT NULL DEFAULT 'brochure' CHECK (literature_type IN
            ('brochure', 'spec_sheet', 'price_sheet', 'presentation', 'manual',
             'policies', 'bulletin', 'news', 'competitive', 'other')),
        subject TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '',
        expires_on TEXT,
        employee_contact_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
        description TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX sales_literature_state ON sales_literature (state, title_sort, id)",
    """CREATE TABLE literature_item (
        id INTEGER PRIMARY KEY,
        literature_id INTEGER NOT NULL REFERENCES sales_literature(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        file_name TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        content BLOB NOT NULL,
        text_content TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL,
        added_by_id INTEGER REFERENCES user(id) ON DELETE SET NULL
    )""",
    "CREATE INDEX literature_item_literature ON literature_item (literature_id, id)",
    """CREATE TABLE literature_product (
        literature_id INTEGER NOT NULL REFERENCES sales_literature(id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        PRIMARY KEY (literature_id, product_id)
    )""",
    """CREATE TABLE literature_competitor (
        literature_id INTEGER NOT NULL REFERENCES sales_literature(id) ON DELETE CASCADE,
        competitor_id INTEGER NOT NULL REFERENCES competitor(id) ON DELETE CASCADE,
        PRIMARY KEY (literature_id, competitor_id)
    )""",
    # literature sent with a campaign, one of its steps or one email
    """CREATE TABLE literature_link (
        literature_id INTEGER NOT NULL REFERENCES sales_literature(id) ON DELETE CASCADE,
        record_type TEXT NOT NULL CHECK (record_type IN
            ('campaign', 'campaign_activity', 'activity')),
        record_id INTEGER NOT NULL,
        PRIMARY KEY (record_type, record_id, literature_id)
    )""",
    "CREATE INDEX literature_link_literature ON literature_link (literature_id)",
    *(
        f"""CREATE VIRTUAL TABLE {table}_fts USING fts5(
        name, details, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"""
        for table in ("marketing_list", "campaign", "sales_literature")
    ),
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
