"""The decision pages: a task list for each request, and one page for each task with its own save.

The tasks are the actions' declarations (conferences/actions.py): first the records a decision rests on
(the screening record, the CP Manager consultation, the challenge, the conversation with the CP chair),
then the decisions this person may take now. Who may use which form is asked of conferences.permissions,
what a decision still needs of the declaration, and the decision itself is taken by the declaration's
service. A decision page shows the records it rests on to check before the button; a decision that turns
the request down (a warning declaration) asks to be confirmed.

Typed work is never lost: long answers are kept as drafts while the person types (conferences/drafts.py)
and put back when the page is opened again; a refusal keeps the form as typed; when someone else saved the
request meanwhile, the page shows what changed beside the person's text and the form now carries the new
version, so sending it again is a decision taken knowing the changes.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from cases.models import CPPlan
from conferences import drafts, transitions
from conferences import forms_decisions as decision_forms
from conferences.actions import ACTIONS, RECORD_CONFERENCE, RECORDS
from conferences.errors import ActionRefused, NotPermitted, RequestChanged, StaleVersion, http_status
from conferences.models import (
    AlternativeRoute,
    ChallengeTrigger,
    ConferenceRequest,
    SiblingDecision,
)
from conferences.permissions import record_refusal, transition_refusal
from conferences.presenters import assessment_flags, flag_tags, plan_summaries
from conferences.requirements import missing_for, step_missing
from conferences.selectors import assessment_date, changes_since, try_assessment, with_sibling_counts
from conferences.timescales import deadlines, default_response_due
from conferences.views.drafting import keep_typed, put_back
from conferences.views.requests import open_request, visible_request
from people.roles import TEAM_ROLES, role_of

# The records and decisions these pages offer, in the order the task list shows them: each declared
# action (conferences/actions.py) that has a decision form.
RECORD_FORMS = {name: decision_forms.FORMS[name] for name in RECORDS if name in decision_forms.FORMS}
TRANSITION_FORMS = {name: decision_forms.FORMS[name] for name in ACTIONS if name in decision_forms.FORMS}
FORMS = {**RECORD_FORMS, **TRANSITION_FORMS}
DECLARED = {**{name: RECORDS[name] for name in RECORD_FORMS}, **{name: ACTIONS[name] for name in TRANSITION_FORMS}}

# Decisions whose facts are recorded before, on the tasks above them: they cannot start until those are in.
NEEDS_EARLIER_RECORDS = ("accept",)

CHANGED = "The request changed while you were looking at it. Look at it again before you act."

# A task's status, in the GOV.UK task list's words.
NOT_STARTED = "Not yet started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"


@dataclass(frozen=True)
class Task:
    name: str
    title: str
    status: str
    url: str = ""  # blank: this person cannot open it (someone else records it, or it cannot start yet)
    hint: str = ""


@dataclass
class Answers:
    """What one record holds, as a summary card on a decision page: (label, value) rows and where to change it."""

    title: str
    rows: list = field(default_factory=list)
    change_url: str = ""


def _request_queryset():
    return (
        with_sibling_counts(ConferenceRequest.objects)
        .select_related(
            "child__team__service_area",
            "child__family",
            "created_by",
            "submitted_by",
            "manager_decided_by",
            "cp_manager_consulted_by",
            "screened_by",
            "head_of_service_decided_by",
        )
        .prefetch_related(
            Prefetch("child__plans", queryset=CPPlan.objects.prefetch_related("services")),
            "proposed_services",
            Prefetch("sibling_decisions", queryset=SiblingDecision.objects.select_related("sibling")),
            "challenges__issued_by",
        )
    )


def request_page_url(request_obj) -> str:
    return reverse("conferences:request_detail", args=[request_obj.pk])


def task_url(request_obj, action) -> str:
    return reverse("decisions:task", args=[request_obj.pk, action])


def _records_here(user, name, request_obj) -> bool:
    """A record this person makes on these pages: the child's team make theirs in the request's own sections."""
    return role_of(user) not in TEAM_ROLES and record_refusal(user, request_obj, name) is None


def decision_actions(user, request_obj) -> list[str]:
    """The records and decisions this person may make on this request now, in task-list order.

    Withdrawing is offered only beside a decision: a case holder withdraws from the request page.
    """
    allowed = {name for name in RECORD_FORMS if _records_here(user, name, request_obj)}
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
        }
    elif action == "cp_manager_consultation":
        initial["consultation"] = request_obj.cp_manager_consultation
    elif action == "cp_chair_conversation":
        initial |= {"held_on": request_obj.cp_chair_conversation_on, "conversation": request_obj.cp_chair_conversation}
    elif action == "challenge_not_issued":
        initial["reason"] = request_obj.challenge_not_issued_reason
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
    return FORMS[action](data, initial=_initial(action, request_obj, assessment))


# --- The task list --------------------------------------------------------------------------------


def _record_applies(name, request_obj, assessment) -> bool:
    """A record is a task while the request is at a stage it is recorded in and the rules require it."""
    record = RECORDS[name]
    if request_obj.state not in record.states:
        return False
    steps = set(record.records_steps)
    return assessment is None or not steps or bool(steps & set(assessment.required_steps))


def _record_complete(name, request_obj, assessment) -> bool:
    if assessment is None:
        return False
    return not any(step_missing(request_obj, step, assessment) for step in RECORDS[name].records_steps)


def record_tasks(user, request_obj, assessment, drafted=frozenset()) -> list[Task]:
    tasks = []
    for name in RECORD_FORMS:
        if RECORDS[name].offered_on or not _record_applies(name, request_obj, assessment):
            continue
        record = RECORDS[name]
        mine = _records_here(user, name, request_obj)
        if _record_complete(name, request_obj, assessment):
            status = COMPLETED
        else:
            status = IN_PROGRESS if name in drafted else NOT_STARTED
        hint = "" if mine else f"Recorded by {record.by.words}."
        tasks.append(Task(name, record.title, status, task_url(request_obj, name) if mine else "", hint))
    return tasks


def decision_tasks(user, request_obj, drafted=frozenset()) -> list[Task]:
    allowed = decision_actions(user, request_obj)
    tasks = []
    for name in TRANSITION_FORMS:
        if name not in allowed:
            continue
        declared = ACTIONS[name]
        if name in NEEDS_EARLIER_RECORDS and missing_for(request_obj, name):
            tasks.append(Task(name, declared.title, CANNOT_START, hint="The tasks above must be completed first."))
            continue
        status = IN_PROGRESS if name in drafted else NOT_STARTED
        tasks.append(Task(name, declared.title, status, task_url(request_obj, name)))
    # The conference and its outcome have a page of their own (conferences/views/conference.py).
    if RECORD_CONFERENCE.available_for(user, request_obj):
        url = reverse("conferences:record_conference", args=[request_obj.pk])
        tasks.append(Task(RECORD_CONFERENCE.name, RECORD_CONFERENCE.title, NOT_STARTED, url))
    return tasks


def story_context(request_obj, assessment, problem) -> dict:
    """What every decision page shows of the request: the assessment's findings, the history and the analysis."""
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
        "deadlines": deadlines(request_obj),
        "request_url": request_page_url(request_obj),
        "tasks_url": reverse("decisions:decide", args=[request_obj.pk]),
    }


