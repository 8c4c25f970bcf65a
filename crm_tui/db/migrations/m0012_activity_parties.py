"""An invoice's payment gets its date, method and reference.

Logged with the activity parties (who a call was with, whom an email went
to, a meeting's attendees), which need no change of schema: activity_party
(m0001) holds them as Dynamics does, and its index by activity serves the
timeline.

A payment was an amount only. It is recorded once, when the invoice is
paid: the day it was received, how (an option set, crm_tui.meta.documents)
and the customer's reference (a cheque number, a transfer's reference).
Invoices already paid get the day they were marked paid (a paid invoice is
read-only, so its last change was its payment; the UTC day), and no method.

On PostgreSQL the columns fall under the invoice's row-level rules and
grants as they are (crm_tui.services.server_access works per table).
"""

from crm_tui.db.migrations import ddl

STATEMENTS = [
    "ALTER TABLE invoice ADD COLUMN paid_on TEXT",
    """ALTER TABLE invoice ADD COLUMN payment_method TEXT CHECK (payment_method IN
        ('cash', 'cheque', 'bank_transfer', 'card', 'other'))""",
    "ALTER TABLE invoice ADD COLUMN payment_reference TEXT NOT NULL DEFAULT ''",
    "UPDATE invoice SET paid_on = substr(modified_at, 1, 10) WHERE state = 'paid'",
]


def up(db) -> None:
    ddl.run(db, STATEMENTS)
