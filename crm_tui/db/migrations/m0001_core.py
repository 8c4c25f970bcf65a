"""Core tables: users, accounts, contacts, notes, activities, audit."""

from crm_tui.db.migrations import ddl

# Owned records share these columns: optimistic-concurrency version, UTC
# timestamps as ISO text (sortable), and the owning user.
OWNED = """
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by_id INTEGER REFERENCES user(id),
    modified_at TEXT NOT NULL,
    modified_by_id INTEGER REFERENCES user(id),
    owner_id INTEGER NOT NULL REFERENCES user(id)
"""

ADDRESS = """
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state_province TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT ''
"""

STATEMENTS = [
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE user (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        full_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('agent', 'sales', 'manager', 'admin')),
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    )""",
    f"""CREATE TABLE account ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        account_number TEXT NOT NULL DEFAULT '',
        parent_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
        primary_contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
        industry TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        website TEXT NOT NULL DEFAULT '',
        {ADDRESS},
        annual_revenue INTEGER,
        employees INTEGER,
        description TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX account_state_name ON account (state, name_sort, id)",
    "CREATE INDEX account_name ON account (name_sort, id)",
    "CREATE INDEX account_owner_state_name ON account (owner_id, state, name_sort, id)",
    "CREATE INDEX account_modified ON account (modified_at, id)",
    "CREATE INDEX account_parent ON account (parent_id)",
    f"""CREATE TABLE contact ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        first_name TEXT NOT NULL DEFAULT '',
        last_name TEXT NOT NULL,
        full_name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        job_title TEXT NOT NULL DEFAULT '',
        account_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
        email TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        mobile TEXT NOT NULL DEFAULT '',
        {ADDRESS},
        description TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX contact_state_name ON contact (state, name_sort, id)",
    "CREATE INDEX contact_name ON contact (name_sort, id)",
    "CREATE INDEX contact_owner_state_name ON contact (owner_id, state, name_sort, id)",
    "CREATE INDEX contact_modified ON contact (modified_at, id)",
    "CREATE INDEX contact_account ON contact (account_id, name_sort, id)",
    f"""CREATE TABLE note ({OWNED},
        regarding_type TEXT NOT NULL,
        regarding_id INTEGER NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        attachment_name TEXT,
        attachment_mime TEXT,
        attachment_size INTEGER,
        attachment BLOB
    )""",
    "CREATE INDEX note_regarding ON note (regarding_type, regarding_id, created_at, id)",
    f"""CREATE TABLE activity ({OWNED},
        kind TEXT NOT NULL CHECK (kind IN ('phone_call', 'email', 'letter', 'fax', 'task',
            'appointment', 'service_activity', 'case_resolution', 'opportunity_close',
            'quote_close', 'order_close', 'campaign_response')),
        state TEXT NOT NULL CHECK (state IN ('open', 'scheduled', 'completed', 'canceled')),
        status_reason TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        regarding_type TEXT,
        regarding_id INTEGER,
        direction TEXT CHECK (direction IN ('incoming', 'outgoing')),
        priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
        scheduled_start TEXT,
        due_at TEXT,
        actual_end TEXT,
        duration_minutes INTEGER,
        location TEXT NOT NULL DEFAULT '',
        follow_up_of_id INTEGER REFERENCES activity(id) ON DELETE SET NULL,
        sort_at TEXT NOT NULL
    )""",
    "CREATE INDEX activity_regarding ON activity (regarding_type, regarding_id, sort_at, id)",
    "CREATE INDEX activity_owner_open ON activity (owner_id, state, due_at)",
    """CREATE TABLE activity_party (
        id INTEGER PRIMARY KEY,
        activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
        participation TEXT NOT NULL CHECK (participation IN ('from', 'to', 'cc', 'bcc',
            'required', 'optional', 'organizer', 'customer')),
        party_type TEXT,
        party_id INTEGER,
        address TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX activity_party_activity ON activity_party (activity_id)",
    "CREATE INDEX activity_party_party ON activity_party (party_type, party_id)",
    """CREATE TABLE audit_entry (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER REFERENCES user(id),
        record_type TEXT NOT NULL,
        record_id INTEGER NOT NULL,
        action TEXT NOT NULL,
        changes TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX audit_record ON audit_entry (record_type, record_id, id)",
]


def up(db):
    if ddl.is_postgres(db):
        db.execute_sql(ddl.NOCASE)
    ddl.run(db, STATEMENTS)