def cannot_act(http_request, request_obj, problems, status, typed=()):
    """Nothing for this person to do here; whatever they typed is shown so that it is not lost."""
    return render(
        http_request,
        "conferences/decisions/cannot_act.html",
        {
            "request_obj": request_obj,
            "child": request_obj.child,
            "problems": problems,
            "typed": typed,
            "request_url": request_page_url(request_obj),
        },
        status=status,
    )


@login_required
@require_safe
def decide(http_request, pk):
    """The request's task list: the records a decision rests on, then the decisions, each with its status."""
    user = http_request.user
    request_obj = open_request(http_request, pk, _request_queryset())
    if not decision_actions(user, request_obj):
        problem = f"There is no decision for you to take while the request is at '{request_obj.get_state_display()}'."
        return cannot_act(http_request, request_obj, [problem], status=403)
    assessment, problem = try_assessment(request_obj)
    drafted = drafts.forms_with_drafts(user, request_obj.pk)
    context = story_context(request_obj, assessment, problem)
    context |= {
        "record_tasks": record_tasks(user, request_obj, assessment, drafted),
        "decision_tasks": decision_tasks(user, request_obj, drafted),
    }
    return render(http_request, "conferences/decisions/task_list.html", context)


# --- One task ---------------------------------------------------------------------------------------


