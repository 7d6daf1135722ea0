"""Challenge and resolution (R11): the challenge page, where the child's team manager answers and the CP
chair resolves or escalates, and the list of open challenges.

Who may take which step is asked of conferences.permissions.challenge_refusal; the steps are taken
by conferences.records, which check it again under a row lock.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from audit.services import record_access, record_list_access
from conferences import forms_decisions as decision_forms
from conferences.actions import CHALLENGE_STEPS
from conferences.errors import ActionRefused, NotPermitted, RequestChanged, http_status
from conferences.models import Challenge, ChallengeTrigger
from conferences.permissions import can_view_request, challenge_refusal
from conferences.timescales import challenge_deadline
from conferences.views.dashboards import challenge_rows, open_challenges
from conferences.views.decisions import request_page_url

PAGE_SIZE = 25
CHANGED = "The challenge changed while you were looking at it. Look at it again before you act."

# The challenge's steps, as declared (conferences/actions.py), in the order the page offers them.
STEPS = CHALLENGE_STEPS


def visible_challenge(user, pk) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("request__child__team", "issued_by", "responded_by", "closed_by"), pk=pk
    )
    if not can_view_request(user, challenge.request):
        raise Http404
    return challenge


def challenge_steps(user, challenge) -> list[str]:
    """The steps this person may take now: the challenge's state machine says which can follow its state."""
    possible = {transition.name for transition in challenge.get_available_state_transitions()}
    return [step for step in STEPS if step in possible and challenge_refusal(user, challenge, step) is None]


def _form(step, challenge, data=None):
    return decision_forms.FORMS[step](data, initial={"expected_state": challenge.state})


def _render(http_request, challenge, *, bound=None, status=200, notice=""):
    steps = challenge_steps(http_request.user, challenge)
    forms = [bound if bound is not None and bound.action == step else _form(step, challenge) for step in steps]
    context = {
        "challenge": challenge,
        "request_obj": challenge.request,
        "child": challenge.request.child,
        "triggers": [ChallengeTrigger(t).label for t in challenge.triggers],
        "deadline": challenge_deadline(challenge),
        "forms": forms,
        "error_form": bound if bound is not None and bound.errors else None,
        "request_url": request_page_url(challenge.request),
        "notice": notice,
    }
    return render(http_request, "conferences/decisions/challenge.html", context, status=status)


@login_required
def challenge_detail(http_request, pk):
    user = http_request.user
    challenge = visible_challenge(user, pk)
    record_access(user, challenge.request.child, http_request.path)
    if http_request.method != "POST":
        return _render(http_request, challenge)

    step = http_request.POST.get("action", "")
    form = None
    try:
        if step not in STEPS:
            raise ActionRefused("Choose one of the steps on this page.")
        seen = http_request.POST.get(f"{step}-expected_state")
        if seen and seen != challenge.state:
            raise RequestChanged(CHANGED)
        if step not in challenge_steps(user, challenge):
            raise NotPermitted(
                challenge_refusal(user, challenge, step)
                or f"The challenge is '{challenge.get_state_display()}': that step cannot be taken now."
            )
        form = _form(step, challenge, data=http_request.POST)
        if not form.is_valid():
            return _render(http_request, challenge, bound=form, status=400)
        STEPS[step].take(
            challenge.pk, user, expected_state=form.cleaned_data["expected_state"], **form.service_kwargs()
        )
    except RequestChanged as refusal:
        fresh = visible_challenge(user, pk)
        return _render(http_request, fresh, status=http_status(refusal), notice=" ".join(refusal.problems))
    except NotPermitted as refusal:
        return render(
            http_request,
            "conferences/decisions/cannot_act.html",
            {
                "request_obj": challenge.request,
                "child": challenge.request.child,
                "problems": refusal.problems,
                "request_url": request_page_url(challenge.request),
            },
            status=http_status(refusal),
        )
    except ActionRefused as refusal:
        if form is not None:
            for problem in refusal.problems:
                form.add_error(None, problem)
        return _render(http_request, challenge, bound=form, status=http_status(refusal))
    messages.success(http_request, STEPS[step].done)
    return redirect("decisions:challenge", pk=challenge.pk)


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
