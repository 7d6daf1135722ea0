"""How rows are tracked: every insert, update and delete, kept in append-only event tables.

Children, plans, requests and their records use `tracked`; pghistory writes the event by
trigger (so bulk updates and raw SQL are caught too), and the event tables refuse UPDATE,
DELETE and TRUNCATE.

The guards are pgtrigger triggers whose SQL leaves out pgtrigger's ignore check: a session
that runs `SET pgtrigger.ignore = '{...}'` skips ordinary pgtrigger triggers, never these.
Only the owner can drop or disable them; the app's own role owns nothing (audit/database_roles.py).
"""

import pghistory
import pgtrigger
from pgtrigger import compiler

# A trail table is one that carries this guard (the app's role may only read and insert there).
TRUNCATE_GUARD = "append_only_no_truncate"


class UnskippableTriggerSql(compiler.UpsertTriggerSql):
    """pgtrigger's installation SQL without the `pgtrigger.ignore` escape hatch."""

    def get_template(self) -> str:
        return """
            CREATE OR REPLACE FUNCTION {pgid}()
            RETURNS TRIGGER AS $$
                {declare}
                BEGIN
                    {func}
                END;
            $$ LANGUAGE plpgsql;

            DROP TRIGGER IF EXISTS {pgid} ON {table};
            CREATE {constraint} TRIGGER {pgid}
                {when} {operation} ON {table}
                {timing}
                {referencing}
                FOR EACH {level} {condition}
                EXECUTE PROCEDURE {execute};

            COMMENT ON TRIGGER {pgid} ON {table} IS '{hash}';
        """


class UnskippableTrigger(pgtrigger.Trigger):
    def compile(self, model):
        compiled = super().compile(model)
        return compiler.Trigger(name=compiled.name, sql=UnskippableTriggerSql(**compiled.sql.kwargs))


def append_only_triggers():
    # TRUNCATE has no row form; PostgreSQL wants a BEFORE statement-level trigger for it.
    return [
        UnskippableTrigger(
            name="append_only_no_update_or_delete",
            operation=pgtrigger.Update | pgtrigger.Delete,
            when=pgtrigger.Before,
            func="RAISE EXCEPTION 'append-only: cannot % rows of %', TG_OP, TG_TABLE_NAME;",
        ),
        UnskippableTrigger(
            name=TRUNCATE_GUARD,
            operation=pgtrigger.Truncate,
            level=pgtrigger.Statement,
            when=pgtrigger.Before,
            func="RAISE EXCEPTION 'append-only: cannot truncate %', TG_TABLE_NAME;",
        ),
    ]


def never_deleted():
    """Rows a decision may rest on (a child's CP plans) are corrected, never deleted; no session setting skips this."""
    return UnskippableTrigger(
        name="never_deleted",
        operation=pgtrigger.Delete,
        when=pgtrigger.Before,
        func="RAISE EXCEPTION 'never deleted: % rows are corrected, with a reason, not deleted', TG_TABLE_NAME;",
    )


def tracked(model, level=pgtrigger.Row):
    """Class decorator: keep the full history of this model's rows."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        meta={"triggers": append_only_triggers()},
        level=level,
    )(model)


def tracked_per_statement(model):
    """`tracked`, for a table written thousands of rows at a time (the census import): the same
    event for every row, written by one trigger run per statement from its transition table, not
    one per row (each of which also looks up and writes the history context)."""
    return tracked(model, level=pgtrigger.Statement)


def trail_tables():
    """Every append-only table: the audit tables, each history event table, and pghistory's context."""
    from pghistory.models import Context

    guarded = {model._meta.db_table for model, trigger in pgtrigger.registered() if trigger.name == TRUNCATE_GUARD}
    return sorted(guarded | {Context._meta.db_table})
