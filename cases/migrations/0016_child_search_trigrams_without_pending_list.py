"""The child search's trigram indexes (0014) take each new child into the index itself.

By default a GIN index queues new rows in a pending list that every search reads from start to end
until a vacuum sweeps it; the planner prices that list in, so after a census import (100,000 children
queued) it read the whole table instead (150 ms against 3 ms). Children are written by the thousand a
year and searched all day, so each write pays its few index entries at once instead.

Only where 0014 made the indexes: the embedded PostgreSQL (pgserver) has no pg_trgm and no indexes.
"""

from django.db import migrations

INDEXES = ("child_first_name_trigrams", "child_last_name_trigrams", "child_local_id_trigrams")


def _each_index(statement: str) -> str:
    lines = "\n".join(
        f"    IF to_regclass('{index}') IS NOT NULL THEN {statement.format(index=index)} END IF;" for index in INDEXES
    )
    return f"DO $$\nBEGIN\n{lines}\nEND\n$$;"


WRITE_THROUGH = _each_index(
    "ALTER INDEX {index} SET (fastupdate = off); PERFORM gin_clean_pending_list('{index}'::regclass);"
)
QUEUED = _each_index("ALTER INDEX {index} RESET (fastupdate);")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_plan_service_tracked_per_statement"),
    ]

    operations = [migrations.RunSQL(WRITE_THROUGH, QUEUED)]
