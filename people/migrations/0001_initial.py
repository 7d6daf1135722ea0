# Service areas, teams and staff moved here from `cases`. Their tables keep their names
# (db_table), so on a database already migrated nothing changes, and on a fresh one `cases`
# creates the tables first: this migration only tells Django's state where the models live,
# and moves their content types (and so their permissions and admin history) to `people`.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ("servicearea", "team", "staff")


def move_content_types(apps, schema_editor, source="cases", target="people"):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="people", target="cases")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0004_alter_staff_role"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ServiceArea",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                    ],
                    options={"db_table": "cases_servicearea", "ordering": ["name"]},
                ),
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("name", models.CharField(max_length=100)),
                        (
                            "service_area",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="teams",
                                to="people.servicearea",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_team",
                        "ordering": ["service_area__name", "name"],
                        "constraints": [
                            models.UniqueConstraint(fields=("service_area", "name"), name="team_name_unique_in_area")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Staff",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("social_worker", "Social worker"),
                                    ("practice_lead", "Practice lead"),
                                    ("team_manager", "Team manager"),
                                    ("area_manager", "Area manager"),
                                    ("service_manager", "Service manager"),
                                    ("cp_chair", "CP chair (Child Protection Co-ordinator)"),
                                    ("cp_manager", "Child Protection Manager"),
                                    ("head_of_service", "Head of Service"),
                                    ("auditor", "Auditor"),
                                    ("data_manager", "Data manager"),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("job_title", models.CharField(blank=True, max_length=100)),
                        (
                            "service_area",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="staff",
                                to="people.servicearea",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="staff",
                                to="people.team",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="staff",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "cases_staff", "verbose_name_plural": "staff"},
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
