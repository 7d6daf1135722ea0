"""The council's people in Django's admin: service areas, teams and staff."""

from django.contrib import admin

from people.models import ServiceArea, Staff, Team


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "service_area"]
    list_filter = ["service_area"]
    list_select_related = ["service_area"]
    search_fields = ["name", "service_area__name"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "team", "service_area", "job_title"]
    list_filter = ["role", "service_area", "team"]
    list_select_related = ["user", "team", "service_area"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["team", "service_area"]
    raw_id_fields = ["user"]
