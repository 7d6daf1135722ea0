"""The audit trail in Django's admin: to read, never to write.

The tables refuse UPDATE, DELETE and TRUNCATE by trigger; the admin says so up front by offering no
add, change or delete, so nobody meets a database error for trying.
"""

from django.contrib import admin

from audit.models import AuditEvent, RecordAccess
from audit.services import record_access, record_list_access


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


class LogsRecordAccess:
    """Opening a record that names a child in the admin is logged, as it is in the app's own pages; so is
    each list, in one record naming the children on the page.

    `child_id_paths` say where a row's child is, first found wins: "pk" for a child itself, "child_id",
    "request.child_id"."""

    child_id_paths: tuple[str, ...] = ("child_id",)

    def child_id_of(self, obj) -> int | None:
        for path in self.child_id_paths:
            value = obj
            for name in path.split("."):
                value = getattr(value, name, None)
            if value is not None:
                return value
        return None

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            shown = [self.child_id_of(obj) for obj in changelist.result_list]
            record_list_access(request.user, shown, request.get_full_path())
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        child_id = self.child_id_of(obj) if obj is not None else None
        if child_id is not None:
            record_access(request.user, child_id, request.path)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(AuditEvent)
class AuditEventAdmin(LogsRecordAccess, ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "child", "request", "state_before", "state_after"]
    list_filter = ["action"]
    list_select_related = ["actor", "child", "request__child"]
    child_id_paths = ("child_id", "request.child_id")
    search_fields = ["action", "description", "child__local_child_id", "actor__username"]
    date_hierarchy = "at"


@admin.register(RecordAccess)
class RecordAccessAdmin(LogsRecordAccess, ReadOnlyAdmin):
    list_display = ["at", "user", "child", "path"]
    list_select_related = ["user", "child"]
    search_fields = ["user__username", "child__local_child_id", "path"]
    date_hierarchy = "at"
