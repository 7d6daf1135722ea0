"""The security events page: failed sign-ins, lock-outs, wrong codes and refused look-ups, for the auditor."""

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from audit.models import SecurityEvent
from quality.access import may_read_security_events
from quality.forms import SecurityEventFilterForm

PAGE_SIZE = 50


def _filtered(form) -> tuple:
    events = SecurityEvent.objects.select_related("user").order_by("-at", "-pk")
    if not form.is_valid():
        return events.none(), 400
    data = form.cleaned_data
    zone = timezone.get_current_timezone()
    if data["date_from"]:
        events = events.filter(at__gte=datetime.combine(data["date_from"], time.min, tzinfo=zone))
    if data["date_to"]:
        events = events.filter(at__lte=datetime.combine(data["date_to"], time.max, tzinfo=zone))
    if data["kind"]:
        events = events.filter(kind=data["kind"])
    if data["user"]:
        name = data["user"].strip()
        events = events.filter(Q(username__iexact=name) | Q(user__username__iexact=name))
    return events, 200


@login_required
def security_events(request):
    if not may_read_security_events(request.user):
        raise PermissionDenied("Only auditors read the security events.")
    form = SecurityEventFilterForm(request.GET)
    events, status = _filtered(form)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/security_events.html", {"form": form, "page_obj": page}, status=status)
