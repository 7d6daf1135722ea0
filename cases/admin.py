"""The council's reference data in Django's admin: families, children, CP plans (people are in people/admin.py).

Casework happens in the app's own pages; the admin is for the people who set the council up. Saving
here runs the same model validation (the census rules name their DfE number) and the same signals
(a child's access follows its team, a person's groups follow their role), and opening a child's
record here is logged like anywhere else.
"""

from django.contrib import admin

from audit.admin import LogsRecordAccess
from cases.models import Child, CPPlan, Family, PlanService


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["reference", "name"]
    search_fields = ["reference", "name"]


@admin.register(Child)
class ChildAdmin(LogsRecordAccess, admin.ModelAdmin):
    child_id_paths = ("pk",)
    list_display = ["local_child_id", "full_name", "date_of_birth", "team", "family"]
    list_filter = ["team__service_area", "team"]
    list_select_related = ["team", "family"]
    search_fields = ["local_child_id", "first_name", "last_name"]
    autocomplete_fields = ["family", "team"]
    raw_id_fields = ["allocated_worker"]


class PlanServiceInline(admin.TabularInline):
    model = PlanService
    extra = 0


@admin.register(CPPlan)
class CPPlanAdmin(LogsRecordAccess, admin.ModelAdmin):
    list_display = ["child", "start_date", "end_date", "initial_category", "latest_category", "held_by_other_council"]
    list_filter = ["initial_category", "held_by_other_council", "how_ended"]
    list_select_related = ["child"]
    search_fields = ["child__local_child_id", "child__first_name", "child__last_name"]
    date_hierarchy = "start_date"
    raw_id_fields = ["child"]
    inlines = [PlanServiceInline]

    def has_delete_permission(self, request, obj=None):
        # Plans are never deleted (a database trigger refuses it too); the data manager corrects them.
        return False

    # Read only here: a plan is added or corrected on the child's page, with a reason, so that the
    # requests resting on the history are marked and the people acting on them are told.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
