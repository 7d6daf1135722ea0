"""Challenge and resolution (R11): the challenge page, with the steps this person may take as a task list,
one page for each step with its own save, and the list of open challenges.

The steps are the declarations in conferences/actions.py (`CHALLENGE_STEPS`): the child's team manager
responds, the CP chair resolves or escalates. Who may take which step is asked of
conferences.permissions.challenge_refusal; the steps are taken by conferences.records, which check it
again under a row lock. The step pages are the request's task pages (conferences/views/decisions.py) for
a challenge: the same template, drafts, confirmation and conflict handling. Escalating (a warning step)
is confirmed on a page of its own first.

Typed work is never lost: long answers are kept as drafts while the person types and put back when the
page is opened again; a refusal keeps the form as typed; when the challenge changed meanwhile, the page
shows what changed beside the person's text and the form now carries the challenge's new state, so
sending it again is a step taken knowing the changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from audit.services import record_access, record_list_access
from conferences import drafts
from conferences import forms_decisions as decision_forms
from conferences.actions import CHALLENGE_STEPS
from conferences.errors import ActionRefused, NotPermitted, RequestChanged, http_status
from conferences.models import Challenge, ChallengeTrigger
from conferences.permissions import can_view_request, challenge_refusal
from conferences.selectors import changes_since
from conferences.timescales import challenge_deadline
from conferences.views.dashboards import challenge_rows, open_challenges
from conferences.views.decisions import (
    IN_PROGRESS,
    NOT_STARTED,
    Task,
    cannot_act,
    confirmation_due,
    keep_as_drafts,
    request_page_url,
    told_in_words,
)
from conferences.views.drafting import keep_typed, put_back

PAGE_SIZE = 25
CHANGED = "The challenge changed while you were looking at it. Look at it again before you act."

# The challenge's steps, as declared (conferences/actions.py), in the order the task list offers them.
STEPS = CHALLENGE_STEPS


def visible_challenge(user, pk) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("request__child__team", "issued_by", "responded_by", "closed_by"), pk=pk
    )
    if not can_view_request(user, challenge.request):
        raise Http404
    return challenge


def opened_challenge(http_request, pk) -> Challenge:
    """The challenge, if this person may see it; the look at the child's record is logged."""
    challenge = visible_challenge(http_request.user, pk)
    record_access(http_request.user, challenge.request.child, http_request.path)
    return challenge


def challenge_steps(user, challenge) -> list[str]:
    """The steps this person may take now: the challenge's state machine says which can follow its state."""
    possible = {transition.name for transition in challenge.get_available_state_transitions()}
    return [step for step in STEPS if step in possible and challenge_refusal(user, challenge, step) is None]


def step_refusal(user, challenge, step) -> str:
    return (
        challenge_refusal(user, challenge, step)
        or f"The challenge is '{challenge.get_state_display()}': it cannot be {STEPS[step].past} now."
    )


def step_url(challenge, step) -> str:
    return reverse("decisions:challenge_step", args=[challenge.pk, step])


def draft_prefix(challenge, step) -> str:
    """Drafts are kept on the challenge's request, so a step's are named by the challenge as well: a request
    may have more than one challenge."""
    return f"challenge{challenge.pk}_{step}"


def step_tasks(user, challenge) -> list[Task]:
    drafted = drafts.forms_with_drafts(user, challenge.request_id)
    return [
        Task(
            step,
            STEPS[step].title,
            IN_PROGRESS if draft_prefix(challenge, step) in drafted else NOT_STARTED,
            step_url(challenge, step),
        )
        for step in challenge_steps(user, challenge)
    ]


def challenge_context(challenge) -> dict:
    """What every challenge page shows of it: what it is about, the challenge, the answer and the outcome."""
    return {
        "challenge": challenge,
        "request_obj": challenge.request,
        "child": challenge.request.child,
        "triggers": [ChallengeTrigger(t).label for t in challenge.triggers],
        "deadline": challenge_deadline(challenge),
        "request_url": request_page_url(challenge.request),
        "tasks_url": reverse("decisions:challenge", args=[challenge.pk]),
    }


def build_form(step, challenge, data=None):
    initial = {"expected_state": challenge.state, "expected_version": challenge.request.version}
    return decision_forms.FORMS[step](data, initial=initial)


@login_required
@require_safe
def challenge_detail(http_request, pk):
    """The challenge as it stands, and the steps this person may take on it, each a task of its own."""
    challenge = opened_challenge(http_request, pk)
    context = challenge_context(challenge) | {"tasks": step_tasks(http_request.user, challenge)}
    return render(http_request, "conferences/decisions/challenge.html", context)


