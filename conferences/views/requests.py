"""The worker's step-by-step request and the request page that everyone who may see it shares.

Views stay thin: they show what the assessment, the requirements and the permissions say, and every
change goes through conferences/records.py or conferences/transitions.py with the stage and version the
person saw (`expected_state`, `expected_version`). A refusal from those services becomes a message on
the page (400, 403, or 409 when the request changed meanwhile, with the typed text kept), never a 500.
A section's long answers are kept as drafts while the worker types (conferences/views/drafting.py) and put
back when the section is opened again, until it is saved.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import record_access
from cases.permissions import children_visible_to
from conferences import assessment as steps
from conferences import drafts, forms, records, transitions
from conferences.actions import (
    ACTIONS,
    CONFIRM_NO_PREVIOUS_PLAN,
    CONFIRM_PREVIOUS_PLAN,
    ISSUE_CHALLENGE,
    RECONFIRM_PRIOR_PLAN_CHECK,
    RECORD_CONFERENCE,
    SUBMIT,
    WITHDRAW,
)
from conferences.corrections import corrections_of, corrections_open_to
from conferences.errors import ActionRefused, NotPermitted, RequestChanged, StaleVersion, http_status
from conferences.family import family_history, record_family_access
from conferences.models import (
    AlternativeRoute,
    ConferenceRequest,
    HistorySource,
    ProposedService,
    SiblingDecision,
)
from conferences.permissions import can_view_request, may_record, record_refusal, transition_refusal
from conferences.presenters import assessment_flags, flags_by_point
from conferences.requirements import outstanding_steps
from conferences.selectors import assessment_date, changes_since, try_assessment, with_sibling_counts
from conferences.views.drafting import keep_typed, put_back
from conferences.views.timeline import timeline, trail_of
from conferences.views.wording import STEP_TITLES, who_does


def request_queryset():
    """A request with everything its pages read, in a fixed number of queries."""
    return (
        with_sibling_counts(ConferenceRequest.objects)
        .select_related(
            "child__team__service_area",
            "child__family",
            "child__allocated_worker",
            "created_by",
            "submitted_by",
            "conference_chair",
            "plan",
        )
        .prefetch_related(
            "child__plans__services",
            "proposed_services",
            Prefetch("sibling_decisions", queryset=SiblingDecision.objects.select_related("sibling")),
            "challenges",
        )
    )


def visible_request(user, pk, queryset=None) -> ConferenceRequest:
    """The request, or 404 whether it is missing or belongs to someone else: the page never says which."""
    request_obj = get_object_or_404(request_queryset() if queryset is None else queryset, pk=pk)
    if not can_view_request(user, request_obj):
        raise Http404
    return request_obj


def open_request(http_request, pk, queryset=None) -> ConferenceRequest:
    """A page opening a request: every such page shows the child's history, so each opening is logged."""
    request_obj = visible_request(http_request.user, pk, queryset)
    log_opening(http_request, request_obj)
    return request_obj


def log_opening(http_request, request_obj):
    record_access(http_request.user, request_obj.child, http_request.path)


def keep_typed_text(form, refusal):
    """After someone else acted first: the form keeps what was typed, shows what changed, and now carries the
    request's version (and, when it moved on, its stage) as they are now.

    Sending it again is a decision taken knowing the changes; it is never applied silently over them, and
    never refused again for a page the person has already been shown is out of date.
    """
    form.data = form.data.copy()
    if isinstance(refusal, StaleVersion):
        form.data[form.add_prefix("expected_version")] = refusal.version
        form.changes = refusal.changes
        return
    seen = str(form.data.get(form.add_prefix("expected_version"), ""))
    now = ConferenceRequest.objects.get(pk=form.request_obj.pk)
    form.data[form.add_prefix("expected_state")] = now.state
    form.data[form.add_prefix("expected_version")] = now.version
    form.changes = changes_since(now, int(seen)) if seen.isdigit() else []


def add_refusal(form, refusal):
    """A refusal's problems on the form: each on the field it is about, where the form has it; the rest above."""
    on_fields = set()
    for name, problems in refusal.field_errors.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem)
            on_fields.update(problems)
    for problem in refusal.problems:
        if problem not in on_fields:
            form.add_error(None, problem)


