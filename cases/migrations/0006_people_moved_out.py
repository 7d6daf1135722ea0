# Service areas, teams and staff now live in `people` (people/migrations/0001_initial.py), on
# the same tables: the child's team points there and the old models leave the state. No SQL runs.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_rule_8940_both_end_days_and_latest_category"),
        ("people", "0001_initial"),
        # The deep dive's scope must point to `people` before the old models go.
        ("audit", "0004_deep_dive_scope_from_people"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="child",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Allocated team. Unallocated children are seen by CP chairs, CP Managers and auditors.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="people.team",
                    ),
                ),
                migrations.AlterField(
                    model_name="childevent",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Allocated team. Unallocated children are seen by CP chairs, CP Managers and auditors.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="people.team",
                    ),
                ),
                migrations.RemoveField(model_name="staff", name="service_area"),
                migrations.RemoveField(model_name="staff", name="team"),
                migrations.RemoveField(model_name="staff", name="user"),
                migrations.RemoveField(model_name="team", name="service_area"),
                migrations.DeleteModel(name="Staff"),
                migrations.DeleteModel(name="Team"),
                migrations.DeleteModel(name="ServiceArea"),
            ],
        ),
    ]