def render_step(http_request, challenge, form, *, status=200, notice="", changes=(), restored=None):
    context = challenge_context(challenge) | {
        "form": form,
        "declared": STEPS[form.action],
        "is_decision": False,
        "error_form": form if form.is_bound and form.errors else None,
        "notice": notice,
        "changes": changes,
        "restored": restored,
        "draft_url": reverse("decisions:challenge_draft", args=[challenge.pk]),
    }
    return render(http_request, "conferences/decisions/task.html", context, status=status)


def _after_conflict(http_request, pk, step, notice):
    """Someone took a step first. The person's text stays, beside what changed, on a form that now carries the
    challenge's new state; if this step cannot follow it, their text is shown on the page that says so."""
    user = http_request.user
    fresh = visible_challenge(user, pk)
    seen = http_request.POST.get(f"{step}-expected_version", "")
    changes = changes_since(fresh.request, int(seen)) if seen.isdigit() else ()
    data = http_request.POST.copy()
    data[f"{step}-expected_state"] = fresh.state
    data[f"{step}-expected_version"] = str(fresh.request.version)
    kept = build_form(step, fresh, data=data)
    if step not in challenge_steps(user, fresh):
        return cannot_act(http_request, fresh.request, [notice, step_refusal(user, fresh, step)], 409, kept.typed())
    return render_step(http_request, fresh, kept, status=409, notice=notice, changes=changes)


@login_required
def challenge_step(http_request, pk, step):
    """One step of a challenge (respond, resolve, escalate), on its own page with its own save."""
    if step not in STEPS:
        raise Http404
    user = http_request.user
    challenge = opened_challenge(http_request, pk)
    prefix = draft_prefix(challenge, step)
    if http_request.method != "POST":
        if step not in challenge_steps(user, challenge):
            return cannot_act(http_request, challenge.request, [step_refusal(user, challenge, step)], status=403)
        form = build_form(step, challenge)
        restored = put_back(user, challenge.request, prefix, form)
        if restored is None:
            return render_step(http_request, challenge, form)
        return render_step(http_request, challenge, form, restored=restored.at, changes=restored.changes)

    form = build_form(step, challenge, data=http_request.POST)
    try:
        seen = http_request.POST.get(f"{step}-expected_state")
        if seen and seen != challenge.state:
            raise RequestChanged(CHANGED)
        if step not in challenge_steps(user, challenge):
            raise NotPermitted(step_refusal(user, challenge, step))
        if not form.is_valid():
            return render_step(http_request, challenge, form, status=400)
        if confirmation_due(http_request, form):
            keep_as_drafts(user, challenge.request, form, prefix)
            context = challenge_context(challenge) | {
                "form": form,
                "declared": STEPS[step],
                "change_url": step_url(challenge, step),
                "told": told_in_words(STEPS[step]),
            }
            return render(http_request, "conferences/decisions/confirm.html", context)
        STEPS[step].take(
            challenge.pk, user, expected_state=form.cleaned_data["expected_state"], **form.service_kwargs()
        )
    except RequestChanged as refusal:
        return _after_conflict(http_request, pk, step, " ".join(refusal.problems))
    except NotPermitted as refusal:
        return cannot_act(http_request, challenge.request, refusal.problems, http_status(refusal), form.typed())
    except ActionRefused as refusal:
        for problem in refusal.problems:
            form.add_error(None, problem)
        return render_step(http_request, challenge, form, status=http_status(refusal))
    drafts.discard(user, challenge.request_id, prefix)
    messages.success(http_request, STEPS[step].done)
    return redirect("decisions:challenge", pk=challenge.pk)


@login_required
@require_POST
def keep_draft(http_request, pk):
    """Keep one long answer of a challenge step as the person types it (frontend/app.js): 204, or why not."""
    user = http_request.user
    challenge = visible_challenge(user, pk)
    step, _, name = http_request.POST.get("field", "").partition("-")
    if step not in STEPS:
        return HttpResponseBadRequest("That is not a field of a challenge page.")
    if step not in challenge_steps(user, challenge):
        return HttpResponseForbidden(step_refusal(user, challenge, step))
    form_class = decision_forms.FORMS[step]
    long_answers = {field: form_class.base_fields[field] for field in form_class.draftable()}
    return keep_typed(http_request, challenge.request, draft_prefix(challenge, step), name, long_answers)


@login_required
def challenge_list(http_request):
    """Open challenges this person may see: every one for a CP chair, their team's for a team manager."""
    today = timezone.localdate()
    page = Paginator(open_challenges(http_request.user), PAGE_SIZE).get_page(http_request.GET.get("page"))
    challenges = challenge_rows(page, today)
    record_list_access(
        http_request.user, [row.challenge.request.child_id for row in challenges], http_request.get_full_path()
    )
    return render(
        http_request, "conferences/decisions/challenge_list.html", {"page_obj": page, "challenges": challenges}
    )
