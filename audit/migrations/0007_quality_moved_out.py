# Deep-dive audits and report runs now live in `quality` (quality/migrations/0001_initial.py), on
# the same tables: they leave this app's state. No SQL runs.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_context_rows_fixed_once_committed'),
        ('quality', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='deepdiveaudit',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='deepdiveaudit',
                    name='service_area',
                ),
                migrations.RemoveField(
                    model_name='deepdiveaudit',
                    name='team',
                ),
                migrations.RemoveField(
                    model_name='deepdivecase',
                    name='audit',
                ),
                migrations.RemoveField(
                    model_name='deepdivecase',
                    name='audited_by',
                ),
                migrations.RemoveField(
                    model_name='deepdivecase',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='reportrun',
                    name='requested_by',
                ),
                migrations.DeleteModel(
                    name='DeepDiveAnswer',
                ),
                migrations.DeleteModel(
                    name='DeepDiveAudit',
                ),
                migrations.DeleteModel(
                    name='DeepDiveCase',
                ),
                migrations.DeleteModel(
                    name='ReportRun',
                ),
            ],
        ),
    ]
