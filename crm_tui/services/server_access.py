"""Access enforced by PostgreSQL: the role table of crm_tui/services/access.py
as row-level security, so a person who connects with psql instead of
crm-tui can read and change no more than the app would let them.

Each person connects as their own login role (peer authentication on the
host: the OS login is the identity), a member of `crm_tui_person`, which
holds the table grants. `session_user` is who they are: SET ROLE cannot
change it. The policies ask four functions, each evaluated once per
statement (wrapped in scalar subqueries), never per row:

- crm_user_id(): the person's user id (NULL for a login that is no user);
- crm_depth(kind, privilege): their depth, from role_privilege (an admin's
  changes) or crm_role_default (the built-in table, written here);
- crm_team_ids(): the ids of the people in their team;
and per row `crm_covers(depth, owner)` in SQL, as `access.covers` does.

Per table: reading needs read at a depth reaching the owner; inserting,
create; deleting, delete; an update trigger checks write, or assign when
the owner changes (against the owner as it was). A record's lines, parties,
bookings, members and index rows go with their record: readable when it is,
writable when it is. Audit entries are readable with their record and
written only in the person's own name, never changed. Articles keep the
knowledge base's own rule too (crm_article_change): a draft is written by
its author or a reviewer, its review only by reviewers; a reader moves
only its counts, as reading, rating (in their own name) and linking a case
(likewise) do, and the calendar publishes and expires it. A document
number counter moves on by one as a number is taken
(crm_check_counter_update), nothing else.

Installed by `crm-tui init` on PostgreSQL (and again by `crm-tui access
install` after an upgrade), as the role that owns the tables; that role and
superusers are not bound by the policies (seeding, copying, upgrades).
Known limits are listed in the README (Access on PostgreSQL).
"""

from __future__ import annotations

from crm_tui import meta
from crm_tui.db import database
from crm_tui.db.migrations.ddl import count_function, match_function
from crm_tui.services import access, numbers
from crm_tui.services.custom_schema import CUSTOMISABLE
from crm_tui.services.knowledge import kb
from crm_tui.services.knowledge.kb_article import REVIEWER_ROLES
from crm_tui.services.server_functions import FUNCTIONS
from crm_tui.services.server_functions import covers_sql as _covers
from crm_tui.services.server_tables import feature_policies

PERSON = "crm_tui_person"

# child table -> (its record's table, the column naming it, the record's kind).
# A contract line's allotment is used by whoever resolves a case under it:
# crm_check_line_update lets them change only that.
CHILDREN = {
    "activity_party": ("activity", "activity_id", "activity"),
    "booking": ("activity", "activity_id", "activity"),
    "activity_file": ("activity", "activity_id", "activity"),
    "price_list_item": ("price_list", "price_list_id", "price_list"),
    "opportunity_competitor": ("opportunity", "opportunity_id", "opportunity"),
    "opportunity_line": ("opportunity", "opportunity_id", "opportunity"),
    "quote_line": ("quote", "quote_id", "quote"),
    "sales_order_line": ("sales_order", "order_id", "order"),
    "invoice_line": ("invoice", "invoice_id", "invoice"),
    "queue_member": ("queue", "queue_id", "queue"),
    "contract_line": ("contract", "contract_id", "contract"),
    "service_requirement": ("service", "service_id", "service"),
    "list_member": ("marketing_list", "list_id", "marketing_list"),
    "campaign_list": ("campaign", "campaign_id", "campaign"),
    "campaign_product": ("campaign", "campaign_id", "campaign"),
    "campaign_distribution": ("campaign_activity", "step_id", "campaign_activity"),
    "campaign_response": ("activity", "activity_id", "activity"),
    "literature_item": ("sales_literature", "literature_id", "sales_literature"),
    "literature_product": ("sales_literature", "literature_id", "sales_literature"),
    "literature_competitor": ("sales_literature", "literature_id", "sales_literature"),
}
# What readers add to a published article, each in their own name (the column
# naming them), never taken back: the article's counts are summed from them.
APPENDED = {"kb_article_case": "linked_by_id", "kb_rating": "user_id"}
# What the author of a draft changes (kb.update's fields), sending it for
# review too; the rest of an article's life is its reviewers'.
AUTHOR_WRITES = (*kb.FIELDS, "title_sort", "state")
ADMIN_ONLY = ("user", "role_privilege", "meta", "custom_field")
READ_ONLY = ("schema_migration", "crm_role_default")
# Kept by the owner for everyone (the words of the knowledge index, m0010):
# nobody reads or writes them directly.
INTERNAL = ("kb_fts_term",)