def attempt(form, action):
    """Run a service; a refusal becomes the form's errors, and the answer is the status to reply with."""
    try:
        action()
    except ActionRefused as refusal:
        if isinstance(refusal, RequestChanged):
            keep_typed_text(form, refusal)
        add_refusal(form, refusal)
        return http_status(refusal)
    return None


def refused(http_request, request_obj, reason, status=403, typed=()):
    """A page this person may not use now; whatever they typed is shown so that it is not lost."""
    return render(
        http_request,
        "conferences/worker/refused.html",
        {"request_obj": request_obj, "reason": reason, "typed": typed},
        status=status,
    )


# The worker's sections, in order. Each shows only when the assessment requires its step(s).


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    record: str
    required_step: str | None  # None: always shown

    def applies(self, assessment) -> bool:
        if self.required_step is None:
            return True
        return assessment is not None and self.required_step in assessment.required_steps


SECTIONS = [
    Section("proposal", "The proposal", "proposal", None),
    Section("repeat", "Partners and the repeat-plan analysis", "analysis", steps.REPEAT_ANALYSIS),
    Section("services", "Repeated services", "service_rationale", steps.REPEATED_SERVICE_RATIONALE),
    Section("siblings", "Siblings", "sibling_decision", steps.SIBLING_CONSIDERATION),
    Section("chair", "Conversation with the CP chair", "cp_chair_conversation", steps.CP_CHAIR_CONVERSATION),
]
SECTION_BY_SLUG = {section.slug: section for section in SECTIONS}


def sections_for(assessment) -> list[Section]:
    return [section for section in SECTIONS if section.applies(assessment)]


def repeated_services(request_obj, assessment) -> list[ProposedService]:
    repeated = set(assessment.repeated_services) if assessment else set()
    return [service for service in request_obj.proposed_services.all() if service.name.strip() in repeated]


def _siblings(request_obj):
    """The sibling section starts from the family's CP history: a sibling with a recent plan comes first."""
    return [history.sibling for history in family_history(request_obj.child, assessment_date(request_obj))]


def _service_groups(request_obj, form):
    """Each repeated service's questions, with how the family engaged with it under previous plans."""
    previous = {}
    for plan in request_obj.child.plans.all():
        for delivered in plan.services.all():
            previous.setdefault(delivered.name.strip(), []).append(delivered)
    return [(service, parts, previous.get(service.name.strip(), [])) for service, parts in form.groups()]


def _build_form(slug, request_obj, assessment, data=None):
    if slug == "proposal":
        return forms.ProposalForm(data, request_obj=request_obj)
    if slug == "repeat":
        return forms.RepeatAnalysisForm(data, request_obj=request_obj)
    if slug == "services":
        return forms.RepeatedServicesForm(
            data, request_obj=request_obj, services=repeated_services(request_obj, assessment)
        )
    if slug == "siblings":
        decisions = {decision.sibling_id: decision for decision in request_obj.sibling_decisions.all()}
        return forms.SiblingsForm(data, request_obj=request_obj, siblings=_siblings(request_obj), decisions=decisions)
    return forms.ChairConversationForm(data, request_obj=request_obj)


def _save(slug, request_obj, user, form):
    """One section is one service: what the page saves together commits together, or not at all."""
    data = form.cleaned_data
    pk, seen, version = request_obj.pk, data["expected_state"], data["expected_version"]
    if slug == "proposal":
        records.save_proposal(
            pk,
            user,
            reason=data["reason"],
            categories=data["categories"],
            factors=data["factors"],
            services=data["services"],
            strategy_discussion_date=data["strategy_discussion_date"],
            expected_state=seen,
            expected_version=version,
        )
    elif slug == "repeat":
        records.save_repeat_analysis(
            pk,
            user,
            partners_informed_on=data["partners_informed_on"],
            partners_informed_context=data["partners_informed_context"],
            time_since=data["time_since"],
            plan_length=data["plan_length"],
            risks=data["risks"],
            services=data["services"],
            expected_state=seen,
            expected_version=version,
        )
    elif slug == "services":
        rationales = {service.pk: form.rationale_for(service) for service in form.services}
        records.record_service_rationales(pk, user, rationales, expected_state=seen, expected_version=version)
    elif slug == "siblings":
        decided = [(sibling.pk, include, reason) for sibling, include, reason in form.decided()]
        records.record_sibling_decisions(pk, user, decided, expected_state=seen, expected_version=version)
    else:
        records.record_cp_chair_conversation(
            pk,
            user,
            conversation=data["conversation"],
            held_on=data["held_on"],
            expected_state=seen,
            expected_version=version,
        )


