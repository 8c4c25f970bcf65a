"""Service: queues and their members, cases with SLA clocks, contracts with
allotment lines, and service scheduling (services, resources, bookings).

Times are UTC ISO text like every other time column; SLA targets are stored
on the case when it is created or its priority changes, and the clock's
pauses (On Hold, Waiting for Details) are kept as working minutes so the
queue can sort by the next breach with an index instead of computing it
for every case.
"""

from crm_tui.db.migrations import ddl
from crm_tui.db.migrations.m0001_core import OWNED

STATEMENTS = [
    f"""CREATE TABLE queue ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE queue_member (
        id INTEGER PRIMARY KEY,
        queue_id INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        UNIQUE (queue_id, user_id)
    )""",
    "CREATE INDEX queue_member_user ON queue_member (user_id)",
    f"""CREATE TABLE contract ({OWNED},
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN
            ('draft', 'active', 'on_hold', 'canceled', 'expired')),
        number TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        account_id INTEGER REFERENCES account(id) ON DELETE RESTRICT,
        contact_id INTEGER REFERENCES contact(id) ON DELETE RESTRICT,
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL),
        CHECK (starts_on <= ends_on)
    )""",
    "CREATE INDEX contract_state_ends ON contract (state, ends_on)",
    "CREATE INDEX contract_account ON contract (account_id)",
    "CREATE INDEX contract_contact ON contract (contact_id)",
    "CREATE INDEX contract_name ON contract (name_sort, id)",
    """CREATE TABLE contract_line (
        id INTEGER PRIMARY KEY,
        contract_id INTEGER NOT NULL REFERENCES contract(id) ON DELETE CASCADE,
        line_number INTEGER NOT NULL,
        title TEXT NOT NULL,
        product_id INTEGER REFERENCES product(id) ON DELETE SET NULL,
        allotment_type TEXT NOT NULL CHECK (allotment_type IN ('cases', 'minutes', 'coverage')),
        total INTEGER,
        used INTEGER NOT NULL DEFAULT 0,
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        CHECK (allotment_type = 'coverage' OR total IS NOT NULL),
        CHECK (used >= 0),
        CHECK (starts_on <= ends_on)
    )""",
    "CREATE INDEX contract_line_contract ON contract_line (contract_id, line_number)",
    f"""CREATE TABLE "case" ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'resolved', 'canceled')),
        status_reason TEXT NOT NULL DEFAULT 'in_progress' CHECK (status_reason IN
            ('in_progress', 'on_hold', 'waiting_for_details', 'researching',
             'problem_solved', 'information_provided', 'canceled', 'merged')),
        number TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        title_sort TEXT NOT NULL,
        account_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
        contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
        description TEXT NOT NULL DEFAULT '',
        case_type TEXT NOT NULL DEFAULT 'question' CHECK (case_type IN
            ('question', 'problem', 'request')),
        origin TEXT NOT NULL DEFAULT 'phone' CHECK (origin IN ('phone', 'email', 'web', 'walk_in')),
        priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('high', 'normal', 'low')),
        severity TEXT NOT NULL DEFAULT 'default' CHECK (severity IN
            ('critical', 'high', 'default', 'low')),
        product_id INTEGER REFERENCES product(id) ON DELETE SET NULL,
        subject TEXT NOT NULL DEFAULT '',
        queue_id INTEGER REFERENCES queue(id) ON DELETE SET NULL,
        contract_id INTEGER REFERENCES contract(id) ON DELETE SET NULL,
        contract_line_id INTEGER REFERENCES contract_line(id) ON DELETE SET NULL,
        parent_case_id INTEGER REFERENCES "case"(id) ON DELETE SET NULL,
        merged_into_id INTEGER REFERENCES "case"(id) ON DELETE SET NULL,
        follow_up_by TEXT,
        first_response_by TEXT,
        resolve_by TEXT,
        first_responded_at TEXT,
        resolved_at TEXT,
        -- the SLA clock: stopped since (On Hold / Waiting for Details), and the
        -- working minutes it has been stopped in all
        paused_since TEXT,
        paused_minutes INTEGER NOT NULL DEFAULT 0,
        billable_minutes INTEGER,
        -- the next SLA target still open (first response, then resolve):
        -- what the queue sorts by
        next_breach_at TEXT,
        -- who holds it: NULL while it waits in its queue
        assigned INTEGER NOT NULL DEFAULT 1 CHECK (assigned IN (0, 1)),
        CHECK (account_id IS NOT NULL OR contact_id IS NOT NULL)
    )""",
    # The queue's views: active cases by urgency, per queue, per owner.
    """CREATE INDEX case_queue_urgency ON "case" (queue_id, next_breach_at, id)
        WHERE state = 'active'""",
    """CREATE INDEX case_owner_urgency ON "case" (owner_id, next_breach_at, id)
        WHERE state = 'active'""",
    """CREATE INDEX case_active_urgency ON "case" (next_breach_at, id)
        WHERE state = 'active'""",
    'CREATE INDEX case_resolved ON "case" (state, resolved_at, id)',
    'CREATE INDEX case_account ON "case" (account_id)',
    'CREATE INDEX case_contact ON "case" (contact_id)',
    'CREATE INDEX case_parent ON "case" (parent_case_id) WHERE parent_case_id IS NOT NULL',
    'CREATE INDEX case_contract_line ON "case" (contract_line_id) WHERE contract_line_id IS NOT NULL',
    'CREATE INDEX case_modified ON "case" (modified_at, id)',
    """CREATE VIRTUAL TABLE case_fts USING fts5(
        name, details, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    f"""CREATE TABLE service ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0)
    )""",
    f"""CREATE TABLE resource ({OWNED},
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'inactive')),
        name TEXT NOT NULL UNIQUE,
        resource_type TEXT NOT NULL CHECK (resource_type IN ('user', 'facility', 'equipment')),
        user_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
        group_name TEXT NOT NULL DEFAULT '',
        -- working hours: ISO weekdays (1 = Monday) and local clock times
        work_days TEXT NOT NULL DEFAULT '1,2,3,4,5',
        work_start TEXT NOT NULL DEFAULT '09:00',
        work_end TEXT NOT NULL DEFAULT '17:00',
        time_zone TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX resource_group ON resource (group_name, state)",
    """CREATE TABLE service_requirement (
        id INTEGER PRIMARY KEY,
        service_id INTEGER NOT NULL REFERENCES service(id) ON DELETE CASCADE,
        -- one specific resource, or any one of a group
        resource_id INTEGER REFERENCES resource(id) ON DELETE CASCADE,
        group_name TEXT,
        CHECK ((resource_id IS NULL) != (group_name IS NULL))
    )""",
    "CREATE INDEX service_requirement_service ON service_requirement (service_id)",
    """CREATE TABLE booking (
        id INTEGER PRIMARY KEY,
        activity_id INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
        resource_id INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        CHECK (starts_at < ends_at)
    )""",
    "CREATE INDEX booking_resource_time ON booking (resource_id, starts_at, ends_at)",
    "CREATE INDEX booking_activity ON booking (activity_id)",
]


def up(db):
    ddl.run(db, STATEMENTS)
