"""People are deactivated, never deleted: the database refuses to delete a sign-in account.

Their name stays on every decision and trail row that refers to them. The trigger belongs to the
owner, so the app's own role (audit/database_roles.py) can neither drop nor disable it.
"""

from django.db import migrations

REFUSE = """
CREATE FUNCTION people_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'People are deactivated, never deleted (user %)', OLD.username
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER people_never_deleted BEFORE DELETE ON auth_user FOR EACH ROW EXECUTE FUNCTION people_never_deleted();
"""

ALLOW = """
DROP TRIGGER IF EXISTS people_never_deleted ON auth_user;
DROP FUNCTION IF EXISTS people_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunSQL(REFUSE, ALLOW)]
