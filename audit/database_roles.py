"""The app's own database role: it reads and writes the working tables, only adds to the trail, owns nothing.

Migrations run as the owner (the role in the owner's DATABASE_URL); the web server, the workers and
beat connect as the app's role. Run `create_app_role` again after every migration so new tables get
the right rights (default privileges already cover ordinary new tables; the trail's new ones lose
UPDATE and DELETE only when this runs, and their triggers refuse both meanwhile).
"""

from django.db import connection

from audit.history import trail_tables

WORKING_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
TRAIL_RIGHTS = "SELECT, INSERT"
READ_ONLY_TABLES = ("django_migrations",)


def create_app_role(name: str, password: str | None = None) -> None:
    """Create or update login role `name` with exactly the rights the app needs, in the current database."""
    quote = connection.ops.quote_name
    role = quote(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        owner, database, schema = (quote(value) for value in cursor.fetchone())
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
        if password is not None:
            cursor.execute(f"{verb} ROLE {role} {attributes} PASSWORD %s", [password])
        else:
            cursor.execute(f"{verb} ROLE {role} {attributes}")
        # It must hold no one else's rights and own nothing here.
        cursor.execute(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s",
            [name],
        )
        for (granted,) in cursor.fetchall():
            cursor.execute(f"REVOKE {quote(granted)} FROM {role}")
        cursor.execute(f"REASSIGN OWNED BY {role} TO {owner}")

        cursor.execute(f"GRANT CONNECT ON DATABASE {database} TO {role}")
        cursor.execute(f"REVOKE ALL ON SCHEMA {schema} FROM {role}")
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}")
        cursor.execute(f"GRANT {WORKING_RIGHTS} ON ALL TABLES IN SCHEMA {schema} TO {role}")
        existing = set(connection.introspection.table_names(cursor))
        for table in trail_tables():
            if table in existing:
                cursor.execute(f"REVOKE ALL ON {quote(table)} FROM {role}")
                cursor.execute(f"GRANT {TRAIL_RIGHTS} ON {quote(table)} TO {role}")
        for table in READ_ONLY_TABLES:
            if table in existing:
                cursor.execute(f"REVOKE ALL ON {quote(table)} FROM {role}")
                cursor.execute(f"GRANT SELECT ON {quote(table)} TO {role}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT {WORKING_RIGHTS} ON TABLES TO {role}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        )