def _after_section(http_request, request_obj, slug):
    if "later" in http_request.POST:
        messages.success(http_request, "Your answers have been saved.")
        return redirect("conferences:request_detail", request_obj.pk)
    check_url = reverse("conferences:check_answers", args=[request_obj.pk])
    if http_request.GET.get("next") == "check":
        return redirect(check_url)
    fresh = visible_request(http_request.user, request_obj.pk)
    assessment, _ = try_assessment(fresh)
    slugs = [section.slug for section in sections_for(assessment)]
    later = slugs[slugs.index(slug) + 1 :] if slug in slugs else []
    if later:
        return redirect("conferences:section", request_obj.pk, later[0])
    return redirect(check_url)


@login_required
def section(http_request, pk, slug):
    """One section of the request, saved as a draft on its own: the form keeps what was typed on any error,
    and long answers typed but not saved are put back when the section is opened again."""
    if slug not in SECTION_BY_SLUG:
        raise Http404
    user = http_request.user
    request_obj = visible_request(user, pk)
    assessment, problem = try_assessment(request_obj)
    applicable = sections_for(assessment)
    current = SECTION_BY_SLUG[slug]
    if current not in applicable:
        return redirect("conferences:check_answers", pk)
    posted = http_request.POST if http_request.method == "POST" else None
    refusal = record_refusal(user, request_obj, current.record)
    if refusal:
        typed = _build_form(slug, request_obj, assessment, posted).typed() if posted else ()
        return refused(http_request, request_obj, refusal, typed=typed)
    log_opening(http_request, request_obj)

    form = _build_form(slug, request_obj, assessment, posted)
    status, restored = 200, None
    if posted is None:
        restored = put_back(user, request_obj, slug, form)
        if restored:
            form.changes = restored.changes
    elif form.is_valid():
        status = attempt(form, lambda: _save(slug, request_obj, user, form))
        if status is None:
            drafts.discard(user, pk, slug)
            return _after_section(http_request, request_obj, slug)
    else:
        status = 400
    on_date = assessment_date(request_obj)
    flags = assessment_flags(assessment, on_date)
    context = {
        "request_obj": request_obj,
        "child": request_obj.child,
        "form": form,
        "section": current,
        "step_number": applicable.index(current) + 1,
        # The proposal's services decide whether the repeated-services section follows, so until they
        # are saved the count could still change; from the next section on it holds.
        "step_count": None if current.slug == "proposal" else len(applicable),
        "assessment": assessment,
        "assessment_problem": problem,
        "flags": flags,
        "flags_by_point": flags_by_point(flags),
        "from_check": http_request.GET.get("next") == "check",
        "restored": restored.at if restored else None,
        "draft_url": reverse("conferences:section_draft", args=[pk, slug]) if form.draftable() else "",
    }
    if slug == "services":
        context["service_groups"] = _service_groups(request_obj, form)
    if slug == "siblings":
        context.update(_family_context(http_request, request_obj))
        histories = {history.sibling.pk: history for history in context["family"]}
        context["sibling_rows"] = [
            (sibling, include, reason, histories.get(sibling.pk)) for sibling, include, reason in form.groups()
        ]
    return render(http_request, f"conferences/worker/section_{slug}.html", context, status=status)


@login_required
@require_POST
def keep_section_draft(http_request, pk, slug):
    """Keep one long answer of a section as its writer types it (frontend/app.js): 204, or why not."""
    if slug not in SECTION_BY_SLUG:
        raise Http404
    request_obj = visible_request(http_request.user, pk)
    assessment, _ = try_assessment(request_obj)
    current = SECTION_BY_SLUG[slug]
    if current not in sections_for(assessment):
        return HttpResponseBadRequest("That section is not part of this request.")
    refusal = record_refusal(http_request.user, request_obj, current.record)
    if refusal:
        return HttpResponseForbidden(refusal)
    form = _build_form(slug, request_obj, assessment)
    long_answers = {name: form.fields[name] for name in form.draftable()}
    return keep_typed(http_request, request_obj, slug, http_request.POST.get("field", ""), long_answers)