def _shown(form, name, value) -> str:
    """A recorded value as the summary list shows it."""
    if value in (None, "", []):
        return ""
    choices = dict(getattr(form.fields[name], "choices", ()) or ())
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def answers(user, request_obj, assessment) -> list[Answers]:
    """The records a decision rests on, as they stand, with a link to change those this person records."""
    cards = []
    for task in record_tasks(user, request_obj, assessment):
        card = Answers(task.title, change_url=task.url)
        if task.name == "issue_challenge":
            card.rows = [
                (f"Challenge issued {challenge.issued_at:%-d %B %Y}", challenge.get_state_display())
                for challenge in request_obj.challenges.all()
            ] or [("Challenge and resolution", "")]
            if request_obj.challenge_not_issued_reason:
                card.rows.append(("Why no challenge was issued", request_obj.challenge_not_issued_reason))
        else:
            form = build_form(task.name, request_obj, assessment)
            card.rows = [
                (str(bound.label), _shown(form, bound.name, form.initial.get(bound.name)))
                for bound in form.visible_fields()
            ]
        cards.append(card)
    return cards


def recorded_instead(user, request_obj, action) -> list[Task]:
    """The records this person may make instead of this one, from its page (why no challenge is issued)."""
    return [
        Task(name, RECORDS[name].title, NOT_STARTED, task_url(request_obj, name))
        for name in RECORD_FORMS
        if RECORDS[name].offered_on == action
        and (RECORDS[name].offered_when is None or RECORDS[name].offered_when(request_obj))
        and _records_here(user, name, request_obj)
    ]


def render_task(http_request, request_obj, form, *, status=200, notice="", changes=(), restored=None):
    user, action = http_request.user, form.action
    assessment, problem = try_assessment(request_obj)
    declared = DECLARED[action]
    is_decision = action in TRANSITION_FORMS
    context = story_context(request_obj, assessment, problem)
    context |= {
        "form": form,
        "declared": declared,
        "is_decision": is_decision,
        "answers": answers(user, request_obj, assessment) if is_decision else [],
        "missing": missing_for(request_obj, action) if action in NEEDS_EARLIER_RECORDS else [],
        "error_form": form if form.is_bound and form.errors else None,
        "notice": notice,
        "changes": changes,
        "restored": restored,
        "draft_url": reverse("decisions:draft", args=[request_obj.pk]) if form.draftable() else "",
        "instead": recorded_instead(user, request_obj, action),
    }
    return render(http_request, "conferences/decisions/task.html", context, status=status)


def opened_form(user, request_obj, action, assessment):
    """The form as the person left it: what is recorded, with their unsaved drafts over it.

    A draft typed on an older version comes with what changed since, to read beside it.
    """
    form = build_form(action, request_obj, assessment)
    restored = put_back(user, request_obj, action, form)
    if restored is None:
        return form, None, ()
    return form, restored.at, restored.changes


def confirmation_due(http_request, form) -> bool:
    """A warning decision is confirmed on a page of its own before it is taken, once it could be taken:
    one with an answer left blank goes straight to its service, which says what is missing."""
    if not form.warning or http_request.POST.get("confirmed") == "yes":
        return False
    return all(str(value).strip() for value in form.service_kwargs().values())


def keep_as_drafts(user, request_obj, form, prefix):
    """Keep the long answers of a valid form as drafts (under `prefix`): "Change" on the confirmation page
    goes back to the form with them."""
    for name in form.draftable():
        if name in form.cleaned_data:
            drafts.keep(user, request_obj.pk, f"{prefix}-{name}", form.cleaned_data[name], request_obj.version)


def told_in_words(declared) -> str:
    """Who is told when a warning declaration is taken, as its confirmation page says it."""
    return " and ".join(dict.fromkeys(tell.party.words for tell in declared.tells))


