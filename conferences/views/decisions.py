"""The decision page: everything a manager, CP chair, CP Manager or Head of Service needs to decide, and the
forms they may use now.

The forms, their order, words and banners are the actions' declarations (conferences/actions.py); who
may use which form is asked of conferences.permissions, what a decision still needs of the declaration,
and the decision itself is taken by the declaration's service. A refusal becomes a message with the
status conferences.errors.http_status gives it: the problems in an error summary (400), "you may not"
(403), or "look again" when someone acted first (409).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.models import CPPlan
from conferences import forms_decisions as decision_forms
from conferences import transitions
from conferences.actions import ACTIONS, RECORDS
from conferences.errors import ActionRefused, NotPermitted, RequestChanged, StaleVersion, http_status
from conferences.models import AlternativeRoute, ChallengeTrigger, ConferenceRequest, SiblingDecision
from conferences.permissions import record_refusal, transition_refusal
from conferences.presenters import assessment_flags, flag_tags, plan_summaries
from conferences.requirements import missing_for
from conferences.selectors import assessment_date, try_assessment
from conferences.timescales import deadlines, default_response_due
from conferences.views.requests import open_request, visible_request

# The records and decisions this page offers, in the order it shows them: each declared action
# (conferences/actions.py) that has a decision form.
RECORD_FORMS = {name: decision_forms.FORMS[name] for name in RECORDS if name in decision_forms.FORMS}
TRANSITION_FORMS = {name: decision_forms.FORMS[name] for name in ACTIONS if name in decision_forms.FORMS}
FORMS = {**RECORD_FORMS, **TRANSITION_FORMS}
DECLARED = {**{name: RECORDS[name] for name in RECORD_FORMS}, **{name: ACTIONS[name] for name in TRANSITION_FORMS}}

# Decisions whose facts are recorded before, not on their own form: the page lists what they still lack.
NEEDS_EARLIER_RECORDS = ("accept",)

CHANGED = "The request changed while you were looking at it. Look at it again before you act."


def _request_queryset():
    return ConferenceRequest.objects.select_related(
        "child__team__service_area",
        "child__family",
        "created_by",
        "submitted_by",
        "manager_decided_by",
        "cp_manager_consulted_by",
        "screened_by",
        "head_of_service_decided_by",
    ).prefetch_related(
        Prefetch("child__plans", queryset=CPPlan.objects.prefetch_related("services")),
        "proposed_services",
        Prefetch("sibling_decisions", queryset=SiblingDecision.objects.select_related("sibling")),
        "challenges__issued_by",
    )


def request_page_url(request_obj) -> str:
    return reverse("conferences:request_detail", args=[request_obj.pk])


def decision_actions(user, request_obj) -> list[str]:
    """The records and decisions this person may make on this request now, in page order.

    Withdrawing is offered only beside a decision: a case holder withdraws from the request page.
    """
    allowed = {name for name in RECORD_FORMS if record_refusal(user, request_obj, name) is None}
    allowed |= set(transitions.available_actions(request_obj, user)) & set(TRANSITION_FORMS)
    if allowed == {"withdraw"}:
        allowed = set()
    return [name for name in FORMS if name in allowed]


def refusal_for(user, request_obj, action) -> str:
    if action in RECORD_FORMS:
        reason = record_refusal(user, request_obj, action)
    else:
        reason = transition_refusal(user, request_obj, action)
    return reason or f"That decision cannot be taken while the request is at '{request_obj.get_state_display()}'."


def _initial(action, request_obj, assessment) -> dict:
    initial = {"expected_state": request_obj.state, "expected_version": request_obj.version}
    if action == "screening":
        initial |= {
            "difference": request_obj.screening_difference,
            "timescale_weeks": request_obj.screening_timescale_weeks,
            "challenge_not_issued_reason": request_obj.challenge_not_issued_reason,
        }
    elif action == "cp_manager_consultation":
        initial["consultation"] = request_obj.cp_manager_consultation
    elif action == "issue_challenge":
        initial["response_due"] = default_response_due()
        if assessment is not None:
            initial["triggers"] = list(assessment.challenge_triggers)
    elif action == "proceed":
        initial |= {
            "alternatives_considered": request_obj.alternatives_considered,
            "rationale": request_obj.manager_rationale,
        }
    elif action == "agree":
        initial |= {"grounds": request_obj.head_of_service_grounds, "rationale": request_obj.head_of_service_rationale}
    return initial


def build_form(action, request_obj, assessment, data=None):
    kwargs = {}
    if action == "screening":
        issued = bool(request_obj.challenges.all())
        kwargs["triggers"] = () if issued or assessment is None else assessment.challenge_triggers
    return FORMS[action](data, initial=_initial(action, request_obj, assessment), **kwargs)


def page_context(user, request_obj, actions, bound=None) -> dict:
    assessment, problem = try_assessment(request_obj)
    forms = [
        bound if bound is not None and bound.action == name else build_form(name, request_obj, assessment)
        for name in actions
    ]
    missing = {name: missing_for(request_obj, name) for name in actions if name in NEEDS_EARLIER_RECORDS}
    repeated = set(assessment.repeated_services) if assessment else set()
    return {
        "request_obj": request_obj,
        "child": request_obj.child,
        "assessment": assessment,
        "assessment_problem": problem,
        "assessed_on": assessment_date(request_obj),
        "flags": flag_tags(assessment),
        "findings": assessment_flags(assessment, assessment_date(request_obj)),
        "triggers": [ChallengeTrigger(t).label for t in assessment.challenge_triggers] if assessment else [],
        "plans": plan_summaries(request_obj.child),
        "proposed_services": [
            (service, service.name.strip() in repeated) for service in request_obj.proposed_services.all()
        ],
        "alternatives": ", ".join(AlternativeRoute(route).label for route in request_obj.alternatives_considered),
        "missing": missing,
        "deadlines": deadlines(request_obj),
        "forms": forms,
        "error_form": bound if bound is not None and bound.errors else None,
        "request_url": request_page_url(request_obj),
        # The conference and its outcome have a page of their own (conferences/views/conference.py).
        "record_conference_url": reverse("conferences:record_conference", args=[request_obj.pk])
        if ACTIONS["record_conference"].available_for(user, request_obj)
        else "",
    }


def cannot_act(http_request, request_obj, problems, status):
    return render(
        http_request,
        "conferences/decisions/cannot_act.html",
        {
            "request_obj": request_obj,
            "child": request_obj.child,
            "problems": problems,
            "request_url": request_page_url(request_obj),
        },
        status=status,
    )


def render_page(http_request, request_obj, *, bound=None, status=200, notice="", changes=()):
    user = http_request.user
    actions = decision_actions(user, request_obj)
    if not actions:
        problems = (
            [notice]
            if notice
            else [f"There is no decision for you to take while the request is at '{request_obj.get_state_display()}'."]
        )
        return cannot_act(http_request, request_obj, problems, status=status if status != 200 else 403)
    context = page_context(user, request_obj, actions, bound)
    context["notice"] = notice
    context["changes"] = changes
    return render(http_request, "conferences/decisions/decide.html", context, status=status)


@login_required
def decide(http_request, pk):
    user = http_request.user
    request_obj = open_request(http_request, pk, _request_queryset())
    if http_request.method != "POST":
        return render_page(http_request, request_obj)

    action = http_request.POST.get("action", "")
    form = None
    try:
        if action not in FORMS:
            raise ActionRefused("Choose one of the decisions on this page.")
        seen = http_request.POST.get(f"{action}-expected_state")
        if seen and seen != request_obj.state:
            raise RequestChanged(CHANGED)
        if action not in decision_actions(user, request_obj):
            raise NotPermitted(refusal_for(user, request_obj, action))
        assessment, _ = try_assessment(request_obj)
        form = build_form(action, request_obj, assessment, data=http_request.POST)
        if not form.is_valid():
            return render_page(http_request, request_obj, bound=form, status=400)
        DECLARED[action].take(
            request_obj.pk,
            user,
            expected_state=form.cleaned_data["expected_state"],
            expected_version=form.cleaned_data["expected_version"],
            **form.service_kwargs(),
        )
    except StaleVersion as refusal:
        # The typed text stays on the page beside what changed; sending it again is a fresh decision.
        fresh = visible_request(user, pk, _request_queryset())
        data = http_request.POST.copy()
        data[f"{action}-expected_version"] = str(refusal.version)
        kept = build_form(action, fresh, try_assessment(fresh)[0], data=data)
        return render_page(
            http_request, fresh, bound=kept, status=409, notice=" ".join(refusal.problems), changes=refusal.changes
        )
    except RequestChanged as refusal:
        fresh = visible_request(user, pk, _request_queryset())
        return render_page(http_request, fresh, status=http_status(refusal), notice=" ".join(refusal.problems))
    except NotPermitted as refusal:
        return cannot_act(http_request, request_obj, refusal.problems, status=http_status(refusal))
    except ActionRefused as refusal:
        if form is None:
            return render_page(http_request, request_obj, status=http_status(refusal), notice=refusal.problems[0])
        for problem in refusal.problems:
            form.add_error(None, problem)
        return render_page(http_request, request_obj, bound=form, status=http_status(refusal))
    messages.success(http_request, DECLARED[action].done)
    if action in RECORD_FORMS:
        return redirect("decisions:decide", pk=request_obj.pk)
    return redirect(request_page_url(request_obj))
