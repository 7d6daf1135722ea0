"""The review conference pages: record a review, prepare an ending, and the CP Manager's agreement.

Every page finds the child within what the person may see (django-guardian object permissions,
cases/permissions.py): a child they may not see answers 404, exactly like one that does not exist.
A page for acting answers 403 with the reason to someone who may see the child but not act. Every
page that shows the child is written to audit.RecordAccess. Changes go through reviews/services.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import record_access, record_list_access
from cases.models import CPPlan, Engagement
from cases.permissions import can_view_child
from conferences.family import family_history
from conferences.views.requests import attempt
from people.roles import role_of
from reviews import forms, services
from reviews.models import OPEN_ENDING_STATES, ReviewConference, ReviewDecision, ReviewState
from reviews.permissions import CHAIR_ROLES, agreement_refusal, chair_refusal
from reviews.selectors import check_of, plan_number
from reviews.wording import SIGNAL_WORDS


def _plan(user, plan_pk) -> CPPlan:
    plan = CPPlan.objects.select_related("child__team__service_area", "child__family").filter(pk=plan_pk).first()
    if plan is None or not can_view_child(user, plan.child):
        raise Http404
    return plan


def _review(user, pk) -> ReviewConference:
    review = (
        ReviewConference.objects.select_related("plan__child__team__service_area", "plan__child__family", "chair")
        .prefetch_related("actions")
        .filter(pk=pk)
        .first()
    )
    if review is None or not can_view_child(user, review.plan.child):
        raise Http404
    return review


def _refused(http_request, child, reason):
    return render(http_request, "conferences/worker/refused.html", {"child": child, "reason": reason}, status=403)


@login_required
def record_review(http_request, plan_pk):
    """A review conference on a current plan: its date and its decision, continue or end."""
    plan = _plan(http_request.user, plan_pk)
    refusal = chair_refusal(http_request.user, plan.child)
    if refusal:
        return _refused(http_request, plan.child, refusal)
    record_access(http_request.user, plan.child, http_request.path)
    form = forms.RecordReviewForm(http_request.POST if http_request.method == "POST" else None)
    status = 200
    if http_request.method == "POST":
        if form.is_valid():
            made = {}

            def act():
                made["review"] = services.record_review(
                    plan.pk,
                    http_request.user,
                    held_on=form.cleaned_data["held_on"],
                    decision=form.cleaned_data["decision"],
                )

            status = attempt(form, act)
            if status is None:
                review = made["review"]
                if review.decision == ReviewDecision.CONTINUE:
                    messages.success(http_request, "The review conference is recorded: the plan continues.")
                    return redirect("cases:child_detail", plan.child.pk)
                return redirect("reviews:step_down_plan", review.pk)
        else:
            status = 400
    return render(
        http_request, "reviews/record_review.html", {"plan": plan, "child": plan.child, "form": form}, status=status
    )


def _preparing_page(http_request, pk):
    """A page of the ending's preparation: the review, or the refusal to show instead."""
    review = _review(http_request.user, pk)
    child = review.plan.child
    refusal = chair_refusal(http_request.user, child)
    if refusal is None and review.state != ReviewState.PREPARING:
        refusal = f"The ending is '{review.get_state_display()}': it cannot be changed now."
    if refusal:
        return review, _refused(http_request, child, refusal)
    record_access(http_request.user, child, http_request.path)
    return review, None


@login_required
def step_down_plan(http_request, pk):
    """What follows the plan (Child in Need plan, early help, or another ending) and what the core group did."""
    review, refused = _preparing_page(http_request, pk)
    if refused:
        return refused
    initial = {}
    if review.how_ended:
        initial["how_ended"] = review.how_ended
    if review.core_group_actions_not_implemented is not None:
        initial["core_group_implemented"] = "no" if review.core_group_actions_not_implemented else "yes"
    form = forms.StepDownPlanForm(http_request.POST if http_request.method == "POST" else None, initial=initial)
    status = 200
    if http_request.method == "POST":
        if form.is_valid():
            status = attempt(
                form,
                lambda: services.record_step_down_plan(
                    review.pk,
                    http_request.user,
                    how_ended=form.cleaned_data["how_ended"],
                    core_group_actions_not_implemented=form.core_group_actions_not_implemented(),
                ),
            )
            if status is None:
                return redirect("reviews:actions", review.pk)
        else:
            status = 400
    return render(
        http_request,
        "reviews/step_down_plan.html",
        {"review": review, "child": review.plan.child, "form": form},
        status=status,
    )


@login_required
def actions(http_request, pk):
    """The actions still outstanding, one added at a time, each with its owner and date."""
    review, refused = _preparing_page(http_request, pk)
    if refused:
        return refused
    form = forms.StepDownActionForm(http_request.POST if http_request.method == "POST" else None)
    status = 200
    if http_request.method == "POST":
        if form.is_valid():
            status = attempt(
                form,
                lambda: services.add_step_down_action(
                    review.pk,
                    http_request.user,
                    action=form.cleaned_data["action"],
                    owner=form.cleaned_data["owner"],
                    due_by=form.cleaned_data["due_by"],
                ),
            )
            if status is None:
                messages.success(http_request, "The outstanding action is added.")
                return redirect("reviews:actions", review.pk)
        else:
            status = 400
    return render(
        http_request,
        "reviews/actions.html",
        {"review": review, "child": review.plan.child, "form": form, "actions": list(review.actions.all())},
        status=status,
    )