def _readable(kind: str, owner: str, alias: str = "") -> str:
    """Read at a depth reaching the owner; for articles also the knowledge
    base's own rule (kb_article.can_see): a version not yet published is seen
    by its author and its reviewers (the named one, managers, admins).

    An archived or expired version stays readable here: it was published
    (those states are reached from published only), so nobody learns from
    it what they could not read before, and whoever's reading passes its
    expiry day expires it (an update must leave the row readable to its writer).
    The app still lists those versions to their author and reviewers only."""
    covers = _covers(kind, "read", owner)
    if kind != "article":
        return covers
    dot = f"{alias}." if alias else ""
    me = "(SELECT crm_user_id())"
    return (
        f"({covers} AND ({dot}state IN ('published', 'archived', 'expired') OR "
        f"{dot}owner_id = {me} OR "
        f"{dot}reviewer_id = {me} OR (SELECT crm_role()) IN {REVIEWER_ROLES}))"
    )


def _record_policies(table: str, kind: str, owner: str) -> list[str]:
    name = f'"{table}"'
    create = _covers(kind, "create", owner)
    if kind == "article":
        # writing one (or a new version) starts a draft; only a reviewer could
        # skip its review
        create = (
            f"({create} AND ((SELECT crm_role()) IN {REVIEWER_ROLES} OR (state = 'draft' "
            "AND review_comment = '' AND published_at IS NULL AND view_count = 0 "
            "AND rating_total = 0 AND rating_count = 0 AND helped_count = 0)))"
        )
    return [
        f"CREATE POLICY crm_read ON {name} FOR SELECT USING {_readable(kind, owner)}",
        f"CREATE POLICY crm_create ON {name} FOR INSERT WITH CHECK {create}",
        f"CREATE POLICY crm_update ON {name} FOR UPDATE USING {_readable(kind, owner)} "
        "WITH CHECK (true)",
        f"CREATE POLICY crm_delete ON {name} FOR DELETE USING {_covers(kind, 'delete', owner)}",
        f"DROP TRIGGER IF EXISTS crm_check_update ON {name}",
        f"CREATE TRIGGER crm_check_update BEFORE UPDATE ON {name} FOR EACH ROW "
        f"EXECUTE FUNCTION crm_check_update('{kind}', "
        f"'{'assigned' if table == 'case' else 'owner'}')",
    ]


def _owner(kind: str, alias: str = "") -> str:
    dot = f"{alias}." if alias else ""
    if not meta.kind(kind).owned:
        return "NULL"
    if kind == "case":
        return f"(CASE WHEN {dot}assigned = 1 THEN {dot}owner_id END)"
    return f"{dot}owner_id"


def _child_policies(table: str, parent: str, column: str, kind: str) -> list[str]:
    visible = f'EXISTS (SELECT 1 FROM "{parent}" p WHERE p.id = {column})'
    writable = (
        f'EXISTS (SELECT 1 FROM "{parent}" p WHERE p.id = {column} AND '
        f"{_covers(kind, 'write', _owner(kind, 'p'))})"
    )
    update = visible if table == "contract_line" else writable
    policies = [
        f'CREATE POLICY crm_read ON "{table}" FOR SELECT USING ({visible})',
        f'CREATE POLICY crm_create ON "{table}" FOR INSERT WITH CHECK ({writable})',
        f'CREATE POLICY crm_update ON "{table}" FOR UPDATE USING ({update}) WITH CHECK (true)',
        f'CREATE POLICY crm_delete ON "{table}" FOR DELETE USING ({writable})',
    ]
    if table == "contract_line":
        policies += [
            f'DROP TRIGGER IF EXISTS crm_check_update ON "{table}"',
            f'CREATE TRIGGER crm_check_update BEFORE UPDATE ON "{table}" FOR EACH ROW '
            "EXECUTE FUNCTION crm_check_line_update()",
        ]
    return policies


