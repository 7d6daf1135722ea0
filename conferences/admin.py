"""Conference requests in Django's admin, read-only.

A request changes only through conferences/transitions.py and conferences/records.py, which check who
is acting, what the rules require, lock the row and write the audit trail; its stage is a protected
FSM field. The admin therefore shows a request and its records but changes nothing; each look is logged.
"""

from django.contrib import admin

from audit.admin import LogsRecordAccess, ReadOnlyAdmin, ReadOnlyInline
from conferences.models import Challenge, ConferenceRequest, ProposedService, SiblingDecision


class ProposedServiceInline(ReadOnlyInline, admin.TabularInline):
    model = ProposedService


class SiblingDecisionInline(ReadOnlyInline, admin.TabularInline):
    model = SiblingDecision
    fk_name = "request"


class ChallengeInline(ReadOnlyInline, admin.StackedInline):
    model = Challenge


@admin.register(ConferenceRequest)
class ConferenceRequestAdmin(LogsRecordAccess, ReadOnlyAdmin):
    list_display = ["pk", "child", "state", "created_by", "created_at", "submitted_at"]
    list_filter = ["state"]
    list_select_related = ["child", "created_by"]
    search_fields = ["child__local_child_id", "child__first_name", "child__last_name"]
    date_hierarchy = "created_at"
    inlines = [ProposedServiceInline, SiblingDecisionInline, ChallengeInline]