@login_required
@require_POST
def remove_action(http_request, pk, action_pk):
    review, refused = _preparing_page(http_request, pk)
    if refused:
        return refused
    form = forms.ReviewForm(http_request.POST)
    form.is_valid()
    status = attempt(form, lambda: services.remove_step_down_action(review.pk, http_request.user, action_id=action_pk))
    if status is not None:
        for problem in form.non_field_errors():
            messages.error(http_request, problem)
    return redirect("reviews:actions", review.pk)


def _signals(review):
    """The signals as shown beside the decision: computed now while preparing, as proposed afterwards."""
    if review.state == ReviewState.PREPARING:
        check = check_of(review)
        return [SIGNAL_WORDS[signal] for signal in check.signals], check
    return [SIGNAL_WORDS.get(signal, signal) for signal in review.signals], None


@login_required
def review_detail(http_request, pk):
    """The review and its ending: the step-down signals beside the decision, and the forms this person may use."""
    user = http_request.user
    review = _review(user, pk)
    plan, child = review.plan, review.plan.child
    record_access(user, child, http_request.path)
    may_prepare = review.state == ReviewState.PREPARING and chair_refusal(user, child) is None
    may_agree = review.state == ReviewState.AWAITING_AGREEMENT and agreement_refusal(user, review) is None
    propose_form = forms.ProposeEndingForm(http_request.POST if http_request.method == "POST" and may_prepare else None)
    agree_form = forms.AgreementForm(http_request.POST if http_request.method == "POST" and may_agree else None)
    status = 200
    if http_request.method == "POST":
        if may_prepare and propose_form.is_valid():
            status = attempt(
                propose_form,
                lambda: services.propose_ending(review.pk, user, reason=propose_form.cleaned_data["reason"]),
            )
            if status is None:
                review.refresh_from_db()
                if review.state == ReviewState.ENDED:
                    messages.success(http_request, "The plan has ended.")
                else:
                    messages.success(http_request, "The ending is sent to the CP Manager to agree.")
                return redirect("reviews:review", review.pk)
        elif may_agree and agree_form.is_valid():
            choice = agree_form.cleaned_data["agree"]
            if choice not in ("yes", "no"):
                agree_form.add_error("agree", "Choose whether you agree that the plan ends.")
                status = 400
            else:
                service = services.agree_ending if choice == "yes" else services.refuse_ending
                status = attempt(agree_form, lambda: service(review.pk, user, reason=agree_form.cleaned_data["reason"]))
                if status is None:
                    messages.success(
                        http_request,
                        "You agreed the ending: the plan has ended."
                        if choice == "yes"
                        else "You did not agree the ending: the plan continues.",
                    )
                    return redirect("reviews:review", review.pk)
        elif not (may_prepare or may_agree):
            reason = agreement_refusal(user, review) if review.state == ReviewState.AWAITING_AGREEMENT else None
            return _refused(
                http_request, child, reason or chair_refusal(user, child) or "There is nothing to decide now."
            )
        else:
            status = 400
    signals, check = _signals(review)
    context = {
        "review": review,
        "plan": plan,
        "child": child,
        "signals": signals,
        "check": check,
        "plan_number": plan_number(plan),
        "services_not_engaged": [s for s in plan.services.all() if s.engagement == Engagement.NOT_ENGAGED],
        "family": family_history(child, review.held_on),
        "actions": list(review.actions.all()),
        "may_prepare": may_prepare,
        "may_agree": may_agree,
        "propose_form": propose_form,
        "agree_form": agree_form,
        "agreement_refusal": agreement_refusal(user, review)
        if review.state == ReviewState.AWAITING_AGREEMENT
        else None,
    }
    return render(http_request, "reviews/review.html", context, status=status)


@login_required
def endings(http_request):
    """Endings waiting for the CP Manager's agreement, and those being prepared: for CP chairs and CP Managers."""
    if role_of(http_request.user) not in CHAIR_ROLES:
        return _refused(http_request, None, "Only CP chairs and CP Managers see the plan endings.")
    reviews = list(
        ReviewConference.objects.filter(state__in=OPEN_ENDING_STATES)
        .select_related("plan__child__team", "chair")
        .order_by("state", "held_on", "pk")
    )
    visible = [review for review in reviews if can_view_child(http_request.user, review.plan.child)]
    record_list_access(http_request.user, [review.plan.child_id for review in visible], http_request.get_full_path())
    return render(
        http_request,
        "reviews/endings.html",
        {
            "awaiting": [r for r in visible if r.state == ReviewState.AWAITING_AGREEMENT],
            "preparing": [r for r in visible if r.state == ReviewState.PREPARING],
        },
    )
