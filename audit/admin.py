"""The audit trail in Django's admin: to read, never to write.

The tables refuse UPDATE, DELETE and TRUNCATE by trigger; the admin says so up front by offering no
add, change or delete, so nobody meets a database error for trying.
"""

from django.contrib import admin

from audit.models import AuditEvent, RecordAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows every field; offers no add, change or delete (a superuser included)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "child", "request", "state_before", "state_after"]
    list_filter = ["action"]
    list_select_related = ["actor", "child", "request__child"]
    search_fields = ["action", "description", "child__local_child_id", "actor__username"]
    date_hierarchy = "at"


@admin.register(RecordAccess)
class RecordAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "child", "path"]
    list_select_related = ["user", "child"]
    search_fields = ["user__username", "child__local_child_id", "path"]
    date_hierarchy = "at"
