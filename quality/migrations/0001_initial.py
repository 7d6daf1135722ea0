# Deep-dive audits and report runs moved here from `audit`. Their tables keep their names
# (db_table), so on a database already migrated nothing changes, and on a fresh one `audit`
# creates the tables first: this migration only tells Django's state where the models live,
# and moves their content types (and so their permissions and admin history) to `quality`.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ("deepdiveaudit", "deepdivecase", "deepdiveanswer", "reportrun")


def move_content_types(apps, schema_editor, source="audit", target="quality"):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not content_type.objects.filter(app_label=target, model=model).exists():
            content_type.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="quality", target="audit")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audit', '0004_deep_dive_scope_from_people'),
        ('conferences', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('people', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='DeepDiveAudit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('period_from', models.DateField()),
                        ('period_to', models.DateField()),
                        ('sample_size', models.PositiveIntegerField(blank=True, help_text='Empty: every case in the period.', null=True)),
                        ('seed', models.CharField(blank=True, max_length=40)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('service_area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.servicearea')),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.team')),
                    ],
                    options={
                        'db_table': 'audit_deepdiveaudit',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='DeepDiveCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField()),
                        ('grade', models.CharField(blank=True, choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate')], max_length=30)),
                        ('learning_points', models.TextField(blank=True)),
                        ('audited_at', models.DateTimeField(blank=True, null=True)),
                        ('audit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cases', to='quality.deepdiveaudit')),
                        ('audited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conferences.conferencerequest')),
                    ],
                    options={
                        'db_table': 'audit_deepdivecase',
                        'ordering': ['audit', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='DeepDiveAnswer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('question', models.CharField(max_length=4)),
                        ('judgement', models.CharField(choices=[('met', 'Met'), ('partly_met', 'Partly met'), ('not_met', 'Not met')], max_length=20)),
                        ('comment', models.TextField(blank=True)),
                        ('record_showed', models.TextField(blank=True, help_text='What the record showed when the auditor answered.')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='quality.deepdivecase')),
                    ],
                    options={
                        'db_table': 'audit_deepdiveanswer',
                        'ordering': ['case', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=30)),
                        ('parameters', models.JSONField(default=dict)),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Ready'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('progress', models.PositiveSmallIntegerField(default=0, help_text='Percent done.')),
                        ('message', models.CharField(blank=True, max_length=300)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('file_name', models.CharField(blank=True, max_length=200)),
                        ('content_type', models.CharField(blank=True, max_length=100)),
                        ('result', models.BinaryField(blank=True, null=True)),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audit_reportrun',
                        'ordering': ['-requested_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='deepdivecase',
                    constraint=models.UniqueConstraint(fields=('audit', 'request'), name='deep_dive_case_unique'),
                ),
                migrations.AddConstraint(
                    model_name='deepdivecase',
                    constraint=models.UniqueConstraint(fields=('audit', 'position'), name='deep_dive_case_position_unique'),
                ),
                migrations.AddConstraint(
                    model_name='deepdiveanswer',
                    constraint=models.UniqueConstraint(fields=('case', 'question'), name='deep_dive_answer_unique'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
