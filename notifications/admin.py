from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are made by the tasks, never by hand."""

    list_display = ["created_at", "recipient", "kind", "request", "emailed_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "dedupe_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
