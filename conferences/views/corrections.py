"""The correction pages: a CP plan (the data manager) and a fact or date recorded on a request (the
recorder's manager or the data manager). Each checks who may correct this object before showing
anything, logs the look at the child's record, and calls one service; a refusal keeps what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from audit.services import record_access
from cases.models import CPPlan
from cases.permissions import can_view_child, may_keep_plan_history
from cases.plans import plan_correct
from conferences import corrections
from conferences.actions import CORRECTIONS
from conferences.errors import ActionRefused, StaleVersion, http_status
from conferences.forms_corrections import PlanCorrectionForm, PlanEndForm, RequestCorrectionForm
from conferences.models import ConferenceRequest
from conferences.permissions import can_view_request
from conferences.views.requests import keep_typed_text


def _plan_for(http_request, plan_pk) -> CPPlan:
    """The plan, 404 when the person may not see the child; 403 when they may see but not correct it."""
    plan = get_object_or_404(CPPlan.objects.select_related("child"), pk=plan_pk)
    if not can_view_child(http_request.user, plan.child):
        raise Http404
    if not may_keep_plan_history(http_request.user):
        raise PermissionDenied("Only the data manager corrects CP plans.")
    record_access(http_request.user, plan.child, http_request.path)
    return plan


def _plan_page(http_request, plan, form_class, template, done):
    form = form_class(http_request.POST if http_request.method == "POST" else None, plan=plan)
    status = 200
    if http_request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan_correct(
                    plan=plan,
                    user=http_request.user,
                    values=form.values(),
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except ValidationError as error:
                if any(e.code == "stale" for e in error.error_dict.get(NON_FIELD_ERRORS, [])):
                    plan = CPPlan.objects.select_related("child").get(pk=plan.pk)
                    form.seen_now(plan)
                    status = 409
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(http_request, done)
                return redirect("cases:child_detail", plan.child_id)
    return render(http_request, template, {"plan": plan, "child": plan.child, "form": form}, status=status)


@login_required
def correct_plan(http_request, plan_pk):
    plan = _plan_for(http_request, plan_pk)
    return _plan_page(
        http_request, plan, PlanCorrectionForm, "conferences/corrections/plan.html", "The plan is corrected."
    )


@login_required
def record_plan_end(http_request, plan_pk):
    """A plan that a census return left open: the data manager records the day it ended."""
    plan = _plan_for(http_request, plan_pk)
    if plan.end_date is not None:
        return redirect("corrections:plan", plan.pk)
    return _plan_page(
        http_request, plan, PlanEndForm, "conferences/corrections/plan_end.html", "The end of the plan is recorded."
    )


@login_required
def correct_request(http_request, pk, name):
    correction = CORRECTIONS.get(name)
    request_obj = get_object_or_404(ConferenceRequest.objects.select_related("child"), pk=pk)
    if correction is None or not can_view_child(http_request.user, request_obj.child):
        raise Http404
    refusal = correction.refusal(http_request.user, request_obj)
    if refusal:
        raise PermissionDenied(refusal)
    record_access(http_request.user, request_obj.child, http_request.path)
    form = RequestCorrectionForm(
        http_request.POST if http_request.method == "POST" else None, request_obj=request_obj, correction=correction
    )
    status = 200
    if http_request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                corrections.correct_request(
                    request_obj.pk,
                    http_request.user,
                    name,
                    values=form.values(),
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except ActionRefused as refused:
                if isinstance(refused, StaleVersion):
                    keep_typed_text(form, refused)
                for field, problems in refused.field_errors.items():
                    form.add_error(field if field in form.fields else None, problems)
                if not refused.field_errors:
                    form.add_error(None, refused.problems)
                status = http_status(refused)
            else:
                messages.success(http_request, f"The {correction.title[0].lower()}{correction.title[1:]} is corrected.")
                return redirect(_after_correction(http_request.user, request_obj))
    context = {"request_obj": request_obj, "child": request_obj.child, "form": form, "correction": correction}
    return render(http_request, "conferences/corrections/request.html", context, status=status)


def _after_correction(user, request_obj) -> str:
    """Back to the request, or to the child's record for a data manager, who does not see requests."""
    if can_view_request(user, request_obj):
        return reverse("conferences:request_detail", args=[request_obj.pk])
    return reverse("cases:child_detail", args=[request_obj.child_id])
