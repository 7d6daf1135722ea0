"""pghistory's context rows (who, which URL, for every history event) become unchangeable once committed.

pghistory upserts the context row while the transaction that writes the events runs, so a row may
change within its own transaction; once committed it must never change, or history could be
re-attributed to another person. A request may span several transactions: a later transaction of
the same context gets a row of its own instead of changing the committed one. The attach function
runs as its owner (SECURITY DEFINER), so the app's role needs only INSERT and SELECT on the table.
"""

from django.db import migrations
from pghistory.models import Context

WRITTEN_BY_THIS_TRANSACTION = """
CREATE OR REPLACE FUNCTION audit_written_by_this_transaction(row_xmin xid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    current_full bigint := pg_current_xact_id()::text::bigint;
    distance bigint;
BEGIN
    -- xmin is 32 bits; widen it with the current epoch (subtransactions' ids run ahead of ours).
    distance := row_xmin::text::bigint - (current_full & 4294967295);
    IF distance > 2147483648 THEN
        distance := distance - 4294967296;
    ELSIF distance < -2147483648 THEN
        distance := distance + 4294967296;
    END IF;
    -- A row visible to us and in progress can only be ours (this transaction or one of its savepoints).
    RETURN pg_xact_status((current_full + distance)::text::xid8) IS NOT DISTINCT FROM 'in progress';
EXCEPTION WHEN OTHERS THEN
    RETURN false;
END;
$$;
"""

CONTEXT_GUARDS = """
CREATE OR REPLACE FUNCTION audit_context_committed_rows_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT audit_written_by_this_transaction((SELECT xmin FROM pghistory_context WHERE id = OLD.id)) THEN
        RAISE EXCEPTION 'append-only: cannot % rows of % written by an earlier transaction', TG_OP, TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION audit_context_no_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only: cannot truncate %', TG_TABLE_NAME;
END;
$$;

DROP TRIGGER IF EXISTS append_only_committed_rows ON pghistory_context;
CREATE TRIGGER append_only_committed_rows BEFORE UPDATE OR DELETE ON pghistory_context
    FOR EACH ROW EXECUTE FUNCTION audit_context_committed_rows_fixed();
DROP TRIGGER IF EXISTS append_only_no_truncate ON pghistory_context;
CREATE TRIGGER append_only_no_truncate BEFORE TRUNCATE ON pghistory_context
    FOR EACH STATEMENT EXECUTE FUNCTION audit_context_no_truncate();
"""

DROP_CONTEXT_GUARDS = """
DROP TRIGGER IF EXISTS append_only_committed_rows ON pghistory_context;
DROP TRIGGER IF EXISTS append_only_no_truncate ON pghistory_context;
DROP FUNCTION IF EXISTS audit_context_committed_rows_fixed();
DROP FUNCTION IF EXISTS audit_context_no_truncate();
DROP FUNCTION IF EXISTS audit_written_by_this_transaction(xid);
"""

ATTACH_CONTEXT = """
CREATE OR REPLACE FUNCTION _pgh_attach_context() RETURNS pghistory_context.id%TYPE
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    _pgh_context_id UUID;
    _pgh_context_metadata JSONB;
    _committed_metadata JSONB;
    _ours BOOLEAN;
BEGIN
    BEGIN
        SELECT INTO _pgh_context_id CURRENT_SETTING('pghistory.context_id');
        SELECT INTO _pgh_context_metadata CURRENT_SETTING('pghistory.context_metadata');
        EXCEPTION WHEN OTHERS THEN
    END;
    IF _pgh_context_id IS NULL OR _pgh_context_metadata IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT c.metadata, audit_written_by_this_transaction(c.xmin) INTO _committed_metadata, _ours
        FROM pghistory_context c WHERE c.id = _pgh_context_id;
    IF FOUND AND NOT _ours AND _committed_metadata IS DISTINCT FROM _pgh_context_metadata THEN
        _pgh_context_id := md5(_pgh_context_id::text || pg_current_xact_id()::text)::uuid;
    END IF;
    INSERT INTO pghistory_context (id, metadata, created_at, updated_at)
        VALUES (_pgh_context_id, _pgh_context_metadata, NOW(), NOW())
        ON CONFLICT (id) DO UPDATE
            SET metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at
            WHERE pghistory_context.metadata != EXCLUDED.metadata;
    RETURN _pgh_context_id;
END;
$$;
"""


def restore_pghistory_attach_context(apps, schema_editor):
    Context.install_pgh_attach_context_func(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_unskippable_append_only"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.RunSQL(WRITTEN_BY_THIS_TRANSACTION + CONTEXT_GUARDS, DROP_CONTEXT_GUARDS),
        migrations.RunSQL(ATTACH_CONTEXT, migrations.RunSQL.noop),
        migrations.RunPython(migrations.RunPython.noop, restore_pghistory_attach_context),
    ]