def answers_context(request_obj, user, assessment, *, from_check=False):
    """What the worker has recorded, per section, with a Change link where this person may still change it."""
    applicable = [section.slug for section in sections_for(assessment)]
    suffix = "?next=check" if from_check else ""
    change_urls = {
        section.slug: reverse("conferences:section", args=[request_obj.pk, section.slug]) + suffix
        for section in sections_for(assessment)
        if may_record(user, request_obj, section.record)
    }
    decisions = {decision.sibling_id: decision for decision in request_obj.sibling_decisions.all()}
    return {
        "sections": applicable,
        "change_urls": change_urls,
        "repeated_services": repeated_services(request_obj, assessment),
        "sibling_answers": [(sibling, decisions.get(sibling.pk)) for sibling in _siblings(request_obj)]
        if "siblings" in applicable
        else [],
    }


@login_required
def check_answers(http_request, pk):
    """Check your answers, then submit (transitions.submit)."""
    request_obj = open_request(http_request, pk)
    user = http_request.user
    form = forms.SubmitForm(http_request.POST if http_request.method == "POST" else None, request_obj=request_obj)
    status = 200
    if http_request.method == "POST":
        if form.is_valid():
            seen, version = form.cleaned_data["expected_state"], form.cleaned_data["expected_version"]
            status = attempt(form, lambda: transitions.submit(pk, user, expected_state=seen, expected_version=version))
            if status is None:
                messages.success(http_request, SUBMIT.done)
                return redirect("conferences:request_detail", pk)
        else:
            status = 400
    assessment, problem = try_assessment(request_obj)
    context = {
        "request_obj": request_obj,
        "child": request_obj.child,
        "form": form,
        "assessment": assessment,
        "assessment_problem": problem,
        "may_submit": SUBMIT.available_for(user, request_obj),
        "still_needed": SUBMIT.missing(request_obj) if request_obj.state in SUBMIT.source else [],
        **answers_context(request_obj, user, assessment, from_check=True),
    }
    # Sections with text this person typed and did not save, to go back to before submitting leaves it behind.
    drafted = drafts.forms_with_drafts(user, pk)
    context["unsaved"] = [
        (section, context["change_urls"][section.slug])
        for section in sections_for(assessment)
        if section.slug in drafted and section.slug in context["change_urls"]
    ]
    return render(http_request, "conferences/worker/check_answers.html", context, status=status)


@login_required
@require_POST
def start(http_request, child_pk):
    """Start a draft request for a child (records.start_request decides whether this person may)."""
    child = get_object_or_404(children_visible_to(http_request.user), pk=child_pk)
    try:
        request_obj = records.start_request(child, http_request.user)
    except NotPermitted as refusal:
        return render(
            http_request, "conferences/worker/refused.html", {"child": child, "reason": refusal.problems[0]}, status=403
        )
    except ActionRefused as refusal:
        for problem in refusal.problems:
            messages.error(http_request, problem)
        return redirect("cases:child_detail", child.pk)
    return redirect("conferences:section", request_obj.pk, "proposal")


def _action_page(http_request, pk, names, form_class, template, act, success, extra=None):
    """A worker action page (prior-plan check, withdraw): offered only when the FSM offers it to this person."""
    request_obj = visible_request(http_request.user, pk)
    offered = set(transitions.available_actions(request_obj, http_request.user)) & set(names)
    if not offered:
        reason = transition_refusal(http_request.user, request_obj, names[0])
        return refused(
            http_request,
            request_obj,
            reason or f"This cannot be done while the request is at '{request_obj.get_state_display()}'.",
        )
    log_opening(http_request, request_obj)
    form = form_class(http_request.POST if http_request.method == "POST" else None, request_obj=request_obj)
    status = 200
    if http_request.method == "POST":
        if form.is_valid():
            status = attempt(form, lambda: act(request_obj, form.cleaned_data))
            if status is None:
                messages.success(http_request, success)
                return redirect("conferences:request_detail", pk)
        else:
            status = 400
    context = {"request_obj": request_obj, "child": request_obj.child, "form": form}
    if extra:
        context.update(extra(http_request, request_obj))
    return render(http_request, template, context, status=status)