def _feedback_policies(table: str) -> list[str]:
    """A rating or a case link: added as kb_feedback and kb.link_case do."""
    mine = f"{APPENDED[table]} = (SELECT crm_user_id())"
    visible = "EXISTS (SELECT 1 FROM kb_article p WHERE p.id = article_id)"
    article = "p.id = article_id AND p.state = 'published'"
    case = ""
    if table == "kb_article_case":
        article += f" AND {_covers('article', 'append', 'p.owner_id')}"
        case = ' AND EXISTS (SELECT 1 FROM "case" c WHERE c.id = case_id)'
    added = f"({mine} AND EXISTS (SELECT 1 FROM kb_article p WHERE {article}){case})"
    policies = [
        f'CREATE POLICY crm_read ON "{table}" FOR SELECT USING ({visible})',
        f'CREATE POLICY crm_create ON "{table}" FOR INSERT WITH CHECK {added}',
    ]
    if table == "kb_rating":  # rating again replaces one's own
        policies.append(
            f'CREATE POLICY crm_update ON "{table}" FOR UPDATE USING ({mine} AND {visible}) '
            f"WITH CHECK {added}"
        )
    return policies


def _counter_policies() -> list[str]:
    """The document number counters, taken as numbers.next_number does: read
    by everyone, moved on by crm_check_counter_update's rule, never deleted."""
    kinds = ", ".join(f"'{kind}'" for kind in numbers.PREFIXES)
    may = "coalesce((SELECT crm_depth(name, 'create')), 'none') <> 'none'"
    return [
        'CREATE POLICY crm_read ON "sequence" FOR SELECT USING (true)',
        # a kind's first number starts its counter, at the number after it
        'CREATE POLICY crm_create ON "sequence" FOR INSERT WITH CHECK '
        f"(name IN ({kinds}) AND next = 2 AND {may})",
        'CREATE POLICY crm_update ON "sequence" FOR UPDATE USING (true) WITH CHECK (true)',
        'DROP TRIGGER IF EXISTS crm_check_update ON "sequence"',
        'CREATE TRIGGER crm_check_update BEFORE UPDATE ON "sequence" FOR EACH ROW '
        "EXECUTE FUNCTION crm_check_counter_update()",
    ]


def _audit_policies() -> list[str]:
    # An entry about a record is readable with it. One function picks the
    # record's table, where an OR over every kind's EXISTS in the policy itself
    # was planned afresh by each statement that reads or returns an entry
    # (1.8 ms of every audited write); a PL/pgSQL function's queries are
    # planned once per connection. Invoker's rights: the table's own rules say
    # whether the record is readable.
    branches = "\n".join(
        f"        WHEN '{kind}' THEN RETURN EXISTS "
        f'(SELECT 1 FROM "{meta.kind(kind).model._meta.table_name}" r WHERE r.id = p_id);'
        for kind in access.KINDS
        if kind != "user"
    )
    readable = (
        "CREATE OR REPLACE FUNCTION crm_audit_readable(p_type text, p_id bigint) "
        "RETURNS boolean LANGUAGE plpgsql STABLE "
        f"SET search_path = {_search_path()} AS $$\nBEGIN\n    CASE p_type\n"
        f"{branches}\n        ELSE RETURN true;\n    END CASE;\nEND $$"
    )
    return [
        readable,
        "CREATE POLICY crm_read ON audit_entry FOR SELECT "
        "USING (crm_audit_readable(record_type, record_id))",
        "CREATE POLICY crm_create ON audit_entry FOR INSERT WITH CHECK "
        "(user_id IS NULL OR user_id = (SELECT crm_user_id()))",
    ]