def _after_conflict(http_request, pk, action, notice, *, version=None, changes=()):
    """Someone acted first. The person's text stays, beside what changed, on a form that now carries the
    request's new stage and version; if the request has moved where this person cannot act, their text is
    shown on the page that says so."""
    user = http_request.user
    fresh = visible_request(user, pk, _request_queryset())
    data = http_request.POST.copy()
    data[f"{action}-expected_state"] = fresh.state
    data[f"{action}-expected_version"] = str(fresh.version if version is None else version)
    kept = build_form(action, fresh, try_assessment(fresh)[0], data=data)
    if action not in decision_actions(user, fresh):
        return cannot_act(http_request, fresh, [notice, refusal_for(user, fresh, action)], 409, typed=kept.typed())
    return render_task(http_request, fresh, kept, status=409, notice=notice, changes=changes)


@login_required
def task(http_request, pk, action):
    """One record or decision, on its own page with its own save."""
    if action not in FORMS:
        raise Http404
    user = http_request.user
    request_obj = open_request(http_request, pk, _request_queryset())
    assessment, _ = try_assessment(request_obj)
    if http_request.method != "POST":
        if action not in decision_actions(user, request_obj):
            return cannot_act(http_request, request_obj, [refusal_for(user, request_obj, action)], status=403)
        form, restored, changes = opened_form(user, request_obj, action, assessment)
        return render_task(http_request, request_obj, form, restored=restored, changes=changes)

    form = build_form(action, request_obj, assessment, data=http_request.POST)
    try:
        seen = http_request.POST.get(f"{action}-expected_state")
        if seen and seen != request_obj.state:
            raise RequestChanged(CHANGED)
        if action not in decision_actions(user, request_obj):
            raise NotPermitted(refusal_for(user, request_obj, action))
        if not form.is_valid():
            return render_task(http_request, request_obj, form, status=400)
        if confirmation_due(http_request, form):
            keep_as_drafts(user, request_obj, form, action)
            context = story_context(request_obj, assessment, None) | {"form": form, "declared": DECLARED[action]}
            context |= {"change_url": task_url(request_obj, action), "told": told_in_words(DECLARED[action])}
            return render(http_request, "conferences/decisions/confirm.html", context)
        DECLARED[action].take(
            request_obj.pk,
            user,
            expected_state=form.cleaned_data["expected_state"],
            expected_version=form.cleaned_data["expected_version"],
            **form.service_kwargs(),
        )
    except StaleVersion as refusal:
        return _after_conflict(
            http_request, pk, action, " ".join(refusal.problems), version=refusal.version, changes=refusal.changes
        )
    except RequestChanged as refusal:
        seen = http_request.POST.get(f"{action}-expected_version", "")
        moved = changes_since(visible_request(user, pk), int(seen)) if seen.isdigit() else ()
        return _after_conflict(http_request, pk, action, " ".join(refusal.problems), changes=moved)
    except NotPermitted as refusal:
        return cannot_act(http_request, request_obj, refusal.problems, http_status(refusal), typed=form.typed())
    except ActionRefused as refusal:
        for problem in refusal.problems:
            form.add_error(None, problem)
        return render_task(http_request, request_obj, form, status=http_status(refusal))
    drafts.discard(user, request_obj.pk, action)
    messages.success(http_request, DECLARED[action].done)
    if action in RECORD_FORMS:
        return redirect("decisions:decide", pk=request_obj.pk)
    return redirect(request_page_url(request_obj))


@login_required
@require_POST
def keep_draft(http_request, pk):
    """Keep one long answer as the person types it (frontend/app.js): 204, or why not."""
    user = http_request.user
    request_obj = visible_request(user, pk, ConferenceRequest.objects.select_related("child__team"))
    action, _, name = http_request.POST.get("field", "").partition("-")
    form_class = FORMS.get(action)
    if form_class is None:
        return HttpResponseBadRequest("That is not a field of a decision page.")
    if action not in decision_actions(user, request_obj):
        return HttpResponseForbidden(refusal_for(user, request_obj, action))
    long_answers = {field: form_class.base_fields[field] for field in form_class.draftable()}
    return keep_typed(http_request, request_obj, action, name, long_answers)
