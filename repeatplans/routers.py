"""The database router: reports read from the replica, everything else and every write uses the primary.

Which reads are a report's is quality.replica's to say (`report_reads`); the replica's alias is
settings.REPORTS_DATABASE ("default" when no DATABASE_REPLICA_URL is set). The replica is a copy of
the primary kept by PostgreSQL's own replication, so it is never migrated and rows read from it may
be related to rows of the primary.
"""

from quality.replica import report_database

# Who the person is and what they may do is read from the primary, even inside a report.
PRIMARY_ONLY_APPS = {"sessions", "auth", "accounts", "axes", "otp_totp", "otp_static", "django_otp"}


class ReportReplicaRouter:
    def db_for_read(self, model, **hints):
        return "default" if model._meta.app_label in PRIMARY_ONLY_APPS else report_database()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