def _family_context(http_request, request_obj):
    """The family's CP history as at the assessment's date, each sibling shown logged against them."""
    on_date = assessment_date(request_obj)
    family = family_history(request_obj.child, on_date)
    record_family_access(http_request.user, family, http_request.path)
    return {"family": family, "family_on_date": on_date}


@login_required
def prior_plan_check(http_request, pk):
    """R1: one confirmation; whether a previous plan exists follows from the history, not from a choice."""
    user = http_request.user
    return _action_page(
        http_request,
        pk,
        [CONFIRM_PREVIOUS_PLAN.name, CONFIRM_NO_PREVIOUS_PLAN.name, RECONFIRM_PRIOR_PLAN_CHECK.name],
        forms.PriorPlanCheckForm,
        "conferences/worker/prior_plan_check.html",
        lambda request_obj, data: transitions.confirm_prior_plan_check(
            request_obj.pk,
            user,
            sources_checked=data["sources_checked"],
            expected_state=data["expected_state"],
            expected_version=data["expected_version"],
        ),
        CONFIRM_PREVIOUS_PLAN.done,
        extra=_family_context,
    )


@login_required
def withdraw(http_request, pk):
    user = http_request.user
    return _action_page(
        http_request,
        pk,
        [WITHDRAW.name],
        forms.WithdrawForm,
        "conferences/worker/withdraw.html",
        lambda request_obj, data: transitions.withdraw(
            request_obj.pk,
            user,
            reason=data["reason"],
            expected_state=data["expected_state"],
            expected_version=data["expected_version"],
        ),
        WITHDRAW.done,
    )


# The request page.


@dataclass(frozen=True)
class Outstanding:
    step: str
    title: str
    who: str
    missing: list[str]


@login_required
def request_detail(http_request, pk):
    """Everything about one request for anyone who may see it; opening it is logged against the child."""
    user = http_request.user
    request_obj = open_request(http_request, pk)
    assessment, problem = try_assessment(request_obj)
    order = {step: position for position, step in enumerate(STEP_TITLES)}
    outstanding = [
        Outstanding(step, STEP_TITLES.get(step, step), who_does(step), missing)
        for step, missing in sorted(outstanding_steps(request_obj).items(), key=lambda item: order.get(item[0], 99))
    ]
    actions = transitions.available_actions(request_obj, user)
    flags = assessment_flags(assessment, assessment_date(request_obj))
    trail = trail_of(request_obj)
    context = {
        "request_obj": request_obj,
        "child": request_obj.child,
        "assessment": assessment,
        "assessment_problem": problem,
        "flags": flags,
        "outstanding": [item for item in outstanding if item.missing],
        "done": [item for item in outstanding if not item.missing],
        "may_submit": SUBMIT.name in actions,
        "may_confirm_check": bool(
            {CONFIRM_PREVIOUS_PLAN.name, CONFIRM_NO_PREVIOUS_PLAN.name, RECONFIRM_PRIOR_PLAN_CHECK.name} & set(actions)
        ),
        "may_withdraw": WITHDRAW.name in actions,
        "decisions": [
            ACTIONS[name].offer for name in actions if ACTIONS[name].offer and name != RECORD_CONFERENCE.name
        ],
        "may_record_conference": RECORD_CONFERENCE.name in actions,
        "may_issue_challenge": ISSUE_CHALLENGE.refusal(user, request_obj) is None,
        "timeline": timeline(request_obj, trail),
        "corrections": corrections_of(trail),
        "may_correct": corrections_open_to(user, request_obj),
        "sources_checked": [HistorySource(source).label for source in request_obj.sources_checked],
        "alternatives_considered": [AlternativeRoute(route).label for route in request_obj.alternatives_considered],
        **answers_context(request_obj, user, assessment),
    }
    return render(http_request, "conferences/request_detail.html", context)
