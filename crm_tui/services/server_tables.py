"""Row-level security of the product's own tables beside the records:
imports (their runs, what they wrote, saved maps) and marketing's mail
(the queue, the sender's lease, literature attached to a record), sales
targets, and workflow and notifications.
`server_access.install` asks `feature_policies` for each table."""

from __future__ import annotations

from crm_tui.services.server_functions import covers_sql

_IMPORT_TABLES = ("import_run", "import_record", "import_map")


def _import_policies(table: str) -> list[str]:
    """Imports (services/imports): a run and the records it wrote are read and
    reverted by whoever ran it and by admins; a saved column map is read by
    everyone and changed by its owner or an admin."""
    me = "(SELECT crm_user_id())"
    admin = "(SELECT crm_role()) = 'admin'"
    if table == "import_run":
        mine = f"(user_id = {me} OR {admin})"
        return [
            f"CREATE POLICY crm_read ON import_run FOR SELECT USING {mine}",
            f"CREATE POLICY crm_create ON import_run FOR INSERT WITH CHECK (user_id = {me})",
            f"CREATE POLICY crm_update ON import_run FOR UPDATE USING {mine} WITH CHECK {mine}",
        ]
    if table == "import_record":
        run = "EXISTS (SELECT 1 FROM import_run r WHERE r.id = import_id)"
        return [f"CREATE POLICY crm_own ON import_record FOR ALL USING ({run}) WITH CHECK ({run})"]
    own = f"(owner_id = {me} OR {admin})"
    return [
        "CREATE POLICY crm_read ON import_map FOR SELECT USING (true)",
        f"CREATE POLICY crm_create ON import_map FOR INSERT WITH CHECK (owner_id = {me})",
        f"CREATE POLICY crm_update ON import_map FOR UPDATE USING {own} WITH CHECK {own}",
        f"CREATE POLICY crm_delete ON import_map FOR DELETE USING {own}",
    ]


_MAIL_TABLES = ("mail_message", "mail_sender", "literature_link")


def _mail_policies(table: str) -> list[str]:
    """The mail queue (services/marketing/mail): a message is read by anyone
    who may read activities, queued in its queuer's own name, and moved on by
    them, a manager or an admin (whoever runs the sender). The sender's lease
    is everyone's to take when it has lapsed. Literature is attached by
    whoever may append it."""
    me = "(SELECT crm_user_id())"
    if table == "mail_message":
        readers = covers_sql("activity", "read", "NULL")
        movers = f"(queued_by_id = {me} OR (SELECT crm_role()) IN ('manager', 'admin'))"
        return [
            f"CREATE POLICY crm_read ON mail_message FOR SELECT USING {readers}",
            f"CREATE POLICY crm_create ON mail_message FOR INSERT WITH CHECK (queued_by_id = {me})",
            f"CREATE POLICY crm_update ON mail_message FOR UPDATE USING {movers} WITH CHECK (true)",
        ]
    if table == "mail_sender":
        return ["CREATE POLICY crm_all ON mail_sender FOR ALL USING (true) WITH CHECK (true)"]
    if table == "literature_link":
        visible = "EXISTS (SELECT 1 FROM sales_literature p WHERE p.id = literature_id)"
        append = covers_sql("sales_literature", "append", "NULL")
        return [
            f"CREATE POLICY crm_read ON literature_link FOR SELECT USING ({visible})",
            f"CREATE POLICY crm_create ON literature_link FOR INSERT WITH CHECK "
            f"({visible} AND {append})",
            f"CREATE POLICY crm_delete ON literature_link FOR DELETE USING "
            f"({visible} AND {append})",
        ]
    raise ValueError(f"no mail policies for {table}")


_WORKFLOW_TABLES = ("workflow_rule", "workflow_job", "workflow_run", "workflow_runner",
                    "queue_rotation", "notification", "record_follow")  # fmt: skip


def _workflow_policies(table: str) -> list[str]:
    """Workflow (services/workflow) and notifications: everyone's writes read
    the rules, admins write them; a write queues jobs and records runs in
    its writer's name, and the runner (a manager or an admin on this
    engine) moves jobs on. A notification is read and marked by the one it
    is for, sent in its sender's name or a rule's; anyone may see who
    follows a record (a change tells them), and each follows for themself."""
    me = "(SELECT crm_user_id())"
    admin = "(SELECT crm_role()) = 'admin'"
    runner = "(SELECT crm_role()) IN ('manager', 'admin')"
    read = f"CREATE POLICY crm_read ON {table} FOR SELECT USING (true)"
    if table == "workflow_rule":
        return [
            read,
            f"CREATE POLICY crm_admin ON {table} FOR ALL USING ({admin}) WITH CHECK ({admin})",
        ]
    if table == "workflow_job":
        mine = f"(queued_by = {me} OR queued_by IS NULL OR {runner})"
        return [
            read,
            f"CREATE POLICY crm_create ON {table} FOR INSERT WITH CHECK {mine}",
            f"CREATE POLICY crm_update ON {table} FOR UPDATE USING ({runner}) WITH CHECK (true)",
        ]
    if table == "workflow_run":
        mine = f"(by_user = {me} OR by_user IS NULL OR {runner})"
        return [read, f"CREATE POLICY crm_create ON {table} FOR INSERT WITH CHECK {mine}"]
    if table == "notification":
        mine = f"(user_id = {me})"
        sent = f"(from_user = {me} OR (from_user IS NULL AND rule_id IS NOT NULL) OR {runner})"
        return [
            f"CREATE POLICY crm_read ON {table} FOR SELECT USING {mine}",
            f"CREATE POLICY crm_create ON {table} FOR INSERT WITH CHECK {sent}",
            f"CREATE POLICY crm_update ON {table} FOR UPDATE USING {mine} WITH CHECK {mine}",
        ]
    if table == "record_follow":
        mine = f"(user_id = {me})"
        return [
            read,
            f"CREATE POLICY crm_create ON {table} FOR INSERT WITH CHECK {mine}",
            f"CREATE POLICY crm_delete ON {table} FOR DELETE USING {mine}",
        ]
    # the runner's lease and a queue's round-robin turn: anyone's write moves them
    return [f"CREATE POLICY crm_all ON {table} FOR ALL USING (true) WITH CHECK (true)"]


def feature_policies(table: str) -> list[str] | None:
    """The policies of one of these tables; None for any other table."""
    if table in _IMPORT_TABLES:
        return _import_policies(table)
    if table in _MAIL_TABLES:
        return _mail_policies(table)
    if table in _WORKFLOW_TABLES:
        return _workflow_policies(table)
    if table == "sales_target":
        # everyone reads the targets (the dashboard compares with them);
        # managers and admins set them
        setter = "(SELECT crm_role()) IN ('manager', 'admin')"
        return [
            "CREATE POLICY crm_read ON sales_target FOR SELECT USING (true)",
            f"CREATE POLICY crm_set ON sales_target FOR ALL USING ({setter}) WITH CHECK ({setter})",
        ]
    return None
