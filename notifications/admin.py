from django.contrib import admin

from audit.admin import LogsRecordAccess
from notifications.models import Notification, Outbox


@admin.register(Notification)
class NotificationAdmin(LogsRecordAccess, admin.ModelAdmin):
    """Read-only: notifications are made by the tasks, never by hand. Their messages name the child, so
    each look is logged."""

    child_id_paths = ("request.child_id",)
    list_select_related = ["recipient", "request"]
    list_display = ["created_at", "recipient", "kind", "request", "emailed_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "dedupe_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """Read-only: what is still owed to whom shows here; the sweep delivers it, never a hand."""

    list_display = ["event", "created_at", "delivered_at", "attempts", "next_attempt_at", "last_error"]
    list_filter = [("delivered_at", admin.EmptyFieldListFilter)]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
