"""The functions and triggers the server's access rules call, as SQL text
that `server_access.install()` fills in ({schema}, {owner}, {reviewers},
{editable}) and runs as the role that owns the tables.

crm_user_id, crm_role, crm_depth, crm_team_ids, crm_may and crm_exempt say
who the person is and what their role may do; crm_check_update (write, or
assign when the owner changes), crm_consequence and crm_check_line_update
allow what the app does as a consequence of a change it allowed; the
crm_article_* functions hold the knowledge base's own rule; and
crm_check_counter_update moves a document number counter on by one;
crm_custom_column adds, indexes and drops a custom field's column for an
admin connected as their own login (services/custom_schema.py).
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION crm_user_id() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT id FROM "user" WHERE login = session_user AND active = 1
$$;
CREATE OR REPLACE FUNCTION crm_depth(p_kind text, p_privilege text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT coalesce(
        (SELECT r.depth FROM role_privilege r
          WHERE r.role = me.role AND r.kind = p_kind AND r.privilege = p_privilege),
        (SELECT d.depth FROM crm_role_default d
          WHERE d.role = me.role AND d.kind = p_kind AND d.privilege = p_privilege),
        'none')
    FROM "user" me WHERE me.login = session_user AND me.active = 1
$$;
CREATE OR REPLACE FUNCTION crm_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT role FROM "user" WHERE login = session_user AND active = 1
$$;
CREATE OR REPLACE FUNCTION crm_team_ids() RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT coalesce(array_agg(o.id), '{{}}') FROM "user" o JOIN "user" me
        ON me.login = session_user AND me.active = 1 AND me.team <> '' AND o.team = me.team
$$;
CREATE OR REPLACE FUNCTION crm_may(p_kind text, p_privilege text, p_owner bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT CASE coalesce(crm_depth(p_kind, p_privilege), 'none')
        WHEN 'org' THEN true
        WHEN 'none' THEN false
        WHEN 'own' THEN p_owner IS NULL OR p_owner = crm_user_id()
        ELSE p_owner IS NULL OR p_owner = crm_user_id() OR p_owner = ANY (crm_team_ids())
    END
$$;
CREATE OR REPLACE FUNCTION crm_exempt() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT session_user = {owner}
        OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
$$;
CREATE OR REPLACE FUNCTION crm_check_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
DECLARE
    old_owner bigint;
    new_owner bigint;
BEGIN
    IF session_user = {owner} OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RETURN NEW;
    END IF;
    old_owner := to_jsonb(OLD) ->> 'owner_id';
    new_owner := to_jsonb(NEW) ->> 'owner_id';
    IF TG_ARGV[1] = 'assigned' AND (to_jsonb(OLD) ->> 'assigned') = '0' THEN
        old_owner := NULL;  -- a case waiting in its queue: nobody holds it
    END IF;
    IF new_owner IS DISTINCT FROM (to_jsonb(OLD) ->> 'owner_id')::bigint THEN
        IF NOT crm_may(TG_ARGV[0], 'assign', old_owner) THEN
            RAISE EXCEPTION 'your role may not assign this %', TG_ARGV[0]
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF NOT crm_may(TG_ARGV[0], 'write', old_owner)
        AND NOT crm_consequence(TG_ARGV[0], TG_RELID, to_jsonb(OLD), to_jsonb(NEW)) THEN
        RAISE EXCEPTION 'your role may not change this %', TG_ARGV[0]
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- the write privilege on articles is only the start: the knowledge base
    -- says who writes a draft and who reviews it
    IF TG_ARGV[0] = 'article'
        AND NOT crm_article_change(TG_RELID, to_jsonb(OLD), to_jsonb(NEW)) THEN
        RAISE EXCEPTION 'only its author changes a draft article, and only its reviewers review it'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION crm_changed(p_table oid, o jsonb, n jsonb) RETURNS text[]
LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
    SELECT coalesce(array_agg(e.key), '{{}}') FROM jsonb_each(n) e
        WHERE e.value IS DISTINCT FROM o -> e.key
          AND e.key NOT IN ('version', 'modified_at', 'modified_by_id')
          -- generated columns are not computed yet in a BEFORE trigger's NEW
          AND e.key NOT IN (SELECT attname FROM pg_attribute
                            WHERE attrelid = p_table AND attgenerated <> '')
$$;
CREATE OR REPLACE FUNCTION crm_consequence(p_kind text, p_table oid, o jsonb, n jsonb)
RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = {schema}, pg_temp AS $$
DECLARE
    changed text[] := crm_changed(p_table, o, n);
BEGIN
    IF p_kind = 'article' THEN
        -- reading, rating, linking and the calendar move an article without
        -- stamping it as changed by anyone
        RETURN crm_article_consequence(changed, o, n);
    END IF;
    IF (n ->> 'modified_by_id')::bigint IS DISTINCT FROM crm_user_id() THEN
        RETURN false;
    END IF;
    IF p_kind = 'case' THEN
        -- a completed reply of theirs satisfies the case's first response
        RETURN changed <@ ARRAY['first_responded_at', 'next_breach_at']
            AND o ->> 'first_responded_at' IS NULL AND n ->> 'first_responded_at' IS NOT NULL
            AND EXISTS (SELECT 1 FROM activity a WHERE a.regarding_type = 'case'
                AND a.regarding_id = (n ->> 'id')::bigint AND a.direction = 'outgoing'
                AND a.state = 'completed' AND a.owner_id = crm_user_id());
    END IF;
    IF p_kind = 'activity' THEN
        -- the mail sender completes the email activity whose message it sent
        RETURN changed <@ ARRAY['state', 'actual_end', 'sort_at']
            AND o ->> 'state' = 'open' AND n ->> 'state' = 'completed'
            AND EXISTS (SELECT 1 FROM mail_message m
                WHERE m.activity_id = (n ->> 'id')::bigint AND m.state = 'sent');
    END IF;
    RETURN false;
END $$;
CREATE OR REPLACE FUNCTION crm_check_line_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF session_user = {owner} OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
        OR EXISTS (SELECT 1 FROM contract c WHERE c.id = NEW.contract_id
                   AND crm_may('contract', 'write', c.owner_id)) THEN
        RETURN NEW;
    END IF;
    -- resolving a case uses its line's allotment: that count only, and only up
    IF (to_jsonb(NEW) - 'used') = (to_jsonb(OLD) - 'used') AND NEW.used >= OLD.used THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'your role may not change this contract''s lines'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE FUNCTION crm_reviews(p_reviewer bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
    SELECT coalesce(crm_role() IN {reviewers} OR p_reviewer = crm_user_id(), false)
$$;
CREATE OR REPLACE FUNCTION crm_written_now(p_xmin xid) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    top bigint := pg_current_xact_id()::text::bigint;
BEGIN
    -- Of the rows a statement sees, only those this transaction wrote have a
    -- writer still in progress. A row keeps 32 bits of its writer's id: they
    -- are widened from this transaction's, which its subtransactions follow.
    RETURN coalesce(pg_xact_status((top + (p_xmin::text::bigint - top % 4294967296
        + 4294967296) % 4294967296)::text::xid8) = 'in progress', false);
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;  -- written before this transaction: widened past the newest id
END $$;
CREATE OR REPLACE FUNCTION crm_article_consequence(changed text[], o jsonb, n jsonb)
RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = {schema}, pg_temp AS $$
DECLARE
    article bigint := (o ->> 'id')::bigint;
    -- the app's today is the person's time zone's: the server knows only the
    -- latest any zone has reached
    today text := to_char(now() AT TIME ZONE 'Etc/GMT-14', 'YYYY-MM-DD');
BEGIN
    IF changed <@ ARRAY['view_count', 'rating_total', 'rating_count', 'helped_count'] THEN
        -- reading counts up, rating sums the ratings again, and linking a case
        -- counts one up, once, in the transaction that wrote the person's link
        RETURN coalesce((n ->> 'view_count')::bigint >= (o ->> 'view_count')::bigint
            AND (NOT changed && ARRAY['rating_total', 'rating_count']
                OR ((n ->> 'rating_total')::bigint, (n ->> 'rating_count')::bigint) =
                    (SELECT coalesce(sum(r.stars), 0), count(*) FROM kb_rating r
                      WHERE r.article_id = article))
            AND (NOT changed && ARRAY['helped_count']
                OR (n ->> 'helped_count')::bigint = (o ->> 'helped_count')::bigint + 1
                AND EXISTS (SELECT 1 FROM kb_article_case l WHERE l.article_id = article
                    AND l.linked_by_id = crm_user_id() AND crm_written_now(l.xmin))
                AND NOT EXISTS (SELECT 1 FROM kb_article a WHERE a.id = article
                    AND crm_written_now(a.xmin))), false);
    END IF;
    IF o ->> 'state' = 'approved' AND n ->> 'state' = 'published' THEN
        -- a version scheduled by a reviewer publishes itself on its day
        RETURN coalesce(changed <@ ARRAY['state', 'published_at', 'publish_on']
            AND o ->> 'publish_on' <= today AND n ->> 'publish_on' IS NULL
            AND n ->> 'published_at' IS NOT NULL, false);
    END IF;
    IF o ->> 'state' = 'published' AND n ->> 'state' = 'expired' THEN
        RETURN coalesce(changed = ARRAY['state'] AND o ->> 'expires_on' <= today, false);
    END IF;
    IF o ->> 'state' = 'published' AND n ->> 'state' = 'archived' THEN
        -- replaced by a newer version being published: on its day, or now by
        -- one who reviews that version
        RETURN changed = ARRAY['state'] AND EXISTS (SELECT 1 FROM kb_article v
            WHERE v.number = o ->> 'number' AND v.id <> article AND v.state = 'approved'
              AND (v.publish_on <= today OR crm_reviews(v.reviewer_id)));
    END IF;
    RETURN false;
END $$;
CREATE OR REPLACE FUNCTION crm_article_change(p_table oid, o jsonb, n jsonb) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = {schema}, pg_temp AS $$
DECLARE
    -- a new owner is the assign privilege's, checked before
    changed text[] := array_remove(crm_changed(p_table, o, n), 'owner_id');
BEGIN
    IF changed = '{{}}' OR crm_reviews((o ->> 'reviewer_id')::bigint) THEN
        RETURN true;
    END IF;
    IF (o ->> 'owner_id')::bigint = crm_user_id() AND o ->> 'state' = 'draft'
        AND changed <@ {editable} AND n ->> 'state' IN ('draft', 'in_review') THEN
        RETURN true;  -- the author writes the draft and sends it for review
    END IF;
    RETURN crm_article_consequence(changed, o, n);
END $$;
CREATE OR REPLACE FUNCTION crm_check_counter_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
BEGIN
    -- a document number is taken as the document is created: its counter
    -- moves on by one, never back, never past a number, and nothing else
    IF crm_exempt() OR ((to_jsonb(NEW) - 'next') = (to_jsonb(OLD) - 'next')
        AND NEW.next = OLD.next + 1 AND coalesce(crm_depth(OLD.name, 'create'), 'none') <> 'none')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION
        'a document number is taken by creating its document: the counter moves on by one'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE FUNCTION crm_custom_column(
    p_action text, p_table text, p_column text, p_form text
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    v_index text := p_table || '_' || p_column;
BEGIN
    IF crm_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'only an admin adds, indexes or removes custom fields'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT (p_table = ANY ({custom_tables})) OR p_column !~ '^cf_[a-z][a-z0-9_]{{0,39}}$' THEN
        RAISE EXCEPTION 'not a custom field''s column: %.%', p_table, p_column
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_action = 'add' AND p_form = 'integer' THEN
        EXECUTE format('ALTER TABLE %I ADD COLUMN %I BIGINT', p_table, p_column);
    ELSIF p_action = 'add' AND p_form = 'text' THEN
        EXECUTE format('ALTER TABLE %I ADD COLUMN %I TEXT COLLATE "C"', p_table, p_column);
    ELSIF p_action = 'index' AND p_form = 'lower' THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (lower(%I))',
                       v_index, p_table, p_column);
    ELSIF p_action = 'index' AND p_form = 'numeric' THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (CAST(%I AS NUMERIC))',
                       v_index, p_table, p_column);
    ELSIF p_action = 'index' AND p_form = 'plain' THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (%I)', v_index, p_table, p_column);
    ELSIF p_action = 'unindex' THEN
        EXECUTE format('DROP INDEX IF EXISTS %I', v_index);
    ELSIF p_action = 'drop' THEN
        EXECUTE format('ALTER TABLE %I DROP COLUMN %I', p_table, p_column);
    ELSE
        RAISE EXCEPTION 'unknown custom column step % %', p_action, p_form;
    END IF;
END $$;
"""


def covers_sql(kind: str, privilege: str, owner: str) -> str:
    """`access.covers` in SQL, the depth and the person looked up once per statement."""
    depth = f"(SELECT crm_depth('{kind}', '{privilege}'))"
    return (
        f"(coalesce({depth}, 'none') = 'org' OR (coalesce({depth}, 'none') <> 'none' AND "
        f"({owner} IS NULL OR {owner} = (SELECT crm_user_id()) OR "
        f"({depth} = 'team' AND {owner} = ANY ((SELECT crm_team_ids())::bigint[])))))"
    )