def _admin_policies(table: str) -> list[str]:
    admin = "(SELECT crm_depth('user', 'write')) = 'org'"
    return [
        f'CREATE POLICY crm_read ON "{table}" FOR SELECT USING (true)',
        f'CREATE POLICY crm_admin ON "{table}" FOR ALL USING ({admin}) WITH CHECK ({admin})',
    ]


SHARED_TABLES = ("saved_view", "saved_report", "dashboard")


def _view_policies(table: str) -> list[str]:
    """Saved views, reports and dashboards (services/views.py, sharing.py):
    read by their owner, their team (scope team) or everyone (scope
    everyone); written by their owner, and shared only by a manager or
    admin; an admin reads and changes any."""
    me = "(SELECT crm_user_id())"
    admin = "(SELECT crm_role()) = 'admin'"
    sharer = "(SELECT crm_role()) IN ('manager', 'admin')"
    readable = (
        f"owner_id = {me} OR scope = 'everyone' OR "
        f"(scope = 'team' AND owner_id = ANY ((SELECT crm_team_ids())::bigint[]))"
    )
    own = f"owner_id = {me} AND (scope = 'personal' OR {sharer})"
    return [
        f"CREATE POLICY crm_read ON {table} FOR SELECT USING ({readable} OR {admin})",
        f"CREATE POLICY crm_insert ON {table} FOR INSERT WITH CHECK ({own})",
        f"CREATE POLICY crm_update ON {table} FOR UPDATE USING (owner_id = {me} OR {admin}) "
        f"WITH CHECK ({own} OR {admin})",
        f"CREATE POLICY crm_delete ON {table} FOR DELETE USING (owner_id = {me} OR {admin})",
    ]


def _tables() -> list[str]:
    return [
        row[0]
        for row in database.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
    ]


