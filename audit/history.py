"""How rows are tracked: every insert, update and delete, kept in append-only event tables.

Children, plans, requests and their records use `tracked`; pghistory writes the event by
trigger (so bulk updates and raw SQL are caught too), and the event tables refuse UPDATE,
DELETE and TRUNCATE.
"""

import pghistory
import pgtrigger


def no_truncate_trigger():
    # pgtrigger's Protect has no statement-level form for TRUNCATE, so the function is written out.
    return pgtrigger.Trigger(
        name="append_only_no_truncate",
        operation=pgtrigger.Truncate,
        level=pgtrigger.Statement,
        when=pgtrigger.Before,
        func="RAISE EXCEPTION 'append-only: cannot truncate %', TG_TABLE_NAME;",
    )


def append_only_triggers():
    return [
        pgtrigger.Protect(name="append_only_no_update", operation=pgtrigger.Update),
        pgtrigger.Protect(name="append_only_no_delete", operation=pgtrigger.Delete),
        no_truncate_trigger(),
    ]


def tracked(model):
    """Class decorator: keep the full history of this model's rows."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        append_only=True,
        meta={"triggers": [no_truncate_trigger()]},
    )(model)
