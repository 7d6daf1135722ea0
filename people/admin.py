"""The council's people in Django's admin: service areas, teams, staff and their sign-in accounts.

Every change made here is in the trail with what it was before and after, in the admin's own
transaction: a change of team moves a person's access at once (their groups follow their place), so
the trail must say from which team to which. People are deactivated, never deleted: their name stays
on every decision they made (and the database refuses the delete as well, people/migrations).
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from audit.services import changed, record_event, snapshot
from people.models import ServiceArea, Staff, Team

User = get_user_model()
USER_FIELDS = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"]


class TrailedAdmin(admin.ModelAdmin):
    """Records each save as `<model>_created` or `<model>_changed`, with the fields before and after."""

    trailed_fields: list[str] = []

    def _state(self, obj) -> dict:
        return snapshot(obj, self.trailed_fields)

    def save_model(self, request, obj, form, change):
        before = self._state(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        request._trail_before = before

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before, after = getattr(request, "_trail_before", {}), self._state(obj)
        if change:
            before, after = changed(before, after)
            if not after:
                return
        name = obj._meta.model_name
        record_event(
            request.user,
            f"{name}_{'changed' if change else 'created'}",
            description=f"{'Changed' if change else 'Added'} {obj._meta.verbose_name} {obj}",
            before=before,
            after={"id": obj.pk, **after},
        )


@admin.register(ServiceArea)
class ServiceAreaAdmin(TrailedAdmin):
    search_fields = ["name"]
    trailed_fields = ["name"]


@admin.register(Team)
class TeamAdmin(TrailedAdmin):
    list_display = ["name", "service_area"]
    list_filter = ["service_area"]
    list_select_related = ["service_area"]
    search_fields = ["name", "service_area__name"]
    trailed_fields = ["name", "service_area"]


@admin.register(Staff)
class StaffAdmin(TrailedAdmin):
    list_display = ["user", "role", "team", "service_area", "job_title"]
    list_filter = ["role", "service_area", "team"]
    list_select_related = ["user", "team", "service_area"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["team", "service_area"]
    raw_id_fields = ["user"]
    trailed_fields = ["user", "role", "team", "service_area", "job_title"]

    def has_delete_permission(self, request, obj=None):
        return False  # a person's role and place stay on record; deactivate their account instead


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(TrailedAdmin, UserAdmin):
    """Sign-in accounts: never deleted, deactivated; each change, groups included, in the trail."""

    actions = ["deactivate"]
    trailed_fields = USER_FIELDS

    def _state(self, obj) -> dict:
        return {**snapshot(obj, USER_FIELDS), "groups": sorted(obj.groups.values_list("name", flat=True))}

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Deactivate the selected people (they can no longer sign in)")
    def deactivate(self, request, queryset):
        people = list(queryset.filter(is_active=True))
        for person in people:
            person.is_active = False
            person.save(update_fields=["is_active"])
            record_event(
                request.user,
                "user_deactivated",
                description=f"Deactivated {person.username}",
                before={"is_active": True},
                after={"id": person.pk, "is_active": False},
            )
        self.message_user(request, f"Deactivated {len(people)} of {queryset.count()}.", messages.SUCCESS)