def install() -> int:
    """Create (or bring up to date) the person role, the grants, the access
    functions and every table's policies; returns the tables covered. Run as
    the role owning the tables, inside one transaction."""
    schema = database.execute_sql("SELECT current_schema()").fetchone()[0]
    owner = database.execute_sql("SELECT current_user").fetchone()[0]
    statements = [
        f"DO $$ BEGIN CREATE ROLE {PERSON} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        "CREATE TABLE IF NOT EXISTS crm_role_default (role TEXT, kind TEXT, privilege TEXT, "
        "depth TEXT NOT NULL, PRIMARY KEY (role, kind, privilege))",
        "DELETE FROM crm_role_default",
    ]
    for sql in statements:
        database.execute_sql(sql)
    rows = [
        (role, kind, privilege, depth)
        for role, kinds in access.defaults().items()
        for kind, privileges in kinds.items()
        for privilege, depth in privileges.items()
    ]
    with database.cursor() as cur:
        cur.executemany(
            "INSERT INTO crm_role_default (role, kind, privilege, depth) VALUES (%s, %s, %s, %s)",
            rows,
        )
    quoted_owner = "'" + owner.replace("'", "''") + "'"
    database.execute_sql(
        FUNCTIONS.format(
            schema=f'"{schema}"',
            owner=quoted_owner,
            reviewers=REVIEWER_ROLES,
            editable="ARRAY[" + ", ".join(f"'{c}'" for c in AUTHOR_WRITES) + "]",
            custom_tables="ARRAY["
            + ", ".join(f"'{meta.kind(k).model._meta.table_name}'" for k in CUSTOMISABLE)
            + "]",
        )
    )
    tables = _tables()
    database.execute_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO {PERSON}')
    database.execute_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {PERSON}')
    database.execute_sql(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {PERSON}')
    writable = [t for t in tables if t not in READ_ONLY]
    database.execute_sql(
        "GRANT INSERT, UPDATE, DELETE ON " + ", ".join(f'"{t}"' for t in writable) + f" TO {PERSON}"
    )
    for table in tables:
        policies = _policies_for(table)
        if policies is None:
            continue
        for (policy,) in database.execute_sql(
            "SELECT policyname FROM pg_policies WHERE tablename = ?", (table,)
        ).fetchall():
            database.execute_sql(f'DROP POLICY "{policy}" ON "{table}"')
        database.execute_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        for sql in policies:
            database.execute_sql(sql)
    return len(tables)


def _policies_for(table: str) -> list[str] | None:
    """The policies of `table`; None for a table these rules do not know
    (doctor names it)."""
    by_table = {meta.kind(k).model._meta.table_name: k for k in access.KINDS}
    if table in ADMIN_ONLY:
        return _admin_policies(table)
    if table in READ_ONLY:
        return [f'CREATE POLICY crm_read ON "{table}" FOR SELECT USING (true)']
    if table == "audit_entry":
        return _audit_policies()
    if table in CHILDREN:
        return _child_policies(table, *CHILDREN[table])
    if table in APPENDED:
        return _feedback_policies(table)
    if table == "sequence":
        return _counter_policies()
    if table in SHARED_TABLES:
        return _view_policies(table)
    if (policies := feature_policies(table)) is not None:
        return policies
    if table == "view_default":
        me = "(SELECT crm_user_id())"
        return [
            f"CREATE POLICY crm_own ON view_default FOR ALL USING (user_id = {me}) "
            f"WITH CHECK (user_id = {me})"
        ]
    if table in INTERNAL:
        return [f'REVOKE ALL ON "{table}" FROM {PERSON}']
    if table.endswith("_fts"):
        record, kind = _indexed(table, by_table)
        visible = f'EXISTS (SELECT 1 FROM "{record}" r WHERE r.id = rowid)'
        # Who reads every record of the kind (each role's default) needs no
        # look at a match's record (an index row lives and dies with it):
        # else the record table is read for every search, whole when the
        # planner hashes it. Articles have rules of their own beyond depth.
        everyone = (
            ""
            if kind == "article"
            else f"coalesce((SELECT crm_depth('{kind}', 'read')), 'none') = 'org' OR "
        )
        readable = (
            f'(SELECT crm_exempt()) OR {everyone}EXISTS (SELECT 1 FROM "{record}" r '
            f"WHERE r.id = f.rowid AND {_readable(kind, _owner(kind, 'r'), 'r')})"
        )
        definer = "SECURITY DEFINER SET search_path = " + _search_path()
        return [
            f'CREATE POLICY crm_index ON "{table}" FOR ALL USING ({visible}) WITH CHECK (true)',
            # searching: the index scanned by the owner, keeping what the person may read
            match_function(table, security=definer, check=f"({readable})"),
            *([] if kind == "article" else [count_function(table, definer, f"({readable})")]),
        ]
    if table in by_table:
        kind = by_table[table]
        return _record_policies(table, kind, _owner(kind))
    return None


def _indexed(table: str, by_table: dict[str, str]) -> tuple[str, str]:
    """The record table and kind a full-text index table belongs to."""
    record = {"order_fts": "sales_order", "kb_fts": "kb_article"}.get(table, table[: -len("_fts")])
    return record, by_table[record]


def _search_path() -> str:
    """The search path of every function the rules call: the tables' schema,
    then the person's temporary tables, which otherwise come first and could
    stand in for `user` or a record table (a temporary table is any person's
    to make)."""
    schema = database.execute_sql("SELECT current_schema()").fetchone()[0]
    return '"' + schema.replace('"', '""') + '", pg_temp'


def add_login(login: str) -> None:
    """The login role of a new person, a member of the person role
    (peer authentication makes the OS login of the same name its identity).
    Needs CREATEROLE; an existing role is only made a member."""
    from psycopg import sql

    name = sql.Identifier(login).as_string(None)
    database.execute_sql(
        f"DO $$ BEGIN CREATE ROLE {name} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    database.execute_sql(f"GRANT {PERSON} TO {name}")


def add_missing_logins(logins: list[str]) -> list[str]:
    """`add_login` for each of `logins` without a role yet; returns those created."""
    existing = {row[0] for row in database.execute_sql("SELECT rolname FROM pg_roles").fetchall()}
    missing = [login for login in logins if login not in existing]
    for login in logins:
        add_login(login)  # makes an existing role a member, too
    return missing
